// The opening ceremony on a real database: who may start and confirm it, and when; the sealing guard before
// it; and what happens when the stored bytes, the sealed content or the instance key are not what sealed
// them — a clear error, nothing served and nothing opened half-way. Ends with a large file's byte-exact
// round trip through sealing, storage and opening.
import { createCipheriv, createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { instanceKeyId } from '../../src/domain/key-wrap.js'
import type { Actor, UserActor } from '../../src/domain/policy.js'
import { sealedSize } from '../../src/domain/sealing.js'
import { formatInstant } from '../../src/domain/time.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { attest } from '../../src/services/evaluation.js'
import { createServiceContext } from '../../src/services/context.js'
import { confirmOpening, listProposalsForCommittee, openProposalFile, readProposal, startOpening } from '../../src/services/opening.js'
import { sealUpload, type UploadedFile } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { T0, createCommitteeMember, createOwner, createVendorContact, seededRandom, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

const stepUp = (actor: UserActor, ctx: Ctx): UserActor => ({ ...actor, hasSecondFactor: true, secondFactorAt: ctx.clock.now().toISOString() })

async function upload (ctx: Ctx, actor: UserActor, slug: string, part: string, content: AsyncIterable<Uint8Array> | Buffer): Promise<UploadedFile> {
  return await sealUpload(ctx, actor, slug, { part, fileName: `${part}.pdf`, content: Buffer.isBuffer(content) ? Readable.from([content]) : content, maxBytes: 100 * 1024 * 1024 })
}

/**
 * A published RFP whose committee is its owner, and an evaluator when `committee` is two; one vendor's
 * proposal (its plan given by `plan`); the clock just past the deadline unless `atDeadline` is false.
 */
async function withProposal (t: Parameters<typeof testContext>[0], { committee = 1, plan, atDeadline = true }: { committee?: 1 | 2, plan?: AsyncIterable<Uint8Array>, atDeadline?: boolean } = {}) {
  const ctx = await testContext(t)
  const owner = (await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Chair' })).actor
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const evaluator = (await createCommitteeMember(ctx, 'evaluator@example.org', { displayName: 'Evaluator' })).actor
  if (committee === 2) await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  // Members attest before they read any proposal (DESIGN §3.4): evaluation-access tests cover the refusal.
  await attest(ctx, owner, slug, { mayBeNamed: false })
  if (committee === 2) await attest(ctx, evaluator, slug, { mayBeNamed: false })
  const vendor = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const files = [
    await upload(ctx, vendor.actor, slug, 'plan', plan ?? pdf('the plan')),
    await upload(ctx, vendor.actor, slug, 'cvs', pdf('the cvs!')),
    await upload(ctx, vendor.actor, slug, 'example-reports', pdf('the reports'))
  ]
  const receipt = await submitProposal(ctx, vendor.actor, slug, { content: { summary: 'We audit Go.', personnel: [] }, partners: [] }, files)
  const dueAt = new Date(Date.parse(draft.schedule.proposalsDueAt))
  if (atDeadline) ctx.clock.set(dueAt)
  const proposalId = (await ctx.db.selectFrom('proposals').select('id').executeTakeFirstOrThrow()).id
  return { ctx, owner, evaluator, vendor, id, slug, draft, dueAt, files, receipt, proposalId }
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 1000)).filter((e) => e.type === type)
}

async function rfpState (ctx: Ctx, id: string): Promise<string> {
  return (await ctx.db.selectFrom('rfps').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state
}

async function readAll (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of source) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts)
}

const storedPath = (ctx: Ctx, id: string): string => join(ctx.config.dataDir, 'files', id.slice(0, 2), id)

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

t.test('a committee of one: the owner\'s start opens at once, recorded in public without dual control', async (t) => {
  const { ctx, owner, vendor, id, slug, receipt, proposalId } = await withProposal(t)
  await t.rejects(startOpening(ctx, { ...owner, secondFactorAt: T0.toISOString() }, slug), { statusCode: 403, code: 'SL_STEP_UP' }, 'a second factor proved long ago is not enough')
  t.same(await startOpening(ctx, stepUp(owner, ctx), slug), { opened: true })
  t.equal(await rfpState(ctx, id), 'opened')
  const opening = await ctx.db.selectFrom('rfp_openings').selectAll().executeTakeFirstOrThrow()
  t.match(opening, { started_by: owner.userId, confirmed_by: null, opened_at: ctx.clock.now().toISOString() })

  const opened = await eventsOf(ctx, 'rfp.opened')
  t.equal(opened.length, 1)
  t.equal(opened[0]!.public, true, 'the opening is a public event')
  t.match(opened[0]!.data, { slug, count: 1, receipts: [receipt.hash], dualControl: false })
  t.equal((await eventsOf(ctx, 'rfp.opening.started'))[0]?.public, false)

  const listed = await listProposalsForCommittee(ctx, owner, slug)
  t.equal(listed.opened, true)
  t.same(listed.receipts, [], 'opened, the list shows proposals rather than bare hashes')
  t.match(listed.proposals, [{ id: proposalId, organisationName: 'Alpha Audits', receiptHash: receipt.hash }])
  t.equal((await readProposal(ctx, owner, slug, proposalId)).content.summary, 'We audit Go.')
  await t.rejects(readProposal(ctx, vendor.actor, slug, proposalId), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'the vendor does not read it back')

  await t.rejects(startOpening(ctx, stepUp(owner, ctx), slug), { statusCode: 409, code: 'SL_INVALID_STATE' }, 'a second start is refused')
  t.equal((await eventsOf(ctx, 'rfp.opened')).length, 1)
})

t.test('a committee of two: the owner starts, the other member confirms, never the starter', async (t) => {
  const { ctx, owner, evaluator, id, slug, receipt, proposalId } = await withProposal(t, { committee: 2 })
  await t.rejects(confirmOpening(ctx, stepUp(evaluator, ctx), slug), { statusCode: 409, message: /no opening has been started/ }, 'nothing to confirm before a start')
  t.same(await startOpening(ctx, stepUp(owner, ctx), slug), { opened: false }, 'the start waits for a second member')
  t.equal(await rfpState(ctx, id), 'published')
  t.equal((await eventsOf(ctx, 'rfp.opened')).length, 0)
  t.match(await listProposalsForCommittee(ctx, evaluator, slug), { opened: false, count: 1, receipts: [receipt.hash], proposals: [], mayConfirm: true, opening: { startedBy: 'Chair', startedByMe: false } })
  t.match(await listProposalsForCommittee(ctx, owner, slug), { mayConfirm: false, mayStart: false, opening: { startedByMe: true } })

  await t.rejects(readProposal(ctx, owner, slug, proposalId), { statusCode: 403, message: /sealed/ }, 'started is not opened')
  await t.rejects(startOpening(ctx, stepUp(owner, ctx), slug), { statusCode: 409, code: 'SL_CONFLICT', message: /started already/ }, 'a second start is refused')
  await t.rejects(confirmOpening(ctx, stepUp(owner, ctx), slug), { statusCode: 403, message: /not the one who started it/ }, 'the starter cannot confirm')
  await t.rejects(confirmOpening(ctx, { ...evaluator, secondFactorAt: T0.toISOString() }, slug), { code: 'SL_STEP_UP' }, 'the confirmer proves the second factor again')
  const stranger = await createOwner(ctx, 'stranger@example.org')
  await t.rejects(confirmOpening(ctx, stranger, slug), { statusCode: 403, message: /member of the RFP's committee/ }, 'someone outside the committee cannot confirm')
  t.equal(await rfpState(ctx, id), 'published', 'no refusal opened anything')

  await confirmOpening(ctx, stepUp(evaluator, ctx), slug)
  t.equal(await rfpState(ctx, id), 'opened')
  t.match(await ctx.db.selectFrom('rfp_openings').selectAll().executeTakeFirstOrThrow(), { started_by: owner.userId, confirmed_by: evaluator.userId })
  const opened = await eventsOf(ctx, 'rfp.opened')
  t.equal(opened.length, 1)
  t.match(opened[0]!.data, { count: 1, receipts: [receipt.hash], dualControl: true })
  t.equal(opened[0]!.actorId, evaluator.userId)
  t.equal((await readProposal(ctx, evaluator, slug, proposalId)).proposal.receiptHash, receipt.hash)
  await t.rejects(confirmOpening(ctx, stepUp(evaluator, ctx), slug), { statusCode: 409, code: 'SL_INVALID_STATE' }, 'confirming again is refused')
})

t.test('a vendor, a user outside the committee, an admin, an evaluator or nobody cannot start the opening', async (t) => {
  const { ctx, id, vendor, evaluator, slug } = await withProposal(t, { committee: 2 })
  const admin = (await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })).actor
  const outsider = await createOwner(ctx, 'outsider@example.org')
  const anonymous = { kind: 'anonymous' } satisfies Actor
  await t.rejects(startOpening(ctx, vendor.actor, slug), { statusCode: 403, message: /only an owner of the RFP starts the opening/ }, 'a vendor')
  await t.rejects(startOpening(ctx, outsider, slug), { statusCode: 403, message: /only an owner/ }, 'a signed-in user outside the committee')
  await t.rejects(startOpening(ctx, stepUp(admin, ctx), slug), { statusCode: 403, message: /only an owner/ }, 'an admin, even just stepped up')
  await t.rejects(startOpening(ctx, stepUp(evaluator, ctx), slug), { statusCode: 403, message: /only an owner/ }, 'an evaluator')
  await t.rejects(startOpening(ctx, anonymous as unknown as UserActor, slug), { statusCode: 403, message: /sign in first/ }, 'an anonymous visitor')
  t.same(await ctx.db.selectFrom('rfp_openings').selectAll().execute(), [], 'no opening was started')
  t.equal((await eventsOf(ctx, 'rfp.opening.started')).length, 0)
  t.equal(await rfpState(ctx, id), 'published')
})

t.test('before the deadline the opening is refused, naming the deadline', async (t) => {
  const { ctx, owner, id, slug, draft, dueAt } = await withProposal(t, { atDeadline: false })
  const deadline = new RegExp(`sealed until the deadline, ${escape(formatInstant(draft.schedule.proposalsDueAt, draft.timeZone))} \\(Europe/Amsterdam\\)`)
  await t.rejects(startOpening(ctx, stepUp(owner, ctx), slug), { statusCode: 409, message: deadline })
  ctx.clock.set(new Date(dueAt.getTime() - 1))
  await t.rejects(startOpening(ctx, stepUp(owner, ctx), slug), { statusCode: 409, message: deadline }, 'a millisecond before it too')
  t.match(await listProposalsForCommittee(ctx, owner, slug), { mayStart: false, deadlinePassed: false })
  t.same(await ctx.db.selectFrom('rfp_openings').selectAll().execute(), [])
  t.equal(await rfpState(ctx, id), 'published')
  ctx.clock.set(dueAt)
  t.match(await listProposalsForCommittee(ctx, owner, slug), { mayStart: true, deadlinePassed: true })
  t.same(await startOpening(ctx, stepUp(owner, ctx), slug), { opened: true }, 'at the deadline it may start')
})

t.test('before the opening, neither the owner nor an evaluator reads a proposal or a file', async (t) => {
  const { ctx, owner, evaluator, slug, dueAt, proposalId } = await withProposal(t, { committee: 2, atDeadline: false })
  const sealed = { statusCode: 403, code: 'SL_FORBIDDEN', message: /sealed until the deadline has passed and the committee has opened them/ }
  for (const [who, actor] of [['owner', owner], ['evaluator', evaluator]] as const) {
    await t.rejects(readProposal(ctx, actor, slug, proposalId), sealed, `the ${who} before the deadline`)
    await t.rejects(openProposalFile(ctx, actor, slug, proposalId, 0), sealed, `the ${who}'s file before the deadline`)
  }
  ctx.clock.set(dueAt)
  for (const [who, actor] of [['owner', owner], ['evaluator', evaluator]] as const) {
    await t.rejects(readProposal(ctx, actor, slug, proposalId), sealed, `the ${who} after the deadline`)
    await t.rejects(openProposalFile(ctx, actor, slug, proposalId, 0), sealed, `the ${who}'s file after the deadline`)
  }
  await startOpening(ctx, stepUp(owner, ctx), slug)
  for (const [who, actor] of [['owner', owner], ['evaluator', evaluator]] as const) {
    await t.rejects(readProposal(ctx, actor, slug, proposalId), sealed, `the ${who} once the opening is started`)
    await t.rejects(openProposalFile(ctx, actor, slug, proposalId, 0), sealed, `the ${who}'s file once the opening is started`)
  }
})

t.test('after the opening, a stored file whose ciphertext was altered is refused by name and not served', async (t) => {
  const { ctx, owner, slug, files, proposalId } = await withProposal(t)
  await startOpening(ctx, stepUp(owner, ctx), slug)
  const plan = storedPath(ctx, files[0]!.storedFileId)
  const original = await readFile(plan)
  const flipped = Buffer.from(original)
  flipped[Math.floor(flipped.length / 2)]! ^= 0x01
  await writeFile(plan, flipped)
  await t.rejects(openProposalFile(ctx, owner, slug, proposalId, 0), { statusCode: 409, code: 'SL_INVALID_STATE', message: /^"plan\.pdf" failed its integrity check and is not shown/ })
  t.equal((await readAll((await openProposalFile(ctx, owner, slug, proposalId, 1)).content())).toString(), pdf('the cvs!').toString(), 'the other files are served')

  // A whole, valid sealed file (of the same size) put in another's place unseals, but not to the hash the receipt records.
  const cvs = await readFile(storedPath(ctx, files[1]!.storedFileId))
  t.equal(cvs.length, original.length)
  await writeFile(plan, cvs)
  await t.rejects(openProposalFile(ctx, owner, slug, proposalId, 0), { statusCode: 409, code: 'SL_INVALID_STATE', message: /^"plan\.pdf" does not match the SHA-256 its receipt records and is not served/ }, 'a swapped file is refused')

  await writeFile(plan, original)
  t.equal((await readAll((await openProposalFile(ctx, owner, slug, proposalId, 0)).content())).toString(), pdf('the plan').toString(), 'restored, it is served again')

  await writeFile(plan, original.subarray(0, original.length - 20))
  await t.rejects(openProposalFile(ctx, owner, slug, proposalId, 0), { statusCode: 409, message: /plan\.pdf/ }, 'a cut file is refused by name too')
})

t.test('sealed content altered in the database stops the ceremony with a clear error, and nothing is opened', async (t) => {
  const { ctx, owner, id, slug, receipt, proposalId } = await withProposal(t)
  const row = await ctx.db.selectFrom('proposal_versions').select('sealed_content').executeTakeFirstOrThrow()
  const sealed = Buffer.from(row.sealed_content, 'base64url')
  sealed[sealed.length - 20]! ^= 0x80
  await ctx.db.updateTable('proposal_versions').set({ sealed_content: sealed.toString('base64url') }).execute()

  await t.rejects(startOpening(ctx, stepUp(owner, ctx), slug), { statusCode: 409, code: 'SL_INVALID_STATE', message: new RegExp(`the proposal with receipt ${receipt.hash} failed its integrity check and is not shown: chunk 1 of the sealed content does not authenticate`) })
  t.equal(await rfpState(ctx, id), 'published', 'the RFP is not opened')
  t.same(await ctx.db.selectFrom('rfp_openings').selectAll().execute(), [], 'no opening is left started')
  t.equal((await eventsOf(ctx, 'rfp.opened')).length, 0, 'no rfp.opened event')
  t.equal((await eventsOf(ctx, 'rfp.opening.started')).length, 0)
  await t.rejects(readProposal(ctx, owner, slug, proposalId), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'the proposals stay sealed')

  await ctx.db.updateTable('proposal_versions').set({ sealed_content: row.sealed_content }).execute()
  t.same(await startOpening(ctx, stepUp(owner, ctx), slug), { opened: true }, 'restored from a backup, the ceremony completes')
})

t.test('an instance key other than the one that wrapped the opening key is named, with the right one, and opens nothing', async (t) => {
  const { ctx, owner, id, slug, proposalId } = await withProposal(t)
  const otherKey = Buffer.alloc(32, 7).toString('base64url')
  t.equal(otherKey.length, 43)
  const config = { ...ctx.config, keys: { ...ctx.config.keys, instanceKey: otherKey } }
  const other = { ...createServiceContext({ config, db: ctx.db, clock: ctx.clock, random: seededRandom('other instance') }), clock: ctx.clock, config }
  const rightId = instanceKeyId(ctx.instanceKey())
  const wrongId = instanceKeyId(other.instanceKey())
  t.not(rightId, wrongId)
  t.equal((await ctx.db.selectFrom('rfp_opening_keys').select('instance_key_id').where('purpose', '=', 'proposals').executeTakeFirstOrThrow()).instance_key_id, rightId)

  const both = new RegExp(`wrapped by instance key ${rightId}, and this instance has ${wrongId}`)
  await t.rejects(startOpening(other, stepUp(owner, ctx), slug), { statusCode: 409, code: 'SL_INVALID_STATE', message: both })
  t.equal(await rfpState(ctx, id), 'published')
  t.equal((await eventsOf(ctx, 'rfp.opened')).length, 0)
  t.same(await ctx.db.selectFrom('rfp_openings').selectAll().execute(), [])

  t.same(await startOpening(ctx, stepUp(owner, ctx), slug), { opened: true }, 'the right key opens')
  await t.rejects(readProposal(other, owner, slug, proposalId), { statusCode: 409, message: both }, 'and reading with the wrong one names both keys too')
  await t.rejects(openProposalFile(other, owner, slug, proposalId, 0), { statusCode: 409, message: both })
})

/** `size` deterministic bytes that start as a PDF, in pieces of uneven sizes, hashed as they are made. */
function largeFile (size: number, hash: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
  const keystream = createCipheriv('aes-256-ctr', Buffer.alloc(32, 1), Buffer.alloc(16, 2))
  const pieces = [4095, 1, 65_536, 65_537, 1_000_000, 777_777, 3]
  return (async function * () {
    let made = 0
    for (let i = 0; made < size; i++) {
      const length = Math.min(pieces[i % pieces.length]!, size - made)
      let piece = keystream.update(Buffer.alloc(length))
      if (made === 0) piece = Buffer.concat([Buffer.from('%PDF-1.7\n'), piece]).subarray(0, length)
      hash.update(piece)
      made += length
      yield piece
    }
  })()
}

t.test('a 30 MB file comes back byte for byte after the opening', async (t) => {
  const size = 30 * 1024 * 1024 + 12_345
  const sent = createHash('sha256')
  const { ctx, owner, slug, files, proposalId } = await withProposal(t, { plan: largeFile(size, sent) })
  const expected = sent.digest('hex')
  t.equal(files[0]!.size, size)
  t.equal(files[0]!.sha256, expected, 'the upload hashed what was sent')
  const stored = await ctx.db.selectFrom('stored_files').selectAll().where('id', '=', files[0]!.storedFileId).executeTakeFirstOrThrow()
  t.equal(Number(stored.size), sealedSize(size), 'stored sealed')

  await startOpening(ctx, stepUp(owner, ctx), slug)
  const file = await openProposalFile(ctx, owner, slug, proposalId, 0)
  t.match(file, { name: 'plan.pdf', mediaType: 'application/pdf', size })
  const back = createHash('sha256')
  let length = 0
  let pieces = 0
  for await (const chunk of file.content()) {
    back.update(chunk)
    length += chunk.length
    pieces++
  }
  t.equal(length, size, 'as many bytes as were sent')
  t.equal(back.digest('hex'), expected, 'and the same bytes')
  t.ok(pieces > 100, `served as a stream of pieces (${pieces}), not one buffer`)
})

// Two contacts of one vendor submitting at the same moment: the submissions take turns on the RFP, so they
// become versions 1 and 2 with one current, two distinct receipts, and both versions' files kept. Runs on
// SQLite, and on PostgreSQL (several connections, READ COMMITTED) when TEST_DATABASE=postgres.
import { Readable } from 'node:stream'
import t from 'tap'
import { findUserByEmail } from '../../src/db/users.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { normalizeEmail } from '../../src/domain/email.js'
import type { UserActor } from '../../src/domain/policy.js'
import { receiptHash } from '../../src/domain/receipt.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { listProposalsForCommittee } from '../../src/services/opening.js'
import { sealUpload, type UploadedFile } from '../../src/services/proposal-uploads.js'
import { getMyProposal, getReceipt, listPublicReceipts, submitProposal } from '../../src/services/proposals.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { readStoredFile } from '../../src/services/stored-files.js'
import { T0, addVendorContact, createOwner, createVendorContact, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

async function requiredFiles (ctx: Ctx, actor: UserActor, slug: string, tag: string): Promise<UploadedFile[]> {
  const files: UploadedFile[] = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, actor, slug, { part, fileName: `${part}-${tag}.pdf`, content: Readable.from([pdf(`${part} by ${tag}`)]), maxBytes: 10_000_000 }))
  }
  return files
}

async function published (t: Parameters<typeof testContext>[0]) {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const first = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await addVendorContact(ctx, first.organisationId, 'bea@alpha.example')
  const user = await findUserByEmail(ctx.db, normalizeEmail('bea@alpha.example'))
  const second: UserActor = { kind: 'user', userId: user!.id, isAdmin: false, organisationId: first.organisationId, hasSecondFactor: false, secondFactorAt: null }
  return { ctx, owner, slug, dueAt: new Date(Date.parse(draft.schedule.proposalsDueAt)), first: first.actor, second }
}

t.test('two contacts of one vendor submitting at once make versions 1 and 2, one current, both kept', async (t) => {
  const { ctx, owner, slug, dueAt, first, second } = await published(t)
  const ada = await requiredFiles(ctx, first, slug, 'ada')
  const bea = await requiredFiles(ctx, second, slug, 'bea')

  const receipts = await Promise.all([
    submitProposal(ctx, first, slug, { content: { summary: 'Ada\'s proposal', personnel: [] }, partners: [] }, ada),
    submitProposal(ctx, second, slug, { content: { summary: 'Bea\'s proposal', personnel: [] }, partners: [] }, bea)
  ])
  t.same(receipts.map((r) => r.version).sort(), [1, 2], 'versions 1 and 2, in the order they committed')
  t.not(receipts[0].hash, receipts[1].hash, 'two distinct receipts')
  for (const r of receipts) t.equal(r.hash, receiptHash(r.manifest))
  const [earlier, later] = [...receipts].sort((a, b) => a.version - b.version) as [typeof receipts[0], typeof receipts[0]]

  const proposals = await ctx.db.selectFrom('proposals').selectAll().execute()
  t.equal(proposals.length, 1, 'one proposal for the organisation')
  t.equal(Number(proposals[0]!.current_version), 2, 'version 2 is current')
  t.equal(proposals[0]!.status, 'submitted')

  const versions = await ctx.db.selectFrom('proposal_versions').select(['number', 'receipt_hash', 'submitted_by']).orderBy('number').execute()
  t.same(versions.map((v) => [Number(v.number), v.receipt_hash]), [[1, earlier.hash], [2, later.hash]], 'both versions are stored with their receipts')
  t.same(versions.map((v) => v.submitted_by).sort(), [first.userId, second.userId].sort(), 'one by each contact')

  // Each version keeps its own contact's files, committed and readable.
  const byVersion = new Map<number, string[]>()
  for (const file of await ctx.db.selectFrom('proposal_files').selectAll().orderBy('version').orderBy('n').execute()) {
    byVersion.set(Number(file.version), [...(byVersion.get(Number(file.version)) ?? []), file.original_name])
    t.equal((await readStoredFile(ctx, file.stored_file_id)).id, file.stored_file_id, `${file.original_name} is committed`)
  }
  const tags = [...byVersion.values()].map((names) => new Set(names.map((n) => n.replace(/^.*-(\w+)\.pdf$/, '$1'))))
  t.same(tags.map((s) => [...s]).sort(), [['ada'], ['bea']], 'versions 1 and 2 each hold one contact\'s three files')
  t.equal((await ctx.db.selectFrom('stored_files').select('id').where('committed_at', 'is', null).execute()).length, 0, 'no file is left uncommitted')

  const mine = await getMyProposal(ctx, first, slug)
  t.equal(mine.currentVersion, 2)
  t.same(mine.versions.map((v) => v.receiptHash), [later.hash, earlier.hash])
  t.equal((await getReceipt(ctx, second, slug, later.hash)).current, true, 'the later receipt counts')
  t.equal((await getReceipt(ctx, second, slug, earlier.hash)).current, false, 'the earlier one does not')

  const committee = await listProposalsForCommittee(ctx, owner, slug)
  t.equal(committee.count, 1, 'the committee counts one proposal')
  t.same(committee.receipts, [later.hash])

  const events = (await readAuditEvents(ctx.db, 0, 1000)).filter((e) => e.type === 'proposal.submitted')
  t.same(events.map((e) => e.data.version), [1, 2], 'the audit log records the versions in order')
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('template', '=', 'proposal-receipt').execute()).length, 4, 'each receipt is mailed to both contacts')

  ctx.clock.set(dueAt)
  const standing = new Map((await listPublicReceipts(ctx, slug)).receipts.map((r) => [r.hash, r.standing]))
  t.same([standing.get(earlier.hash), standing.get(later.hash)], ['replaced', 'counted'], 'exactly one counts')
})

t.test('a vendor\'s first submission made twice at once creates one proposal, not two or a 500', async (t) => {
  const { ctx, slug, first, second } = await published(t)
  const ada = await requiredFiles(ctx, first, slug, 'ada')
  const bea = await requiredFiles(ctx, second, slug, 'bea')
  const more = await requiredFiles(ctx, first, slug, 'ada2')
  const results = await Promise.allSettled([
    submitProposal(ctx, first, slug, { content: { summary: 'One', personnel: [] }, partners: [] }, ada),
    submitProposal(ctx, second, slug, { content: { summary: 'Two', personnel: [] }, partners: [] }, bea),
    submitProposal(ctx, first, slug, { content: { summary: 'Three', personnel: [] }, partners: [] }, more)
  ])
  t.same(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled'], 'three submissions at once all succeed')
  t.same(results.map((r) => r.status === 'fulfilled' ? r.value.version : 0).sort(), [1, 2, 3])
  t.equal((await ctx.db.selectFrom('proposals').select('id').execute()).length, 1)
  t.equal((await ctx.db.selectFrom('proposal_versions').select('number').execute()).length, 3)
  t.equal(Number((await ctx.db.selectFrom('proposals').select('current_version').executeTakeFirstOrThrow()).current_version), 3)
})

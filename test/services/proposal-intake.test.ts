// Sealed intake end to end on a real database: a vendor's files are sealed on arrival and a receipt is mailed;
// the committee sees only the count and hashes until the opening; the opening needs the second member when
// the committee has two; after it the proposal and its files read back byte for byte.
import { Readable } from 'node:stream'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { receiptHash } from '../../src/domain/receipt.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { attest } from '../../src/services/evaluation.js'
import { confirmOpening, listProposalsForCommittee, openProposalFile, readProposal, startOpening } from '../../src/services/opening.js'
import { sealUpload, type UploadedFile } from '../../src/services/proposal-uploads.js'
import { getMyProposal, listPublicReceipts, submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { T0, createOwner, createVendorContact, testContext } from '../helpers/app.js'

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

async function upload (ctx: Awaited<ReturnType<typeof testContext>>, actor: UserActor, slug: string, part: string, bytes: Buffer): Promise<UploadedFile> {
  return await sealUpload(ctx, actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([bytes]), maxBytes: 10_000_000 })
}

function withStepUp (actor: UserActor, now: Date): UserActor {
  return { ...actor, hasSecondFactor: true, secondFactorAt: now.toISOString() }
}

t.test('a proposal is sealed, receipted, opened by two members, and read back whole', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  const vendor = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')

  const plan = pdf('plan '.repeat(40000))
  const files = [await upload(ctx, vendor.actor, slug, 'plan', plan), await upload(ctx, vendor.actor, slug, 'cvs', pdf('cvs')), await upload(ctx, vendor.actor, slug, 'example-reports', pdf('reports'))]
  const receipt = await submitProposal(ctx, vendor.actor, slug, { content: { summary: 'We audit Go.', personnel: [{ name: 'Ada', role: 'Lead', experience: '10 years' }] }, partners: [] }, files)
  t.equal(receipt.hash, receiptHash(receipt.manifest), 'the receipt hash is the hash of its manifest')
  t.equal(receipt.version, 1)
  const mail = await ctx.db.selectFrom('mail_outbox').selectAll().where('template', '=', 'proposal-receipt').execute()
  t.equal(mail.length, 1)
  t.match(mail[0]!.text_body, receipt.hash)

  // Stored bytes are sealed: the plaintext appears nowhere in the store.
  const stored: Buffer[] = []
  for await (const chunk of ctx.files.read(files[0]!.storedFileId)) stored.push(Buffer.from(chunk))
  t.notOk(Buffer.concat(stored).includes(Buffer.from('plan plan')), 'the file is stored sealed')

  const mine = await getMyProposal(ctx, vendor.actor, slug)
  t.equal(mine.status, 'submitted')
  t.equal(mine.versions[0]!.receiptHash, receipt.hash)

  const before = await listProposalsForCommittee(ctx, owner, slug)
  t.equal(before.count, 1)
  t.same(before.receipts, [receipt.hash])
  t.same(before.proposals, [])
  t.same((await listPublicReceipts(ctx, slug)).published, false, 'no public list before the deadline')

  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  await t.rejects(submitProposal(ctx, vendor.actor, slug, { content: { summary: 'late', personnel: [] }, partners: [] }, []), { statusCode: 409, message: /deadline has passed/ })
  t.same((await listPublicReceipts(ctx, slug)).receipts.map((r) => r.hash), [receipt.hash])

  const now = ctx.clock.now()
  await t.rejects(startOpening(ctx, { ...owner, hasSecondFactor: true, secondFactorAt: T0.toISOString() }, slug), { code: 'SL_STEP_UP' }, 'the owner proves the second factor again')
  t.same(await startOpening(ctx, withStepUp(owner, now), slug), { opened: false })
  await t.rejects(readProposal(ctx, owner, slug, before.proposals[0]?.id ?? receipt.manifest.proposal!.toString()), { statusCode: 403, code: 'SL_FORBIDDEN' })
  await t.rejects(confirmOpening(ctx, withStepUp(owner, now), slug), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'the starter cannot confirm')
  await confirmOpening(ctx, withStepUp(evaluator, now), slug)

  const unattested = await listProposalsForCommittee(ctx, evaluator, slug)
  t.same([unattested.opened, unattested.mustAttest, unattested.proposals], [true, true, []], 'opened, but not to a member who has not attested')
  await attest(ctx, evaluator, slug, { mayBeNamed: false })
  const after = await listProposalsForCommittee(ctx, evaluator, slug)
  t.equal(after.opened, true)
  const proposal = await readProposal(ctx, evaluator, slug, after.proposals[0]!.id)
  t.equal(proposal.content.summary, 'We audit Go.')
  const file = await openProposalFile(ctx, evaluator, slug, after.proposals[0]!.id, 0)
  const back: Buffer[] = []
  for await (const chunk of file.content()) back.push(Buffer.from(chunk))
  t.ok(Buffer.concat(back).equals(plan), 'the file reads back byte for byte')
  const opened = (await readAuditEvents(ctx.db, 0, 500)).filter((e) => e.type === 'rfp.opened')
  t.equal(opened.length, 1)
  t.match(opened[0]!.data, { count: 1, receipts: [receipt.hash], dualControl: true })
  t.equal(opened[0]!.public, true)
})

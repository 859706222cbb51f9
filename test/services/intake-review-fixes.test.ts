// What a review of sealed intake found, each kept fixed: bidding does not register the bidder (the committee
// would learn who bid); a committee cannot shrink to one before the opening; content swapped in the database is
// refused although it unseals; a partner confirms in time or not at all; versions are bounded; the public
// receipt list carries no times; file names are cut by characters.
import { Readable } from 'node:stream'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { canonicalJson } from '../../src/domain/canonical-json.js'
import type { UserActor } from '../../src/domain/policy.js'
import { sealBytes } from '../../src/domain/sealing.js'
import { amendRfp } from '../../src/services/amendments.js'
import { confirmOpening, readProposal, startOpening } from '../../src/services/opening.js'
import { sealingContext, sealingKey } from '../../src/services/opening-keys.js'
import { cleanFileName, sealUpload } from '../../src/services/proposal-uploads.js'
import { MAX_VERSIONS, confirmConsortium, listPublicReceipts, submitProposal } from '../../src/services/proposals.js'
import { addRfpMember, removeRfpMember } from '../../src/services/rfp-members.js'
import { attest } from '../../src/services/evaluation.js'
import { acknowledgeAmendment, listRegisteredVendors } from '../../src/services/rfp-vendors.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { attachmentDisposition } from '../../src/http/attachment.js'
import { T0, createCommitteeMember, createVendorContact, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
const stepUp = (actor: UserActor, ctx: Ctx): UserActor => ({ ...actor, hasSecondFactor: true, secondFactorAt: ctx.clock.now().toISOString() })

async function requiredFiles (ctx: Ctx, actor: UserActor, slug: string) {
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(part)]), maxBytes: 1_000_000 }))
  }
  return files
}

async function published (t: Parameters<typeof testContext>[0], draft = securityAuditRfp(T0)) {
  const ctx = await testContext(t)
  const owner = (await createCommitteeMember(ctx, 'chair@example.org')).actor
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const evaluator = (await createCommitteeMember(ctx, 'evaluator@example.org')).actor
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  await attest(ctx, owner, slug, { mayBeNamed: false })
  await attest(ctx, evaluator, slug, { mayBeNamed: false })
  const alpha = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  return { ctx, owner, evaluator, alpha, id, slug, draft }
}

t.test('bidding does not register the bidder, yet amendments reach it; the public list has no times', async (t) => {
  const { ctx, owner, alpha, slug, draft } = await published(t)
  await submitProposal(ctx, alpha.actor, slug, { content: { summary: 'Ours.', personnel: [] }, partners: [] }, await requiredFiles(ctx, alpha.actor, slug))
  t.same(await listRegisteredVendors(ctx, owner, slug), [], 'the committee does not see who bid')
  await amendRfp(ctx, owner, slug, { ...draft, summary: `${draft.summary} Retests included.` }, 'Retests')
  const amended = await ctx.db.selectFrom('mail_outbox').select('to_address').where('template', '=', 'rfp-amended').execute()
  t.same(amended.map((m) => m.to_address), ['ada@alpha.example'], 'the bidder is mailed the amendment')
  await acknowledgeAmendment(ctx, alpha.actor, slug, 2)

  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  const list = await listPublicReceipts(ctx, slug)
  t.equal(list.receipts.length, 1)
  t.same(Object.keys(list.receipts[0]!).sort(), ['hash', 'standing'], 'a hash and whether it counts, no time')
})

t.test('a committee of two cannot shrink to one before the opening; after it, it may', async (t) => {
  const { ctx, owner, evaluator, alpha, slug, draft } = await published(t)
  await submitProposal(ctx, alpha.actor, slug, { content: { summary: 'Ours.', personnel: [] }, partners: [] }, await requiredFiles(ctx, alpha.actor, slug))
  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  await t.rejects(removeRfpMember(ctx, owner, slug, evaluator.userId, 'evaluator'), { statusCode: 409, message: /keeps at least two committee members/ })
  t.same(await startOpening(ctx, stepUp(owner, ctx), slug), { opened: false }, 'so the opening still needs the second member')
  await confirmOpening(ctx, stepUp(evaluator, ctx), slug)
  await removeRfpMember(ctx, owner, slug, evaluator.userId, 'evaluator')
  t.pass('once opened, the committee may change')
})

t.test('content sealed afresh and swapped in the database unseals, but is refused against its receipt', async (t) => {
  const { ctx, owner, evaluator, alpha, id, slug, draft } = await published(t)
  await submitProposal(ctx, alpha.actor, slug, { content: { summary: 'The real proposal.', personnel: [] }, partners: [] }, await requiredFiles(ctx, alpha.actor, slug))
  const forged = await sealBytes(Buffer.from(canonicalJson({ summary: 'A forged proposal.', personnel: [] })), {
    publicKey: await sealingKey(ctx, id, 'proposals', T0.toISOString()), context: sealingContext(id, 'proposals'), randomBytes: ctx.random.bytes(48)
  })
  const real = (await ctx.db.selectFrom('proposal_versions').select('sealed_content').executeTakeFirstOrThrow()).sealed_content
  await ctx.db.updateTable('proposal_versions').set({ sealed_content: forged.toString('base64url') }).execute()
  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  await startOpening(ctx, stepUp(owner, ctx), slug)
  await t.rejects(confirmOpening(ctx, stepUp(evaluator, ctx), slug), { statusCode: 409, message: /does not match the hashes its receipt records/ })
  t.equal((await ctx.db.selectFrom('rfps').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state, 'published', 'nothing opened')

  await ctx.db.updateTable('proposal_versions').set({ sealed_content: real }).execute()
  await confirmOpening(ctx, stepUp(evaluator, ctx), slug)
  const proposalId = (await ctx.db.selectFrom('proposals').select('id').executeTakeFirstOrThrow()).id
  t.equal((await readProposal(ctx, evaluator, slug, proposalId)).content.summary, 'The real proposal.')
  await ctx.db.updateTable('proposal_versions').set({ sealed_content: forged.toString('base64url') }).execute()
  await t.rejects(readProposal(ctx, evaluator, slug, proposalId), { statusCode: 409, message: /does not match the hashes its receipt records/ }, 'and so is reading it after the opening')
})

t.test('a partner confirms before the deadline, not after', async (t) => {
  const { ctx, alpha, slug, draft } = await published(t)
  const beta = await createVendorContact(ctx, 'Beta Security', 'bo@beta.example')
  await submitProposal(ctx, alpha.actor, slug, { content: { summary: 'Together.', personnel: [] }, partners: [beta.organisationId] }, await requiredFiles(ctx, alpha.actor, slug))
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('template', '=', 'consortium-confirm').executeTakeFirstOrThrow()
  const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)![1]!
  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  await t.rejects(confirmConsortium(ctx, beta.actor, token), { statusCode: 409, message: /deadline has passed/ })
  t.equal((await ctx.db.selectFrom('proposal_partners').select('confirmed_at').executeTakeFirstOrThrow()).confirmed_at, null)
})

t.test(`a proposal has ${MAX_VERSIONS} versions at most`, async (t) => {
  const { ctx, alpha, slug } = await published(t, { ...securityAuditRfp(T0), requirements: [] })
  for (let n = 1; n <= MAX_VERSIONS; n++) await submitProposal(ctx, alpha.actor, slug, { content: { summary: `Version ${n}.`, personnel: [] }, partners: [] }, [])
  await t.rejects(submitProposal(ctx, alpha.actor, slug, { content: { summary: 'One more.', personnel: [] }, partners: [] }, []), { statusCode: 409, message: new RegExp(`${MAX_VERSIONS} times at most`) })
  t.equal((await ctx.db.selectFrom('proposal_versions').select('number').execute()).length, MAX_VERSIONS)
})

t.test('file names are cut by characters, and a broken one still makes a header', async (t) => {
  const long = cleanFileName('a'.repeat(199) + '😀.pdf')
  t.equal(Array.from(long).length, 200)
  t.ok(long.endsWith('😀'), 'the emoji is kept whole, not split')
  t.equal(cleanFileName('bad\uD83D.pdf'), 'bad\uFFFD.pdf', 'a lone surrogate becomes the replacement character')
  t.match(attachmentDisposition('x\uD83D.pdf'), /^attachment; filename="x_\.pdf"; filename\*=UTF-8''x%EF%BF%BD\.pdf$/)
})

import t from 'tap'
import { DEFAULT_PROCEDURE } from '../../src/domain/rfp-document.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { canonicalHash } from '../../src/domain/canonical-json.js'
import { ANONYMOUS } from '../../src/domain/policy.js'
import { readAuditEvents, verifyAuditChain } from '../../src/services/audit.js'
import { createRfpDraft, getRfp, listPublicRfps, publishRfp } from '../../src/services/rfps.js'
import { T0, createOwner, testContext, refuseWrites } from '../helpers/app.js'

const DAY = 86400000

async function withOwner (t: Parameters<typeof testContext>[0]) {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'Chair@Example.org')
  return { ctx, owner, ownerId: owner.userId }
}

t.test('a draft is stored with an audit event and is visible to its owner only', async (t) => {
  const { ctx, owner } = await withOwner(t)
  // As drafts were before eligibility, requirements and procedure existed: those take their defaults.
  const { eligibility: _e, requirements: _r, procedure: _p, ...draft } = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  t.equal(slug, draft.slug)

  await t.rejects(getRfp(ctx, ANONYMOUS, slug), { statusCode: 404, code: 'SL_NOT_FOUND' })
  const mine = await getRfp(ctx, owner, slug)
  t.equal(mine.phase, 'draft')
  t.same(mine.document.rounds, draft.rounds)
  t.same(mine.document.sections, draft.sections)
  t.same(mine.document.procedure, DEFAULT_PROCEDURE, 'a draft without a procedure gets the default one')
  t.same(mine.document.eligibility, { mode: 'open' })
  t.equal((await listPublicRfps(ctx, 1, 10)).total, 0, 'drafts are not listed')

  const events = await readAuditEvents(ctx.db, 0, 10)
  t.same(events.map((e) => [e.type, e.rfpId, e.public]), [['user.created', null, false], ['rfp.drafted', id, false]])
})

t.test('a draft that breaks a rule is refused with every problem, and nothing is written', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const bad = { ...draft, slug: 'Bad Slug', schedule: { ...draft.schedule, questionsCloseAt: 'soon' } }
  await t.rejects(createRfpDraft(ctx, owner, bad), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'slug' }, { path: 'schedule.questionsCloseAt' }] })
  t.equal((await verifyAuditChain(ctx.db)).count, 1, 'only the user.created event')
})

t.test('slugs are unique', async (t) => {
  const { ctx, owner } = await withOwner(t)
  await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await t.rejects(createRfpDraft(ctx, owner, securityAuditRfp(T0)), { statusCode: 409, message: /slug: "driftwood-security-audit-2027" is taken/ })
})

t.test('publishing freezes version 1 and appends a public event with the document hash', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  ctx.clock.advance(1000)
  await publishRfp(ctx, owner, id)

  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  t.equal(rfp.state, 'published')
  t.equal(rfp.phase, 'questions_open')
  t.equal(rfp.publishedAt, new Date(T0.getTime() + 1000).toISOString())
  const version = await ctx.db.selectFrom('rfp_versions').selectAll().where('rfp_id', '=', id).executeTakeFirstOrThrow()
  t.equal(version.frozen_at, rfp.publishedAt)

  const published = (await readAuditEvents(ctx.db, 0, 10)).find((e) => e.type === 'rfp.published')
  t.ok(published?.public)
  const document = { ...rfp.document, version: 1 }
  t.same(published?.data, { slug, title: rfp.title, version: 1, documentHash: canonicalHash(JSON.parse(JSON.stringify(document))) }, 'anyone can recompute the hash from the published text')

  await t.rejects(publishRfp(ctx, owner, id), { statusCode: 409, message: 'the RFP is published, not a draft' })
  t.same((await verifyAuditChain(ctx.db)), { intact: true, count: 3, head: published?.hash }, 'the refused second publication wrote nothing')
})

t.test('an RFP cannot be published once its question period has passed', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { id } = await createRfpDraft(ctx, owner, draft)
  ctx.clock.set(new Date(draft.schedule.questionsCloseAt))
  await t.rejects(publishRfp(ctx, owner, id), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'schedule.questionsCloseAt' }] })
  ctx.clock.advance(-1000)
  await publishRfp(ctx, owner, id)
})

t.test('only an owner may publish; to anyone else a draft does not exist', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  const stranger = await createOwner(ctx, 'stranger@example.org')
  await t.rejects(publishRfp(ctx, stranger, id), { statusCode: 404, code: 'SL_NOT_FOUND' })
  await t.rejects(publishRfp(ctx, { ...stranger, isAdmin: true }, id), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'not even an admin')
  t.equal((await findRfpState(ctx, id)), 'draft')
})

t.test('an owner\'s publication is mailed to them through the outbox, in the same transaction', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  t.same(await ctx.db.selectFrom('mail_outbox').select('id').execute(), [], 'nothing before publication')
  await publishRfp(ctx, owner, id)
  const mail = await ctx.db.selectFrom('mail_outbox').selectAll().execute()
  t.match(mail, [{ template: 'rfp-published', to_address: 'Chair@Example.org', status: 'pending', subject: 'Published: Independent security audit of Driftwood 2.0' }])
  const published = (await readAuditEvents(ctx.db, 0, 10)).find((e) => e.type === 'rfp.published')
  t.match(mail[0]?.text_body, String(published?.data.documentHash), 'the mail carries the hash the log records')
})

t.test('a publication whose mail cannot be queued is not published', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await refuseWrites(ctx.db, 'mail_outbox', 'INSERT', 'outbox refused')
  await t.rejects(publishRfp(ctx, owner, id), /outbox refused/)
  t.equal(await findRfpState(ctx, id), 'draft')
  t.notOk((await readAuditEvents(ctx.db, 0, 10)).some((e) => e.type === 'rfp.published'), 'no publication event either')
})

t.test('publishing an unknown RFP is a 404', async (t) => {
  const { ctx, owner } = await withOwner(t)
  await t.rejects(publishRfp(ctx, owner, 'nope'), { statusCode: 404, code: 'SL_NOT_FOUND' })
})

t.test('the change and its audit event commit together or not at all', async (t) => {
  const { ctx, owner } = await withOwner(t)
  // Make the audit append fail inside the transaction: the draft must not survive it.
  await refuseWrites(ctx.db, 'audit_events', 'INSERT', 'disk full, say')
  await t.rejects(createRfpDraft(ctx, owner, securityAuditRfp(T0)), /disk full, say/)
  t.equal((await ctx.db.selectFrom('rfps').select('id').execute()).length, 0)
  t.equal((await ctx.db.selectFrom('rfp_versions').select('rfp_id').execute()).length, 0)
})

async function findRfpState (ctx: Awaited<ReturnType<typeof testContext>>, id: string): Promise<string | undefined> {
  return (await ctx.db.selectFrom('rfps').select('state').where('id', '=', id).executeTakeFirst())?.state
}

t.test('the public list pages through published RFPs, newest first', async (t) => {
  const { ctx, owner } = await withOwner(t)
  for (let i = 0; i < 5; i++) {
    const { id } = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: `rfp-${i}` })
    if (i !== 2) await publishRfp(ctx, owner, id)
    ctx.clock.advance(DAY)
  }
  const first = await listPublicRfps(ctx, 1, 3)
  t.same(first.items.map((r) => r.slug), ['rfp-4', 'rfp-3', 'rfp-1'])
  t.same({ page: first.page, pageCount: first.pageCount, total: first.total }, { page: 1, pageCount: 2, total: 4 })
  t.same((await listPublicRfps(ctx, 2, 3)).items.map((r) => r.slug), ['rfp-0'])
  await t.rejects(listPublicRfps(ctx, 3, 3), { statusCode: 404, code: 'SL_NOT_FOUND', message: 'there is no page 3; the list has 2' })
  t.same((await listPublicRfps(await testContext(t), 1, 3)), { items: [], page: 1, pageCount: 1, total: 0 }, 'an empty list has its first page')
})

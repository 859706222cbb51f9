import { sql } from 'kysely'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { auditEventsAfter } from '../../src/db/audit-events.js'
import { canonicalHash } from '../../src/domain/canonical-json.js'
import { ANONYMOUS } from '../../src/domain/policy.js'
import { verifyAuditChain } from '../../src/services/audit.js'
import { createRfpDraft, getRfp, listPublicRfps, publishRfp } from '../../src/services/rfps.js'
import { createUser } from '../../src/services/users.js'
import { T0, testContext } from '../helpers/app.js'

const DAY = 86400000

async function withOwner (t: Parameters<typeof testContext>[0]) {
  const ctx = await testContext(t)
  const { id: ownerId } = await createUser(ctx, null, { email: 'Chair@Example.org', displayName: 'Chair' })
  return { ctx, ownerId }
}

t.test('a draft is stored with an audit event and is visible to its owner only', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, ownerId, draft)
  t.equal(slug, draft.slug)

  await t.rejects(getRfp(ctx, ANONYMOUS, slug), { statusCode: 404, code: 'SL_NOT_FOUND' })
  const mine = await getRfp(ctx, { kind: 'user', userId: ownerId, isAdmin: false }, slug)
  t.equal(mine.phase, 'draft')
  t.same(mine.rounds, draft.rounds)
  t.same(mine.sections, draft.sections)
  t.equal((await listPublicRfps(ctx, 1, 10)).total, 0, 'drafts are not listed')

  const events = await auditEventsAfter(ctx.db, 0, 10)
  t.same(events.map((e) => [e.type, e.rfpId, e.public]), [['user.created', null, false], ['rfp.drafted', id, false]])
})

t.test('a draft that breaks a rule is refused with every problem, and nothing is written', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const bad = { ...draft, slug: 'Bad Slug', schedule: { ...draft.schedule, questionsCloseAt: 'soon' } }
  await t.rejects(createRfpDraft(ctx, ownerId, bad), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'slug' }, { path: 'schedule.questionsCloseAt' }] })
  t.equal((await verifyAuditChain(ctx.db)).count, 1, 'only the user.created event')
})

t.test('slugs are unique', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  await createRfpDraft(ctx, ownerId, securityAuditRfp(T0))
  await t.rejects(createRfpDraft(ctx, ownerId, securityAuditRfp(T0)), { statusCode: 409, message: /slug: "driftwood-security-audit-2027" is taken/ })
})

t.test('publishing freezes version 1 and appends a public event with the document hash', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  const { id, slug } = await createRfpDraft(ctx, ownerId, securityAuditRfp(T0))
  ctx.clock.advance(1000)
  await publishRfp(ctx, ownerId, id)

  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  t.equal(rfp.state, 'published')
  t.equal(rfp.phase, 'questions_open')
  t.equal(rfp.publishedAt, new Date(T0.getTime() + 1000).toISOString())
  const version = await ctx.db.selectFrom('rfp_versions').selectAll().where('rfp_id', '=', id).executeTakeFirstOrThrow()
  t.equal(version.frozen_at, rfp.publishedAt)

  const published = (await auditEventsAfter(ctx.db, 0, 10)).find((e) => e.type === 'rfp.published')
  t.ok(published?.public)
  const document = { slug, version: 1, title: rfp.title, summary: rfp.summary, timeZone: rfp.timeZone, schedule: rfp.schedule, sections: rfp.sections, rounds: rfp.rounds }
  t.same(published?.data, { slug, version: 1, documentHash: canonicalHash(JSON.parse(JSON.stringify(document))) }, 'anyone can recompute the hash from the published text')

  await t.rejects(publishRfp(ctx, ownerId, id), { statusCode: 409, message: 'the RFP is published, not a draft' })
  t.same((await verifyAuditChain(ctx.db)), { intact: true, count: 3, head: published?.hash }, 'the refused second publication wrote nothing')
})

t.test('an RFP cannot be published once its question period has passed', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { id } = await createRfpDraft(ctx, ownerId, draft)
  ctx.clock.set(new Date(draft.schedule.questionsCloseAt))
  await t.rejects(publishRfp(ctx, ownerId, id), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'schedule.questionsCloseAt' }] })
  ctx.clock.advance(-1000)
  await publishRfp(ctx, ownerId, id)
})

t.test('publishing an unknown RFP is a 404', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  await t.rejects(publishRfp(ctx, ownerId, 'nope'), { statusCode: 404, code: 'SL_NOT_FOUND' })
})

t.test('the change and its audit event commit together or not at all', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  // Make the audit append fail inside the transaction: the draft must not survive it.
  await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full, say'); END`.execute(ctx.db)
  await t.rejects(createRfpDraft(ctx, ownerId, securityAuditRfp(T0)), /disk full, say/)
  t.equal((await ctx.db.selectFrom('rfps').select('id').execute()).length, 0)
  t.equal((await ctx.db.selectFrom('rfp_versions').select('rfp_id').execute()).length, 0)
})

t.test('the public list pages through published RFPs, newest first', async (t) => {
  const { ctx, ownerId } = await withOwner(t)
  for (let i = 0; i < 5; i++) {
    const { id } = await createRfpDraft(ctx, ownerId, { ...securityAuditRfp(T0), slug: `rfp-${i}` })
    if (i !== 2) await publishRfp(ctx, ownerId, id)
    ctx.clock.advance(DAY)
  }
  const first = await listPublicRfps(ctx, 1, 3)
  t.same(first.items.map((r) => r.slug), ['rfp-4', 'rfp-3', 'rfp-1'])
  t.same({ page: first.page, pageCount: first.pageCount, total: first.total }, { page: 1, pageCount: 2, total: 4 })
  t.same((await listPublicRfps(ctx, 2, 3)).items.map((r) => r.slug), ['rfp-0'])
  t.same((await listPublicRfps(ctx, 3, 3)).items, [], 'past the end is empty, not an error')
})

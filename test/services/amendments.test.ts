// Amendments (numbered versions with a reason, mailed to vendors, acknowledged by them) and vendors' interest
// in an RFP, on a real database. Every refusal is checked to leave the versions, the audit log and the outbox
// as they were.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { canonicalHash, type JsonValue } from '../../src/domain/canonical-json.js'
import { ANONYMOUS } from '../../src/domain/policy.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { DAY_MS } from '../../src/domain/time.js'
import { amendRfp, compareVersions, listRfpVersions } from '../../src/services/amendments.js'
import { readAuditEvents, verifyAuditChain } from '../../src/services/audit.js'
import { acknowledgeAmendment, getVendorStanding, listRegisteredVendors, registerInterest } from '../../src/services/rfp-vendors.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { cancelRfp, createRfpDraft, getRfp, publishRfp } from '../../src/services/rfps.js'
import { T0, addVendorContact, createCommitteeMember, createOwner, createVendorContact, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
type TestT = Parameters<typeof testContext>[0]

async function published (t: TestT, draft: RfpDraft = securityAuditRfp(T0)) {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  return { ctx, owner, id, slug, draft }
}

/** What a refused action must leave as it was. */
async function snapshot (ctx: Ctx, rfpId: string) {
  const rfp = await ctx.db.selectFrom('rfps').select(['current_version', 'state']).where('id', '=', rfpId).executeTakeFirstOrThrow()
  return {
    rfp,
    versions: (await ctx.db.selectFrom('rfp_versions').select('number').where('rfp_id', '=', rfpId).execute()).length,
    audit: (await verifyAuditChain(ctx.db)).count,
    outbox: (await ctx.db.selectFrom('mail_outbox').select('id').execute()).length,
    interests: (await ctx.db.selectFrom('rfp_interests').select('organisation_id').execute()).length,
    acknowledgements: (await ctx.db.selectFrom('rfp_acknowledgements').select('version').execute()).length
  }
}

async function outbox (ctx: Ctx, template: string) {
  return await ctx.db.selectFrom('mail_outbox').selectAll().where('template', '=', template).orderBy('to_address').execute()
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 100)).filter((e) => e.type === type)
}

const withSummary = (draft: RfpDraft, extra: string): RfpDraft => ({ ...draft, summary: `${draft.summary} ${extra}` })

const hashOf = (document: unknown, version: number): string => canonicalHash(JSON.parse(JSON.stringify({ ...(document as object), version })) as JsonValue)

t.test('an amendment is version n+1 with its reason, frozen and current, logged in public with its hash', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  ctx.clock.advance(DAY_MS)
  const at = ctx.clock.now().toISOString()
  const result = await amendRfp(ctx, owner, slug, withSummary(draft, 'Retests are now included.'), '  Retests were missing.  ')
  t.same(result, { version: 2, extension: null })

  const rows = await ctx.db.selectFrom('rfp_versions').selectAll().where('rfp_id', '=', id).orderBy('number').execute()
  t.same(rows.map((r) => [r.number, r.reason, r.frozen_at, r.created_by]), [
    [1, null, T0.toISOString(), owner.userId],
    [2, 'Retests were missing.', at, owner.userId]
  ], 'version 2 is frozen at once, with the reason trimmed; version 1 is untouched')

  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  t.equal(rfp.currentVersion, 2)
  t.equal(rfp.document.summary, `${draft.summary} Retests are now included.`, 'the public sees the amended text')

  const [amended, ...more] = await eventsOf(ctx, 'rfp.amended')
  t.equal(more.length, 0)
  t.equal(amended?.public, true)
  t.equal(amended?.rfpId, id)
  t.equal(amended?.actorId, owner.userId)
  t.same(amended?.data, { slug, title: draft.title, version: 2, reason: 'Retests were missing.', documentHash: hashOf(rfp.document, 2), extension: null },
    'anyone can recompute the hash from the published version')
  t.match(await verifyAuditChain(ctx.db), { intact: true })
})

t.test('registered and invited vendors are mailed the amendment once per contact; newly invited vendors get an invitation', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  const c = await createVendorContact(ctx, 'Gamma Labs', 'cy@gamma.example')
  await createVendorContact(ctx, 'Delta Unrelated', 'dee@delta.example')
  await addVendorContact(ctx, a.organisationId, 'al@alpha.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  t.same((await outbox(ctx, 'rfp-invitation')).map((m) => m.to_address), ['ada@alpha.example', 'al@alpha.example', 'bob@beta.example'], 'publication invites each contact of the invited vendors')
  await registerInterest(ctx, a.actor, slug)

  ctx.clock.advance(DAY_MS)
  const next: RfpDraft = { ...withSummary(draft, 'Gamma Labs is invited too.'), eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId, c.organisationId] } }
  t.same(await amendRfp(ctx, owner, slug, next, 'One more vendor'), { version: 2, extension: null })

  const amended = await outbox(ctx, 'rfp-amended')
  t.same(amended.map((m) => m.to_address), ['ada@alpha.example', 'al@alpha.example', 'bob@beta.example'],
    'a registered and invited vendor is mailed once per contact; the vendor invited now is not asked to acknowledge; others are not mailed')
  for (const mail of amended) {
    t.equal(mail.subject, `Amendment 2: ${draft.title}`)
    t.match(mail.text_body, `/rfps/${slug}/versions/2`)
    t.match(mail.text_body, 'Reason: One more vendor')
    t.match(mail.text_body, 'acknowledge the amendment')
    t.notMatch(mail.text_body, 'deadline moved', 'no extension to report')
  }
  const invitations = (await outbox(ctx, 'rfp-invitation')).filter((m) => m.created_at === ctx.clock.now().toISOString())
  t.same(invitations.map((m) => m.to_address), ['cy@gamma.example'], 'only the newly invited vendor gets an invitation')
  t.match(invitations[0]?.text_body, `/rfps/${slug}`)
  t.match(invitations[0]?.text_body, 'Proposals due:')
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('to_address', '=', 'dee@delta.example').where('template', '!=', 'sign-in-link').execute()).length, 0, 'a vendor neither registered nor invited is not mailed')
})

t.test('on an open RFP only the registered vendors are mailed', async (t) => {
  const { ctx, owner, slug, draft } = await published(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  await registerInterest(ctx, a.actor, slug)
  await amendRfp(ctx, owner, slug, withSummary(draft, 'Changed.'), 'A change')
  t.same((await outbox(ctx, 'rfp-amended')).map((m) => m.to_address), ['ada@alpha.example'])
  t.same(await outbox(ctx, 'rfp-invitation'), [], 'an open RFP invites nobody')
})

t.test('a refused amendment writes nothing and names the problem', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await registerInterest(ctx, a.actor, slug)
  const before = await snapshot(ctx, id)
  const changed = withSummary(draft, 'Changed.')

  const cases: [string, () => Promise<unknown>, { code: string, [key: string]: unknown }][] = [
    ['an empty reason', () => amendRfp(ctx, owner, slug, changed, '   '),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'reason', message: 'say why the RFP is amended: the reason is published with it' }] }],
    ['a reason too long', () => amendRfp(ctx, owner, slug, changed, 'x'.repeat(2001)),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'reason', message: 'must be at most 2000 characters' }] }],
    ['an earlier deadline', () => amendRfp(ctx, owner, slug, { ...changed, schedule: { ...draft.schedule, proposalsDueAt: new Date(Date.parse(draft.schedule.proposalsDueAt) - DAY_MS).toISOString() } }, 'Sooner'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'schedule.proposalsDueAt', message: `the proposal deadline can only move later after publication (it is ${draft.schedule.proposalsDueAt})` }] }],
    ['questions closing earlier', () => amendRfp(ctx, owner, slug, { ...changed, schedule: { ...draft.schedule, questionsCloseAt: new Date(Date.parse(draft.schedule.questionsCloseAt) - 1000).toISOString() } }, 'Sooner'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'schedule.questionsCloseAt', message: /the question period can only move later/ }] }],
    ['nothing changed', () => amendRfp(ctx, owner, slug, draft, 'No reason really'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: '', message: /^nothing changed/ }] }],
    ['a new slug', () => amendRfp(ctx, owner, slug, { ...changed, slug: 'another-slug' }, 'Rename'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'slug', message: `cannot change after publication (it is ${slug})` }] }],
    ['a new procedure', () => amendRfp(ctx, owner, slug, { ...changed, procedure: { ...draft.procedure!, minimumProposals: 3 } }, 'Stricter'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'procedure', message: 'the procedure is frozen at publication' }] }],
    ['restricting an open RFP', () => amendRfp(ctx, owner, slug, { ...changed, eligibility: { mode: 'invited', vendors: [a.organisationId] } }, 'Fewer'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'eligibility', message: /cannot be restricted/ }] }],
    ['an invalid document', () => amendRfp(ctx, owner, slug, { ...changed, title: '' }, 'Untitled'),
      { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'title' }] }]
  ]
  for (const [what, attempt, expected] of cases) {
    await t.rejects(attempt(), expected, what)
    t.same(await snapshot(ctx, id), before, `${what}: no version, event or mail`)
  }
})

t.test('criteria and weights freeze once proposals are due; the text may still change, without an extension', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  ctx.clock.set(new Date(draft.schedule.proposalsDueAt))
  const before = await snapshot(ctx, id)
  const [round] = draft.rounds
  const reweighted: RfpDraft = { ...draft, rounds: [{ ...round!, criteria: round!.criteria.map((c) => c.id === 'team' ? { ...c, weight: '30' } : c) }] }
  await t.rejects(amendRfp(ctx, owner, slug, reweighted, 'More weight on the team'),
    { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'rounds', message: 'criteria and weights are frozen: proposals were due' }] })
  t.same(await snapshot(ctx, id), before)
  t.same(await amendRfp(ctx, owner, slug, withSummary(draft, 'Typo fixed.'), 'A typo'), { version: 2, extension: null })
  t.equal((await getRfp(ctx, ANONYMOUS, slug)).schedule.proposalsDueAt, draft.schedule.proposalsDueAt)
})

t.test('an invited RFP cannot drop a vendor it invited', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const before = await snapshot(ctx, id)
  await t.rejects(amendRfp(ctx, owner, slug, { ...withSummary(draft, 'x'), eligibility: { mode: 'invited', vendors: [a.organisationId] } }, 'Beta is out'),
    { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'eligibility.vendors', message: 'invited vendors cannot be removed after publication' }] })
  await t.rejects(amendRfp(ctx, owner, slug, { ...withSummary(draft, 'x'), eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId, '7d9f3c52-0000-4000-8000-000000000000'] } }, 'A ghost'),
    { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'eligibility.vendors.2', message: 'is not a registered vendor organisation' }] })
  t.same(await snapshot(ctx, id), before)
})

t.test('only an owner amends a published RFP; drafts and cancelled RFPs are refused', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  const stranger = await createCommitteeMember(ctx, 'stranger@example.org', { isAdmin: true })
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const changed = withSummary(draft, 'Changed.')
  const before = await snapshot(ctx, id)

  await t.rejects(amendRfp(ctx, evaluator, slug, changed, 'Because'), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'only an owner of the RFP may change it' })
  await t.rejects(amendRfp(ctx, stranger.actor, slug, changed, 'Because'), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'not even an admin')
  await t.rejects(amendRfp(ctx, a.actor, slug, changed, 'Because'), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'a vendor sees the RFP but may not change it')
  await t.rejects(amendRfp(ctx, owner, 'no-such-rfp', changed, 'Because'), { statusCode: 404, code: 'SL_NOT_FOUND' })
  t.same(await snapshot(ctx, id), before)

  const other = await createRfpDraft(ctx, owner, { ...draft, slug: 'still-a-draft' })
  const draftBefore = await snapshot(ctx, other.id)
  await t.rejects(amendRfp(ctx, owner, 'still-a-draft', { ...changed, slug: 'still-a-draft' }, 'Because'),
    { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP is a draft: edit it directly until it is published' })
  await t.rejects(amendRfp(ctx, a.actor, 'still-a-draft', { ...changed, slug: 'still-a-draft' }, 'Because'), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'to a vendor a draft does not exist')
  t.same(await snapshot(ctx, other.id), draftBefore)

  await cancelRfp(ctx, owner, slug, 'Budget withdrawn')
  const cancelled = await snapshot(ctx, id)
  await t.rejects(amendRfp(ctx, owner, slug, changed, 'Because'), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP is cancelled and can no longer be amended' })
  t.same(await snapshot(ctx, id), cancelled)
})

t.test('an amendment close to the deadline moves it to keep the promised notice, stored and reported', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await registerInterest(ctx, a.actor, slug)
  const due = Date.parse(draft.schedule.proposalsDueAt)
  // Three days (and 30 seconds) before the deadline: seven days' notice ends on a minute rounded up.
  ctx.clock.set(new Date(due - 3 * DAY_MS + 30_000))
  const to = new Date(due + 4 * DAY_MS + 60_000).toISOString()
  const result = await amendRfp(ctx, owner, slug, withSummary(draft, 'A late clarification.'), 'Late clarification')
  t.same(result, { version: 2, extension: { from: draft.schedule.proposalsDueAt, to } })

  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  t.equal(rfp.schedule.proposalsDueAt, to, 'the new deadline is stored')
  t.equal(rfp.schedule.decisionExpectedAt, draft.schedule.decisionExpectedAt, 'the decision, still after it, stays')
  const row = await ctx.db.selectFrom('rfp_versions').select(['proposals_due_at']).where('rfp_id', '=', id).where('number', '=', 2).executeTakeFirstOrThrow()
  t.equal(row.proposals_due_at, to)
  const [event] = await eventsOf(ctx, 'rfp.amended')
  t.same(event?.data.extension, { from: draft.schedule.proposalsDueAt, to })
  t.equal(event?.data.documentHash, hashOf(rfp.document, 2), 'the hash covers the extended schedule')
  const [mail] = await outbox(ctx, 'rfp-amended')
  t.match(mail?.text_body, 'The proposal deadline moved to')
  t.match(mail?.text_body, /moved to .*30 Dec 2026, 18:01 CET \(it was .*26 Dec 2026, 18:00 CET\)/, 'the new and old deadlines, in the RFP\'s time zone')
})

t.test('an extension that passes the expected decision moves the decision by as much', async (t) => {
  const base = securityAuditRfp(T0)
  const due = Date.parse(base.schedule.proposalsDueAt)
  const draft: RfpDraft = { ...base, schedule: { ...base.schedule, decisionExpectedAt: new Date(due + DAY_MS).toISOString() } }
  const { ctx, owner, slug } = await published(t, draft)
  ctx.clock.set(new Date(due - 2 * DAY_MS))
  const result = await amendRfp(ctx, owner, slug, withSummary(draft, 'Late.'), 'Late news')
  t.same(result.extension, { from: draft.schedule.proposalsDueAt, to: new Date(due + 5 * DAY_MS).toISOString() })
  t.equal((await getRfp(ctx, ANONYMOUS, slug)).schedule.decisionExpectedAt, new Date(due + 6 * DAY_MS).toISOString())
})

t.test('two amendments at once end as versions 2 and 3, or one is refused with a 409: never a 500, never two version 2s', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  const coOwner = await createOwner(ctx, 'co-chair@example.org')
  await addRfpMember(ctx, owner, slug, 'co-chair@example.org', 'owner')
  const results = await Promise.allSettled([
    amendRfp(ctx, owner, slug, withSummary(draft, 'First.'), 'First'),
    amendRfp(ctx, coOwner, slug, withSummary(draft, 'Second.'), 'Second')
  ])
  const fulfilled = results.flatMap((r) => r.status === 'fulfilled' ? [r.value.version] : [])
  const refused = results.flatMap((r) => r.status === 'rejected' ? [r.reason as { statusCode?: number, message?: string }] : [])
  t.ok(fulfilled.length >= 1, 'at least one amendment is issued')
  for (const error of refused) t.equal(error.statusCode, 409, `a refusal is a 409: ${String(error.message)}`)
  t.same([...fulfilled].sort(), fulfilled.length === 2 ? [2, 3] : [2])

  const numbers = (await ctx.db.selectFrom('rfp_versions').select('number').where('rfp_id', '=', id).orderBy('number').execute()).map((r) => r.number)
  t.same(numbers, fulfilled.length === 2 ? [1, 2, 3] : [1, 2])
  t.equal((await getRfp(ctx, ANONYMOUS, slug)).currentVersion, numbers.length)
  t.same((await eventsOf(ctx, 'rfp.amended')).map((e) => e.data.version).sort(), [...fulfilled].sort(), 'one event per version')
  t.match(await verifyAuditChain(ctx.db), { intact: true })
})

t.test('the versions are listed with their reasons, and any two are compared word by word', async (t) => {
  const { ctx, owner, slug, draft } = await published(t)
  ctx.clock.advance(DAY_MS)
  await amendRfp(ctx, owner, slug, { ...draft, title: 'Independent security review of Driftwood 2.0' }, 'Audit is a review')
  ctx.clock.advance(DAY_MS)
  await amendRfp(ctx, owner, slug, { ...draft, title: 'Independent security review of Driftwood 2.0', summary: `${draft.summary} Remote work is fine.` }, 'Remote work')

  const versions = await listRfpVersions(ctx, ANONYMOUS, slug)
  t.same(versions.map((v) => [v.number, v.reason, v.document.title]), [
    [1, null, draft.title],
    [2, 'Audit is a review', 'Independent security review of Driftwood 2.0'],
    [3, 'Remote work', 'Independent security review of Driftwood 2.0']
  ])
  t.ok(versions.every((v) => v.frozenAt !== null), 'every published version is frozen')

  const first = await compareVersions(ctx, ANONYMOUS, slug, 1, 2)
  t.equal(first.from.number, 1)
  t.equal(first.to.number, 2)
  t.same(first.parts.filter((p) => p.change !== 'same').map((p) => [p.change, p.text.trim()]), [['removed', 'audit'], ['added', 'review']])
  t.equal(first.parts.filter((p) => p.change !== 'removed').map((p) => p.text).join('').split('\n')[0], 'Independent security review of Driftwood 2.0',
    'the parts without the removed ones read as the newer version')
  const second = await compareVersions(ctx, ANONYMOUS, slug, 2, 3)
  t.match(second.parts.filter((p) => p.change === 'added').map((p) => p.text).join(''), 'Remote work is fine.')
  t.equal(second.parts.filter((p) => p.change === 'removed').length, 0)

  await t.rejects(compareVersions(ctx, ANONYMOUS, slug, 1, 4), { statusCode: 404, message: 'there is no version 4: the RFP has 3' })
  await t.rejects(compareVersions(ctx, ANONYMOUS, slug, 0, 2), { statusCode: 404, message: 'there is no version 0: the RFP has 3' })
  await createRfpDraft(ctx, owner, { ...draft, slug: 'hidden-draft' })
  await t.rejects(listRfpVersions(ctx, ANONYMOUS, 'hidden-draft'), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'a draft\'s versions are not public')
  t.same((await listRfpVersions(ctx, owner, 'hidden-draft')).map((v) => [v.number, v.frozenAt]), [[1, null]], 'its owner sees the unfrozen version 1')
})

t.test('a comparison shows invited vendors by name', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  await amendRfp(ctx, owner, slug, { ...draft, eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId] } }, 'Beta invited')
  const { parts } = await compareVersions(ctx, ANONYMOUS, slug, 1, 2)
  t.match(parts.filter((p) => p.change === 'added').map((p) => p.text).join(''), 'Beta Security')
  t.notMatch(parts.map((p) => p.text).join(''), b.organisationId, 'no ids in the text')
})

t.test('interest is registered once, with one private event', async (t) => {
  const { ctx, id, slug } = await published(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  t.same(await registerInterest(ctx, a.actor, slug), { registered: true })
  t.same(await registerInterest(ctx, a.actor, slug), { registered: false }, 'a second time changes nothing')
  t.same((await ctx.db.selectFrom('rfp_interests').selectAll().execute()).map((r) => [r.rfp_id, r.organisation_id, r.registered_by]), [[id, a.organisationId, a.actor.userId]])
  const events = await eventsOf(ctx, 'rfp.interest.registered')
  t.same(events.map((e) => [e.public, e.rfpId, e.actorId, e.data]), [[false, id, a.actor.userId, { organisationId: a.organisationId }]])
  t.match(await getVendorStanding(ctx, a.actor, slug), { registered: true, eligible: true, organisationName: 'Alpha Audits', unacknowledged: [] })
})

t.test('interest is refused to the committee, to vendors not invited, and on cancelled RFPs and drafts', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const member = await createCommitteeMember(ctx, 'member@example.org')
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)

  await t.rejects(registerInterest(ctx, a.actor, slug), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'a draft does not exist to vendors')
  await publishRfp(ctx, owner, id)
  const before = await snapshot(ctx, id)
  await t.rejects(registerInterest(ctx, owner, slug), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'interest is registered by vendor contacts' })
  await t.rejects(registerInterest(ctx, member.actor, slug), { statusCode: 403, code: 'SL_FORBIDDEN' })
  await t.rejects(registerInterest(ctx, b.actor, slug), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'this RFP is open to invited vendors only, and your organisation is not one of them' })
  t.same(await snapshot(ctx, id), before, 'nothing registered')
  t.match(await getVendorStanding(ctx, b.actor, slug), { registered: false, eligible: false, organisationName: 'Beta Security' })

  await cancelRfp(ctx, owner, slug, 'No budget')
  const cancelled = await snapshot(ctx, id)
  await t.rejects(registerInterest(ctx, a.actor, slug), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP is cancelled: it takes no new interest' })
  t.same(await snapshot(ctx, id), cancelled)
})

t.test('a vendor\'s standing lists the amendments it has yet to acknowledge; acknowledging is once per version', async (t) => {
  const { ctx, owner, id, slug, draft } = await published(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await registerInterest(ctx, a.actor, slug)
  await amendRfp(ctx, owner, slug, withSummary(draft, 'One.'), 'One')
  await amendRfp(ctx, owner, slug, withSummary(draft, 'Two.'), 'Two')
  t.same(await getVendorStanding(ctx, a.actor, slug), { registered: true, eligible: true, organisationName: 'Alpha Audits', unacknowledged: [2, 3] })

  const before = await snapshot(ctx, id)
  for (const version of [1, 0, 4]) {
    await t.rejects(acknowledgeAmendment(ctx, a.actor, slug, version), { statusCode: 404, code: 'SL_NOT_FOUND', message: `there is no amendment ${version}: amendments are versions 2 to 3` })
  }
  t.same(await snapshot(ctx, id), before, 'nothing acknowledged')
  await t.rejects(acknowledgeAmendment(ctx, owner, slug, 2), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'the committee acknowledges nothing')

  ctx.clock.advance(1000)
  await acknowledgeAmendment(ctx, a.actor, slug, 2)
  await acknowledgeAmendment(ctx, a.actor, slug, 2)
  const rows = await ctx.db.selectFrom('rfp_acknowledgements').selectAll().execute()
  t.same(rows.map((r) => [r.rfp_id, r.version, r.organisation_id, r.acknowledged_by, r.acknowledged_at]), [[id, 2, a.organisationId, a.actor.userId, ctx.clock.now().toISOString()]])
  const events = await eventsOf(ctx, 'rfp.amendment.acknowledged')
  t.same(events.map((e) => [e.public, e.data]), [[false, { organisationId: a.organisationId, version: 2 }]], 'one event')
  t.same((await getVendorStanding(ctx, a.actor, slug)).unacknowledged, [3])
  await acknowledgeAmendment(ctx, a.actor, slug, 3)
  t.same((await getVendorStanding(ctx, a.actor, slug)).unacknowledged, [])
  await t.rejects(getVendorStanding(ctx, owner, slug), { statusCode: 403, code: 'SL_FORBIDDEN' })
})

t.test('the committee sees which registered vendor acknowledged which amendment; nobody else does', async (t) => {
  const { ctx, owner, slug, draft } = await published(t)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  const stranger = await createCommitteeMember(ctx, 'stranger@example.org')
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  await createVendorContact(ctx, 'Gamma Labs', 'cy@gamma.example')
  const registeredAt = ctx.clock.now().toISOString()
  await registerInterest(ctx, b.actor, slug)
  await registerInterest(ctx, a.actor, slug)
  await amendRfp(ctx, owner, slug, withSummary(draft, 'One.'), 'One')
  await amendRfp(ctx, owner, slug, withSummary(draft, 'Two.'), 'Two')
  await acknowledgeAmendment(ctx, a.actor, slug, 3)
  await acknowledgeAmendment(ctx, b.actor, slug, 2)
  await acknowledgeAmendment(ctx, b.actor, slug, 3)

  const expected = [
    { id: a.organisationId, name: 'Alpha Audits', registeredAt, acknowledged: [3], unacknowledged: [2] },
    { id: b.organisationId, name: 'Beta Security', registeredAt, acknowledged: [2, 3], unacknowledged: [] }
  ]
  t.same(await listRegisteredVendors(ctx, owner, slug), expected, 'registered vendors only, by name')
  t.same(await listRegisteredVendors(ctx, evaluator, slug), expected, 'evaluators see it too')
  await t.rejects(listRegisteredVendors(ctx, a.actor, slug), { statusCode: 403, code: 'SL_FORBIDDEN' })
  await t.rejects(listRegisteredVendors(ctx, stranger.actor, slug), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'this page is for the RFP\'s committee' })
  await t.rejects(listRegisteredVendors(ctx, { ...stranger.actor, isAdmin: true }, slug), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'an admin is not the committee')
})

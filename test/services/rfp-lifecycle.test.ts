// An RFP's life as a whole, on a real database: editing a draft, inviting vendors at publication, cancelling,
// the committee's list of its RFPs, and choosing the committee. Every refusal is checked to leave the RFP,
// its roles, the audit log and the outbox as they were.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { setUserDisabled } from '../../src/db/users.js'
import { ANONYMOUS } from '../../src/domain/policy.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { DAY_MS } from '../../src/domain/time.js'
import { readAuditEvents, verifyAuditChain } from '../../src/services/audit.js'
import { addRfpMember, listRfpMembers, removeRfpMember } from '../../src/services/rfp-members.js'
import { registerInterest } from '../../src/services/rfp-vendors.js'
import { cancelRfp, createRfpDraft, getRfp, listMyRfps, listPublicRfps, publishRfp, updateRfpDraft } from '../../src/services/rfps.js'
import { T0, addVendorContact, createCommitteeMember, createOwner, createVendorContact, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
type TestT = Parameters<typeof testContext>[0]

const UNKNOWN_ORGANISATION = '3f1c1e8e-5d55-4b4e-9a53-0a6c1e2b7d10'

async function withOwner (t: TestT) {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  return { ctx, owner }
}

async function snapshot (ctx: Ctx) {
  return {
    rfps: await ctx.db.selectFrom('rfps').select(['id', 'slug', 'state', 'current_version', 'published_at', 'cancelled_at', 'cancel_reason', 'updated_at']).orderBy('id').execute(),
    versions: await ctx.db.selectFrom('rfp_versions').select(['rfp_id', 'number', 'title', 'summary', 'content', 'frozen_at']).orderBy('rfp_id').orderBy('number').execute(),
    roles: await ctx.db.selectFrom('rfp_roles').select(['rfp_id', 'user_id', 'role']).orderBy('rfp_id').orderBy('user_id').orderBy('role').execute(),
    audit: (await verifyAuditChain(ctx.db)).count,
    outbox: (await ctx.db.selectFrom('mail_outbox').select('id').execute()).length
  }
}

async function mails (ctx: Ctx, template: string) {
  return await ctx.db.selectFrom('mail_outbox').selectAll().where('template', '=', template).orderBy('to_address').execute()
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 200)).filter((e) => e.type === type)
}

t.test('a draft is rewritten in place as version 1, and may change its slug', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  ctx.clock.advance(DAY_MS)
  const rewritten: RfpDraft = { ...draft, title: 'Security audit of Driftwood 2.0', schedule: { ...draft.schedule, proposalsDueAt: '2026-12-27T17:00:00+01:00' } }
  t.same(await updateRfpDraft(ctx, owner, slug, rewritten), { slug })

  const rfp = await getRfp(ctx, owner, slug)
  t.equal(rfp.title, 'Security audit of Driftwood 2.0')
  t.equal(rfp.schedule.proposalsDueAt, '2026-12-27T16:00:00.000Z', 'instants are stored in UTC')
  t.equal(rfp.currentVersion, 1)
  t.equal(rfp.state, 'draft')
  const versions = await ctx.db.selectFrom('rfp_versions').select(['number', 'title', 'frozen_at']).where('rfp_id', '=', id).execute()
  t.same(versions, [{ number: 1, title: 'Security audit of Driftwood 2.0', frozen_at: null }], 'still one unfrozen version')
  t.equal((await ctx.db.selectFrom('rfps').select('updated_at').where('id', '=', id).executeTakeFirstOrThrow()).updated_at, ctx.clock.now().toISOString())
  t.same((await eventsOf(ctx, 'rfp.draft.updated')).map((e) => [e.public, e.rfpId, e.actorId, e.data]), [[false, id, owner.userId, { slug }]])

  t.same(await updateRfpDraft(ctx, owner, slug, { ...rewritten, slug: 'driftwood-audit' }), { slug: 'driftwood-audit' })
  t.equal((await getRfp(ctx, owner, 'driftwood-audit')).id, id)
  t.equal((await getRfp(ctx, owner, 'driftwood-audit')).document.slug, 'driftwood-audit')
  await t.rejects(getRfp(ctx, owner, slug), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'the old slug is gone')
  t.same((await eventsOf(ctx, 'rfp.draft.updated')).map((e) => e.data), [{ slug }, { slug: 'driftwood-audit' }])
  t.match(await verifyAuditChain(ctx.db), { intact: true })
})

t.test('a draft cannot take a slug another RFP has', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  await createRfpDraft(ctx, owner, { ...draft, slug: 'taken-slug' })
  const { slug } = await createRfpDraft(ctx, owner, draft)
  const before = await snapshot(ctx)
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, slug: 'taken-slug', title: 'A new title' }), { statusCode: 409, code: 'SL_CONFLICT', message: 'slug: "taken-slug" is taken by another RFP' })
  t.same(await snapshot(ctx), before, 'neither the slug nor the text changed')
})

t.test('once published, an RFP is changed by amendment only', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const before = await snapshot(ctx)
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, title: 'Quietly changed' }), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP is published: change it with an amendment' })
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, slug: 'quietly-moved' }), { statusCode: 409, code: 'SL_INVALID_STATE' }, 'nor moved to another slug')
  t.same(await snapshot(ctx), before)
  t.equal((await getRfp(ctx, ANONYMOUS, slug)).title, draft.title)
})

t.test('only an owner edits a draft; to anyone else it does not exist', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { slug } = await createRfpDraft(ctx, owner, draft)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  const stranger = await createOwner(ctx, 'stranger@example.org')
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const changed = { ...draft, title: 'Changed by someone' }
  const before = await snapshot(ctx)
  // DESIGN §2: a draft is visible only to its owners, so even its evaluators are told it does not exist.
  for (const [who, actor] of [['an evaluator', evaluator], ['a stranger', stranger], ['an admin', admin.actor], ['a vendor', a.actor]] as const) {
    await t.rejects(updateRfpDraft(ctx, actor, slug, changed), { statusCode: 404, code: 'SL_NOT_FOUND', message: `no RFP is published at /rfps/${slug}` }, who)
  }
  t.same(await snapshot(ctx), before)
  t.equal((await getRfp(ctx, owner, slug)).title, draft.title)
})

t.test('an evaluator, who sees a published RFP, may not edit it', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  const before = await snapshot(ctx)
  await t.rejects(updateRfpDraft(ctx, evaluator, slug, { ...draft, title: 'Changed by an evaluator' }), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'only an owner of the RFP may change it' })
  t.same(await snapshot(ctx), before)
})

t.test('an invited vendor must be a registered organisation', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const draft = securityAuditRfp(T0)
  const before = await snapshot(ctx)
  const problem = { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'eligibility.vendors.0', message: 'is not a registered vendor organisation' }] }
  await t.rejects(createRfpDraft(ctx, owner, { ...draft, eligibility: { mode: 'invited', vendors: [UNKNOWN_ORGANISATION] } }), problem, 'not when drafting')
  t.same(await snapshot(ctx), before)

  const { slug } = await createRfpDraft(ctx, owner, draft)
  const drafted = await snapshot(ctx)
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, eligibility: { mode: 'invited', vendors: [UNKNOWN_ORGANISATION, a.organisationId] } }), problem, 'not when editing')
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, eligibility: { mode: 'invited', vendors: [a.organisationId, UNKNOWN_ORGANISATION] } }),
    { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'eligibility.vendors.1' }] }, 'the path names the unknown one')
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, eligibility: { mode: 'invited', vendors: ['not-a-uuid'] } }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'eligibility' }] }, 'ids are checked by the schema first')
  t.same(await snapshot(ctx), drafted)
  await updateRfpDraft(ctx, owner, slug, { ...draft, eligibility: { mode: 'invited', vendors: [a.organisationId] } })
  t.same((await getRfp(ctx, owner, slug)).document.eligibility, { mode: 'invited', vendors: [a.organisationId] })
})

t.test('publishing an RFP for invited vendors mails each of their contacts an invitation', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  await createVendorContact(ctx, 'Gamma Labs', 'cy@gamma.example')
  await addVendorContact(ctx, a.organisationId, 'al@alpha.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  t.same(await mails(ctx, 'rfp-invitation'), [], 'a draft invites nobody')
  await publishRfp(ctx, owner, id)

  const invitations = await mails(ctx, 'rfp-invitation')
  t.same(invitations.map((m) => m.to_address), ['ada@alpha.example', 'al@alpha.example', 'bob@beta.example'], 'every contact of each invited vendor, and nobody else')
  for (const mail of invitations) {
    t.equal(mail.subject, `Invitation to bid: ${draft.title}`)
    t.match(mail.text_body, `http://localhost:3000/rfps/${slug}`)
    t.match(mail.text_body, /Proposals due: +.*26 Dec 2026, 18:00 CET/)
    t.match(mail.text_body, /Questions close: +.*12 Dec 2026, 18:00 CET/)
  }
  t.same((await mails(ctx, 'rfp-published')).map((m) => m.to_address), ['chair@example.org'], 'and the author is told as before')
})

t.test('a cancellation needs a reason', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  const before = await snapshot(ctx)
  await t.rejects(cancelRfp(ctx, owner, slug, '  '), {
    statusCode: 400,
    code: 'SL_INVALID_INPUT',
    message: 'reason: say why the RFP is cancelled: the reason is published',
    problems: [{ path: 'reason', message: 'say why the RFP is cancelled: the reason is published' }]
  })
  await t.rejects(cancelRfp(ctx, owner, slug, 'r'.repeat(2001)), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'reason', message: 'must be at most 2000 characters (it has 2001)' }] })
  t.same(await snapshot(ctx), before)
})

t.test('a published RFP is cancelled in public, and its registered and invited vendors are told', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const b = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  await createVendorContact(ctx, 'Gamma Labs', 'cy@gamma.example')
  await addVendorContact(ctx, b.organisationId, 'bea@beta.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId, b.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  await registerInterest(ctx, a.actor, slug)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')

  const before = await snapshot(ctx)
  await t.rejects(cancelRfp(ctx, evaluator, slug, 'Not mine to cancel'), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'only an owner of the RFP may cancel it' })
  await t.rejects(cancelRfp(ctx, a.actor, slug, 'Not mine to cancel'), { statusCode: 403, code: 'SL_FORBIDDEN' })
  t.same(await snapshot(ctx), before)

  ctx.clock.advance(DAY_MS)
  const at = ctx.clock.now().toISOString()
  await cancelRfp(ctx, owner, slug, '  The budget was withdrawn.  ')
  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  t.match(rfp, { state: 'cancelled', phase: 'cancelled', cancelledAt: at, cancelReason: 'The budget was withdrawn.' }, 'still public, as cancelled')
  t.same((await eventsOf(ctx, 'rfp.cancelled')).map((e) => [e.public, e.rfpId, e.actorId, e.data]), [[true, id, owner.userId, { slug, title: draft.title, reason: 'The budget was withdrawn.' }]])

  const cancelled = await mails(ctx, 'rfp-cancelled')
  t.same(cancelled.map((m) => m.to_address), ['ada@alpha.example', 'bea@beta.example', 'bob@beta.example'], 'the registered vendor once, every invited contact; nobody else')
  for (const mail of cancelled) {
    t.equal(mail.subject, `Cancelled: ${draft.title}`)
    t.match(mail.text_body, 'Reason: The budget was withdrawn.')
    t.match(mail.text_body, `/rfps/${slug}`)
  }

  const after = await snapshot(ctx)
  await t.rejects(cancelRfp(ctx, owner, slug, 'Again'), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP is cancelled and cannot be cancelled' })
  t.same(await snapshot(ctx), after, 'the second cancellation writes and mails nothing')
  t.match(await verifyAuditChain(ctx.db), { intact: true })
})

t.test('on an open RFP the registered vendors are told of the cancellation', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  await registerInterest(ctx, a.actor, slug)
  await cancelRfp(ctx, owner, slug, 'No budget')
  t.same((await mails(ctx, 'rfp-cancelled')).map((m) => m.to_address), ['ada@alpha.example'])
})

t.test('a cancelled draft stays private: a private event, no mail, invisible to the public', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const draft: RfpDraft = { ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [a.organisationId] } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  const outboxBefore = (await ctx.db.selectFrom('mail_outbox').select('id').execute()).length
  await cancelRfp(ctx, owner, slug, 'Changed our minds')

  t.same((await eventsOf(ctx, 'rfp.cancelled')).map((e) => [e.public, e.rfpId, e.data]), [[false, id, { slug, title: draft.title, reason: 'Changed our minds' }]])
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').execute()).length, outboxBefore, 'nobody is mailed')
  await t.rejects(getRfp(ctx, ANONYMOUS, slug), { statusCode: 404, code: 'SL_NOT_FOUND' })
  await t.rejects(getRfp(ctx, a.actor, slug), { statusCode: 404, code: 'SL_NOT_FOUND' })
  t.equal((await listPublicRfps(ctx, 1, 10)).total, 0)
  t.match(await getRfp(ctx, owner, slug), { state: 'cancelled', phase: 'cancelled', publishedAt: null, cancelReason: 'Changed our minds' }, 'its owner still sees it')

  const before = await snapshot(ctx)
  await t.rejects(publishRfp(ctx, owner, id), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP is cancelled, not a draft' })
  await t.rejects(cancelRfp(ctx, owner, slug, 'Again'), { statusCode: 409, code: 'SL_INVALID_STATE' })
  t.same(await snapshot(ctx), before)
})

t.test('a cancelled draft cannot be edited, and the refusal says it is cancelled', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const draft = securityAuditRfp(T0)
  const { slug } = await createRfpDraft(ctx, owner, draft)
  await cancelRfp(ctx, owner, slug, 'Changed our minds')
  const before = await snapshot(ctx)
  // Amending a cancelled RFP is refused too, so "change it with an amendment" would send the owner nowhere.
  await t.rejects(updateRfpDraft(ctx, owner, slug, { ...draft, title: 'Revived' }), { statusCode: 409, code: 'SL_INVALID_STATE', message: /cancelled/ })
  t.same(await snapshot(ctx), before)
})

t.test('the committee home lists the actor\'s own RFPs with their roles, and is not for vendors', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const colleague = await createOwner(ctx, 'colleague@example.org')
  const draft = securityAuditRfp(T0)
  const mine = await createRfpDraft(ctx, owner, { ...draft, slug: 'my-draft' })
  ctx.clock.advance(1000)
  const published = await createRfpDraft(ctx, owner, { ...draft, slug: 'my-published' })
  await publishRfp(ctx, owner, published.id)
  ctx.clock.advance(1000)
  const theirs = await createRfpDraft(ctx, colleague, { ...draft, slug: 'their-rfp' })
  await publishRfp(ctx, colleague, theirs.id)
  await addRfpMember(ctx, colleague, 'their-rfp', 'chair@example.org', 'evaluator')
  ctx.clock.advance(1000)
  await createRfpDraft(ctx, colleague, { ...draft, slug: 'not-mine' })
  ctx.clock.advance(1000)
  await addRfpMember(ctx, owner, 'my-draft', 'chair@example.org', 'evaluator')

  const list = await listMyRfps(ctx, owner, 50)
  t.same(list.map((r) => [r.slug, r.roles, r.phase]).sort(), [
    ['my-draft', ['evaluator', 'owner'], 'draft'],
    ['my-published', ['owner'], 'questions_open'],
    ['their-rfp', ['evaluator'], 'questions_open']
  ], 'own RFPs only, each once with every role held')
  t.same(list.map((r) => r.id).sort(), [mine.id, published.id, theirs.id].sort())
  t.same((await listMyRfps(ctx, colleague, 50)).map((r) => r.slug).sort(), ['not-mine', 'their-rfp'])
  t.same(await listMyRfps(ctx, await createOwner(ctx, 'new@example.org'), 50), [], 'a new member has none')

  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await t.rejects(listMyRfps(ctx, a.actor, 50), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'the committee pages are for committee members' })
})

t.test('owners and admins add committee members by address; evaluators do not', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const colleague = await createOwner(ctx, 'colleague@example.org')
  const a = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')

  ctx.clock.advance(1000)
  await addRfpMember(ctx, owner, slug, '  Evaluator@Example.org ', 'evaluator')
  t.same((await eventsOf(ctx, 'role.granted')).filter((e) => e.rfpId === id && e.data.role === 'evaluator').map((e) => [e.public, e.actorId, e.data]),
    [[false, owner.userId, { userId: evaluator.userId, role: 'evaluator' }]], 'a private event')
  const granted = await snapshot(ctx)
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  t.same(await snapshot(ctx), granted, 'granting a role held already changes nothing')

  await addRfpMember(ctx, admin.actor, slug, 'colleague@example.org', 'owner')
  t.same((await listRfpMembers(ctx, owner, slug)).map((m) => [m.email, m.role]), [
    ['chair@example.org', 'owner'], ['evaluator@example.org', 'evaluator'], ['colleague@example.org', 'owner']
  ])
  t.ok((await getRfp(ctx, colleague, slug)).members.some((m) => m.userId === colleague.userId && m.role === 'owner'))

  const disabled = await createOwner(ctx, 'gone@example.org')
  await setUserDisabled(ctx.db, disabled.userId, ctx.clock.now().toISOString())
  const before = await snapshot(ctx)
  const noSuchMember = { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'email', message: 'no active committee member has this address: an admin invites people first' }] }
  await t.rejects(addRfpMember(ctx, owner, slug, 'nobody@example.org', 'evaluator'), noSuchMember, 'an unknown address')
  await t.rejects(addRfpMember(ctx, owner, slug, 'gone@example.org', 'evaluator'), noSuchMember, 'a disabled account')
  await t.rejects(addRfpMember(ctx, owner, slug, 'ada@alpha.example', 'evaluator'), { statusCode: 409, message: 'vendor contacts cannot hold roles on an RFP' }, 'a vendor contact')
  await t.rejects(addRfpMember(ctx, evaluator, slug, 'nobody@example.org', 'evaluator'), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'only an owner of the RFP or an admin chooses its committee' })
  await t.rejects(addRfpMember(ctx, evaluator, slug, 'gone@example.org', 'owner'), { statusCode: 403, code: 'SL_FORBIDDEN' })
  await t.rejects(addRfpMember(ctx, a.actor, slug, 'nobody@example.org', 'owner'), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'nor a vendor')
  t.same(await snapshot(ctx), before, 'no role and no event')
})

t.test('the last owner stays', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  const coOwner = await createOwner(ctx, 'co-chair@example.org')
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'co-chair@example.org', 'owner')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')

  const before = await snapshot(ctx)
  await t.rejects(removeRfpMember(ctx, evaluator, slug, owner.userId, 'owner'), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'only an owner of the RFP or an admin chooses its committee' }, 'an evaluator removes nobody')
  await t.rejects(removeRfpMember(ctx, owner, slug, evaluator.userId, 'owner'), { statusCode: 404, message: 'the user is not owner of that RFP' })
  t.same(await snapshot(ctx), before)

  await removeRfpMember(ctx, coOwner, slug, owner.userId, 'owner')
  t.same((await eventsOf(ctx, 'role.revoked')).map((e) => [e.public, e.rfpId, e.actorId, e.data]), [[false, id, coOwner.userId, { userId: owner.userId, role: 'owner' }]])
  await t.rejects(removeRfpMember(ctx, owner, slug, coOwner.userId, 'owner'), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'the former owner chooses nobody any more')

  const alone = await snapshot(ctx)
  await t.rejects(removeRfpMember(ctx, coOwner, slug, coOwner.userId, 'owner'), { statusCode: 409, code: 'SL_CONFLICT', message: 'the RFP would have no owner left; grant the role to someone else first' })
  t.same(await snapshot(ctx), alone, 'the role is still there, and no event')
  await t.rejects(removeRfpMember(ctx, coOwner, slug, evaluator.userId, 'evaluator'), { statusCode: 409, code: 'SL_CONFLICT', message: /keeps at least two committee members/ }, 'a published RFP keeps two members until its proposals are opened')
  t.same(await snapshot(ctx), alone)
  t.same((await listRfpMembers(ctx, coOwner, slug)).map((m) => [m.email, m.role]).sort(), [['co-chair@example.org', 'owner'], ['evaluator@example.org', 'evaluator']])
})

t.test('two owners removing each other at once leave one owner', async (t) => {
  const { ctx, owner } = await withOwner(t)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  const coOwner = await createOwner(ctx, 'co-chair@example.org')
  await addRfpMember(ctx, owner, slug, 'co-chair@example.org', 'owner')
  const results = await Promise.allSettled([
    removeRfpMember(ctx, owner, slug, coOwner.userId, 'owner'),
    removeRfpMember(ctx, coOwner, slug, owner.userId, 'owner')
  ])
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  for (const r of results) {
    if (r.status === 'rejected') t.ok([403, 404, 409].includes((r.reason as { statusCode?: number }).statusCode ?? 500), `the other is refused, not a 500: ${String(r.reason)}`)
  }
  const owners = await ctx.db.selectFrom('rfp_roles').select('user_id').where('rfp_id', '=', id).where('role', '=', 'owner').execute()
  t.equal(owners.length, 1)
  t.equal((await eventsOf(ctx, 'role.revoked')).length, 1)
})

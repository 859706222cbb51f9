// The same action twice at once must end as if one came first: on PostgreSQL (READ COMMITTED, several
// connections) as on SQLite. Each case runs two calls concurrently and checks the outcome and the audit log.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { totpCode } from '../../src/domain/second-factor.js'
import { completeTotpEnrolment, newTotpSecret } from '../../src/services/committee-sign-in.js'
import { acceptInvitation, inviteUser, resendInvitation } from '../../src/services/invitations.js'
import { amendRfp } from '../../src/services/amendments.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { cancelRfp, createRfpDraft, documentHash, getRfp, publishRfp, updateRfpDraft } from '../../src/services/rfps.js'
import { createUser } from '../../src/services/users.js'
import { registerVendor } from '../../src/services/vendors.js'
import { createCommitteeMember, createOwner, T0, TEST_PASSWORD, testContext } from '../helpers/app.js'

const outcomes = (results: PromiseSettledResult<unknown>[]) => results.map((r) => r.status === 'fulfilled' ? 'ok' : (r.reason as { code?: string }).code ?? String(r.reason)).sort()

t.test('two registrations of one organisation, two users with one address, two drafts with one slug: one wins, the other gets a 409', async (t) => {
  const ctx = await testContext(t)
  const vendors = await Promise.allSettled([
    registerVendor(ctx, { organisation: 'Acme', website: '', contactName: 'A', email: 'a@acme.example' }),
    registerVendor(ctx, { organisation: 'ACME', website: '', contactName: 'B', email: 'b@acme.example' })
  ])
  t.same(outcomes(vendors), ['SL_CONFLICT', 'ok'])
  const users = await Promise.allSettled([createUser(ctx, null, { email: 'x@example.org', displayName: 'X' }), createUser(ctx, null, { email: 'X@example.org', displayName: 'X' })])
  t.same(outcomes(users), ['SL_CONFLICT', 'ok'])
  const owner = await createOwner(ctx)
  const drafts = await Promise.allSettled([createRfpDraft(ctx, owner, securityAuditRfp(T0)), createRfpDraft(ctx, owner, securityAuditRfp(T0))])
  t.same(outcomes(drafts), ['SL_CONFLICT', 'ok'])
})

t.test('publishing twice at once publishes once', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const { id } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  t.same(outcomes(await Promise.allSettled([publishRfp(ctx, owner, id), publishRfp(ctx, owner, id)])), ['SL_INVALID_STATE', 'ok'])
  t.equal((await ctx.db.selectFrom('audit_events').select('seq').where('type', '=', 'rfp.published').execute()).length, 1)
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('template', '=', 'rfp-published').execute()).length, 1)
})

t.test('enrolment submitted twice keeps the recovery codes the first answer showed', async (t) => {
  const ctx = await testContext(t)
  const { userId, path } = await inviteUser(ctx, null, { email: 'r@example.org', displayName: 'R', mail: false })
  await acceptInvitation(ctx, new URLSearchParams(path.split('?')[1]).get('token') ?? '', TEST_PASSWORD)
  const secret = newTotpSecret(ctx)
  const code = totpCode(secret, ctx.clock.now())
  const results = await Promise.allSettled([completeTotpEnrolment(ctx, userId, secret, code), completeTotpEnrolment(ctx, userId, secret, code)])
  t.same(outcomes(results), ['SL_INVALID_STATE', 'ok'])
  t.equal((await ctx.db.selectFrom('audit_events').select('seq').where('type', '=', 'auth.second_factor_enrolled').execute()).length, 1)
})

t.test('two admins resending an invitation at once leave one live link', async (t) => {
  const ctx = await testContext(t)
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const other = await createCommitteeMember(ctx, 'other-admin@example.org', { isAdmin: true })
  const { userId } = await inviteUser(ctx, admin.actor, { email: 'new@example.org', displayName: 'New' })
  await Promise.all([resendInvitation(ctx, admin.actor, userId), resendInvitation(ctx, other.actor, userId)])
  const live = await ctx.db.selectFrom('sign_in_tokens').select('token_hash').where('user_id', '=', userId).where('purpose', '=', 'invitation').where('used_at', 'is', null).execute()
  t.equal(live.length, 1)
})

t.test('two amendments at once make versions 2 and 3, each checked against the one before', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  const current = (await getRfp(ctx, owner, slug)).document
  const results = await Promise.allSettled([
    amendRfp(ctx, owner, slug, { ...current, summary: 'First rewording of the summary.' }, 'First'),
    amendRfp(ctx, owner, slug, { ...current, title: 'A second, retitled RFP' }, 'Second')
  ])
  t.same(outcomes(results), ['ok', 'ok'], 'never a 500 from two version numbers alike')
  t.same((results.map((r) => (r as PromiseFulfilledResult<{ version: number }>).value.version)).sort(), [2, 3])
  const versions = await ctx.db.selectFrom('rfp_versions').select(['number', 'title', 'summary']).where('rfp_id', '=', id).orderBy('number').execute()
  t.equal(versions.length, 3)
  t.equal((await getRfp(ctx, owner, slug)).currentVersion, 3)
})

t.test('a draft edited while it is published: the published hash is the hash of the version 1 that was frozen', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  const results = await Promise.allSettled([publishRfp(ctx, owner, id), updateRfpDraft(ctx, owner, slug, { ...draft, title: 'Retitled while publishing' })])
  t.ok(results[0].status === 'fulfilled', 'the publication goes through')
  const rfp = await getRfp(ctx, owner, slug)
  const published = (await readAuditEvents(ctx.db, 0, 100)).find((e) => e.type === 'rfp.published')
  t.equal(published?.data.documentHash, documentHash(rfp.document, 1), 'the log names exactly the text that was frozen')
  t.equal(published?.data.title, rfp.title)
})

t.test('cancelled while being published: the cancellation of a published RFP is public', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await Promise.allSettled([publishRfp(ctx, owner, id), cancelRfp(ctx, owner, slug, 'Funding withdrawn.')])
  const rfp = await getRfp(ctx, owner, slug)
  const cancelled = (await readAuditEvents(ctx.db, 0, 100)).find((e) => e.type === 'rfp.cancelled')
  t.equal(rfp.state, 'cancelled')
  t.equal(cancelled?.public, rfp.publishedAt !== null, 'public exactly when the RFP had been published')
})

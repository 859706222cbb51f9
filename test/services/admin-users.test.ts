// Admins manage people: roles on RFPs, disabling and enabling, the list of users.
import t from 'tap'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { disableUser, enableUser, getUserForAdmin, grantRole, listUsersPage, revokeRole } from '../../src/services/admin-users.js'
import { inviteUser, resendInvitation } from '../../src/services/invitations.js'
import { storeSession } from '../../src/services/sessions.js'
import { getRfp } from '../../src/services/rfps.js'
import { registerVendor } from '../../src/services/vendors.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { createCommitteeMember, testContext } from '../helpers/app.js'

async function setUp (t: Parameters<typeof testContext>[0]) {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const member = await createCommitteeMember(ctx, 'member@example.org')
  return { ctx, admin, member }
}

t.test('roles: granted and revoked by an admin, audited, decisive for access; never to vendor contacts; an RFP keeps an owner', async (t) => {
  const { ctx, admin, member } = await setUp(t)
  const rfp = await getRfp(ctx, member.actor, DEMO_RFP_SLUG)
  const chair = rfp.members.find((m) => m.role === 'owner')?.userId ?? ''
  t.ok(chair, 'the author of the demo RFP is its owner')

  await grantRole(ctx, admin.actor, member.userId, DEMO_RFP_SLUG, 'owner')
  await grantRole(ctx, admin.actor, member.userId, DEMO_RFP_SLUG, 'owner')
  t.same((await getRfp(ctx, member.actor, DEMO_RFP_SLUG)).members.filter((m) => m.userId === member.userId), [{ userId: member.userId, role: 'owner' }], 'granting twice holds once')
  await t.rejects(grantRole(ctx, member.actor, member.userId, DEMO_RFP_SLUG, 'evaluator'), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'not by a non-admin')
  await t.rejects(grantRole(ctx, admin.actor, member.userId, 'no-such-rfp', 'evaluator'), { code: 'SL_INVALID_INPUT', problems: [{ path: 'rfp' }] })

  await registerVendor(ctx, { organisation: 'Acme', website: '', contactName: 'V', email: 'v@acme.example' })
  const vendorId = (await ctx.db.selectFrom('users').select('id').where('email', '=', 'v@acme.example').executeTakeFirstOrThrow()).id
  await t.rejects(grantRole(ctx, admin.actor, vendorId, DEMO_RFP_SLUG, 'evaluator'), { code: 'SL_INVALID_STATE', message: /vendor contacts cannot hold roles/ })

  await t.rejects(revokeRole(ctx, admin.actor, chair, DEMO_RFP_SLUG, 'owner'), { code: 'SL_CONFLICT', message: /keeps at least two committee members/ }, 'a committee of two does not shrink to one before the opening')
  const reviewer = await createCommitteeMember(ctx, 'reviewer@example.org')
  await grantRole(ctx, admin.actor, reviewer.userId, DEMO_RFP_SLUG, 'evaluator')
  await revokeRole(ctx, admin.actor, chair, DEMO_RFP_SLUG, 'owner')
  await t.rejects(revokeRole(ctx, admin.actor, member.userId, DEMO_RFP_SLUG, 'owner'), { code: 'SL_CONFLICT', message: /no owner left/ }, 'the last owner stays')
  t.same((await getRfp(ctx, member.actor, DEMO_RFP_SLUG)).members.map((m) => m.role).sort(), ['evaluator', 'owner'], 'nothing changed by the refused revocation')
  await t.rejects(revokeRole(ctx, admin.actor, member.userId, DEMO_RFP_SLUG, 'evaluator'), { statusCode: 404, code: 'SL_NOT_FOUND' })

  const events = await ctx.db.selectFrom('audit_events').select(['type', 'actor_id', 'data']).where('type', 'like', 'role.%').where('rfp_id', '=', rfp.id).orderBy('seq').execute()
  t.same(events.map((e) => [e.type, e.actor_id]), [['role.granted', admin.userId], ['role.granted', admin.userId], ['role.revoked', admin.userId]])
  t.same(JSON.parse(events[0]?.data ?? '{}'), { role: 'owner', userId: member.userId })
})

t.test('disabling ends every session at once, refuses the admin themselves, and is undone by enabling', async (t) => {
  const { ctx, admin, member } = await setUp(t)
  await storeSession(ctx, 'member-session', {}, ctx.config.session)
  await storeSession(ctx, 'member-session', { userId: member.userId }, ctx.config.session)
  await t.rejects(disableUser(ctx, admin.actor, admin.userId), { code: 'SL_INVALID_STATE', message: /your own account/ })
  await t.rejects(disableUser(ctx, { ...admin.actor, secondFactorAt: null }, member.userId), { code: 'SL_STEP_UP' }, 'a step-up first')
  await disableUser(ctx, admin.actor, member.userId)
  t.same(await ctx.db.selectFrom('sessions').select('id_hash').where('user_id', '=', member.userId).execute(), [], 'sessions gone')
  t.match((await getUserForAdmin(ctx, admin.actor, member.userId)), { disabled: true })
  await t.rejects(resendInvitation(ctx, admin.actor, member.userId), { code: 'SL_INVALID_STATE' }, 'no invitation to a disabled account')
  await enableUser(ctx, admin.actor, member.userId)
  t.match((await getUserForAdmin(ctx, admin.actor, member.userId)), { disabled: false })
  const types = (await ctx.db.selectFrom('audit_events').select('type').where('type', 'in', ['user.disabled', 'user.enabled']).orderBy('seq').execute()).map((e) => e.type)
  t.same(types, ['user.disabled', 'user.enabled'])
})

t.test('the list of users, in pages, says where each stands', async (t) => {
  const { ctx, admin } = await setUp(t)
  await inviteUser(ctx, admin.actor, { email: 'invited@example.org', displayName: 'Invited' })
  await registerVendor(ctx, { organisation: 'Acme', website: '', contactName: 'V', email: 'v@acme.example' })
  const page = await listUsersPage(ctx, admin.actor, 1, 3)
  // The demo's four vendor contacts, its chair and its reviewer are among them.
  t.equal(page.total, 10)
  t.equal(page.pageCount, 4)
  t.same(page.items.map((u) => [u.email, u.status]), [['admin@example.org', 'active'], ['ana@northwind-assurance.example', 'vendor contact'], ['chair@driftwood.example', 'invited']])
  t.same((await listUsersPage(ctx, admin.actor, 2, 3)).items.map((u) => [u.email, u.status]), [['invited@example.org', 'invited'], ['kenji@basalt-lab.example', 'vendor contact'], ['mara@quillon-labs.example', 'vendor contact']])
  t.same((await listUsersPage(ctx, admin.actor, 3, 3)).items.map((u) => [u.email, u.status]), [['member@example.org', 'active'], ['sam@driftwood.example', 'invited'], ['tess@tidewater-research.example', 'vendor contact']])
  t.same((await listUsersPage(ctx, admin.actor, 4, 3)).items.map((u) => [u.email, u.status]), [['v@acme.example', 'vendor contact']])
  await t.rejects(listUsersPage(ctx, admin.actor, 5, 3), { statusCode: 404, code: 'SL_NOT_FOUND' })
  await t.rejects(inviteUser(ctx, admin.actor, { email: 'INVITED@example.org', displayName: 'Twice' }), { statusCode: 409, code: 'SL_CONFLICT' }, 'an address is one account, whatever its case')
})

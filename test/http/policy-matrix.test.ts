// Every route × every kind of visitor, with the status each must get. A route without a row fails the test:
// whoever adds a route adds its row, and so decides who may use it.
import { Signer } from '@fastify/cookie'
import t from 'tap'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { grantRole } from '../../src/services/admin-users.js'
import { createApiToken } from '../../src/services/api-tokens.js'
import { createRfpDraft } from '../../src/services/rfps.js'
import { storeSession } from '../../src/services/sessions.js'
import { registerVendor } from '../../src/services/vendors.js'
import { buildTestApp, createCommitteeMember, T0, type TestApp } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const SECRET = 'a-test-session-secret-of-32-characters-or-more'
const ACTORS = ['anonymous', 'vendorA', 'vendorB', 'evaluator', 'otherEvaluator', 'owner', 'admin'] as const
type ActorName = typeof ACTORS[number]
const DRAFT_SLUG = 'second-rfp-draft'

/** How to call a route: the concrete URL and, for forms, the fields (a CSRF token is added). */
interface Call { url: string, form?: Record<string, string> }
type Expect = Record<ActorName, number>

const same = (status: number): Expect => Object.fromEntries(ACTORS.map((a) => [a, status])) as Expect
/** Signed-out visitors are sent to sign in; every signed-in user gets `status`. */
const signedIn = (status: number): Expect => ({ ...same(status), anonymous: 303 })
const adminOnly = (status: number): Expect => ({ ...same(403), anonymous: 303, admin: status })
const committee = (vendors: number, others: number): Expect => ({ anonymous: 303, vendorA: vendors, vendorB: vendors, evaluator: others, otherEvaluator: others, owner: others, admin: others })

// Filled in once the people exist: the user an admin manages, and vendor A's API token.
const ids = { target: '', vendorAToken: '' }
const A43 = 'A'.repeat(43)

const MATRIX: Record<string, { call: (actor: ActorName) => Call, expect: Expect }> = {
  'GET /': { call: () => ({ url: '/' }), expect: same(200) },
  'GET /healthz': { call: () => ({ url: '/healthz' }), expect: same(200) },
  'GET /assets/*': { call: () => ({ url: '/assets/shortlist.css' }), expect: same(200) },
  // The public page shows what the public sees, to everyone: a draft is not there even for its owner.
  'GET /rfps/:slug': { call: () => ({ url: `/rfps/${DRAFT_SLUG}` }), expect: same(404) },
  'GET /sign-in': { call: () => ({ url: '/sign-in' }), expect: { ...same(303), anonymous: 200 } },
  'POST /sign-in': { call: () => ({ url: '/sign-in', form: { email: 'someone@example.org' } }), expect: same(200) },
  'GET /sign-in/confirm': { call: () => ({ url: `/sign-in/confirm?token=${A43}` }), expect: same(400) },
  'POST /sign-in/confirm': { call: () => ({ url: '/sign-in/confirm', form: { token: A43 } }), expect: same(400) },
  'POST /sign-out': { call: () => ({ url: '/sign-out', form: {} }), expect: same(303) },
  'GET /vendor/register': { call: () => ({ url: '/vendor/register' }), expect: same(200) },
  'POST /vendor/register': {
    call: (actor) => ({ url: '/vendor/register', form: { organisation: `New ${actor}`, website: '', contactName: 'New', email: `new-${actor.toLowerCase()}@example.org` } }),
    expect: same(200)
  },
  'GET /vendor': { call: () => ({ url: '/vendor' }), expect: committee(200, 403) },
  'GET /invitation': { call: () => ({ url: `/invitation?token=${A43}` }), expect: same(400) },
  'POST /invitation': { call: () => ({ url: '/invitation', form: { token: A43, password: 'a long enough passphrase' } }), expect: same(400) },
  'POST /sign-in/password': { call: () => ({ url: '/sign-in/password', form: { email: 'nobody@example.org', password: 'not the password' } }), expect: same(400) },
  // The second-factor steps belong to a half-done sign-in; without one, start again.
  'GET /sign-in/two-factor': { call: () => ({ url: '/sign-in/two-factor' }), expect: same(303) },
  'POST /sign-in/two-factor': { call: () => ({ url: '/sign-in/two-factor', form: { code: '123456' } }), expect: same(303) },
  'GET /sign-in/two-factor/setup': { call: () => ({ url: '/sign-in/two-factor/setup' }), expect: same(303) },
  'GET /sign-in/two-factor/setup/qr.svg': { call: () => ({ url: '/sign-in/two-factor/setup/qr.svg' }), expect: same(404) },
  'POST /sign-in/two-factor/setup': { call: () => ({ url: '/sign-in/two-factor/setup', form: { code: '123456' } }), expect: same(303) },
  'GET /account': { call: () => ({ url: '/account' }), expect: signedIn(200) },
  'POST /account/sessions/revoke': { call: () => ({ url: '/account/sessions/revoke', form: { session: 'a'.repeat(64) } }), expect: signedIn(404) },
  'POST /account/tokens': { call: () => ({ url: '/account/tokens', form: { name: 'matrix' } }), expect: signedIn(200) },
  'POST /account/tokens/revoke': { call: () => ({ url: '/account/tokens/revoke', form: { token: ids.vendorAToken } }), expect: { ...signedIn(403), vendorA: 303 } },
  // Vendors have no second factor to confirm: they are sent straight on.
  'GET /account/confirm': { call: () => ({ url: '/account/confirm?next=/account' }), expect: committee(303, 200) },
  'POST /account/confirm': { call: () => ({ url: '/account/confirm', form: { code: '000000' } }), expect: signedIn(400) },
  'GET /admin/users': { call: () => ({ url: '/admin/users' }), expect: adminOnly(200) },
  'POST /admin/users': { call: (actor) => ({ url: '/admin/users', form: { email: `invited-by-${actor.toLowerCase()}@example.org`, displayName: 'Invitee' } }), expect: adminOnly(303) },
  'GET /admin/users/:id': { call: () => ({ url: `/admin/users/${ids.target}` }), expect: adminOnly(200) },
  'POST /admin/users/:id/disable': { call: () => ({ url: `/admin/users/${ids.target}/disable`, form: {} }), expect: adminOnly(303) },
  'POST /admin/users/:id/enable': { call: () => ({ url: `/admin/users/${ids.target}/enable`, form: {} }), expect: adminOnly(303) },
  'POST /admin/users/:id/invitation': { call: () => ({ url: `/admin/users/${ids.target}/invitation`, form: {} }), expect: adminOnly(303) },
  'POST /admin/users/:id/roles': { call: () => ({ url: `/admin/users/${ids.target}/roles`, form: { rfp: DEMO_RFP_SLUG, role: 'evaluator' } }), expect: adminOnly(303) },
  'POST /admin/users/:id/roles/revoke': { call: () => ({ url: `/admin/users/${ids.target}/roles/revoke`, form: { rfp: DEMO_RFP_SLUG, role: 'evaluator' } }), expect: adminOnly(303) },
  // The API takes each actor's bearer token, not the session.
  'GET /api/docs': { call: () => ({ url: '/api/docs' }), expect: same(200) },
  'GET /api/v1/me': { call: () => ({ url: '/api/v1/me' }), expect: { ...same(200), anonymous: 401 } },
  'GET /api/v1/rfps/:slug': { call: () => ({ url: `/api/v1/rfps/${DRAFT_SLUG}` }), expect: { ...same(404), otherEvaluator: 200, owner: 200 } }
}

async function visitorOf ({ app, ctx, config }: TestApp, userId: string | undefined): Promise<Visitor> {
  const visitor = new Visitor(app)
  if (userId === undefined) return visitor
  const sessionId = `session-of-${userId}`
  // As sign-in does it: the session is saved empty, then given its user, who has just proved the second factor.
  await storeSession(ctx, sessionId, {}, config.session)
  await storeSession(ctx, sessionId, { userId, secondFactorAt: ctx.clock.now().toISOString() }, config.session)
  visitor.setCookie('shortlist', new Signer(SECRET).sign(sessionId))
  return visitor
}

t.test('every route has a row, and every row holds', async (t) => {
  const test = await buildTestApp(t, { demo: true, config: { session: { secret: SECRET }, signIn: { attemptsPerWindow: 10000 } } })
  const { app, ctx } = test
  await app.ready()
  t.same(app.routeList.map((r) => `${r.method} ${r.url}`).sort(), Object.keys(MATRIX).sort(), 'the matrix lists exactly the routes the app has')

  await registerVendor(ctx, { organisation: 'Vendor A', website: '', contactName: 'A', email: 'a@vendor-a.example' })
  await registerVendor(ctx, { organisation: 'Vendor B', website: '', contactName: 'B', email: 'b@vendor-b.example' })
  const vendor = async (email: string) => (await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const owner = await createCommitteeMember(ctx, 'owner@example.org')
  const evaluator = await createCommitteeMember(ctx, 'evaluator@example.org')
  const otherEvaluator = await createCommitteeMember(ctx, 'other-evaluator@example.org')
  ids.target = (await createCommitteeMember(ctx, 'target@example.org')).userId
  await createRfpDraft(ctx, owner.actor, { ...securityAuditRfp(T0), slug: DRAFT_SLUG })
  await grantRole(ctx, admin.actor, owner.userId, DEMO_RFP_SLUG, 'owner')
  await grantRole(ctx, admin.actor, evaluator.userId, DEMO_RFP_SLUG, 'evaluator')
  await grantRole(ctx, admin.actor, otherEvaluator.userId, DRAFT_SLUG, 'evaluator')
  const users: Record<ActorName, string | undefined> = {
    anonymous: undefined,
    vendorA: await vendor('a@vendor-a.example'),
    vendorB: await vendor('b@vendor-b.example'),
    evaluator: evaluator.userId,
    otherEvaluator: otherEvaluator.userId,
    owner: owner.userId,
    admin: admin.userId
  }
  const vendorAActor = { kind: 'user' as const, userId: users.vendorA ?? '', isAdmin: false, organisationId: 'a', hasSecondFactor: false, secondFactorAt: null }
  ids.vendorAToken = (await createApiToken(ctx, vendorAActor, 'to revoke')).id
  const bearer: Partial<Record<ActorName, string>> = {}
  for (const actor of ACTORS) {
    const userId = users[actor]
    if (userId === undefined) continue
    const token = await createApiToken(ctx, { kind: 'user', userId, isAdmin: actor === 'admin', organisationId: null, hasSecondFactor: false, secondFactorAt: null }, 'matrix')
    bearer[actor] = token.token
  }

  for (const [route, { call, expect }] of Object.entries(MATRIX)) {
    for (const actor of ACTORS) {
      const visitor = await visitorOf(test, users[actor])
      const { url, form } = call(actor)
      let status: number
      if (url.startsWith('/api/')) {
        const token = bearer[actor]
        status = (await visitor.get(url, token === undefined ? {} : { authorization: `Bearer ${token}` })).statusCode
      } else if (form === undefined) {
        status = (await visitor.get(url)).statusCode
      } else {
        const _csrf = await visitor.csrfFrom('/vendor/register')
        status = (await visitor.post(url, { ...form, _csrf })).statusCode
      }
      t.equal(status, expect[actor], `${route} as ${actor}`)
    }
  }
})

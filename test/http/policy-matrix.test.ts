// Every route × every kind of visitor, with the status each must get. A route without a row fails the test:
// whoever adds a route adds its row, and so decides who may use it.
import { Signer } from '@fastify/cookie'
import t from 'tap'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { storeSession } from '../../src/services/sessions.js'
import { createUser } from '../../src/services/users.js'
import { registerVendor } from '../../src/services/vendors.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const SECRET = 'a-test-session-secret-of-32-characters-or-more'
const ACTORS = ['anonymous', 'vendorA', 'vendorB', 'committee', 'admin'] as const
type ActorName = typeof ACTORS[number]

/** How to call a route: the concrete URL and, for forms, the fields (a CSRF token is added). */
interface Call { url: string, form?: Record<string, string> }

const same = (status: number): Record<ActorName, number> => Object.fromEntries(ACTORS.map((a) => [a, status])) as Record<ActorName, number>

const MATRIX: Record<string, { call: (actor: ActorName) => Call, expect: Record<ActorName, number> }> = {
  'GET /': { call: () => ({ url: '/' }), expect: same(200) },
  'GET /healthz': { call: () => ({ url: '/healthz' }), expect: same(200) },
  'GET /assets/*': { call: () => ({ url: '/assets/shortlist.css' }), expect: same(200) },
  'GET /rfps/:slug': { call: () => ({ url: `/rfps/${DEMO_RFP_SLUG}` }), expect: same(200) },
  'GET /sign-in': { call: () => ({ url: '/sign-in' }), expect: { anonymous: 200, vendorA: 303, vendorB: 303, committee: 303, admin: 303 } },
  'POST /sign-in': { call: () => ({ url: '/sign-in', form: { email: 'someone@example.org' } }), expect: same(200) },
  'GET /sign-in/confirm': { call: () => ({ url: `/sign-in/confirm?token=${'A'.repeat(43)}` }), expect: same(400) },
  'POST /sign-in/confirm': { call: () => ({ url: '/sign-in/confirm', form: { token: 'A'.repeat(43) } }), expect: same(400) },
  'POST /sign-out': { call: () => ({ url: '/sign-out', form: {} }), expect: same(303) },
  'GET /vendor/register': { call: () => ({ url: '/vendor/register' }), expect: same(200) },
  'POST /vendor/register': {
    call: (actor) => ({ url: '/vendor/register', form: { organisation: `New ${actor}`, website: '', contactName: 'New', email: `new-${actor.toLowerCase()}@example.org` } }),
    expect: same(200)
  },
  'GET /vendor': { call: () => ({ url: '/vendor' }), expect: { anonymous: 303, vendorA: 200, vendorB: 200, committee: 403, admin: 403 } }
}

async function signedIn (app: TestApp['app'], ctx: TestApp['ctx'], config: TestApp['config'], userId: string | undefined): Promise<Visitor> {
  const visitor = new Visitor(app)
  if (userId === undefined) return visitor
  const sessionId = `session-of-${userId}`
  // As sign-in does it: the session is saved empty, then given its user.
  await storeSession(ctx, sessionId, {}, config.session)
  await storeSession(ctx, sessionId, { userId }, config.session)
  visitor.setCookie('shortlist', new Signer(SECRET).sign(sessionId))
  return visitor
}

t.test('every route has a row, and every row holds', async (t) => {
  const { app, ctx, config } = await buildTestApp(t, { demo: true, config: { session: { secret: SECRET }, signIn: { attemptsPerWindow: 10000 } } })
  await app.ready()
  t.same(app.routeList.map((r) => `${r.method} ${r.url}`).sort(), Object.keys(MATRIX).sort(), 'the matrix lists exactly the routes the app has')

  await registerVendor(ctx, { organisation: 'Vendor A', website: '', contactName: 'A', email: 'a@vendor-a.example' })
  await registerVendor(ctx, { organisation: 'Vendor B', website: '', contactName: 'B', email: 'b@vendor-b.example' })
  const user = async (email: string) => (await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id
  const ids: Record<ActorName, string | undefined> = {
    anonymous: undefined,
    vendorA: await user('a@vendor-a.example'),
    vendorB: await user('b@vendor-b.example'),
    committee: await user('chair@driftwood.example'),
    admin: (await createUser(ctx, null, { email: 'admin@example.org', displayName: 'Admin', isAdmin: true })).id
  }

  for (const [route, { call, expect }] of Object.entries(MATRIX)) {
    for (const actor of ACTORS) {
      const visitor = await signedIn(app, ctx, config, ids[actor])
      const { url, form } = call(actor)
      let status: number
      if (form === undefined) {
        status = (await visitor.get(url)).statusCode
      } else {
        const _csrf = await visitor.csrfFrom('/vendor/register')
        status = (await visitor.post(url, { ...form, _csrf })).statusCode
      }
      t.equal(status, expect[actor], `${route} as ${actor}`)
    }
  }
})

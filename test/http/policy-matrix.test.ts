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

/** How to call a route: the concrete URL and, for forms, the fields (a CSRF token is added); for the API, the method and JSON body. */
interface Call { url: string, form?: Record<string, string>, method?: 'GET' | 'POST' | 'PUT' | 'DELETE', json?: unknown }
type Expect = Record<ActorName, number>

const same = (status: number): Expect => Object.fromEntries(ACTORS.map((a) => [a, status])) as Expect
/** Signed-out visitors are sent to sign in; every signed-in user gets `status`. */
const signedIn = (status: number): Expect => ({ ...same(status), anonymous: 303 })
const adminOnly = (status: number): Expect => ({ ...same(403), anonymous: 303, admin: status })
const committee = (vendors: number, others: number): Expect => ({ anonymous: 303, vendorA: vendors, vendorB: vendors, evaluator: others, otherEvaluator: others, owner: others, admin: others })

// Filled in once the people exist: the user an admin manages, vendor A's API token, two answered demo questions.
const ids = { target: '', vendorAToken: '', question: '', otherQuestion: '' }
const A43 = 'A'.repeat(43)
const DEMO = `/rfps/${DEMO_RFP_SLUG}`
const DRAFT = `/rfps/${DRAFT_SLUG}`
const API_DEMO = `/api/v1${DEMO}`
const API_DRAFT = `/api/v1${DRAFT}`

/** The smallest valid RFP form: what the committee's drafting page posts. */
const rfpForm = (slug: string): Record<string, string> => ({
  title: 'An RFP made by the matrix',
  slug,
  summary: 'Made to check who may draft.',
  timeZone: 'UTC',
  questionsCloseAt: '2026-12-20T17:00',
  proposalsDueAt: '2027-01-10T17:00',
  decisionExpectedAt: '2027-02-01T17:00',
  eligibility: 'open',
  criterion_round: 'Round 1',
  criterion_name: 'Quality',
  criterion_kind: 'scored',
  criterion_weight: '1',
  minimumProposals: '1',
  shortlistRule: 'top',
  shortlistCount: '3',
  tieBreak: 'committee_vote',
  priceEnvelope: 'after_scoring',
  consensusTolerance: '2',
  nearTieMargin: '1',
  protestWindowDays: '10',
  amendmentNoticeDays: '7'
})
/** Only vendor contacts act here; committee members are refused. */
const vendorsOnly = (status: number, anonymous: number): Expect => ({ ...same(403), anonymous, vendorA: status, vendorB: status })
/** An RFP's owners act (`owner`); its evaluators are refused (`member`); people who cannot see it get `other`. */
const ownerOf = (owner: number, member: number, other: number, anonymous: number, memberName: 'evaluator' | 'otherEvaluator'): Expect =>
  ({ ...same(other), anonymous, [memberName]: member, owner })

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
  'GET /api/v1/rfps/:slug': { call: () => ({ url: `/api/v1/rfps/${DRAFT_SLUG}` }), expect: { ...same(404), owner: 200 } },

  // The RFP lifecycle, public side. Questions: anyone but the RFP's own committee asks.
  'GET /rfps/:slug/versions/:n': { call: () => ({ url: `${DEMO}/versions/2` }), expect: same(200) },
  'GET /rfps/:slug/diff': { call: () => ({ url: `${DEMO}/diff?from=1&to=3` }), expect: same(200) },
  'GET /rfps/:slug/questions/new': { call: () => ({ url: `${DEMO}/questions/new` }), expect: same(200) },
  'POST /rfps/:slug/questions': {
    call: () => ({ url: `${DEMO}/questions`, form: { body: 'Is the matrix allowed to ask this question?', email: 'asker@example.org' } }),
    expect: { ...same(200), evaluator: 403, owner: 403 }
  },
  'GET /rfps/:slug/questions/confirm': { call: () => ({ url: `${DEMO}/questions/confirm?token=${A43}` }), expect: same(404) },
  'POST /rfps/:slug/questions/confirm': { call: () => ({ url: `${DEMO}/questions/confirm`, form: { token: A43 } }), expect: same(404) },
  // Feeds are public and show what the public sees: a draft has none.
  'GET /feed.atom': { call: () => ({ url: '/feed.atom' }), expect: same(200) },
  'GET /rfps/:slug/feed.atom': { call: () => ({ url: `${DRAFT}/feed.atom` }), expect: same(404) },
  'GET /rfps/:slug/calendar.ics': { call: () => ({ url: `${DRAFT}/calendar.ics` }), expect: same(404) },
  'POST /vendor/rfps/:slug/interest': { call: () => ({ url: `/vendor${DEMO}/interest`, form: {} }), expect: vendorsOnly(303, 303) },
  'POST /vendor/rfps/:slug/acknowledgements': { call: () => ({ url: `/vendor${DEMO}/acknowledgements`, form: { version: '2' } }), expect: vendorsOnly(303, 303) },

  // The committee's pages. Drafts are invisible (404) to all but their owners (DESIGN §2): admins, and even
  // the draft's own evaluator (otherEvaluator), see nothing of one.
  'GET /committee': { call: () => ({ url: '/committee' }), expect: committee(403, 200) },
  'GET /committee/rfps/new': { call: () => ({ url: '/committee/rfps/new' }), expect: committee(403, 200) },
  'POST /committee/rfps': { call: (actor) => ({ url: '/committee/rfps', form: rfpForm(`by-${actor.toLowerCase()}`) }), expect: committee(403, 303) },
  'GET /committee/rfps/:slug': { call: () => ({ url: `/committee${DRAFT}` }), expect: { ...ownerOf(200, 404, 404, 303, 'otherEvaluator') } },
  'GET /committee/rfps/:slug/edit': { call: () => ({ url: `/committee${DRAFT}/edit` }), expect: ownerOf(200, 404, 404, 303, 'otherEvaluator') },
  'POST /committee/rfps/:slug/edit': { call: () => ({ url: `/committee${DRAFT}/edit`, form: rfpForm(DRAFT_SLUG) }), expect: ownerOf(303, 404, 404, 303, 'otherEvaluator') },
  'GET /committee/rfps/:slug/preview': { call: () => ({ url: `/committee${DRAFT}/preview` }), expect: ownerOf(200, 404, 404, 303, 'otherEvaluator') },
  // The demo RFP is published already: its owner gets the conflict, everyone else is refused.
  'POST /committee/rfps/:slug/publish': { call: () => ({ url: `/committee${DEMO}/publish`, form: {} }), expect: ownerOf(409, 403, 403, 303, 'evaluator') },
  // An empty reason: the owner is told to give one, and the draft stays.
  'POST /committee/rfps/:slug/cancel': { call: () => ({ url: `/committee${DRAFT}/cancel`, form: { reason: '' } }), expect: ownerOf(400, 404, 404, 303, 'otherEvaluator') },
  'POST /committee/rfps/:slug/members': { call: () => ({ url: `/committee${DRAFT}/members`, form: { email: 'target@example.org', role: 'evaluator' } }), expect: ownerOf(303, 404, 404, 303, 'otherEvaluator') },
  'POST /committee/rfps/:slug/members/remove': { call: () => ({ url: `/committee${DRAFT}/members/remove`, form: { user: ids.target, role: 'evaluator' } }), expect: ownerOf(303, 404, 404, 303, 'otherEvaluator') },
  // The demo's questions are answered: the owner may revise an answer, not reject or merge it.
  'POST /committee/rfps/:slug/questions/:id/answer': {
    call: () => ({ url: `/committee${DEMO}/questions/${ids.question}/answer`, form: { question: 'The question, reworded by the matrix?', answer: 'The answer, revised.' } }),
    expect: ownerOf(303, 403, 403, 303, 'evaluator')
  },
  'POST /committee/rfps/:slug/questions/:id/reject': { call: () => ({ url: `/committee${DEMO}/questions/${ids.question}/reject`, form: { reason: 'A duplicate.' } }), expect: ownerOf(409, 403, 403, 303, 'evaluator') },
  'POST /committee/rfps/:slug/questions/:id/merge': { call: () => ({ url: `/committee${DEMO}/questions/${ids.question}/merge`, form: { into: ids.otherQuestion } }), expect: ownerOf(409, 403, 403, 303, 'evaluator') },

  // The same through the API: writes without a token are 401.
  'GET /api/v1/rfps': { call: () => ({ url: '/api/v1/rfps' }), expect: same(200) },
  'POST /api/v1/rfps': { call: (actor) => ({ url: '/api/v1/rfps', method: 'POST', json: { ...securityAuditRfp(T0), slug: `api-by-${actor.toLowerCase()}` } }), expect: { ...committee(403, 201), anonymous: 401 } },
  'PUT /api/v1/rfps/:slug': { call: () => ({ url: API_DRAFT, method: 'PUT', json: { ...securityAuditRfp(T0), slug: DRAFT_SLUG } }), expect: ownerOf(200, 404, 404, 401, 'otherEvaluator') },
  'POST /api/v1/rfps/:slug/publish': { call: () => ({ url: `${API_DEMO}/publish`, method: 'POST' }), expect: ownerOf(409, 403, 403, 401, 'evaluator') },
  'POST /api/v1/rfps/:slug/amendments': { call: () => ({ url: `${API_DEMO}/amendments`, method: 'POST', json: { document: securityAuditRfp(T0), reason: '' } }), expect: ownerOf(400, 403, 403, 401, 'evaluator') },
  'POST /api/v1/rfps/:slug/cancel': { call: () => ({ url: `${API_DEMO}/cancel`, method: 'POST', json: { reason: '' } }), expect: ownerOf(400, 403, 403, 401, 'evaluator') },
  'GET /api/v1/rfps/:slug/versions': { call: () => ({ url: `${API_DRAFT}/versions` }), expect: ownerOf(200, 404, 404, 404, 'otherEvaluator') },
  'GET /api/v1/rfps/:slug/diff': { call: () => ({ url: `${API_DEMO}/diff?from=1&to=2` }), expect: same(200) },
  'GET /api/v1/rfps/:slug/answers': { call: () => ({ url: `${API_DEMO}/answers` }), expect: same(200) },
  'POST /api/v1/rfps/:slug/questions': {
    call: () => ({ url: `${API_DEMO}/questions`, method: 'POST', json: { body: 'May the matrix ask through the API too?' } }),
    expect: { ...same(201), anonymous: 401, evaluator: 403, owner: 403 }
  },
  'GET /api/v1/rfps/:slug/questions': { call: () => ({ url: `${API_DEMO}/questions` }), expect: ownerOf(200, 200, 403, 401, 'evaluator') },
  'POST /api/v1/rfps/:slug/questions/:id/answer': {
    call: () => ({ url: `${API_DEMO}/questions/${ids.question}/answer`, method: 'POST', json: { question: 'The question, reworded through the API?', answer: 'Revised again.' } }),
    expect: ownerOf(200, 403, 403, 401, 'evaluator')
  },
  'POST /api/v1/rfps/:slug/questions/:id/reject': { call: () => ({ url: `${API_DEMO}/questions/${ids.question}/reject`, method: 'POST', json: { reason: 'A duplicate.' } }), expect: ownerOf(409, 403, 403, 401, 'evaluator') },
  'POST /api/v1/rfps/:slug/questions/:id/merge': { call: () => ({ url: `${API_DEMO}/questions/${ids.question}/merge`, method: 'POST', json: { into: ids.otherQuestion } }), expect: ownerOf(409, 403, 403, 401, 'evaluator') },
  'GET /api/v1/rfps/:slug/standing': { call: () => ({ url: `${API_DEMO}/standing` }), expect: vendorsOnly(200, 401) },
  'POST /api/v1/rfps/:slug/interest': { call: () => ({ url: `${API_DEMO}/interest`, method: 'POST' }), expect: vendorsOnly(200, 401) },
  'POST /api/v1/rfps/:slug/acknowledgements': { call: () => ({ url: `${API_DEMO}/acknowledgements`, method: 'POST', json: { version: 2 } }), expect: vendorsOnly(200, 401) },
  'GET /api/v1/rfps/:slug/vendors': { call: () => ({ url: `${API_DEMO}/vendors` }), expect: ownerOf(200, 200, 403, 401, 'evaluator') },
  'POST /api/v1/rfps/:slug/members': { call: () => ({ url: `${API_DRAFT}/members`, method: 'POST', json: { email: 'target@example.org', role: 'evaluator' } }), expect: ownerOf(200, 404, 404, 401, 'otherEvaluator') },
  'DELETE /api/v1/rfps/:slug/members/:userId/:role': { call: () => ({ url: `${API_DRAFT}/members/${ids.target}/evaluator`, method: 'DELETE' }), expect: ownerOf(200, 404, 404, 401, 'otherEvaluator') }
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
  const answered = await ctx.db.selectFrom('rfp_questions').select('id').where('status', '=', 'answered').orderBy('number').execute()
  ids.question = answered[0]?.id ?? ''
  ids.otherQuestion = answered[1]?.id ?? ''
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
        const { method = 'GET', json } = call(actor)
        status = (await test.app.inject({ method, url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...(json === undefined ? {} : { payload: json as object }) })).statusCode
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

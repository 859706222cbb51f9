// /api/v1 with bearer tokens, and the OpenAPI document at /api/docs.
import t from 'tap'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { disableUser, grantRole, revokeRole } from '../../src/services/admin-users.js'
import { createApiToken, revokeApiToken } from '../../src/services/api-tokens.js'
import { buildTestApp, createCommitteeMember } from '../helpers/app.js'

t.test('a token acts as its user with exactly their current roles, until revoked or the user is disabled', async (t) => {
  const { app, ctx } = await buildTestApp(t, { demo: true })
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const member = await createCommitteeMember(ctx, 'member@example.org', { displayName: 'Member' })
  const { id, token } = await createApiToken(ctx, member.actor, 'scripts')
  t.match(token, /^sl_[A-Za-z0-9_-]{43}$/)
  const stored = await ctx.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  t.not(stored.token_hash, token, 'stored hashed')
  t.notOk(stored.token_hash.includes(token.slice(3)))

  const me = async (bearer = token) => await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${bearer}` } })
  t.same((await me()).json(), { id: member.userId, email: 'member@example.org', displayName: 'Member', isAdmin: false, organisation: null, roles: [] })
  await grantRole(ctx, admin.actor, member.userId, CLOSED_RFP_SLUG, 'evaluator')
  t.same((await me()).json().roles, [{ rfp: CLOSED_RFP_SLUG, role: 'evaluator' }], 'a role granted after the token was made')
  await revokeRole(ctx, admin.actor, member.userId, CLOSED_RFP_SLUG, 'evaluator')
  t.same((await me()).json().roles, [], 'and taken away')
  t.not(await ctx.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow().then((r) => r.last_used_at), null, 'its last use is recorded')

  await t.rejects(revokeApiToken(ctx, admin.actor, id), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'only its owner revokes it')
  await revokeApiToken(ctx, member.actor, id)
  const revoked = await me()
  t.equal(revoked.statusCode, 401)
  t.equal(revoked.headers['www-authenticate'], 'Bearer realm="shortlist", error="invalid_token"')
  t.match(revoked.json(), { code: 'SL_UNAUTHENTICATED' })

  const second = await createApiToken(ctx, member.actor, 'second')
  t.equal((await me(second.token)).statusCode, 200)
  await disableUser(ctx, admin.actor, member.userId)
  t.equal((await me(second.token)).statusCode, 401, 'disabling the user revokes its tokens')
  t.not((await ctx.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', second.id).executeTakeFirstOrThrow()).revoked_at, null)
})

t.test('bad bearer headers are refused, not taken for anonymous', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  for (const authorization of ['Bearer nope', 'Basic dXNlcjpwYXNz', `Bearer sl_${'A'.repeat(43)}`, 'Bearer']) {
    const res = await app.inject({ url: `/api/v1/rfps/${DEMO_RFP_SLUG}`, headers: { authorization } })
    t.equal(res.statusCode, 401, authorization)
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  }
  const anonymous = await app.inject({ url: `/api/v1/rfps/${DEMO_RFP_SLUG}` })
  t.equal(anonymous.statusCode, 200, 'no header: the public view')
  t.match(anonymous.json(), { slug: DEMO_RFP_SLUG, state: 'published', version: 3 })
  t.notOk('members' in anonymous.json(), 'the response schema leaves out who holds roles')
  const missing = await app.inject({ url: '/api/v1/rfps/no-such-rfp' })
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { code: 'SL_NOT_FOUND' })
  const bad = await app.inject({ url: '/api/v1/rfps/Not_A_Slug' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /slug/)
})

t.test('token creation: a name, a limit, a step-up for those with a second factor; audited', async (t) => {
  const { ctx } = await buildTestApp(t)
  const member = await createCommitteeMember(ctx, 'member@example.org')
  await t.rejects(createApiToken(ctx, member.actor, '   '), { code: 'SL_INVALID_INPUT', problems: [{ path: 'name' }] })
  await t.rejects(createApiToken(ctx, { ...member.actor, secondFactorAt: null }, 'x'), { code: 'SL_STEP_UP' })
  for (let i = 0; i < 20; i++) await createApiToken(ctx, member.actor, `t${i}`)
  await t.rejects(createApiToken(ctx, member.actor, 'one too many'), { statusCode: 409, code: 'SL_CONFLICT' })
  const events = await ctx.db.selectFrom('audit_events').select('type').where('type', '=', 'auth.api_token_created').execute()
  t.equal(events.length, 20)
})

t.test('the OpenAPI document lists the API with its schemas and bearer security', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/api/docs' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')
  // Exactly the app's own /api/v1 routes: the document grows with the API and lists nothing else.
  const apiRoutes = new Set(app.routeList.filter((r) => r.url.startsWith('/api/v1/')).map((r) => r.url.replace(/:(\w+)/g, '{$1}')))
  t.same(Object.keys(doc.paths).sort(), [...apiRoutes].sort(), 'every /api/v1 route, and nothing else')
  t.ok(apiRoutes.has('/api/v1/me') && apiRoutes.has('/api/v1/rfps/{slug}'))
  t.same(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' })
  t.ok(doc.paths['/api/v1/me'].get.responses['200'].content['application/json'].schema.properties.roles)
})

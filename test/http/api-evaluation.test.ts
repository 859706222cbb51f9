// /api/v1 for evaluation, on the demo: attest, declare a conflict, one's own score sheet (draft, submit,
// refusals), a closed round's results, and the routes in the OpenAPI document.
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { findUserByEmail } from '../../src/db/users.js'
import { findContact } from '../../src/db/vendors.js'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { createApiToken } from '../../src/services/api-tokens.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'

type Method = 'GET' | 'POST' | 'PUT'

async function setUp (t: Parameters<typeof buildTestApp>[0]) {
  const test = await buildTestApp(t, { demo: true })
  const { ctx } = test
  const actorOf = async (email: string): Promise<UserActor> => {
    const user = (await findUserByEmail(ctx.db, email))!
    const contact = await findContact(ctx.db, user.id)
    return { kind: 'user', userId: user.id, isAdmin: false, organisationId: contact?.organisationId ?? null, hasSecondFactor: false, secondFactorAt: null }
  }
  const tokens = {
    chair: (await createApiToken(ctx, await actorOf('chair@driftwood.example'), 'chair')).token,
    reviewer: (await createApiToken(ctx, await actorOf('sam@driftwood.example'), 'reviewer')).token,
    vendor: (await createApiToken(ctx, await actorOf('ana@northwind-assurance.example'), 'vendor')).token
  }
  const proposals = await ctx.db.selectFrom('proposals')
    .innerJoin('rfps', 'rfps.id', 'proposals.rfp_id').innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['proposals.id', 'proposals.organisation_id', 'rfps.slug', 'vendor_organisations.name']).execute()
  const proposalOf = (slug: string, name: string) => proposals.find((p) => p.slug === slug && p.name === name)!
  return { ...test, tokens, proposalOf }
}

function caller (app: TestApp['app']) {
  return async (method: Method, url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse> => await app.inject({
    method,
    url,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) })
  })
}

t.test('a closed round\'s results: the committee reads them, nobody else', async (t) => {
  const { app, tokens } = await setUp(t)
  const call = caller(app)
  const url = `/api/v1/rfps/${DECIDED_RFP_SLUG}/rounds/1/results`
  const res = await call('GET', url, tokens.chair)
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const body = res.json() as { proposals: Array<{ vendor: string, rank: number | null, score: string | null, nearTie: boolean, notRankedBecause: string | null }>, rawTotalComparable: boolean, sealedSheets: unknown[] }
  t.same(body.proposals.map((p) => [p.vendor, p.rank, p.score]), [
    ['Northwind Assurance', 1, '85.63'], ['Basalt Security Lab', 2, '85.00'], ['Quillon Labs', 3, '55.00'], ['Tidewater Research', null, null]
  ])
  t.ok(body.proposals[0]!.nearTie, 'the top two are a near tie')
  t.match(body.proposals[3]!.notRankedBecause, /open-report/, 'the failed gate is the reason')
  t.equal(body.rawTotalComparable, false, 'a recusal withholds the raw total')
  t.equal(body.sealedSheets.length, 2)
  t.equal((await call('GET', url, tokens.reviewer)).statusCode, 200, 'the evaluator too')
  t.equal((await call('GET', url, tokens.vendor)).statusCode, 403, 'not a vendor')
  t.equal((await call('GET', url)).statusCode, 401, 'not anonymously')
  t.equal((await call('GET', `/api/v1/rfps/${DECIDED_RFP_SLUG}/rounds/2/results`, tokens.chair)).statusCode, 404, 'a round that never started')
  t.equal((await call('GET', `/api/v1/rfps/${DECIDED_RFP_SLUG}/rounds/9/results`, tokens.chair)).statusCode, 400, 'a round out of range is refused by the schema')
})

t.test('attest, declare a conflict and score through the API; results wait for the closing', async (t) => {
  const { app, tokens, proposalOf } = await setUp(t)
  const call = caller(app)
  const base = `/api/v1/rfps/${CLOSED_RFP_SLUG}`
  const northwind = proposalOf(CLOSED_RFP_SLUG, 'Northwind Assurance')
  const quillon = proposalOf(CLOSED_RFP_SLUG, 'Quillon Labs')
  const sheetUrl = (id: string): string => `${base}/rounds/1/proposals/${id}/scores`

  t.equal((await call('GET', sheetUrl(northwind.id), tokens.reviewer)).statusCode, 403, 'no sheet before the attestation')
  t.equal((await call('POST', `${base}/attestation`, tokens.reviewer, { mayBeNamed: false })).statusCode, 200)
  t.equal((await call('POST', `${base}/attestation`, tokens.reviewer, { mayBeNamed: false })).statusCode, 409, 'once')
  t.equal((await call('POST', `${base}/attestation`, tokens.reviewer, { named: true })).statusCode, 400, 'an unknown field')

  const empty = await call('GET', sheetUrl(northwind.id), tokens.reviewer)
  t.equal(empty.statusCode, 200, empty.body.slice(0, 300))
  const sheet = empty.json() as { status: string, criteria: Array<{ id: string, lo: number, hi: number, score: number | null }> }
  t.equal(sheet.status, 'not started')
  t.same(sheet.criteria.map((c) => c.id), ['understanding', 'methodology', 'team', 'reports', 'value'], 'the scored criteria, not the gate')

  const cells = sheet.criteria.map((c) => ({ criterion: c.id, score: 4, comment: `fine ${c.id}` }))
  t.same((await call('PUT', sheetUrl(northwind.id), tokens.reviewer, { cells: cells.slice(0, 1), submit: false })).json(), { submitted: false }, 'a partial draft')
  const missing = await call('PUT', sheetUrl(northwind.id), tokens.reviewer, { cells: cells.slice(0, 1), submit: true })
  t.equal(missing.statusCode, 400)
  t.match((missing.json() as { problems: Array<{ path: string }> }).problems.map((p) => p.path), ['scores.methodology'], 'names what is missing')
  const outOfScale = await call('PUT', sheetUrl(northwind.id), tokens.reviewer, { cells: [{ ...cells[0]!, score: 9 }], submit: false })
  t.equal(outOfScale.statusCode, 400)
  t.match(outOfScale.body, /from 1 to 5/)
  t.same((await call('PUT', sheetUrl(northwind.id), tokens.reviewer, { cells, submit: true })).json(), { submitted: true })
  t.equal(((await call('GET', sheetUrl(northwind.id), tokens.reviewer)).json() as { status: string }).status, 'submitted')
  t.equal((await call('PUT', sheetUrl(northwind.id), tokens.chair, { cells, submit: true })).statusCode, 403, 'the chair is an owner, not an evaluator, here')

  const unattested = await call('GET', `${base}/rounds/1/results`, tokens.chair)
  t.equal(unattested.statusCode, 403)
  t.match(unattested.body, /attestation/, 'an owner who has not attested sees no results')
  t.equal((await call('POST', `${base}/attestation`, tokens.chair, { mayBeNamed: true })).statusCode, 200)
  for (const token of [tokens.chair, tokens.reviewer]) {
    const results = await call('GET', `${base}/rounds/1/results`, token)
    t.equal(results.statusCode, 403)
    t.match(results.body, /still open/, 'nobody sees scores before the closing, owners included')
    t.notMatch(results.body, /fine understanding/)
  }

  t.equal((await call('POST', `${base}/conflicts`, tokens.reviewer, { organisationId: '00000000-0000-4000-8000-000000000000', kind: 'financial', note: '' })).statusCode, 400, 'an unknown vendor')
  t.equal((await call('POST', `${base}/conflicts`, tokens.reviewer, { organisationId: quillon.organisation_id, kind: 'other', note: '' })).statusCode, 400, '"other" needs a note')
  t.equal((await call('POST', `${base}/conflicts`, tokens.reviewer, { organisationId: quillon.organisation_id, kind: 'financial', note: 'Shares.' })).statusCode, 200)
  const recused = await call('GET', sheetUrl(quillon.id), tokens.reviewer)
  t.equal(recused.statusCode, 403)
  t.match(recused.body, /recused/)
  t.equal((await call('GET', sheetUrl(northwind.id), tokens.reviewer)).statusCode, 200, 'other vendors stay open to them')
})

t.test('the OpenAPI document lists the evaluation routes', async (t) => {
  const { app } = await setUp(t)
  const doc = (await app.inject({ method: 'GET', url: '/api/docs' })).json() as { paths: Record<string, Record<string, unknown>> }
  t.ok(doc.paths['/api/v1/rfps/{slug}/attestation']?.post)
  t.ok(doc.paths['/api/v1/rfps/{slug}/conflicts']?.post)
  t.ok(doc.paths['/api/v1/rfps/{slug}/rounds/{round}/proposals/{id}/scores']?.get)
  t.ok(doc.paths['/api/v1/rfps/{slug}/rounds/{round}/proposals/{id}/scores']?.put)
  t.ok(doc.paths['/api/v1/rfps/{slug}/rounds/{round}/results']?.get)
})

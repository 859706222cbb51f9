// /api/v1/rfps…: the RFP lifecycle as JSON with bearer tokens, and its place in the OpenAPI document.
import t from 'tap'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { findUserByEmail } from '../../src/db/users.js'
import { findContact } from '../../src/db/vendors.js'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { createApiToken } from '../../src/services/api-tokens.js'
import { buildTestApp, createCommitteeMember, T0, type TestApp } from '../helpers/app.js'

const SLUG = 'api-security-audit'
const JSON_TYPE = 'application/json; charset=utf-8'

interface Tokens { owner: string, other: string, evaluator: string, vendor: string, secondVendor: string }

async function setUp (t: Test): Promise<TestApp & { tokens: Tokens, ids: { owner: string, evaluator: string }, draft: RfpDraft }> {
  const test = await buildTestApp(t, { demo: true })
  const { ctx } = test
  const owner = await createCommitteeMember(ctx, 'owner@example.org', { displayName: 'Olive Owner' })
  const other = await createCommitteeMember(ctx, 'other@example.org', { displayName: 'Oscar Other' })
  const evaluator = await createCommitteeMember(ctx, 'evaluator@example.org', { displayName: 'Eve Evaluator' })
  const vendorActor = async (email: string): Promise<UserActor> => {
    const user = await findUserByEmail(ctx.db, email)
    const contact = user === undefined ? undefined : await findContact(ctx.db, user.id)
    if (user === undefined || contact === undefined) throw new Error(`no demo vendor ${email}`)
    return { kind: 'user', userId: user.id, isAdmin: false, organisationId: contact.organisationId, hasSecondFactor: false, secondFactorAt: null }
  }
  const tokens: Tokens = {
    owner: (await createApiToken(ctx, owner.actor, 'owner')).token,
    other: (await createApiToken(ctx, other.actor, 'other')).token,
    evaluator: (await createApiToken(ctx, evaluator.actor, 'evaluator')).token,
    vendor: (await createApiToken(ctx, await vendorActor('ana@northwind-assurance.example'), 'vendor')).token,
    secondVendor: (await createApiToken(ctx, await vendorActor('kenji@basalt-lab.example'), 'vendor')).token
  }
  return { ...test, tokens, ids: { owner: owner.userId, evaluator: evaluator.userId }, draft: { ...securityAuditRfp(T0), slug: SLUG, title: 'Security audit through the API' } }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

function caller (app: TestApp['app']) {
  return async (method: Method, url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse> => await app.inject({
    method,
    url,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) })
  })
}

/** An error answer: JSON with the status, a code and a message, and nothing else a page would have. */
function isError (t: Test, res: LightMyRequestResponse, statusCode: number, code?: string | RegExp, what?: string) {
  t.equal(res.statusCode, statusCode, `${what ?? statusCode}: ${res.body.slice(0, 200)}`)
  t.equal(res.headers['content-type'], JSON_TYPE, 'an error is JSON')
  t.equal(res.headers['set-cookie'], undefined, 'the API sets no cookie')
  const body = res.json() as { statusCode: unknown, code: unknown, message: unknown, error: unknown, problems?: { path: string, message: string }[] }
  t.equal(body.statusCode, statusCode)
  t.type(body.code, 'string')
  t.type(body.message, 'string')
  t.type(body.error, 'string')
  if (code !== undefined) t.match(body.code, code)
  return body
}

t.test('drafting, publishing and amending through the API, with the problems of a bad request named', async (t) => {
  const { app, tokens, draft } = await setUp(t)
  const call = caller(app)

  isError(t, await call('POST', '/api/v1/rfps', undefined, draft), 401, 'SL_UNAUTHENTICATED')
  t.match((await call('POST', '/api/v1/rfps', undefined, draft)).headers['www-authenticate'], /^Bearer realm="shortlist"/)
  isError(t, await call('POST', '/api/v1/rfps', 'sl_not-a-real-token', draft), 401, 'SL_UNAUTHENTICATED')
  isError(t, await call('POST', '/api/v1/rfps', tokens.vendor, draft), 403, 'SL_FORBIDDEN')

  const backwards = { ...draft, schedule: { ...draft.schedule, decisionExpectedAt: draft.schedule.questionsCloseAt }, rounds: [{ name: 'Round 1', criteria: [{ id: 'experience', name: 'Experience', description: '', kind: 'scored' as const, weight: '0' }] }] }
  const refused = isError(t, await call('POST', '/api/v1/rfps', tokens.owner, backwards), 400, 'SL_INVALID_INPUT')
  t.same(refused.problems, [
    { path: 'schedule.decisionExpectedAt', message: 'must be after proposals are due' },
    { path: 'rounds.0.criteria.0.weight', message: 'must be greater than 0' }
  ], 'each problem by its path')
  const badZone = isError(t, await call('POST', '/api/v1/rfps', tokens.owner, { ...draft, timeZone: 'Mars/Olympus_Mons' }), 400, 'SL_INVALID_INPUT')
  t.same(badZone.problems, [{ path: 'timeZone', message: 'is not an IANA time zone (e.g. Europe/Berlin)' }])
  const untitled = isError(t, await call('POST', '/api/v1/rfps', tokens.owner, { ...draft, title: '' }), 400)
  t.match(untitled.message, /title/, 'a schema failure names the field')
  const unknownField = isError(t, await call('POST', '/api/v1/rfps', tokens.owner, { ...draft, colour: 'blue' }), 400)
  t.match(unknownField.message, /additional|colour/)
  isError(t, await app.inject({ method: 'POST', url: '/api/v1/rfps', headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/json' }, payload: '{"title":' }), 400)
  isError(t, await app.inject({ method: 'POST', url: '/api/v1/rfps', headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/xml' }, payload: '<rfp/>' }), 415)
  t.equal((await call('GET', '/api/v1/rfps')).json().total, 3, 'nothing was created: the demo\'s three RFPs')

  const created = await call('POST', '/api/v1/rfps', tokens.owner, draft)
  t.equal(created.statusCode, 201)
  t.equal(created.headers['content-type'], JSON_TYPE)
  const rfp = created.json()
  t.match(rfp, { slug: SLUG, state: 'draft', phase: 'draft', version: 1, title: 'Security audit through the API', timeZone: 'Europe/Amsterdam', publishedAt: null, cancelledAt: null, cancelReason: null })
  t.same(rfp.schedule, draft.schedule)
  t.same(rfp.document.sections, draft.sections)
  t.same(rfp.document.rounds, draft.rounds)
  t.same(rfp.document.eligibility, { mode: 'open' }, 'defaults are filled in')
  t.notOk('members' in rfp, 'who holds roles is left out')
  t.notOk('id' in rfp)
  isError(t, await call('POST', '/api/v1/rfps', tokens.owner, draft), 409, 'SL_CONFLICT')

  isError(t, await call('GET', `/api/v1/rfps/${SLUG}`), 404, 'SL_NOT_FOUND')
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}`, tokens.vendor), 404, 'SL_NOT_FOUND')
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}`, tokens.other), 404, 'SL_NOT_FOUND')
  t.equal((await call('GET', `/api/v1/rfps/${SLUG}`, tokens.owner)).statusCode, 200)

  const retitled = { ...draft, title: 'Security audit of Driftwood, through the API' }
  isError(t, await call('PUT', `/api/v1/rfps/${SLUG}`, undefined, retitled), 401)
  isError(t, await call('PUT', `/api/v1/rfps/${SLUG}`, tokens.other, retitled), 404, undefined, 'a draft does not leak to another committee member')
  isError(t, await call('PUT', `/api/v1/rfps/${SLUG}`, tokens.vendor, retitled), 404)
  const badPut = isError(t, await call('PUT', `/api/v1/rfps/${SLUG}`, tokens.owner, { ...retitled, schedule: { ...draft.schedule, proposalsDueAt: draft.schedule.questionsCloseAt } }), 400, 'SL_INVALID_INPUT')
  t.same(badPut.problems?.map((p) => p.path), ['schedule.proposalsDueAt'])
  const put = await call('PUT', `/api/v1/rfps/${SLUG}`, tokens.owner, retitled)
  t.equal(put.statusCode, 200)
  t.match(put.json(), { slug: SLUG, state: 'draft', version: 1, title: 'Security audit of Driftwood, through the API' })
  isError(t, await call('PUT', `/api/v1/rfps/${DEMO_RFP_SLUG}`, tokens.owner, retitled), 403, 'SL_FORBIDDEN')

  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/publish`), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/publish`, tokens.vendor), 404)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/publish`, tokens.other), 404)
  const published = await call('POST', `/api/v1/rfps/${SLUG}/publish`, tokens.owner)
  t.equal(published.statusCode, 200)
  t.match(published.json(), { slug: SLUG, state: 'published', phase: 'questions_open', version: 1, publishedAt: T0.toISOString() })
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/publish`, tokens.owner), 409, 'SL_INVALID_STATE')
  isError(t, await call('PUT', `/api/v1/rfps/${SLUG}`, tokens.owner, retitled), 409, 'SL_INVALID_STATE')
  t.equal((await call('GET', `/api/v1/rfps/${SLUG}`)).statusCode, 200, 'the public sees it now')

  const list = await call('GET', '/api/v1/rfps')
  t.equal(list.statusCode, 200)
  t.match(list.json(), { page: 1, pageCount: 1, total: 4 })
  t.same(list.json().items.map((i: { slug: string }) => i.slug), [SLUG, DEMO_RFP_SLUG, CLOSED_RFP_SLUG, DECIDED_RFP_SLUG], 'published RFPs, the most recently published first')
  t.match(list.json().items[1], { state: 'published', version: 3, phase: 'questions_open' })
  isError(t, await call('GET', '/api/v1/rfps?page=2'), 404)
  isError(t, await call('GET', '/api/v1/rfps?page=0'), 400)

  const current = put.json().document as RfpDraft
  const later = new Date(Date.parse(current.schedule.proposalsDueAt) + 2 * 24 * 60 * 60 * 1000).toISOString()
  const amendedDocument = { ...current, summary: `${current.summary} A retest is included.`, schedule: { ...current.schedule, proposalsDueAt: later } }
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, undefined, { document: amendedDocument, reason: 'Retest' }), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.other, { document: amendedDocument, reason: 'Retest' }), 403)
  const noReason = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: amendedDocument, reason: '  ' }), 400, 'SL_INVALID_INPUT')
  t.same(noReason.problems?.map((p) => p.path), ['reason'])
  t.match(noReason.problems?.[0]?.message, 'say why the RFP is amended')
  const missingReason = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: amendedDocument }), 400)
  t.match(missingReason.message, /reason/)
  const shortened = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, {
    document: { ...amendedDocument, schedule: { ...amendedDocument.schedule, decisionExpectedAt: new Date(Date.parse(current.schedule.decisionExpectedAt) - 60_000).toISOString() } },
    reason: 'Sooner'
  }), 400, 'SL_INVALID_INPUT')
  t.same(shortened.problems?.map((p) => p.path), ['schedule.decisionExpectedAt'], 'a date only moves later')
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: current, reason: 'Nothing' }), 400, 'SL_INVALID_INPUT')

  const amendment = await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: amendedDocument, reason: 'The retest is included; two more days.' })
  t.equal(amendment.statusCode, 201)
  t.same(amendment.json(), { version: 2, extension: null })
  t.match((await call('GET', `/api/v1/rfps/${SLUG}`)).json(), { version: 2, schedule: { proposalsDueAt: later } })

  const versions = await call('GET', `/api/v1/rfps/${SLUG}/versions`)
  t.equal(versions.statusCode, 200)
  t.same(versions.json().map((v: { number: number, reason: string | null }) => [v.number, v.reason]), [[1, null], [2, 'The retest is included; two more days.']])
  t.equal(versions.json()[0].document.title, 'Security audit of Driftwood, through the API')
  t.equal(versions.json()[0].frozenAt, T0.toISOString())
  t.equal(versions.json()[1].document.schedule.proposalsDueAt, later)
  isError(t, await call('GET', '/api/v1/rfps/no-such-rfp/versions'), 404)

  const diff = await call('GET', `/api/v1/rfps/${SLUG}/diff?from=1&to=2`)
  t.equal(diff.statusCode, 200)
  t.match(diff.json(), { from: 1, to: 2 })
  const parts = diff.json().parts as { change: string, text: string }[]
  t.ok(parts.some((p) => p.change === 'added' && p.text.includes('retest')), 'the added words')
  t.ok(parts.some((p) => p.change === 'removed'), 'the removed ones')
  t.equal(parts.filter((p) => p.change !== 'added').map((p) => p.text).join('').length > 0, true)
  for (const query of ['from=1', 'from=x&to=2', 'from=0&to=2', '']) isError(t, await call('GET', `/api/v1/rfps/${SLUG}/diff?${query}`), 400)
  const noVersion = isError(t, await call('GET', `/api/v1/rfps/${SLUG}/diff?from=1&to=7`), 404, 'SL_NOT_FOUND')
  t.equal(noVersion.message, 'there is no version 7: the RFP has 2')
})

t.test('vendors register interest, acknowledge amendments and ask; owners answer, reject, merge and cancel', async (t) => {
  const { app, ctx, tokens, ids, draft } = await setUp(t)
  const call = caller(app)
  t.equal((await call('POST', '/api/v1/rfps', tokens.owner, draft)).statusCode, 201)
  t.equal((await call('POST', `/api/v1/rfps/${SLUG}/publish`, tokens.owner)).statusCode, 200)

  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/standing`), 401)
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/standing`, tokens.owner), 403, 'SL_FORBIDDEN')
  const before = await call('GET', `/api/v1/rfps/${SLUG}/standing`, tokens.vendor)
  t.equal(before.statusCode, 200)
  t.same(before.json(), { registered: false, eligible: true, organisationName: 'Northwind Assurance', unacknowledged: [] })
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/interest`), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/interest`, tokens.owner), 403)
  const interest = await call('POST', `/api/v1/rfps/${SLUG}/interest`, tokens.vendor)
  t.equal(interest.statusCode, 200)
  t.same(interest.json(), { registered: true, eligible: true, organisationName: 'Northwind Assurance', unacknowledged: [] })
  t.equal((await call('POST', `/api/v1/rfps/${SLUG}/interest`, tokens.vendor)).statusCode, 200, 'twice changes nothing')

  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/vendors`), 401)
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/vendors`, tokens.vendor), 403)
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/vendors`, tokens.other), 403)
  const vendors = await call('GET', `/api/v1/rfps/${SLUG}/vendors`, tokens.owner)
  t.equal(vendors.statusCode, 200)
  t.match(vendors.json(), [{ name: 'Northwind Assurance', acknowledged: [], unacknowledged: [] }])
  t.equal(vendors.json().length, 1)

  const document = (await call('GET', `/api/v1/rfps/${SLUG}`)).json().document as RfpDraft
  t.equal((await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: { ...document, summary: `${document.summary} Amended.` }, reason: 'A word more.' })).statusCode, 201)
  t.same((await call('GET', `/api/v1/rfps/${SLUG}/standing`, tokens.vendor)).json().unacknowledged, [2])
  t.match((await call('GET', `/api/v1/rfps/${SLUG}/vendors`, tokens.owner)).json(), [{ acknowledged: [], unacknowledged: [2] }])
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/acknowledgements`, tokens.vendor, { version: 3 }), 404, 'SL_NOT_FOUND')
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/acknowledgements`, tokens.vendor, { version: 1 }), 400)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/acknowledgements`, tokens.vendor, {}), 400)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/acknowledgements`, undefined, { version: 2 }), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/acknowledgements`, tokens.owner, { version: 2 }), 403)
  const acknowledged = await call('POST', `/api/v1/rfps/${SLUG}/acknowledgements`, tokens.vendor, { version: 2 })
  t.equal(acknowledged.statusCode, 200)
  t.same(acknowledged.json().unacknowledged, [])
  t.match((await call('GET', `/api/v1/rfps/${SLUG}/vendors`, tokens.owner)).json(), [{ acknowledged: [2], unacknowledged: [] }])

  // Questions: vendors ask with their token; the committee answers rather than asks.
  const ask = async (token: string | undefined, body: string) => await call('POST', `/api/v1/rfps/${SLUG}/questions`, token, { body })
  isError(t, await ask(undefined, 'Is the retest included in the fee?'), 401)
  isError(t, await ask(tokens.owner, 'Is the retest included in the fee?'), 403)
  const tooShort = isError(t, await ask(tokens.vendor, 'Retest?'), 400, 'SL_INVALID_INPUT')
  t.same(tooShort.problems, [{ path: 'body', message: 'must be at least 10 characters' }])
  for (const [token, body] of [[tokens.vendor, 'Is the retest included in the fee?'], [tokens.secondVendor, 'Can we bid as a consortium of two firms?'], [tokens.secondVendor, 'Is a retest part of the fixed fee?']] as const) {
    const asked = await ask(token, body)
    t.equal(asked.statusCode, 201)
    t.same(asked.json(), { status: 'open' })
  }
  isError(t, await call('POST', '/api/v1/rfps/no-such-rfp/questions', tokens.vendor, { body: 'Is the retest included in the fee?' }), 404)

  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/questions`), 401)
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/questions`, tokens.vendor), 403, 'SL_FORBIDDEN')
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/questions`, tokens.evaluator), 403, undefined, 'not yet on the committee')
  const questions = await call('GET', `/api/v1/rfps/${SLUG}/questions`, tokens.owner)
  t.equal(questions.statusCode, 200)
  const listed = questions.json() as { id: string, status: string, askerEmail: string, body: string, number: number | null }[]
  t.same(listed.map((q) => [q.status, q.askerEmail, q.body, q.number]).sort((a, b) => String(a[2]).localeCompare(String(b[2]))), [
    ['open', 'kenji@basalt-lab.example', 'Can we bid as a consortium of two firms?', null],
    ['open', 'ana@northwind-assurance.example', 'Is the retest included in the fee?', null],
    ['open', 'kenji@basalt-lab.example', 'Is a retest part of the fixed fee?', null]
  ].sort((a, b) => String(a[2]).localeCompare(String(b[2]))))
  const idOf = (body: string): string => listed.find((q) => q.body === body)?.id ?? ''
  const retest = idOf('Is the retest included in the fee?')
  const consortium = idOf('Can we bid as a consortium of two firms?')
  const duplicate = idOf('Is a retest part of the fixed fee?')

  const answer = { question: 'Is the retest of fixes included in the fixed fee?', answer: 'Yes, one retest is included.' }
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${retest}/answer`, undefined, answer), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${retest}/answer`, tokens.vendor, answer), 403)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/not-a-uuid/answer`, tokens.owner, answer), 400)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/00000000-0000-4000-8000-000000000000/answer`, tokens.owner, answer), 404)
  const emptyAnswer = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${retest}/answer`, tokens.owner, { ...answer, answer: ' ' }), 400, 'SL_INVALID_INPUT')
  t.same(emptyAnswer.problems, [{ path: 'answer', message: 'cannot be empty' }])
  const answered = await call('POST', `/api/v1/rfps/${SLUG}/questions/${retest}/answer`, tokens.owner, answer)
  t.equal(answered.statusCode, 200)
  t.same(answered.json(), { number: 1 })

  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${consortium}/reject`, tokens.vendor, { reason: 'No' }), 403)
  const noReason = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${consortium}/reject`, tokens.owner, { reason: '' }), 400, 'SL_INVALID_INPUT')
  t.same(noReason.problems, [{ path: 'reason', message: 'say why: the asker is told' }])
  const rejected = await call('POST', `/api/v1/rfps/${SLUG}/questions/${consortium}/reject`, tokens.owner, { reason: 'Section 4 answers this already.' })
  t.equal(rejected.statusCode, 200)
  t.same(rejected.json(), { ok: true })
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${consortium}/reject`, tokens.owner, { reason: 'Again' }), 409, 'SL_INVALID_STATE')

  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${duplicate}/merge`, tokens.vendor, { into: retest }), 403)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${duplicate}/merge`, tokens.owner, { into: 'nope' }), 400)
  const selfMerge = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${duplicate}/merge`, tokens.owner, { into: duplicate }), 400, 'SL_INVALID_INPUT')
  t.same(selfMerge.problems?.map((p) => p.path), ['into'])
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${duplicate}/merge`, tokens.owner, { into: consortium }), 400, undefined, 'not into a rejected question')
  const merged = await call('POST', `/api/v1/rfps/${SLUG}/questions/${duplicate}/merge`, tokens.owner, { into: retest })
  t.equal(merged.statusCode, 200)
  t.same(merged.json(), { ok: true })
  const handled = (await call('GET', `/api/v1/rfps/${SLUG}/questions`, tokens.owner)).json() as { id: string, status: string, number: number | null, publishedQuestion: string | null, answer: string | null, reason: string | null, mergedInto: string | null }[]
  t.match(handled.find((q) => q.id === retest), { status: 'answered', number: 1, publishedQuestion: answer.question, answer: answer.answer, mergedInto: null })
  t.match(handled.find((q) => q.id === consortium), { status: 'rejected', reason: 'Section 4 answers this already.', number: null })
  t.match(handled.find((q) => q.id === duplicate), { status: 'merged', mergedInto: retest })

  const answers = await call('GET', `/api/v1/rfps/${SLUG}/answers`)
  t.equal(answers.statusCode, 200)
  t.equal(answers.json().length, 1)
  t.same(Object.keys(answers.json()[0]).sort(), ['answer', 'answeredAt', 'number', 'question', 'updatedAt'], 'no asker, no id')
  t.match(answers.json()[0], { number: 1, question: answer.question, answer: answer.answer })
  t.notMatch(answers.body, /@|northwind|basalt|consortium/i, 'neither askers nor unanswered questions')
  t.equal((await call('GET', `/api/v1/rfps/${SLUG}/answers`, tokens.vendor)).body, answers.body, 'the same with a token')
  t.equal((await call('GET', `/api/v1/rfps/${DEMO_RFP_SLUG}/answers`)).json().length, 3)
  isError(t, await call('GET', '/api/v1/rfps/no-such-rfp/answers'), 404)

  // The committee: owners add and remove members by address.
  const member = { email: 'Evaluator@Example.org', role: 'evaluator' }
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/members`, undefined, member), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.vendor, member), 403)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.other, member), 403)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.owner, { ...member, role: 'chair' }), 400)
  const unknown = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.owner, { ...member, email: 'nobody@example.org' }), 400, 'SL_INVALID_INPUT')
  t.same(unknown.problems?.map((p) => p.path), ['email'])
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.owner, { email: 'ana@northwind-assurance.example', role: 'evaluator' }), 409, undefined, 'a vendor contact is never on a committee')
  const added = await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.owner, member)
  t.equal(added.statusCode, 200)
  t.same(added.json(), { ok: true })
  const seenByEvaluator = await call('GET', `/api/v1/rfps/${SLUG}/questions`, tokens.evaluator)
  t.equal(seenByEvaluator.statusCode, 200, 'the evaluator sees the questions now')
  t.same(seenByEvaluator.json().map((q: { askerEmail: string | null }) => q.askerEmail), [null, null, null], 'but not who asked: only owners, who write back, see that')
  t.notMatch(seenByEvaluator.body, /@/)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/questions/${retest}/answer`, tokens.evaluator, answer), 403, undefined, 'but answers none')
  t.same((await call('GET', '/api/v1/me', tokens.evaluator)).json().roles, [{ rfp: SLUG, role: 'evaluator' }])

  const removal = `/api/v1/rfps/${SLUG}/members/${ids.evaluator}/evaluator`
  isError(t, await call('DELETE', removal), 401)
  isError(t, await call('DELETE', removal, tokens.evaluator), 403)
  isError(t, await call('DELETE', `/api/v1/rfps/${SLUG}/members/not-a-uuid/evaluator`, tokens.owner), 400)
  isError(t, await call('DELETE', `/api/v1/rfps/${SLUG}/members/${ids.evaluator}/chair`, tokens.owner), 400)
  const kept = isError(t, await call('DELETE', removal, tokens.owner), 409, 'SL_CONFLICT', 'a committee of two stays two until the opening')
  t.match(kept.message, /keeps at least two committee members/)
  await createCommitteeMember(ctx, 'third@example.org', { displayName: 'Theo Third' })
  t.equal((await call('POST', `/api/v1/rfps/${SLUG}/members`, tokens.owner, { email: 'third@example.org', role: 'evaluator' })).statusCode, 200)
  const removed = await call('DELETE', removal, tokens.owner)
  t.equal(removed.statusCode, 200)
  t.same(removed.json(), { ok: true })
  isError(t, await call('DELETE', removal, tokens.owner), 404, undefined, 'not a member any more')
  isError(t, await call('GET', `/api/v1/rfps/${SLUG}/questions`, tokens.evaluator), 403)
  isError(t, await call('DELETE', `/api/v1/rfps/${SLUG}/members/${ids.owner}/owner`, tokens.owner), 409, undefined, 'the last owner stays')

  // After the question period, no more questions; an amendment close to the deadline extends it.
  const rfp = (await call('GET', `/api/v1/rfps/${SLUG}`)).json()
  ctx.clock.set(new Date(rfp.schedule.questionsCloseAt))
  const late = isError(t, await ask(tokens.vendor, 'One more question, just too late?'), 400, 'SL_INVALID_INPUT')
  t.match(late.message, 'the question period closed on Sat, 12 Dec 2026, 18:00 CET')
  t.same(late.problems?.map((p) => p.path), ['body'])
  t.equal((await call('GET', `/api/v1/rfps/${SLUG}`)).json().phase, 'questions_closed')

  const due = Date.parse(rfp.schedule.proposalsDueAt)
  ctx.clock.set(new Date(due - 3 * 24 * 60 * 60 * 1000 + 30_000))
  const close = await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: { ...rfp.document, summary: `${rfp.document.summary as string} Late news.` }, reason: 'Late news.' })
  t.equal(close.statusCode, 201)
  t.same(close.json(), { version: 3, extension: { from: rfp.schedule.proposalsDueAt, to: new Date(due + 4 * 24 * 60 * 60 * 1000 + 60_000).toISOString() } }, 'seven days of notice kept, to the minute')

  // Cancellation.
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/cancel`, undefined, { reason: 'Funds' }), 401)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/cancel`, tokens.vendor, { reason: 'Funds' }), 403)
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/cancel`, tokens.evaluator, { reason: 'Funds' }), 403)
  const emptyCancel = isError(t, await call('POST', `/api/v1/rfps/${SLUG}/cancel`, tokens.owner, { reason: ' ' }), 400, 'SL_INVALID_INPUT')
  t.same(emptyCancel.problems?.map((p) => p.path), ['reason'])
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/cancel`, tokens.owner, {}), 400)
  const cancelled = await call('POST', `/api/v1/rfps/${SLUG}/cancel`, tokens.owner, { reason: 'The working group found the funds elsewhere.' })
  t.equal(cancelled.statusCode, 200)
  t.match(cancelled.json(), { slug: SLUG, state: 'cancelled', phase: 'cancelled', cancelReason: 'The working group found the funds elsewhere.', cancelledAt: ctx.clock.now().toISOString() })
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/cancel`, tokens.owner, { reason: 'Twice' }), 409, 'SL_INVALID_STATE')
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/amendments`, tokens.owner, { document: rfp.document, reason: 'After' }), 409, 'SL_INVALID_STATE')
  isError(t, await call('POST', `/api/v1/rfps/${SLUG}/interest`, tokens.secondVendor), 409, 'SL_INVALID_STATE')
  t.match((await call('GET', `/api/v1/rfps/${SLUG}`)).json(), { state: 'cancelled', cancelReason: 'The working group found the funds elsewhere.' })
})

t.test('malformed slugs and unknown routes answer in JSON too', async (t) => {
  const { app, tokens } = await setUp(t)
  const call = caller(app)
  for (const url of ['/api/v1/rfps/Not_A_Slug', '/api/v1/rfps/ab/versions', '/api/v1/rfps/Bad_Slug/answers', `/api/v1/rfps/${'x'.repeat(81)}/diff?from=1&to=2`]) {
    const body = isError(t, await call('GET', url), 400)
    t.match(body.message, /slug/, url)
  }
  isError(t, await call('GET', '/api/v1/nothing-here'), 404, 'SL_NOT_FOUND')
  isError(t, await call('PATCH' as Method, `/api/v1/rfps/${DEMO_RFP_SLUG}`, tokens.owner, {}), 404)
  isError(t, await call('GET', `/api/v1/rfps/${DEMO_RFP_SLUG}`, 'not-a-token'), 401, 'SL_UNAUTHENTICATED')
  isError(t, await call('POST', `/api/v1/rfps/${DEMO_RFP_SLUG}/questions/00000000-0000-4000-8000-000000000000/reject`, tokens.owner, { reason: 'x' }), 403, undefined, 'not an owner of the demo')
})

t.test('the OpenAPI document lists every RFP route with its methods and security', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/api/docs')
  t.equal(res.statusCode, 200)
  const doc = res.json() as { paths: Record<string, Record<string, { security?: unknown[], responses: Record<string, unknown> }>> }
  const expected: Record<string, string[]> = {
    '/api/v1/me': ['get'],
    '/api/v1/rfps': ['get', 'post'],
    '/api/v1/rfps/{slug}': ['get', 'put'],
    '/api/v1/rfps/{slug}/publish': ['post'],
    '/api/v1/rfps/{slug}/amendments': ['post'],
    '/api/v1/rfps/{slug}/cancel': ['post'],
    '/api/v1/rfps/{slug}/versions': ['get'],
    '/api/v1/rfps/{slug}/diff': ['get'],
    '/api/v1/rfps/{slug}/answers': ['get'],
    '/api/v1/rfps/{slug}/questions': ['get', 'post'],
    '/api/v1/rfps/{slug}/questions/{id}/answer': ['post'],
    '/api/v1/rfps/{slug}/questions/{id}/reject': ['post'],
    '/api/v1/rfps/{slug}/questions/{id}/merge': ['post'],
    '/api/v1/rfps/{slug}/standing': ['get'],
    '/api/v1/rfps/{slug}/interest': ['post'],
    '/api/v1/rfps/{slug}/acknowledgements': ['post'],
    '/api/v1/rfps/{slug}/vendors': ['get'],
    '/api/v1/rfps/{slug}/members': ['post'],
    '/api/v1/rfps/{slug}/members/{userId}/{role}': ['delete'],
    '/api/v1/rfps/{slug}/attestation': ['post'],
    '/api/v1/rfps/{slug}/conflicts': ['post'],
    '/api/v1/rfps/{slug}/rounds/{round}/proposals/{id}/scores': ['get', 'put'],
    '/api/v1/rfps/{slug}/rounds/{round}/results': ['get']
  }
  t.same(Object.keys(doc.paths).sort(), Object.keys(expected).sort(), 'every /api/v1 route, and nothing else')
  for (const [path, methods] of Object.entries(expected)) {
    t.same(Object.keys(doc.paths[path] ?? {}).filter((m) => m !== 'parameters').sort(), methods, path)
  }
  const writes: [string, string][] = [
    ['/api/v1/rfps', 'post'], ['/api/v1/rfps/{slug}', 'put'], ['/api/v1/rfps/{slug}/publish', 'post'], ['/api/v1/rfps/{slug}/amendments', 'post'],
    ['/api/v1/rfps/{slug}/cancel', 'post'], ['/api/v1/rfps/{slug}/questions', 'post'], ['/api/v1/rfps/{slug}/questions', 'get'],
    ['/api/v1/rfps/{slug}/members/{userId}/{role}', 'delete'], ['/api/v1/rfps/{slug}/interest', 'post'],
    ['/api/v1/rfps/{slug}/attestation', 'post'], ['/api/v1/rfps/{slug}/conflicts', 'post'],
    ['/api/v1/rfps/{slug}/rounds/{round}/proposals/{id}/scores', 'get'], ['/api/v1/rfps/{slug}/rounds/{round}/proposals/{id}/scores', 'put'],
    ['/api/v1/rfps/{slug}/rounds/{round}/results', 'get']
  ]
  for (const [path, method] of writes) t.same(doc.paths[path]?.[method]?.security, [{ bearer: [] }], `${method} ${path} needs a token`)
  t.ok(doc.paths['/api/v1/rfps']?.post?.responses['201'], 'drafting answers 201')
  t.ok(doc.paths['/api/v1/rfps/{slug}/amendments']?.post?.responses['400'], 'and documents its errors')
})

// Every route × every kind of visitor, with the status each must get. A route without a row fails the test:
// whoever adds a route adds its row, and so decides who may use it.
import { Signer } from '@fastify/cookie'
import type { LightMyRequestResponse } from 'fastify'
import { Readable } from 'node:stream'
import t, { type Test } from 'tap'
import { ManualClock } from '../../src/deps.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { DAY_MS } from '../../src/domain/time.js'
import { grantRole } from '../../src/services/admin-users.js'
import { createApiToken } from '../../src/services/api-tokens.js'
import type { ServiceContext } from '../../src/services/context.js'
import { recordDecision } from '../../src/services/decision.js'
import { fileProtest } from '../../src/services/protests.js'
import { attest } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { recordGate } from '../../src/services/results.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { acknowledgeAmendment } from '../../src/services/rfp-vendors.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { storeSession } from '../../src/services/sessions.js'
import { buildTestApp, createCommitteeMember, createVendorContact, T0, type TestApp } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const SECRET = 'a-test-session-secret-of-32-characters-or-more'
const ACTORS = ['anonymous', 'vendorA', 'vendorB', 'evaluator', 'otherEvaluator', 'owner', 'admin'] as const
type ActorName = typeof ACTORS[number]
const DRAFT_SLUG = 'second-rfp-draft'

/** A part of a multipart/form-data body: a text field or a file. */
type Part = { name: string, value: string } | { name: string, filename: string, content: Buffer }
/**
 * How to call a route: the concrete URL and, for forms, the fields (a CSRF token is added); for multipart forms,
 * the parts (a CSRF token is put first, as the page's form does); for the API, the method and JSON body.
 */
interface Call { url: string, form?: Record<string, string>, multipart?: Part[], method?: 'GET' | 'POST' | 'PUT' | 'DELETE', json?: unknown }
type Expect = Record<ActorName, number>

const same = (status: number): Expect => Object.fromEntries(ACTORS.map((a) => [a, status])) as Expect
/** Signed-out visitors are sent to sign in; every signed-in user gets `status`. */
const signedIn = (status: number): Expect => ({ ...same(status), anonymous: 303 })
const adminOnly = (status: number): Expect => ({ ...same(403), anonymous: 303, admin: status })
const committee = (vendors: number, others: number): Expect => ({ anonymous: 303, vendorA: vendors, vendorB: vendors, evaluator: others, otherEvaluator: others, owner: others, admin: others })

// Filled in once the people exist: the user an admin manages, vendor A's API token, two answered demo questions;
// vendor A's first receipt on the demo RFP; the link that asks vendor B to confirm its part in vendor A's consortium;
// vendor A's proposal on the opened RFP and its receipt; vendor B's organisation, whom members declare conflicts
// with; vendor A's proposal on the RFPs being scored, scored and about to be decided.
const ids = {
  target: '',
  vendorAToken: '',
  question: '',
  otherQuestion: '',
  receipt: '',
  partnerToken: '',
  openedProposal: '',
  openedReceipt: '',
  vendorBOrganisation: '',
  scoringProposal: '',
  scoredProposal: '',
  toDecideProposal: '',
  protest: ''
}
const A43 = 'A'.repeat(43)
const DEMO = `/rfps/${DEMO_RFP_SLUG}`
const DRAFT = `/rfps/${DRAFT_SLUG}`
const API_DEMO = `/api/v1${DEMO}`
const API_DRAFT = `/api/v1${DRAFT}`
// The demo RFP still takes proposals, and so does a copy of it owned by `owner`, where vendor A leads a consortium
// with vendor B. These three copies, owned by `owner` with `evaluator` on the committee (two members, so dual
// control), had vendor A's proposal before their deadline, which has passed: the opening is not started on the
// first, started by the owner on the second, and complete on the third.
const CONSORTIUM = '/rfps/open-consortium'
const SEALED = '/rfps/closed-sealed'
const STARTED = '/rfps/closed-started'
const OPENED = '/rfps/closed-opened'
// Evaluation, on more copies opened the same way, where the owner and the evaluator have attested: round 1 still
// being scored (the evaluator has submitted a sheet for vendor A's proposal) on two of them, one of which the owner
// closes; closed by the owner on two more, one of which the owner decides; and one decided, vendor A selected.
const SCORING = '/rfps/closed-scoring'
const TO_CLOSE = '/rfps/closed-to-close'
const SCORED = '/rfps/closed-scored'
const TO_DECIDE = '/rfps/closed-to-decide'
const DECIDED = '/rfps/closed-decided'
// Decided the same way, where vendor A filed a protest that awaits the owners' answer.
const PROTESTED = '/rfps/closed-protested'
/** A complete score sheet on the demo's scored criteria. */
const SCORED_CRITERIA = ['understanding', 'methodology', 'team', 'reports', 'value']

const BOUNDARY = 'policy-matrix-boundary'
/** A multipart/form-data body, as a browser sends the proposal form. */
function multipartBody (parts: Part[]): { payload: Buffer, contentType: string } {
  const chunks = parts.flatMap((part) => {
    const head = 'filename' in part
      ? `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`
      : `Content-Disposition: form-data; name="${part.name}"`
    return [Buffer.from(`--${BOUNDARY}\r\n${head}\r\n\r\n`), 'filename' in part ? part.content : Buffer.from(part.value), Buffer.from('\r\n')]
  })
  return { payload: Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)]), contentType: `multipart/form-data; boundary=${BOUNDARY}` }
}

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
/** The demo RFP's required attachments. */
const REQUIRED_FILES = ['plan', 'cvs', 'example-reports']
/** The smallest complete proposal the form can send for the demo RFP. */
const proposalParts = (actor: ActorName): Part[] => [
  { name: 'summary', value: `A proposal sent by ${actor} through the matrix.` },
  { name: 'person_name', value: 'Ada' },
  { name: 'person_role', value: 'Lead auditor' },
  { name: 'person_experience', value: 'Ten years of Go.' },
  ...REQUIRED_FILES.map((part) => ({ name: `files.${part}`, filename: `${part}.pdf`, content: pdf(`${part} of ${actor}`) }))
]

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
/** The evaluation RFPs' committee (`evaluator` and `owner`) gets what is given; everyone else is refused, or sent to sign in. */
const member = (evaluator: number, owner: number): Expect => ({ ...same(403), anonymous: 303, evaluator, owner })

const MATRIX: Record<string, { call: (actor: ActorName) => Call, expect: Expect }> = {
  'GET /': { call: () => ({ url: '/' }), expect: same(200) },
  'GET /healthz': { call: () => ({ url: '/healthz' }), expect: same(200) },
  'GET /assets/*': { call: () => ({ url: '/assets/shortlist.css' }), expect: same(200) },
  'GET /favicon.ico': { call: () => ({ url: '/favicon.ico' }), expect: same(301) },
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
  // The public record is the same for everyone, signed in or not, and nothing of a draft (DESIGN §5).
  'GET /rfps/:slug/decision': { call: () => ({ url: `${DECIDED}/decision` }), expect: same(200) },
  'GET /rfps/:slug/decision.json': { call: () => ({ url: `${DECIDED}/decision.json` }), expect: same(200) },
  'GET /rfps/:slug/decision.md': { call: () => ({ url: `${DECIDED}/decision.md` }), expect: same(200) },
  'GET /rfps/:slug/rfp.md': { call: () => ({ url: `${DRAFT}/rfp.md` }), expect: same(404) },
  'GET /rfps/:slug/ocds.json': { call: () => ({ url: `${DRAFT}/ocds.json` }), expect: same(404) },
  'GET /rfps/:slug/ocds/releases/:id.json': { call: () => ({ url: `${DRAFT}/ocds/releases/1.json` }), expect: same(404) },
  'GET /ocds/releases.json': { call: () => ({ url: '/ocds/releases.json' }), expect: same(200) },
  'GET /verify': { call: () => ({ url: '/verify' }), expect: same(200) },
  'GET /transparency/checkpoint': { call: () => ({ url: '/transparency/checkpoint' }), expect: same(200) },
  'GET /transparency/vkey': { call: () => ({ url: '/transparency/vkey' }), expect: same(200) },
  'GET /transparency/tile/*': { call: () => ({ url: '/transparency/tile/entries/000.p/1' }), expect: same(200) },
  'GET /transparency/proofs/inclusion': { call: () => ({ url: '/transparency/proofs/inclusion?seq=1&size=0' }), expect: same(400) },
  'GET /transparency/proofs/consistency': { call: () => ({ url: '/transparency/proofs/consistency?from=1&to=1' }), expect: same(200) },
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
  'DELETE /api/v1/rfps/:slug/members/:userId/:role': { call: () => ({ url: `${API_DRAFT}/members/${ids.target}/evaluator`, method: 'DELETE' }), expect: ownerOf(200, 404, 404, 401, 'otherEvaluator') },

  // Sealed intake, vendor side, on the demo RFP before its deadline. Both vendors have a proposal there already:
  // each replaces it, then withdraws it; vendor A's first receipt stays its own.
  'GET /vendor/rfps/:slug/proposal': {
    call: () => ({ url: `/vendor${DEMO}/proposal` }),
    expect: { anonymous: 303, vendorA: 200, vendorB: 200, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  // Success is the redirect to the new receipt; the committee is refused at its first file, before a byte is kept.
  'POST /vendor/rfps/:slug/proposal': {
    call: (actor) => ({ url: `/vendor${DEMO}/proposal`, multipart: proposalParts(actor) }),
    expect: { anonymous: 303, vendorA: 303, vendorB: 303, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  'POST /vendor/rfps/:slug/proposal/withdraw': {
    call: () => ({ url: `/vendor${DEMO}/proposal/withdraw`, form: {} }),
    expect: { anonymous: 303, vendorA: 303, vendorB: 303, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  // A receipt is shown to its own organisation only: to another vendor it does not exist.
  'GET /vendor/rfps/:slug/receipts/:hash': {
    call: () => ({ url: `/vendor${DEMO}/receipts/${ids.receipt}` }),
    expect: { anonymous: 303, vendorA: 200, vendorB: 404, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  'GET /vendor/rfps/:slug/receipts/:hash/download': {
    call: () => ({ url: `/vendor${DEMO}/receipts/${ids.receipt}/download` }),
    expect: { anonymous: 303, vendorA: 200, vendorB: 404, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  // The link is for the partner's contacts: not even the lead may use it.
  'GET /vendor/consortia/confirm': {
    call: () => ({ url: `/vendor/consortia/confirm?token=${ids.partnerToken}` }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 200, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  'POST /vendor/consortia/confirm': {
    call: () => ({ url: '/vendor/consortia/confirm', form: { token: ids.partnerToken } }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 303, evaluator: 403, otherEvaluator: 403, owner: 403, admin: 403 }
  },

  // The public receipts, once the deadline has passed: anyone checks a hash.
  'GET /rfps/:slug/receipts': { call: () => ({ url: `${OPENED}/receipts?hash=${ids.openedReceipt}` }), expect: same(200) },
  'GET /rfps/:slug/receipts.json': { call: () => ({ url: `${OPENED}/receipts.json` }), expect: same(200) },

  // Sealed intake, committee side. The list (count and hashes while sealed) is the committee's; the owner starts
  // the opening, a second member confirms it (not the owner who started it), and then the committee reads.
  'GET /committee/rfps/:slug/proposals': {
    call: () => ({ url: `/committee${DEMO}/proposals` }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 403, evaluator: 200, otherEvaluator: 403, owner: 200, admin: 403 }
  },
  'POST /committee/rfps/:slug/opening': {
    call: () => ({ url: `/committee${SEALED}/opening`, form: {} }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 403, evaluator: 403, otherEvaluator: 403, owner: 303, admin: 403 }
  },
  'POST /committee/rfps/:slug/opening/confirm': {
    call: () => ({ url: `/committee${STARTED}/opening/confirm`, form: {} }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 403, evaluator: 303, otherEvaluator: 403, owner: 403, admin: 403 }
  },
  'GET /committee/rfps/:slug/proposals/:id': {
    call: () => ({ url: `/committee${OPENED}/proposals/${ids.openedProposal}` }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 403, evaluator: 200, otherEvaluator: 403, owner: 200, admin: 403 }
  },
  'GET /committee/rfps/:slug/proposals/:id/files/:n': {
    call: () => ({ url: `/committee${OPENED}/proposals/${ids.openedProposal}/files/0` }),
    expect: { anonymous: 303, vendorA: 403, vendorB: 403, evaluator: 200, otherEvaluator: 403, owner: 200, admin: 403 }
  },

  // Evaluation (DESIGN §3.3, §3.4). The committee's page; attestations and conflicts by its members (on an RFP
  // still sealed, where nobody has attested); each evaluator's own sheet — not the owner's, who does not score.
  'GET /committee/rfps/:slug/evaluation': { call: () => ({ url: `/committee${SCORING}/evaluation` }), expect: member(200, 200) },
  'POST /committee/rfps/:slug/attestation': { call: () => ({ url: `/committee${SEALED}/attestation`, form: { agree: 'yes' } }), expect: member(303, 303) },
  'POST /committee/rfps/:slug/conflicts': {
    call: () => ({ url: `/committee${SEALED}/conflicts`, form: { organisationId: ids.vendorBOrganisation, kind: 'financial', note: '' } }),
    expect: member(303, 303)
  },
  'GET /committee/rfps/:slug/rounds/:round/proposals/:id/scores': { call: () => ({ url: `/committee${SCORING}/rounds/1/proposals/${ids.scoringProposal}/scores` }), expect: member(200, 403) },
  // A draft saved: back to the sheet.
  'POST /committee/rfps/:slug/rounds/:round/proposals/:id/scores': {
    call: () => ({ url: `/committee${SCORING}/rounds/1/proposals/${ids.scoringProposal}/scores`, form: { action: 'save', 'score.team': '3', 'comment.team': 'Saved by the matrix.' } }),
    expect: member(303, 403)
  },
  // The owner closes (the session's second factor is fresh) and is sent to the results.
  'POST /committee/rfps/:slug/rounds/:round/close': { call: () => ({ url: `/committee${TO_CLOSE}/rounds/1/close`, form: {} }), expect: member(403, 303) },
  // The results are the committee's once the round is closed; the consensus, gates and decision are the owners'.
  'GET /committee/rfps/:slug/rounds/:round/results': { call: () => ({ url: `/committee${SCORED}/rounds/1/results` }), expect: member(200, 200) },
  'GET /committee/rfps/:slug/rounds/:round/results.csv': { call: () => ({ url: `/committee${SCORED}/rounds/1/results.csv` }), expect: member(200, 200) },
  'POST /committee/rfps/:slug/rounds/:round/consensus': {
    call: () => ({ url: `/committee${SCORED}/rounds/1/consensus`, form: { proposalId: ids.scoredProposal, criterion: 'team', score: '4', reason: 'Agreed in the matrix.' } }),
    expect: member(403, 303)
  },
  'POST /committee/rfps/:slug/rounds/:round/gates': {
    call: () => ({ url: `/committee${SCORED}/rounds/1/gates`, form: { proposalId: ids.scoredProposal, criterion: 'open-report', passed: 'yes', reason: 'Judged in the matrix.' } }),
    expect: member(403, 303)
  },
  // The demo RFP scores no price and has one round: its owner gets the conflict, everyone else is refused.
  'POST /committee/rfps/:slug/price-envelope': { call: () => ({ url: `/committee${SCORED}/price-envelope`, form: {} }), expect: member(403, 409) },
  'POST /committee/rfps/:slug/shortlist': { call: () => ({ url: `/committee${SCORED}/shortlist`, form: {} }), expect: member(403, 409) },
  'GET /committee/rfps/:slug/decision': { call: () => ({ url: `/committee${SCORED}/decision` }), expect: member(403, 200) },
  'POST /committee/rfps/:slug/decision': {
    call: () => ({ url: `/committee${TO_DECIDE}/decision`, form: { selected: ids.toDecideProposal, rationale: 'Decided by the matrix.' } }),
    expect: member(403, 303)
  },
  // The debrief is the bidder's own: vendor B did not bid there, and the committee has none.
  'GET /vendor/rfps/:slug/debrief': { call: () => ({ url: `/vendor${DECIDED}/debrief` }), expect: { ...same(403), anonymous: 303, vendorA: 200, vendorB: 404 } },
  'POST /vendor/rfps/:slug/naming': { call: () => ({ url: `/vendor${DECIDED}/naming`, form: { named: 'yes' } }), expect: { ...same(403), anonymous: 303, vendorA: 303, vendorB: 404 } },
  // A protest is the bidder's own too; the owners see the protests and answer each once, with the second factor.
  'POST /vendor/rfps/:slug/protest': { call: () => ({ url: `/vendor${DECIDED}/protest`, form: { grounds: 'Filed by the matrix.' } }), expect: { ...same(403), anonymous: 303, vendorA: 303, vendorB: 404 } },
  'GET /committee/rfps/:slug/protests': { call: () => ({ url: `/committee${PROTESTED}/protests` }), expect: member(403, 200) },
  'POST /committee/rfps/:slug/protests/:id/response': {
    call: () => ({ url: `/committee${PROTESTED}/protests/${ids.protest}/response`, form: { resolution: 'dismissed', response: 'Answered by the matrix.' } }),
    expect: member(403, 303)
  },
  // The same through the API; closing, the price envelope and the decision ask for a second factor and stay in the pages.
  'POST /api/v1/rfps/:slug/attestation': { call: () => ({ url: `/api/v1${STARTED}/attestation`, method: 'POST', json: { mayBeNamed: false } }), expect: { ...member(200, 200), anonymous: 401 } },
  'POST /api/v1/rfps/:slug/conflicts': {
    call: () => ({ url: `/api/v1${STARTED}/conflicts`, method: 'POST', json: { organisationId: ids.vendorBOrganisation, kind: 'employment', note: '' } }),
    expect: { ...member(200, 200), anonymous: 401 }
  },
  'GET /api/v1/rfps/:slug/rounds/:round/proposals/:id/scores': { call: () => ({ url: `/api/v1${SCORING}/rounds/1/proposals/${ids.scoringProposal}/scores` }), expect: { ...member(200, 403), anonymous: 401 } },
  'PUT /api/v1/rfps/:slug/rounds/:round/proposals/:id/scores': {
    call: () => ({ url: `/api/v1${SCORING}/rounds/1/proposals/${ids.scoringProposal}/scores`, method: 'PUT', json: { cells: [{ criterion: 'team', score: 4, comment: 'Saved through the API.' }], submit: false } }),
    expect: { ...member(200, 403), anonymous: 401 }
  },
  'GET /api/v1/rfps/:slug/rounds/:round/results': { call: () => ({ url: `/api/v1${SCORED}/rounds/1/results` }), expect: { ...member(200, 200), anonymous: 401 } }
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

/** Submits a complete proposal to the demo RFP's text (or a copy of it) through the services, as the form does. */
async function submitFor (ctx: ServiceContext, actor: UserActor, slug: string, partners: string[] = []) {
  const files = []
  for (const part of REQUIRED_FILES) {
    files.push(await sealUpload(ctx, actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(part)]), maxBytes: 1_000_000 }))
  }
  return await submitProposal(ctx, actor, slug, { content: { summary: 'Made by the matrix fixture.', personnel: [] }, partners }, files)
}

/**
 * A copy of the demo RFP that was published 30 days before T0 and took vendor A's proposal 20 days before;
 * its deadline passed some days before T0. `stage` says how far it has gone: the opening ceremony not started,
 * started, or complete with the owner and the evaluator attested; then the evaluator's sheet submitted
 * (`scoring`), round 1 closed and vendor A's proposal judged to pass the gate (`scored`), and vendor A selected
 * (`decided`).
 */
async function closedRfp (
  t: Test, ctx: ServiceContext, path: string, people: { admin: UserActor, owner: UserActor, evaluator: UserActor, vendorA: UserActor },
  stage: 'none' | 'started' | 'opened' | 'scoring' | 'scored' | 'decided'
) {
  const slug = path.slice('/rfps/'.length)
  const published = new Date(T0.getTime() - 30 * DAY_MS)
  const then = { ...ctx, clock: new ManualClock(published) }
  const { id } = await createRfpDraft(then, people.owner, { ...securityAuditRfp(published), slug })
  await publishRfp(then, people.owner, id)
  await grantRole(ctx, people.admin, people.evaluator.userId, slug, 'evaluator')
  then.clock.set(new Date(T0.getTime() - 20 * DAY_MS))
  const receipt = await submitFor(then, people.vendorA, slug)
  const proposalId = (receipt.manifest.proposal as { id: string }).id
  if (stage === 'none') return receipt
  t.same(await startOpening(ctx, people.owner, slug), { opened: false }, `${slug}: the owner starts the opening`)
  if (stage === 'started') return receipt
  await confirmOpening(ctx, people.evaluator, slug)
  // DESIGN §3.4: the committee reads once it has attested.
  await attest(ctx, people.owner, slug, { mayBeNamed: false })
  await attest(ctx, people.evaluator, slug, { mayBeNamed: false })
  if (stage === 'opened') return receipt
  const cells = SCORED_CRITERIA.map((criterion) => ({ criterion, score: 4, comment: 'Scored by the matrix fixture.' }))
  await saveScoreSheet(ctx, people.evaluator, slug, 1, proposalId, { cells, submit: true })
  if (stage === 'scoring') return receipt
  await closeScoringRound(ctx, people.owner, slug, 1)
  await recordGate(ctx, people.owner, slug, 1, { proposalId, criterion: 'open-report', passed: true, reason: 'Judged by the matrix fixture.' })
  if (stage === 'scored') return receipt
  await recordDecision(ctx, people.owner, slug, { selected: [proposalId], rationale: 'Decided by the matrix fixture.', disqualified: [] })
  return receipt
}

t.test('every route has a row, and every row holds', async (t) => {
  const test = await buildTestApp(t, { demo: true, config: { session: { secret: SECRET }, signIn: { attemptsPerWindow: 10000 } } })
  const { app, ctx } = test
  await app.ready()
  t.same(app.routeList.map((r) => `${r.method} ${r.url}`).sort(), Object.keys(MATRIX).sort(), 'the matrix lists exactly the routes the app has')

  const vendorA = await createVendorContact(ctx, 'Vendor A', 'a@vendor-a.example')
  const vendorB = await createVendorContact(ctx, 'Vendor B', 'b@vendor-b.example')
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
    vendorA: vendorA.actor.userId,
    vendorB: vendorB.actor.userId,
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

  // Sealed intake. On the demo RFP both vendors acknowledge its amendments and submit. On another open RFP vendor
  // A names vendor B as a consortium partner, whose contacts are mailed the link to confirm.
  for (const { actor } of [vendorA, vendorB]) {
    for (const version of [2, 3]) await acknowledgeAmendment(ctx, actor, DEMO_RFP_SLUG, version)
  }
  ids.receipt = (await submitFor(ctx, vendorA.actor, DEMO_RFP_SLUG)).hash
  await submitFor(ctx, vendorB.actor, DEMO_RFP_SLUG)
  const consortium = await createRfpDraft(ctx, owner.actor, { ...securityAuditRfp(T0), slug: CONSORTIUM.slice('/rfps/'.length) })
  await publishRfp(ctx, owner.actor, consortium.id)
  await submitFor(ctx, vendorA.actor, consortium.slug, [vendorB.organisationId])
  const invitation = await ctx.db.selectFrom('mail_outbox').select('text_body').where('template', '=', 'consortium-confirm').where('to_address', '=', vendorB.email).executeTakeFirstOrThrow()
  ids.partnerToken = /\/vendor\/consortia\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(invitation.text_body)?.[1] ?? ''
  t.equal(ids.partnerToken.length, 43, 'the partner is mailed its confirmation link')
  const people = { admin: admin.actor, owner: owner.actor, evaluator: evaluator.actor, vendorA: vendorA.actor }
  await closedRfp(t, ctx, SEALED, people, 'none')
  await closedRfp(t, ctx, STARTED, people, 'started')
  const opened = await closedRfp(t, ctx, OPENED, people, 'opened')
  ids.openedReceipt = opened.hash
  ids.openedProposal = (opened.manifest.proposal as { id: string }).id
  ids.vendorBOrganisation = vendorB.organisationId
  const proposalOf = (receipt: { manifest: Record<string, unknown> }): string => (receipt.manifest.proposal as { id: string }).id
  ids.scoringProposal = proposalOf(await closedRfp(t, ctx, SCORING, people, 'scoring'))
  await closedRfp(t, ctx, TO_CLOSE, people, 'scoring')
  ids.scoredProposal = proposalOf(await closedRfp(t, ctx, SCORED, people, 'scored'))
  ids.toDecideProposal = proposalOf(await closedRfp(t, ctx, TO_DECIDE, people, 'scored'))
  await closedRfp(t, ctx, DECIDED, people, 'decided')
  await closedRfp(t, ctx, PROTESTED, people, 'decided')
  ids.protest = (await fileProtest(ctx, vendorA.actor, PROTESTED.slice('/rfps/'.length), { grounds: 'Filed by the matrix fixture.' })).id

  for (const [route, { call, expect }] of Object.entries(MATRIX)) {
    for (const actor of ACTORS) {
      const visitor = await visitorOf(test, users[actor])
      const { url, form, multipart } = call(actor)
      let res: LightMyRequestResponse
      if (url.startsWith('/api/')) {
        const token = bearer[actor]
        const { method = 'GET', json } = call(actor)
        res = await test.app.inject({ method, url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...(json === undefined ? {} : { payload: json as object }) })
      } else if (multipart !== undefined) {
        const _csrf = await visitor.csrfFrom('/vendor/register')
        const { payload, contentType } = multipartBody([{ name: '_csrf', value: _csrf }, ...multipart])
        res = await test.app.inject({ method: 'POST', url, headers: { cookie: visitor.cookie, 'content-type': contentType }, payload, remoteAddress: visitor.remoteAddress })
      } else if (form === undefined) {
        res = await visitor.get(url)
      } else {
        const _csrf = await visitor.csrfFrom('/vendor/register')
        res = await visitor.post(url, { ...form, _csrf })
      }
      t.equal(res.statusCode, expect[actor], `${route} as ${actor}`)
      // Whoever is sent on arrives somewhere: a sign-in page that exists, the new receipt, the page changed.
      const location = res.headers.location
      if (res.statusCode === 303) {
        const target = await visitor.get(String(location))
        if (target.statusCode >= 400) t.fail(`${route} as ${actor}: sent on to ${String(location)}, which answers ${target.statusCode}`)
      }
    }
  }

  // A 303 is also what a signed-out visitor gets: the successes above did what they say.
  const proposals = await ctx.db.selectFrom('proposals').innerJoin('rfps', 'rfps.id', 'proposals.rfp_id').select(['proposals.organisation_id', 'proposals.status', 'proposals.current_version'])
    .where('rfps.slug', '=', DEMO_RFP_SLUG).where('proposals.organisation_id', 'in', [vendorA.organisationId, vendorB.organisationId]).execute()
  t.same(proposals.map((p) => [p.organisation_id, p.status, p.current_version]).sort(), [[vendorA.organisationId, 'withdrawn', 2], [vendorB.organisationId, 'withdrawn', 2]].sort(),
    'each vendor replaced its proposal once through the form, then withdrew it')
  t.same(await ctx.db.selectFrom('proposal_partners').select(['organisation_id', 'confirmed_by']).where('organisation_id', '=', vendorB.organisationId).execute(),
    [{ organisation_id: vendorB.organisationId, confirmed_by: vendorB.actor.userId }], 'vendor B confirmed its part in vendor A\'s consortium')
  const openings = await ctx.db.selectFrom('rfp_openings').innerJoin('rfps', 'rfps.id', 'rfp_openings.rfp_id').select(['slug', 'state', 'started_by', 'confirmed_by'])
    .where('slug', 'in', [SEALED, STARTED, OPENED].map((path) => path.slice('/rfps/'.length))).orderBy('slug').execute()
  t.same(openings, [
    { slug: 'closed-opened', state: 'opened', started_by: owner.userId, confirmed_by: evaluator.userId },
    { slug: 'closed-sealed', state: 'published', started_by: owner.userId, confirmed_by: null },
    { slug: 'closed-started', state: 'opened', started_by: owner.userId, confirmed_by: evaluator.userId }
  ], 'the owner started one opening, and the evaluator confirmed the other')
  t.same(await ctx.db.selectFrom('stored_files').select('id').where('committed_at', 'is', null).execute(), [], 'no refused upload left a file behind')

  // The evaluation rows' successes, each by the evaluator and the owner or by the owner alone.
  const slugOf = (path: string): string => path.slice('/rfps/'.length)
  const committeeIds = [evaluator.userId, owner.userId].sort()
  const attested = await ctx.db.selectFrom('evaluator_attestations').innerJoin('rfps', 'rfps.id', 'evaluator_attestations.rfp_id').select(['slug', 'user_id'])
    .where('slug', 'in', [SEALED, STARTED].map(slugOf)).orderBy('slug').orderBy('user_id').execute()
  t.same(attested, [...committeeIds.map((id) => ({ slug: 'closed-sealed', user_id: id })), ...committeeIds.map((id) => ({ slug: 'closed-started', user_id: id }))], 'both attested through the form, and through the API')
  const conflicts = await ctx.db.selectFrom('evaluator_conflicts').innerJoin('rfps', 'rfps.id', 'evaluator_conflicts.rfp_id').select(['slug', 'user_id', 'organisation_id', 'kind'])
    .where('slug', 'in', [SEALED, STARTED].map(slugOf)).orderBy('slug').orderBy('user_id').execute()
  t.same(conflicts, [
    ...committeeIds.map((id) => ({ slug: 'closed-sealed', user_id: id, organisation_id: vendorB.organisationId, kind: 'financial' })),
    ...committeeIds.map((id) => ({ slug: 'closed-started', user_id: id, organisation_id: vendorB.organisationId, kind: 'employment' }))
  ], 'both declared a conflict with vendor B through the form, and through the API')
  const scoring = await ctx.db.selectFrom('scores').innerJoin('rfps', 'rfps.id', 'scores.rfp_id').select(['user_id', 'score', 'comment']).where('slug', '=', slugOf(SCORING)).where('criterion_id', '=', 'team').execute()
  t.same(scoring, [{ user_id: evaluator.userId, score: 4, comment: 'Saved through the API.' }], 'the evaluator saved a draft through the form, then through the API')
  const states = await ctx.db.selectFrom('rfps').select(['slug', 'state']).where('slug', 'in', [SCORING, TO_CLOSE, SCORED, TO_DECIDE, DECIDED].map(slugOf)).orderBy('slug').execute()
  t.same(states, [
    { slug: 'closed-decided', state: 'decided' },
    { slug: 'closed-scored', state: 'scoring_closed' },
    { slug: 'closed-scoring', state: 'opened' },
    { slug: 'closed-to-close', state: 'scoring_closed' },
    { slug: 'closed-to-decide', state: 'decided' }
  ], 'the owner closed one round and decided one RFP')
  const closedBy = await ctx.db.selectFrom('scoring_rounds').innerJoin('rfps', 'rfps.id', 'scoring_rounds.rfp_id').select('closed_by').where('slug', '=', slugOf(TO_CLOSE)).executeTakeFirstOrThrow()
  t.equal(closedBy.closed_by, owner.userId)
  const recorded = async (table: 'consensus_scores' | 'gate_results') => await ctx.db.selectFrom(table).innerJoin('rfps', 'rfps.id', `${table}.rfp_id`).select(['proposal_id', 'recorded_by']).where('slug', '=', slugOf(SCORED)).execute()
  t.same(await recorded('consensus_scores'), [{ proposal_id: ids.scoredProposal, recorded_by: owner.userId }], 'the owner recorded a consensus')
  t.same(await recorded('gate_results'), [{ proposal_id: ids.scoredProposal, recorded_by: owner.userId }], 'and a gate')
  const naming = await ctx.db.selectFrom('vendor_naming').innerJoin('proposals', 'proposals.id', 'vendor_naming.proposal_id').innerJoin('rfps', 'rfps.id', 'proposals.rfp_id')
    .select(['may_be_named', 'chosen_by']).where('slug', '=', slugOf(DECIDED)).execute()
  t.same(naming, [{ may_be_named: 1, chosen_by: vendorA.actor.userId }], 'vendor A chose to be named')
  const protests = await ctx.db.selectFrom('protests').innerJoin('rfps', 'rfps.id', 'protests.rfp_id').select(['slug', 'grounds', 'filed_by', 'resolution', 'responded_by']).orderBy('slug').execute()
  t.same(protests, [
    { slug: 'closed-decided', grounds: 'Filed by the matrix.', filed_by: vendorA.actor.userId, resolution: null, responded_by: null },
    { slug: 'closed-protested', grounds: 'Filed by the matrix fixture.', filed_by: vendorA.actor.userId, resolution: 'dismissed', responded_by: owner.userId }
  ], 'vendor A filed a protest through the form, and the owner answered the other')
})

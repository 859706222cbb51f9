// The evaluation actions of the policy (DESIGN §3.3, §3.4): attesting and declaring conflicts, scoring, closing
// a round, the results and who sees each evaluator's sheet, consensus, the price envelope, the shortlist, the
// decision, and the bidder's own debrief and naming choice. Every action × every kind of actor, on a published
// RFP (and a draft where the RFP's publication matters), with the second factor proved just inside and just
// outside the step-up window, and each refusal with its reason.
import t from 'tap'
import { ANONYMOUS, STEP_UP_MAX_AGE_MS, decide, type Actor, type Decision, type Request, type RfpResource, type SealedRfp, type UserActor } from '../../../src/domain/policy.js'

const NOW = new Date('2027-01-10T09:00:00.000Z')
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString()

type Who = 'owner' | 'evaluator' | 'ownerEvaluator' | 'otherMember' | 'admin' | 'vendor' | 'wrongVendor' | 'anonymous'
const WHO: Who[] = ['owner', 'evaluator', 'ownerEvaluator', 'otherMember', 'admin', 'vendor', 'wrongVendor', 'anonymous']
type Freshness = 'fresh' | 'stale'

/** The actors, each committee member with a second factor proved `STEP_UP_MAX_AGE_MS ∓ 1 ms` ago. */
function actors (freshness: Freshness): Record<Who, Actor> {
  const secondFactorAt = ago(freshness === 'fresh' ? STEP_UP_MAX_AGE_MS - 1 : STEP_UP_MAX_AGE_MS + 1)
  const user = (userId: string, more: Partial<UserActor> = {}): UserActor =>
    ({ kind: 'user', userId, isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt, ...more })
  return {
    owner: user('owner'),
    evaluator: user('evaluator'),
    // One person with both roles on this RFP.
    ownerEvaluator: user('owner-evaluator'),
    // An owner and evaluator of another RFP, with no role on this one.
    otherMember: user('other-member'),
    // An admin of the instance, with no role on this RFP.
    admin: user('admin', { isAdmin: true }),
    // The bidder whose debrief and naming choice the requests are about (org-alpha); vendor contacts have no second factor.
    vendor: user('vendor', { organisationId: 'org-alpha', hasSecondFactor: false, secondFactorAt: null }),
    // Another bidder.
    wrongVendor: user('wrong-vendor', { organisationId: 'org-beta', hasSecondFactor: false, secondFactorAt: null }),
    anonymous: ANONYMOUS
  }
}

const members = [
  { userId: 'owner', role: 'owner' as const },
  { userId: 'evaluator', role: 'evaluator' as const },
  { userId: 'owner-evaluator', role: 'owner' as const },
  { userId: 'owner-evaluator', role: 'evaluator' as const }
]
const draft: RfpResource = { publishedAt: null, members }
const published: RfpResource = { publishedAt: '2026-12-01T09:00:00.000Z', members }
// Opened; every member of this RFP attested (and the other member attested to theirs, which counts for nothing here).
const opened: SealedRfp = { ...published, openedAt: '2027-01-01T09:00:00.000Z', priceOpenedAt: null, attested: ['owner', 'evaluator', 'owner-evaluator', 'other-member', 'admin'], conflicts: [] }
const alphas = { organisationIds: ['org-alpha'] }

/** true: allowed; 'step-up': refused until the second factor is proved again; any other string: refused with that reason. */
type Expected = true | typeof STEP_UP | string
const STEP_UP = 'step-up'
const expectedDecision = (expected: Expected): Decision =>
  expected === true
    ? { allowed: true }
    : expected === STEP_UP
      ? { allowed: false, reason: 'confirm with your second factor first', stepUp: true }
      : { allowed: false, reason: expected, stepUp: false }

const signIn = 'sign in first'
const notPublished = 'the RFP is not published'
const committeeRecords = 'attestations and conflicts are recorded by the RFP\'s committee'
const ownerOnly = 'only an owner of the RFP does this'
const evaluatorsScore = 'only the RFP\'s evaluators score proposals'
const stillSealed = 'the proposals are sealed until the deadline has passed and the committee has opened them'
const attestFirst = 'record your attestation (embargo and no conflict of interest) before reading any proposal'
const recusedFrom = 'you declared a conflict of interest with this vendor: you are recused from its proposal'
const forCommittee = 'the results are for the RFP\'s committee'
const ownerCloses = 'only an owner of the RFP closes scoring'
const ownerOpensPrice = 'only an owner of the RFP opens the price envelope'
const ownerDecides = 'only an owner of the RFP records the decision'
const attestForResults = 'record your attestation (embargo and no conflict of interest) before seeing the results'
const bidderOnly = 'this is for the vendor that made the proposal'
const protesterOnly = 'a protest is filed by the vendor that made the proposal'
const ownerAnswers = 'only an owner of the RFP responds to a protest'
const attestToAnswer = 'record your attestation (embargo and no conflict of interest) before answering a protest'
const recusedFromProtest = 'you declared a conflict of interest with this vendor: another owner responds to its protest'

/** Every actor refused with `reason`, except `allowed` (true) and the anonymous visitor (told to sign in). */
function only (allowed: Who[], reason: string, anonymous = signIn): Record<Who, Expected> {
  return Object.fromEntries(WHO.map((who) => [who, who === 'anonymous' ? anonymous : allowed.includes(who) ? true : reason])) as Record<Who, Expected>
}
/** The same with step-up in place of allowed. */
const stepUpFor = (expected: Record<Who, Expected>): Record<Who, Expected> =>
  Object.fromEntries(WHO.map((who) => [who, expected[who] === true ? STEP_UP : expected[who]])) as Record<Who, Expected>

interface Row { name: string, request: Request, fresh: Record<Who, Expected>, stale?: Record<Who, Expected> }

const OWNERS: Who[] = ['owner', 'ownerEvaluator']
const EVALUATORS: Who[] = ['evaluator', 'ownerEvaluator']
const MEMBERS: Who[] = ['owner', 'evaluator', 'ownerEvaluator']

const rows: Row[] = [
  { name: 'evaluation.attest, published', request: { action: 'evaluation.attest', rfp: published }, fresh: only(MEMBERS, committeeRecords) },
  { name: 'evaluation.attest, draft', request: { action: 'evaluation.attest', rfp: draft }, fresh: only([], notPublished) },
  { name: 'evaluation.conflict.declare, published', request: { action: 'evaluation.conflict.declare', rfp: published }, fresh: only(MEMBERS, committeeRecords) },
  { name: 'evaluation.conflict.declare, draft', request: { action: 'evaluation.conflict.declare', rfp: draft }, fresh: only([], notPublished) },
  { name: 'evaluation.conflicts.list', request: { action: 'evaluation.conflicts.list', rfp: published }, fresh: only(OWNERS, ownerOnly) },
  { name: 'proposal.score, opened, attested', request: { action: 'proposal.score', rfp: opened, proposal: alphas }, fresh: only(EVALUATORS, evaluatorsScore) },
  {
    name: 'proposal.score, sealed',
    request: { action: 'proposal.score', rfp: { ...opened, openedAt: null }, proposal: alphas },
    fresh: { ...only([], evaluatorsScore), evaluator: stillSealed, ownerEvaluator: stillSealed }
  },
  {
    name: 'proposal.score, opened, nobody attested',
    request: { action: 'proposal.score', rfp: { ...opened, attested: [] }, proposal: alphas },
    fresh: { ...only([], evaluatorsScore), evaluator: attestFirst, ownerEvaluator: attestFirst }
  },
  {
    name: 'proposal.score, every member recused from alpha',
    request: { action: 'proposal.score', rfp: { ...opened, conflicts: ['owner', 'evaluator', 'owner-evaluator'].map((userId) => ({ userId, organisationId: 'org-alpha' })) }, proposal: alphas },
    fresh: { ...only([], evaluatorsScore), evaluator: recusedFrom, ownerEvaluator: recusedFrom }
  },
  {
    name: 'proposal.score, every member recused from a partner of alpha\'s consortium',
    request: { action: 'proposal.score', rfp: { ...opened, conflicts: ['owner', 'evaluator', 'owner-evaluator'].map((userId) => ({ userId, organisationId: 'org-partner' })) }, proposal: { organisationIds: ['org-alpha', 'org-partner'] } },
    fresh: { ...only([], evaluatorsScore), evaluator: recusedFrom, ownerEvaluator: recusedFrom }
  },
  {
    name: 'proposal.score, every member recused from beta, scoring alpha',
    request: { action: 'proposal.score', rfp: { ...opened, conflicts: ['owner', 'evaluator', 'owner-evaluator'].map((userId) => ({ userId, organisationId: 'org-beta' })) }, proposal: alphas },
    fresh: only(EVALUATORS, evaluatorsScore)
  },
  { name: 'scoring.close', request: { action: 'scoring.close', rfp: published }, fresh: only(OWNERS, ownerCloses), stale: stepUpFor(only(OWNERS, ownerCloses)) },
  { name: 'results.view, every member attested', request: { action: 'results.view', rfp: opened }, fresh: only(MEMBERS, forCommittee) },
  {
    name: 'results.view, only the evaluator attested',
    request: { action: 'results.view', rfp: { ...opened, attested: ['evaluator', 'other-member', 'admin'] } },
    fresh: { ...only(['evaluator'], forCommittee), owner: attestForResults, ownerEvaluator: attestForResults }
  },
  { name: 'results.evaluators.view', request: { action: 'results.evaluators.view', rfp: published }, fresh: only(OWNERS, ownerOnly) },
  { name: 'consensus.record', request: { action: 'consensus.record', rfp: published }, fresh: only(OWNERS, ownerOnly) },
  { name: 'price.open', request: { action: 'price.open', rfp: published }, fresh: only(OWNERS, ownerOpensPrice), stale: stepUpFor(only(OWNERS, ownerOpensPrice)) },
  { name: 'shortlist.create', request: { action: 'shortlist.create', rfp: published }, fresh: only(OWNERS, ownerOnly) },
  { name: 'decision.record', request: { action: 'decision.record', rfp: published }, fresh: only(OWNERS, ownerDecides), stale: stepUpFor(only(OWNERS, ownerDecides)) },
  { name: 'decision.view, every member attested', request: { action: 'decision.view', rfp: opened }, fresh: only(OWNERS, ownerDecides) },
  {
    name: 'decision.view, only the evaluator attested',
    request: { action: 'decision.view', rfp: { ...opened, attested: ['evaluator', 'other-member', 'admin'] } },
    fresh: { ...only([], ownerDecides), owner: attestForResults, ownerEvaluator: attestForResults }
  },
  // Only the bidder itself; an anonymous visitor is told the same (it is checked before signing in is).
  { name: 'debrief.read', request: { action: 'debrief.read', organisationId: 'org-alpha' }, fresh: only(['vendor'], bidderOnly, bidderOnly) },
  { name: 'naming.choose', request: { action: 'naming.choose', organisationId: 'org-alpha' }, fresh: only(['vendor'], bidderOnly, bidderOnly) },
  // A protest is the bidder's own, as its debrief is; an owner who attested and is not recused from the bidder
  // answers it, proving the second factor again.
  { name: 'protest.file', request: { action: 'protest.file', organisationId: 'org-alpha' }, fresh: only(['vendor'], protesterOnly, protesterOnly) },
  { name: 'protest.respond', request: { action: 'protest.respond', rfp: opened, proposal: alphas }, fresh: only(OWNERS, ownerAnswers), stale: stepUpFor(only(OWNERS, ownerAnswers)) },
  {
    name: 'protest.respond, only the evaluator attested',
    request: { action: 'protest.respond', rfp: { ...opened, attested: ['evaluator', 'other-member', 'admin'] }, proposal: alphas },
    fresh: { ...only([], ownerAnswers), owner: attestToAnswer, ownerEvaluator: attestToAnswer }
  },
  {
    name: 'protest.respond, every member recused from a partner of alpha\'s consortium',
    request: { action: 'protest.respond', rfp: { ...opened, conflicts: ['owner', 'evaluator', 'owner-evaluator'].map((userId) => ({ userId, organisationId: 'org-partner' })) }, proposal: { organisationIds: ['org-alpha', 'org-partner'] } },
    fresh: { ...only([], ownerAnswers), owner: recusedFromProtest, ownerEvaluator: recusedFromProtest }
  },
  {
    name: 'protest.respond, every member recused from beta, answering alpha',
    request: { action: 'protest.respond', rfp: { ...opened, conflicts: ['owner', 'evaluator', 'owner-evaluator'].map((userId) => ({ userId, organisationId: 'org-beta' })) }, proposal: alphas },
    fresh: only(OWNERS, ownerAnswers),
    stale: stepUpFor(only(OWNERS, ownerAnswers))
  }
]

t.test('the evaluation actions: action × actor × a second factor just inside / just outside the step-up window', async (t) => {
  for (const row of rows) {
    for (const freshness of ['fresh', 'stale'] as const) {
      const expected = freshness === 'fresh' ? row.fresh : (row.stale ?? row.fresh)
      const cast = actors(freshness)
      for (const who of WHO) {
        t.same(decide(cast[who], row.request, NOW), expectedDecision(expected[who]), `${row.name}, ${who}, second factor ${freshness}`)
      }
    }
  }
})

t.test('the rows cover every evaluation action', async (t) => {
  const actions = new Set(rows.map((row) => row.request.action))
  t.same([...actions].sort(), [
    'consensus.record', 'debrief.read', 'decision.record', 'decision.view', 'evaluation.attest', 'evaluation.conflict.declare', 'evaluation.conflicts.list',
    'naming.choose', 'price.open', 'proposal.score', 'protest.file', 'protest.respond', 'results.evaluators.view', 'results.view', 'scoring.close', 'shortlist.create'
  ])
})

t.test('the step-up window for closing, opening prices and deciding, to the millisecond', async (t) => {
  const owner = (secondFactorAt: string | null): Actor => ({ kind: 'user', userId: 'owner', isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt })
  for (const action of ['scoring.close', 'price.open', 'decision.record'] as const) {
    const request: Request = { action, rfp: published }
    t.same(decide(owner(ago(0)), request, NOW), { allowed: true }, `${action}: proved just now`)
    t.same(decide(owner(ago(STEP_UP_MAX_AGE_MS - 1)), request, NOW), { allowed: true }, `${action}: 1 ms inside the window`)
    t.same(decide(owner(ago(STEP_UP_MAX_AGE_MS)), request, NOW), expectedDecision(STEP_UP), `${action}: at the window's end`)
    t.same(decide(owner(null), request, NOW), expectedDecision(STEP_UP), `${action}: never proved in this session`)
  }
  // Attesting, declaring, scoring, consensus and the shortlist ask for no step-up: a stale factor is enough.
  const stale = actors('stale')
  for (const request of [
    { action: 'evaluation.attest', rfp: published },
    { action: 'evaluation.conflict.declare', rfp: published },
    { action: 'consensus.record', rfp: published },
    { action: 'shortlist.create', rfp: published },
    { action: 'proposal.score', rfp: opened, proposal: alphas }
  ] satisfies Request[]) {
    t.same(decide(stale.ownerEvaluator, request, NOW), { allowed: true }, `${request.action}: no step-up`)
  }
})

t.test('an admin is no member: being an admin, even with a fresh second factor, adds nothing to any evaluation action', async (t) => {
  const admin: Actor = { kind: 'user', userId: 'admin', isAdmin: true, organisationId: null, hasSecondFactor: true, secondFactorAt: NOW.toISOString() }
  for (const row of rows) t.equal(decide(admin, row.request, NOW).allowed, false, row.name)
  // The same admin made an owner of the RFP acts as an owner, step-up and all.
  const owned: RfpResource = { ...published, members: [...members, { userId: 'admin', role: 'owner' }] }
  t.same(decide(admin, { action: 'scoring.close', rfp: owned }, NOW), { allowed: true })
  t.same(decide({ ...admin, secondFactorAt: ago(STEP_UP_MAX_AGE_MS) }, { action: 'scoring.close', rfp: owned }, NOW), expectedDecision(STEP_UP))
})

t.test('roles are per RFP: the owner and evaluator of another RFP do nothing here', async (t) => {
  const fresh = actors('fresh')
  const elsewhere = [{ userId: 'someone-else', role: 'owner' as const }]
  for (const who of ['owner', 'evaluator', 'ownerEvaluator'] as const) {
    for (const row of rows.filter((r) => 'rfp' in r.request)) {
      const request = { ...row.request, rfp: { ...(row.request as { rfp: SealedRfp }).rfp, members: elsewhere } } as unknown as Request
      t.equal(decide(fresh[who], request, NOW).allowed, false, `${who}: ${row.name}`)
    }
  }
})

t.test('the debrief and the naming choice go by the organisation the actor speaks for', async (t) => {
  const fresh = actors('fresh')
  for (const action of ['debrief.read', 'naming.choose'] as const) {
    t.same(decide(fresh.wrongVendor, { action, organisationId: 'org-beta' }, NOW), { allowed: true }, `${action}: beta for beta`)
    t.same(decide(fresh.vendor, { action, organisationId: 'org-beta' }, NOW), expectedDecision(bidderOnly), `${action}: alpha for beta`)
    // A committee member (no organisation) never reads a debrief, even of an organisation id that is null-ish.
    t.same(decide(fresh.owner, { action, organisationId: '' }, NOW), expectedDecision(bidderOnly), `${action}: a committee member`)
  }
})

// The proposal actions of the policy (DESIGN §3.1, §3.4): who submits, who sees the sealed list, who starts and
// who confirms the opening (with a recent second factor), and the sealing guard on every read of content or
// price: opened, attested, not recused, and for the price the second envelope opened. Each row is checked for
// every kind of actor, with a second factor proved just inside and just outside the step-up window, and each
// refusal with its reason.
import t from 'tap'
import { ANONYMOUS, STEP_UP_MAX_AGE_MS, decide, type Actor, type Decision, type Request, type RfpResource, type SealedRfp } from '../../../src/domain/policy.js'

const NOW = new Date('2026-12-27T09:00:00.000Z')
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString()

type Who = 'anonymous' | 'vendor' | 'owner' | 'evaluator' | 'admin' | 'outsider'
const WHO: Who[] = ['anonymous', 'vendor', 'owner', 'evaluator', 'admin', 'outsider']
type Freshness = 'fresh' | 'stale'

/** The actors, with their second factor proved `STEP_UP_MAX_AGE_MS ∓ 1 ms` ago. */
function actors (freshness: Freshness): Record<Who, Actor> {
  const secondFactorAt = ago(freshness === 'fresh' ? STEP_UP_MAX_AGE_MS - 1 : STEP_UP_MAX_AGE_MS + 1)
  const user = (userId: string, more: Partial<Extract<Actor, { kind: 'user' }>> = {}): Actor =>
    ({ kind: 'user', userId, isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt, ...more })
  return {
    anonymous: ANONYMOUS,
    // A vendor contact has no second factor: its magic link is its only one.
    vendor: user('vendor', { organisationId: 'org-alpha', hasSecondFactor: false, secondFactorAt: null }),
    owner: user('owner'),
    evaluator: user('evaluator'),
    admin: user('admin', { isAdmin: true }), // an admin who is not a member of this RFP
    outsider: user('outsider') // a committee member of nothing here (perhaps an owner of another RFP)
  }
}

const members = [{ userId: 'owner', role: 'owner' as const }, { userId: 'evaluator', role: 'evaluator' as const }]
const draft: RfpResource = { publishedAt: null, members }
const published: RfpResource = { publishedAt: '2026-12-01T09:00:00.000Z', members }
// Both members have attested; nobody is recused; the price envelope is still sealed.
const sealed: SealedRfp = { ...published, openedAt: null, priceOpenedAt: null, attested: ['owner', 'evaluator'], conflicts: [] }
const opened: SealedRfp = { ...sealed, openedAt: '2026-12-27T08:00:00.000Z' }
const priceOpened: SealedRfp = { ...opened, priceOpenedAt: '2026-12-28T08:00:00.000Z' }
/** The vendor's own proposal (the `vendor` actor speaks for org-alpha) and another vendor's. */
const alphas = { organisationIds: ['org-alpha'] }
const betas = { organisationIds: ['org-beta'] }

/** true: allowed; 'step-up': refused until the second factor is proved again; any other string: refused with that reason. */
type Expected = true | 'step-up' | string
const STEP_UP = 'step-up'
const expectedDecision = (expected: Expected): Decision =>
  expected === true
    ? { allowed: true }
    : expected === STEP_UP
      ? { allowed: false, reason: 'confirm with your second factor first', stepUp: true }
      : { allowed: false, reason: expected, stepUp: false }

const signIn = 'sign in first'
const notPublished = 'the RFP is not published'
const vendorsSubmit = 'proposals are submitted by vendor contacts'
const forCommittee = 'the proposals are for the RFP\'s committee'
const ownerStarts = 'only an owner of the RFP starts the opening of its proposals'
const memberConfirms = 'only a member of the RFP\'s committee confirms the opening'
const notTheStarter = 'a second committee member confirms the opening: not the one who started it'
const stillSealed = 'the proposals are sealed until the deadline has passed and the committee has opened them'
const committeeReads = 'proposals are read by the RFP\'s committee only'
const priceSealed = 'the price envelope stays sealed until technical scoring is closed and an owner opens it'
const attestFirst = 'record your attestation (embargo and no conflict of interest) before reading any proposal'
const recusedFrom = 'you declared a conflict of interest with this vendor: you are recused from its proposal'

interface Row { name: string, request: Request, fresh: Record<Who, Expected>, stale?: Record<Who, Expected> }

const rows: Row[] = [
  {
    name: 'proposal.submit, draft',
    request: { action: 'proposal.submit', rfp: draft },
    fresh: { anonymous: signIn, vendor: notPublished, owner: notPublished, evaluator: notPublished, admin: notPublished, outsider: notPublished }
  },
  {
    name: 'proposal.submit, published',
    request: { action: 'proposal.submit', rfp: published },
    fresh: { anonymous: signIn, vendor: true, owner: vendorsSubmit, evaluator: vendorsSubmit, admin: vendorsSubmit, outsider: vendorsSubmit }
  },
  {
    name: 'proposals.list',
    request: { action: 'proposals.list', rfp: published },
    fresh: { anonymous: signIn, vendor: forCommittee, owner: true, evaluator: true, admin: forCommittee, outsider: forCommittee }
  },
  {
    name: 'proposals.open',
    request: { action: 'proposals.open', rfp: published },
    fresh: { anonymous: signIn, vendor: ownerStarts, owner: true, evaluator: ownerStarts, admin: ownerStarts, outsider: ownerStarts },
    stale: { anonymous: signIn, vendor: ownerStarts, owner: STEP_UP, evaluator: ownerStarts, admin: ownerStarts, outsider: ownerStarts }
  },
  {
    name: 'proposals.open.confirm, started by the owner',
    request: { action: 'proposals.open.confirm', rfp: published, startedBy: 'owner' },
    fresh: { anonymous: signIn, vendor: memberConfirms, owner: notTheStarter, evaluator: true, admin: memberConfirms, outsider: memberConfirms },
    stale: { anonymous: signIn, vendor: memberConfirms, owner: notTheStarter, evaluator: STEP_UP, admin: memberConfirms, outsider: memberConfirms }
  },
  {
    name: 'proposals.open.confirm, started by another owner',
    request: { action: 'proposals.open.confirm', rfp: { ...published, members: [...members, { userId: 'co-owner', role: 'owner' }] }, startedBy: 'co-owner' },
    fresh: { anonymous: signIn, vendor: memberConfirms, owner: true, evaluator: true, admin: memberConfirms, outsider: memberConfirms },
    stale: { anonymous: signIn, vendor: memberConfirms, owner: STEP_UP, evaluator: STEP_UP, admin: memberConfirms, outsider: memberConfirms }
  },
  {
    name: 'proposal.content.read (the list), before the opening',
    request: { action: 'proposal.content.read', rfp: sealed, proposal: null },
    fresh: { anonymous: stillSealed, vendor: stillSealed, owner: stillSealed, evaluator: stillSealed, admin: stillSealed, outsider: stillSealed }
  },
  {
    name: 'proposal.content.read (the vendor\'s own proposal), before the opening',
    request: { action: 'proposal.content.read', rfp: sealed, proposal: alphas },
    fresh: { anonymous: stillSealed, vendor: stillSealed, owner: stillSealed, evaluator: stillSealed, admin: stillSealed, outsider: stillSealed }
  },
  {
    name: 'proposal.price.read, before the opening',
    request: { action: 'proposal.price.read', rfp: sealed, proposal: alphas },
    fresh: { anonymous: stillSealed, vendor: stillSealed, owner: stillSealed, evaluator: stillSealed, admin: stillSealed, outsider: stillSealed }
  },
  {
    name: 'proposal.price.read, before the opening, with the price envelope recorded open (an impossible order)',
    request: { action: 'proposal.price.read', rfp: { ...priceOpened, openedAt: null }, proposal: alphas },
    fresh: { anonymous: stillSealed, vendor: stillSealed, owner: stillSealed, evaluator: stillSealed, admin: stillSealed, outsider: stillSealed }
  },
  {
    name: 'proposal.content.read (the list), after the opening',
    request: { action: 'proposal.content.read', rfp: opened, proposal: null },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: true, evaluator: true, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.content.read (the vendor\'s own proposal), after the opening',
    request: { action: 'proposal.content.read', rfp: opened, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: true, evaluator: true, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.price.read, after the opening, the price envelope sealed',
    request: { action: 'proposal.price.read', rfp: opened, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: priceSealed, evaluator: priceSealed, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.price.read, after the price envelope is opened',
    request: { action: 'proposal.price.read', rfp: priceOpened, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: true, evaluator: true, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.content.read, after the opening, nobody attested',
    request: { action: 'proposal.content.read', rfp: { ...opened, attested: [] }, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: attestFirst, evaluator: attestFirst, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.price.read, the price envelope opened, nobody attested',
    request: { action: 'proposal.price.read', rfp: { ...priceOpened, attested: [] }, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: attestFirst, evaluator: attestFirst, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.content.read, the evaluator recused from alpha: alpha\'s proposal',
    request: { action: 'proposal.content.read', rfp: { ...opened, conflicts: [{ userId: 'evaluator', organisationId: 'org-alpha' }] }, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: true, evaluator: recusedFrom, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.content.read, the evaluator recused from alpha: beta\'s proposal',
    request: { action: 'proposal.content.read', rfp: { ...opened, conflicts: [{ userId: 'evaluator', organisationId: 'org-alpha' }] }, proposal: betas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: true, evaluator: true, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.content.read, the evaluator recused from alpha: the list',
    request: { action: 'proposal.content.read', rfp: { ...opened, conflicts: [{ userId: 'evaluator', organisationId: 'org-alpha' }] }, proposal: null },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: true, evaluator: true, admin: committeeReads, outsider: committeeReads }
  },
  {
    name: 'proposal.price.read, the price envelope opened, the owner recused from alpha',
    request: { action: 'proposal.price.read', rfp: { ...priceOpened, conflicts: [{ userId: 'owner', organisationId: 'org-alpha' }] }, proposal: alphas },
    fresh: { anonymous: committeeReads, vendor: committeeReads, owner: recusedFrom, evaluator: true, admin: committeeReads, outsider: committeeReads }
  }
]

t.test('the proposal actions: action × actor × a second factor just inside / just outside the step-up window', async (t) => {
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

t.test('the step-up window for opening, to the millisecond', async (t) => {
  const owner = (secondFactorAt: string | null): Actor => ({ kind: 'user', userId: 'owner', isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt })
  const evaluator = (secondFactorAt: string | null): Actor => ({ kind: 'user', userId: 'evaluator', isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt })
  const open: Request = { action: 'proposals.open', rfp: published }
  const confirm: Request = { action: 'proposals.open.confirm', rfp: published, startedBy: 'owner' }
  for (const [name, actor, request] of [['open', owner, open], ['confirm', evaluator, confirm]] as const) {
    t.same(decide(actor(ago(0)), request, NOW), { allowed: true }, `${name}: proved just now`)
    t.same(decide(actor(ago(STEP_UP_MAX_AGE_MS - 1)), request, NOW), { allowed: true }, `${name}: 1 ms inside the window`)
    t.same(decide(actor(ago(STEP_UP_MAX_AGE_MS)), request, NOW), expectedDecision(STEP_UP), `${name}: at the window's end`)
    t.same(decide(actor(ago(STEP_UP_MAX_AGE_MS + 1)), request, NOW), expectedDecision(STEP_UP), `${name}: 1 ms outside the window`)
    t.same(decide(actor(null), request, NOW), expectedDecision(STEP_UP), `${name}: never proved in this session`)
  }
})

t.test('the one who started the opening cannot confirm it, however fresh the second factor', async (t) => {
  const starter: Actor = { kind: 'user', userId: 'owner', isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt: NOW.toISOString() }
  t.same(decide(starter, { action: 'proposals.open.confirm', rfp: published, startedBy: 'owner' }, NOW), expectedDecision(notTheStarter))
  // Being an admin too changes nothing.
  t.same(decide({ ...starter, isAdmin: true }, { action: 'proposals.open.confirm', rfp: published, startedBy: 'owner' }, NOW), expectedDecision(notTheStarter))
  // An evaluator who started (were it possible) is refused the same way.
  const evaluator: Actor = { ...starter, userId: 'evaluator' }
  t.same(decide(evaluator, { action: 'proposals.open.confirm', rfp: published, startedBy: 'evaluator' }, NOW), expectedDecision(notTheStarter))
})

t.test('the sealing guard: before the opening nobody reads, not even a fresh owner who is also an admin', async (t) => {
  const everything: Actor = { kind: 'user', userId: 'owner', isAdmin: true, organisationId: null, hasSecondFactor: true, secondFactorAt: NOW.toISOString() }
  for (const action of ['proposal.content.read', 'proposal.price.read'] as const) {
    t.same(decide(everything, { action, rfp: sealed, proposal: alphas }, NOW), expectedDecision(stillSealed), `${action} before the opening`)
    // Publication or the deadline passing do not unseal: only the recorded opening does.
    t.same(decide(everything, { action, rfp: { ...sealed, publishedAt: '2020-01-01T00:00:00.000Z' }, proposal: alphas }, new Date('2099-01-01T00:00:00.000Z')), expectedDecision(stillSealed), `${action}, long after the deadline`)
  }
  t.same(decide(everything, { action: 'proposal.content.read', rfp: opened, proposal: alphas }, NOW), { allowed: true })
  t.same(decide(everything, { action: 'proposal.price.read', rfp: opened, proposal: alphas }, NOW), expectedDecision(priceSealed), 'the price stays sealed for everyone')
})

t.test('no attestation, no reading: each member is judged by their own attestation, whatever their role or factor', async (t) => {
  const fresh = actors('fresh')
  const onlyOwner: SealedRfp = { ...priceOpened, attested: ['owner'] }
  for (const action of ['proposal.content.read', 'proposal.price.read'] as const) {
    t.same(decide(fresh.owner, { action, rfp: onlyOwner, proposal: alphas }, NOW), { allowed: true }, `${action}: the owner attested`)
    t.same(decide(fresh.evaluator, { action, rfp: onlyOwner, proposal: alphas }, NOW), expectedDecision(attestFirst), `${action}: the evaluator did not`)
  }
  t.same(decide(fresh.evaluator, { action: 'proposal.content.read', rfp: onlyOwner, proposal: null }, NOW), expectedDecision(attestFirst), 'not even the list of opened proposals')
  // An admin who is also an evaluator gets nothing from being an admin.
  const adminEvaluator: Actor = { ...(fresh.evaluator as Extract<Actor, { kind: 'user' }>), isAdmin: true }
  t.same(decide(adminEvaluator, { action: 'proposal.content.read', rfp: onlyOwner, proposal: alphas }, NOW), expectedDecision(attestFirst), 'an admin evaluator attests too')
  // Someone who attested and then lost the role reads nothing: the role is checked first.
  t.same(decide(fresh.outsider, { action: 'proposal.content.read', rfp: { ...opened, attested: ['outsider'] }, proposal: alphas }, NOW), expectedDecision(committeeReads), 'an attestation without a role')
})

t.test('a recusal is per member and per vendor: refused for that vendor\'s proposal, allowed for another', async (t) => {
  const fresh = actors('fresh')
  const recused: SealedRfp = { ...priceOpened, conflicts: [{ userId: 'evaluator', organisationId: 'org-alpha' }, { userId: 'owner', organisationId: 'org-beta' }] }
  for (const action of ['proposal.content.read', 'proposal.price.read'] as const) {
    t.same(decide(fresh.evaluator, { action, rfp: recused, proposal: alphas }, NOW), expectedDecision(recusedFrom), `${action}: the evaluator, alpha`)
    t.same(decide(fresh.evaluator, { action, rfp: recused, proposal: betas }, NOW), { allowed: true }, `${action}: the evaluator, beta`)
    t.same(decide(fresh.owner, { action, rfp: recused, proposal: betas }, NOW), expectedDecision(recusedFrom), `${action}: the owner, beta`)
    t.same(decide(fresh.owner, { action, rfp: recused, proposal: alphas }, NOW), { allowed: true }, `${action}: the owner, alpha`)
    t.same(decide(fresh.evaluator, { action, rfp: recused, proposal: { organisationIds: ['org-gamma'] } }, NOW), { allowed: true }, `${action}: a third vendor`)
  }
  // The recusal is checked before the price envelope: a recused member is told why, not that the price is sealed.
  t.same(decide(fresh.evaluator, { action: 'proposal.price.read', rfp: { ...recused, priceOpenedAt: null }, proposal: alphas }, NOW), expectedDecision(recusedFrom))
  t.same(decide(fresh.evaluator, { action: 'proposal.price.read', rfp: { ...recused, priceOpenedAt: null }, proposal: betas }, NOW), expectedDecision(priceSealed))
})

t.test('a conflict with a consortium partner recuses from the consortium\'s proposal, led by whichever vendor', async (t) => {
  const fresh = actors('fresh')
  const recused: SealedRfp = { ...priceOpened, conflicts: [{ userId: 'evaluator', organisationId: 'org-partner' }] }
  const consortium = { organisationIds: ['org-beta', 'org-partner'] }
  for (const action of ['proposal.content.read', 'proposal.price.read'] as const) {
    t.same(decide(fresh.evaluator, { action, rfp: recused, proposal: consortium }, NOW), expectedDecision(recusedFrom), `${action}: beta with the partner`)
    t.same(decide(fresh.evaluator, { action, rfp: recused, proposal: betas }, NOW), { allowed: true }, `${action}: beta alone`)
    t.same(decide(fresh.owner, { action, rfp: recused, proposal: consortium }, NOW), { allowed: true }, `${action}: another member`)
  }
  t.same(decide(fresh.evaluator, { action: 'proposal.content.read', rfp: recused, proposal: { organisationIds: [] } }, NOW), { allowed: true }, 'no vendor named, no recusal')
})

t.test('the price envelope: sealed until priceOpenedAt is recorded, then read by the attested committee', async (t) => {
  const fresh = actors('fresh')
  for (const who of ['owner', 'evaluator'] as const) {
    t.same(decide(fresh[who], { action: 'proposal.price.read', rfp: opened, proposal: alphas }, NOW), expectedDecision(priceSealed), `${who}: before`)
    t.same(decide(fresh[who], { action: 'proposal.price.read', rfp: priceOpened, proposal: alphas }, NOW), { allowed: true }, `${who}: after`)
    // The technical content does not depend on the price envelope.
    t.same(decide(fresh[who], { action: 'proposal.content.read', rfp: opened, proposal: alphas }, NOW), { allowed: true }, `${who}: content before`)
  }
  // The policy goes by the recorded opening, not the clock.
  t.same(decide(fresh.owner, { action: 'proposal.price.read', rfp: opened, proposal: alphas }, new Date('2099-01-01T00:00:00.000Z')), expectedDecision(priceSealed), 'long after, still sealed')
  t.same(decide(fresh.vendor, { action: 'proposal.price.read', rfp: priceOpened, proposal: alphas }, NOW), expectedDecision(committeeReads), 'the vendor does not read its own price back')
})

t.test('roles are per RFP: a role on another RFP opens and reads nothing here', async (t) => {
  const elsewhere = [{ userId: 'someone-else', role: 'owner' as const }]
  const fresh = actors('fresh')
  for (const who of ['owner', 'evaluator'] as const) {
    t.same(decide(fresh[who], { action: 'proposals.list', rfp: { ...published, members: elsewhere } }, NOW), expectedDecision(forCommittee), `${who}: list`)
    t.same(decide(fresh[who], { action: 'proposals.open', rfp: { ...published, members: elsewhere } }, NOW), expectedDecision(ownerStarts), `${who}: open`)
    t.same(decide(fresh[who], { action: 'proposals.open.confirm', rfp: { ...published, members: elsewhere }, startedBy: 'someone-else' }, NOW), expectedDecision(memberConfirms), `${who}: confirm`)
    t.same(decide(fresh[who], { action: 'proposal.content.read', rfp: { ...opened, members: elsewhere }, proposal: alphas }, NOW), expectedDecision(committeeReads), `${who}: read`)
  }
  // An evaluator's role does not make them an owner who may start the opening.
  t.same(decide(fresh.evaluator, { action: 'proposals.open', rfp: published }, NOW), expectedDecision(ownerStarts))
})

import t from 'tap'
import { ANONYMOUS, decide, STEP_UP_MAX_AGE_MS, type Actor, type Request, type RfpResource } from '../../../src/domain/policy.js'

const NOW = new Date('2026-12-01T09:00:00.000Z')
const recently = new Date(NOW.getTime() - 60_000).toISOString()
const user = (userId: string, more: Partial<Extract<Actor, { kind: 'user' }>> = {}): Actor =>
  ({ kind: 'user', userId, isAdmin: false, organisationId: null, hasSecondFactor: true, secondFactorAt: recently, ...more })

const actors: Record<string, Actor> = {
  anonymous: ANONYMOUS,
  vendor: user('vendor', { organisationId: 'org-a', hasSecondFactor: false, secondFactorAt: null }),
  committee: user('committee'),
  evaluator: user('evaluator'),
  otherEvaluator: user('other-evaluator'),
  owner: user('owner'),
  admin: user('admin', { isAdmin: true })
}
const members = [{ userId: 'owner', role: 'owner' as const }, { userId: 'evaluator', role: 'evaluator' as const }]
const draft: RfpResource = { publishedAt: null, members }
const published: RfpResource = { publishedAt: '2026-12-01T09:00:00.000Z', members }

function row (request: Request): Record<string, boolean> {
  return Object.fromEntries(Object.entries(actors).map(([name, actor]) => [name, decide(actor, request, NOW).allowed]))
}

t.test('every action × every kind of actor', async (t) => {
  const no = { anonymous: false, vendor: false, committee: false, evaluator: false, otherEvaluator: false, owner: false, admin: false }
  const users = { anonymous: false, vendor: true, committee: true, evaluator: true, otherEvaluator: true, owner: true, admin: true }
  t.same(row({ action: 'vendor.portal' }), { ...no, vendor: true })
  t.same(row({ action: 'rfp.draft' }), { ...users, vendor: false })
  // DESIGN §2: a draft is visible only to its owners; evaluators see the RFP once it is published.
  t.same(row({ action: 'rfp.view', rfp: draft }), { ...no, owner: true })
  t.same(row({ action: 'rfp.view', rfp: published }), { ...users, anonymous: true })
  t.same(row({ action: 'rfp.publish', rfp: draft }), { ...no, owner: true })
  t.same(row({ action: 'account.view' }), users)
  t.same(row({ action: 'account.token.create' }), users)
  t.same(row({ action: 'account.own', ownerId: 'owner' }), { ...no, owner: true })
  t.same(row({ action: 'user.list' }), { ...no, admin: true })
  t.same(row({ action: 'user.manage' }), { ...no, admin: true })
})

t.test('visibility follows publication, not state: a draft cancelled before publication stays private', async (t) => {
  // The resource carries no state at all; cancelling cannot make a never-published draft public.
  t.equal(decide(ANONYMOUS, { action: 'rfp.view', rfp: { ...draft } }, NOW).allowed, false)
})

t.test('a refusal says why', async (t) => {
  t.same(decide(ANONYMOUS, { action: 'rfp.view', rfp: draft }, NOW), { allowed: false, reason: 'a draft is visible to its owners only', stepUp: false })
  t.same(decide(actors.evaluator as Actor, { action: 'rfp.view', rfp: draft }, NOW), { allowed: false, reason: 'a draft is visible to its owners only', stepUp: false })
  t.same(decide(actors.evaluator as Actor, { action: 'rfp.publish', rfp: draft }, NOW), { allowed: false, reason: 'only an owner of the RFP may publish it', stepUp: false })
  t.same(decide(ANONYMOUS, { action: 'rfp.draft' }, NOW), { allowed: false, reason: 'sign in first', stepUp: false })
})

t.test('sensitive actions ask for the second factor again once it is older than the step-up window', async (t) => {
  const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString()
  const admin = (secondFactorAt: string | null): Actor => user('admin', { isAdmin: true, secondFactorAt })
  t.equal(decide(admin(at(STEP_UP_MAX_AGE_MS - 1)), { action: 'user.manage' }, NOW).allowed, true, 'just inside the window')
  t.same(decide(admin(at(STEP_UP_MAX_AGE_MS)), { action: 'user.manage' }, NOW), { allowed: false, reason: 'confirm with your second factor first', stepUp: true }, 'at its end')
  t.same(decide(admin(null), { action: 'account.token.create' }, NOW), { allowed: false, reason: 'confirm with your second factor first', stepUp: true }, 'never proved (a token)')
  t.equal(decide(admin(at(STEP_UP_MAX_AGE_MS)), { action: 'user.list' }, NOW).allowed, true, 'reading needs no step-up')
  t.equal(decide(actors.vendor as Actor, { action: 'account.token.create' }, NOW).allowed, true, 'a vendor has no second factor to prove')
  t.equal(decide(user('x', { isAdmin: true, secondFactorAt: at(-1000) }), { action: 'user.manage' }, NOW).allowed, true, 'a proof from the future (clock skew between instances) still counts')
})

// The RFP lifecycle's actions: every actor × action × draft/published, with the reason each refusal gives.

type Expected = Record<LifecycleActor, true | string>
type LifecycleActor = 'anonymous' | 'vendor' | 'committee' | 'evaluator' | 'owner' | 'admin'
const lifecycleActors: Record<LifecycleActor, Actor> = {
  anonymous: ANONYMOUS,
  vendor: user('vendor', { organisationId: 'org-a', hasSecondFactor: false, secondFactorAt: null }),
  committee: user('committee'), // a committee member with no role on this RFP
  evaluator: user('evaluator'),
  owner: user('owner'),
  admin: user('admin', { isAdmin: true }) // an admin with no role on this RFP
}
const only = (allowed: LifecycleActor[], reason: string): Expected =>
  Object.fromEntries(Object.keys(lifecycleActors).map((name) => [name, allowed.includes(name as LifecycleActor) ? true : reason])) as Expected

type RfpAction = 'rfp.edit' | 'rfp.cancel' | 'rfp.questions.answer' | 'rfp.members.manage' | 'rfp.committee.view' | 'rfp.question.ask' | 'rfp.interest'
const notPublished = 'the RFP is not published'
const matrix: Record<RfpAction, { draft: Expected, published: Expected }> = {
  'rfp.edit': {
    draft: only(['owner'], 'only an owner of the RFP may change it'),
    published: only(['owner'], 'only an owner of the RFP may change it')
  },
  'rfp.cancel': {
    draft: only(['owner'], 'only an owner of the RFP may cancel it'),
    published: only(['owner'], 'only an owner of the RFP may cancel it')
  },
  'rfp.questions.answer': {
    draft: only(['owner'], 'only an owner of the RFP answers its questions'),
    published: only(['owner'], 'only an owner of the RFP answers its questions')
  },
  'rfp.members.manage': {
    draft: only(['owner', 'admin'], 'only an owner of the RFP or an admin chooses its committee'),
    published: only(['owner', 'admin'], 'only an owner of the RFP or an admin chooses its committee')
  },
  'rfp.committee.view': {
    draft: only(['owner', 'evaluator'], 'this page is for the RFP\'s committee'),
    published: only(['owner', 'evaluator'], 'this page is for the RFP\'s committee')
  },
  'rfp.question.ask': {
    draft: only([], notPublished),
    published: {
      anonymous: true,
      vendor: true,
      committee: true,
      admin: true,
      evaluator: 'the committee answers questions rather than asking them',
      owner: 'the committee answers questions rather than asking them'
    }
  },
  'rfp.interest': {
    draft: { ...only([], notPublished), anonymous: 'sign in as a vendor first' },
    published: { ...only(['vendor'], 'interest is registered by vendor contacts'), anonymous: 'sign in as a vendor first' }
  }
}

t.test('the lifecycle actions: actor × action × draft/published, refusals with their reasons', async (t) => {
  for (const [action, states] of Object.entries(matrix) as [RfpAction, { draft: Expected, published: Expected }][]) {
    for (const [state, rfp] of [['draft', draft], ['published', published]] as const) {
      for (const [name, actor] of Object.entries(lifecycleActors) as [LifecycleActor, Actor][]) {
        const expected = states[state][name]
        t.same(decide(actor, { action, rfp }, NOW), expected === true ? { allowed: true } : { allowed: false, reason: expected, stepUp: false }, `${action}, ${state}, ${name}`)
      }
    }
  }
})

t.test('committee.view is for users without an organisation', async (t) => {
  const expected: Expected = { anonymous: 'sign in first', vendor: 'the committee pages are for committee members', committee: true, evaluator: true, owner: true, admin: true }
  for (const [name, actor] of Object.entries(lifecycleActors) as [LifecycleActor, Actor][]) {
    const want = expected[name]
    t.same(decide(actor, { action: 'committee.view' }, NOW), want === true ? { allowed: true } : { allowed: false, reason: want, stepUp: false }, name)
  }
})

t.test('roles are per RFP: a role on another RFP gives nothing here', async (t) => {
  const elsewhere: RfpResource = { publishedAt: published.publishedAt, members: [{ userId: 'someone-else', role: 'owner' }] }
  for (const name of ['owner', 'evaluator'] as const) {
    const actor = lifecycleActors[name]
    t.equal(decide(actor, { action: 'rfp.edit', rfp: elsewhere }, NOW).allowed, false, `${name}: edit`)
    t.equal(decide(actor, { action: 'rfp.committee.view', rfp: elsewhere }, NOW).allowed, false, `${name}: committee page`)
    t.equal(decide(actor, { action: 'rfp.question.ask', rfp: elsewhere }, NOW).allowed, true, `${name}: asks like anyone else`)
  }
  // A vendor contact made evaluator (by mistake) is still committee for the purpose of asking.
  const vendorEvaluator: RfpResource = { publishedAt: published.publishedAt, members: [{ userId: 'vendor', role: 'evaluator' }] }
  t.same(decide(lifecycleActors.vendor, { action: 'rfp.question.ask', rfp: vendorEvaluator }, NOW),
    { allowed: false, reason: 'the committee answers questions rather than asking them', stepUp: false })
})

t.test('an admin choosing a committee proves the second factor again; an owner does not', async (t) => {
  const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString()
  const stale = at(STEP_UP_MAX_AGE_MS)
  const admin = (secondFactorAt: string | null): Actor => user('admin', { isAdmin: true, secondFactorAt })
  t.same(decide(admin(at(STEP_UP_MAX_AGE_MS - 1000)), { action: 'rfp.members.manage', rfp: published }, NOW), { allowed: true }, '1 s inside the window')
  t.same(decide(admin(stale), { action: 'rfp.members.manage', rfp: published }, NOW), { allowed: false, reason: 'confirm with your second factor first', stepUp: true }, 'at its end')
  t.same(decide(admin(at(STEP_UP_MAX_AGE_MS + 1000)), { action: 'rfp.members.manage', rfp: draft }, NOW), { allowed: false, reason: 'confirm with your second factor first', stepUp: true }, '1 s past it')
  t.same(decide(admin(null), { action: 'rfp.members.manage', rfp: draft }, NOW), { allowed: false, reason: 'confirm with your second factor first', stepUp: true }, 'never proved')
  t.same(decide(user('owner', { secondFactorAt: stale }), { action: 'rfp.members.manage', rfp: published }, NOW), { allowed: true }, 'an owner')
  t.same(decide(user('admin', { isAdmin: true, secondFactorAt: stale }), { action: 'rfp.members.manage', rfp: { ...published, members: [...members, { userId: 'admin', role: 'owner' }] } }, NOW),
    { allowed: true }, 'an admin who owns the RFP acts as owner')
})

t.test('publication, not the clock, opens asking and interest', async (t) => {
  const later = new Date('2030-01-01T00:00:00.000Z')
  t.equal(decide(ANONYMOUS, { action: 'rfp.question.ask', rfp: published }, later).allowed, true, 'the policy leaves question periods to the rules for questions')
  t.equal(decide(lifecycleActors.vendor, { action: 'rfp.interest', rfp: draft }, later).allowed, false)
})

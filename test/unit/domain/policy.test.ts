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
  t.same(row({ action: 'rfp.view', rfp: draft }), { ...no, owner: true, evaluator: true })
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
  t.same(decide(ANONYMOUS, { action: 'rfp.view', rfp: draft }, NOW), { allowed: false, reason: 'a draft is visible to its owners and evaluators only', stepUp: false })
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

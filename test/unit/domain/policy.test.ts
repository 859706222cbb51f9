import t from 'tap'
import { ANONYMOUS, decide, type Actor, type RfpResource } from '../../../src/domain/policy.js'

const actors: Record<string, Actor> = {
  anonymous: ANONYMOUS,
  owner: { kind: 'user', userId: 'owner', isAdmin: false, organisationId: null },
  stranger: { kind: 'user', userId: 'someone-else', isAdmin: false, organisationId: null },
  admin: { kind: 'user', userId: 'admin', isAdmin: true, organisationId: null },
  vendor: { kind: 'user', userId: 'vendor', isAdmin: false, organisationId: 'org-a' }
}
const draft: RfpResource = { createdBy: 'owner', publishedAt: null }
const published: RfpResource = { createdBy: 'owner', publishedAt: '2026-12-01T09:00:00.000Z' }

function row (decideFor: (actor: Actor) => boolean): Record<string, boolean> {
  return Object.fromEntries(Object.entries(actors).map(([name, actor]) => [name, decideFor(actor)]))
}

t.test('every action × every kind of actor', async (t) => {
  t.same({
    'vendor.portal': row((a) => decide(a, { action: 'vendor.portal' }).allowed),
    'rfp.draft': row((a) => decide(a, { action: 'rfp.draft' }).allowed),
    'rfp.view draft': row((a) => decide(a, { action: 'rfp.view', rfp: draft }).allowed),
    'rfp.view published': row((a) => decide(a, { action: 'rfp.view', rfp: published }).allowed),
    'rfp.publish draft': row((a) => decide(a, { action: 'rfp.publish', rfp: draft }).allowed)
  }, {
    'vendor.portal': { anonymous: false, owner: false, stranger: false, admin: false, vendor: true },
    'rfp.draft': { anonymous: false, owner: true, stranger: true, admin: true, vendor: false },
    'rfp.view draft': { anonymous: false, owner: true, stranger: false, admin: false, vendor: false },
    'rfp.view published': { anonymous: true, owner: true, stranger: true, admin: true, vendor: true },
    'rfp.publish draft': { anonymous: false, owner: true, stranger: false, admin: false, vendor: false }
  })
})

t.test('visibility follows publication, not state: a draft cancelled before publication stays private', async (t) => {
  // The resource carries no state at all; cancelling cannot make a never-published draft public.
  t.equal(decide(ANONYMOUS, { action: 'rfp.view', rfp: { ...draft } }).allowed, false)
})

t.test('a refusal says why', async (t) => {
  t.same(decide(ANONYMOUS, { action: 'rfp.view', rfp: draft }), { allowed: false, reason: 'a draft is visible to its owners only' })
  t.same(decide(actors.stranger as Actor, { action: 'rfp.publish', rfp: draft }), { allowed: false, reason: 'only an owner of the RFP may publish it' })
  t.same(decide(ANONYMOUS, { action: 'rfp.draft' }), { allowed: false, reason: 'sign in to draft an RFP' })
})

import t from 'tap'
import { ANONYMOUS, decide, type Actor } from '../../../src/domain/policy.js'
import { RFP_STATES } from '../../../src/domain/rfp.js'

const owner: Actor = { kind: 'user', userId: 'owner', isAdmin: false }
const stranger: Actor = { kind: 'user', userId: 'someone-else', isAdmin: false }
const admin: Actor = { kind: 'user', userId: 'admin', isAdmin: true }

t.test('rfp.view: every state × every kind of actor', async (t) => {
  const matrix: Record<string, Record<string, boolean>> = {}
  for (const state of RFP_STATES) {
    matrix[state] = Object.fromEntries(Object.entries({ anonymous: ANONYMOUS, owner, stranger, admin })
      .map(([name, actor]) => [name, decide(actor, 'rfp.view', { state, createdBy: 'owner' }).allowed]))
  }
  t.same(matrix, {
    draft: { anonymous: false, owner: true, stranger: false, admin: false },
    published: { anonymous: true, owner: true, stranger: true, admin: true },
    opened: { anonymous: true, owner: true, stranger: true, admin: true },
    scoring_closed: { anonymous: true, owner: true, stranger: true, admin: true },
    decided: { anonymous: true, owner: true, stranger: true, admin: true },
    cancelled: { anonymous: true, owner: true, stranger: true, admin: true }
  })
})

t.test('a refusal says why', async (t) => {
  t.same(decide(ANONYMOUS, 'rfp.view', { state: 'draft', createdBy: 'owner' }), { allowed: false, reason: 'a draft is visible to its owners only' })
})

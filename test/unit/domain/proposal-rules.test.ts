// The rules a submission meets against its RFP (DESIGN §2): the shape of a proposal, the attachments the RFP
// requires, the price envelope exactly when price is scored, a consortium that does not list its lead, and the
// deadline to the millisecond (at the deadline is late).
import t from 'tap'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { OTHER_PART, PROPOSAL_STATUSES, checkProposal, isOnTime, scoresPrice } from '../../../src/domain/proposal.js'
import { withDefaults, type RfpDocument } from '../../../src/domain/rfp-document.js'

const SEEDED = new Date('2026-12-01T09:00:00.000Z')
// The demo RFP: requirements plan, cvs and example-reports (required) and conflicts (optional); no price criterion.
const document = withDefaults(securityAuditRfp(SEEDED))
const priced: RfpDocument = {
  ...document,
  rounds: [{ ...document.rounds[0]!, criteria: [...document.rounds[0]!.criteria, { id: 'price', name: 'Price', description: 'Lowest price scores best.', kind: 'price', weight: '20' }] }]
}
const LEAD = '5d3a7c2e-1f4b-4e8a-9c6d-2b1a0f9e8d7c'
const PARTNER = '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098'
const REQUIRED = ['plan', 'cvs', 'example-reports']
const valid = { content: { summary: 'We audit Go and applied cryptography.', personnel: [{ name: 'Ada', role: 'Lead auditor', experience: '10 years of Go' }] }, partners: [] as string[] }
const price = { amount: '48000.50', currency: 'EUR', notes: 'Fixed fee, retest included.' }

t.test('a complete submission has no problems', async (t) => {
  t.same(checkProposal(valid, document, REQUIRED, LEAD), [])
  t.same(checkProposal(valid, document, [...REQUIRED, 'conflicts', OTHER_PART, OTHER_PART, 'cvs'], LEAD), [], 'optional parts, other files and several files for one part')
  t.same(checkProposal({ ...valid, content: { ...valid.content, personnel: [] } }, document, REQUIRED, LEAD), [], 'personnel may be empty')
  t.same(checkProposal({ ...valid, partners: [PARTNER] }, document, REQUIRED, LEAD), [], 'a consortium with a partner')
  t.same(checkProposal({ ...valid, price }, priced, REQUIRED, LEAD), [], 'with its price where price is scored')
  t.same(checkProposal({ ...valid, price: { ...price, amount: '48000' } }, priced, REQUIRED, LEAD), [], 'a whole amount')
})

t.test('schema problems come first, each at its path', async (t) => {
  const problems = (input: unknown) => checkProposal(input, document, REQUIRED, LEAD)
  t.same(problems(null), [{ path: '(document)', message: 'must be object' }])
  t.same(problems({}), [{ path: '(document)', message: 'must have required properties content, partners' }])
  t.same(problems({ ...valid, extra: 1 }), [{ path: 'extra', message: 'is not an allowed field' }])
  t.same(problems({ ...valid, content: { ...valid.content, summary: '' } }), [{ path: 'content.summary', message: 'must not have fewer than 1 characters' }])
  t.same(problems({ ...valid, content: { ...valid.content, summary: 'x'.repeat(20001) } }).map((p) => p.path), ['content.summary'], 'a summary too long')
  t.same(problems({ ...valid, content: { summary: 'x' } }), [{ path: 'content', message: 'must have required properties personnel' }])
  t.same(problems({ ...valid, content: { ...valid.content, personnel: [{ name: '', role: 'r', experience: 'e', age: 3 }] } }), [
    { path: 'content.personnel.0.age', message: 'is not an allowed field' },
    { path: 'content.personnel.0.name', message: 'must not have fewer than 1 characters' }
  ])
  t.same(problems({ ...valid, partners: ['not-an-id'] }), [{ path: 'partners.0', message: 'must match format "uuid"' }])
  t.same(problems({ ...valid, partners: [PARTNER, PARTNER] }), [{ path: 'partners', message: 'must not have duplicate items' }])
  t.same(problems({ ...valid, price: { ...price, amount: '1,000', currency: 'eur' } }).map((p) => p.path), ['price.amount', 'price.currency'])
  t.same(problems({ ...valid, price: { ...price, amount: '1.005' } }).map((p) => p.path), ['price.amount'], 'at most two decimals')
  t.same(problems({ ...valid, price: { ...price, amount: '-5' } }).map((p) => p.path), ['price.amount'], 'no negative price')
  // While the shape is wrong the rules against the RFP are not run: no "attach it" among schema problems.
  t.same(checkProposal({ ...valid, extra: 1 }, document, [], LEAD), [{ path: 'extra', message: 'is not an allowed field' }])
})

t.test('every missing required part is named; an optional one may be missing', async (t) => {
  t.same(checkProposal(valid, document, ['plan', 'conflicts'], LEAD), [
    { path: 'files.cvs', message: 'CVs of the proposed team is required: attach it' },
    { path: 'files.example-reports', message: 'Example reports is required: attach it' }
  ])
  t.same(checkProposal(valid, document, [], LEAD).map((p) => p.path), ['files.plan', 'files.cvs', 'files.example-reports'])
  t.same(checkProposal(valid, document, [OTHER_PART, OTHER_PART, OTHER_PART], LEAD).map((p) => p.path), ['files.plan', 'files.cvs', 'files.example-reports'], '"other" files stand in for no requirement')
  const noRequirements: RfpDocument = { ...document, requirements: [] }
  t.same(checkProposal(valid, noRequirements, [], LEAD), [], 'an RFP without requirements needs no file')
})

t.test('a file for a part the RFP does not have is refused, by its position', async (t) => {
  t.same(checkProposal(valid, document, [...REQUIRED, 'budget'], LEAD), [{ path: 'files.3.part', message: 'names no requirement of this RFP (budget)' }])
  t.same(checkProposal(valid, document, ['Plan', ...REQUIRED, '../plan'], LEAD), [
    { path: 'files.0.part', message: 'names no requirement of this RFP (Plan)' },
    { path: 'files.4.part', message: 'names no requirement of this RFP (../plan)' }
  ], 'matched exactly, not loosely')
})

t.test('the price envelope: required when price is scored, refused when it is not', async (t) => {
  t.equal(scoresPrice(document), false)
  t.equal(scoresPrice(priced), true)
  t.same(checkProposal(valid, priced, REQUIRED, LEAD), [{ path: 'price', message: 'this RFP scores price: give the price in its envelope' }])
  t.same(checkProposal({ ...valid, price }, document, REQUIRED, LEAD), [{ path: 'price', message: 'this RFP does not score price: leave the price envelope empty' }])
  // A price criterion in a later round still means the RFP scores price.
  const secondRound: RfpDocument = { ...document, rounds: [document.rounds[0]!, { name: 'Cost', criteria: [{ id: 'cost', name: 'Cost', description: '', kind: 'price', weight: '1' }] }] }
  t.equal(scoresPrice(secondRound), true)
  t.same(checkProposal(valid, secondRound, REQUIRED, LEAD).map((p) => p.path), ['price'])
  // Gates and scored criteria are not price.
  t.equal(scoresPrice({ ...document, rounds: [{ name: 'r', criteria: [{ id: 'g', name: 'g', description: '', kind: 'gate' }] }] }), false)
})

t.test('the lead is not listed as its own partner', async (t) => {
  t.same(checkProposal({ ...valid, partners: [LEAD] }, document, REQUIRED, LEAD), [{ path: 'partners', message: 'the lead vendor is not its own partner' }])
  t.same(checkProposal({ ...valid, partners: [PARTNER, LEAD] }, document, REQUIRED, LEAD), [{ path: 'partners', message: 'the lead vendor is not its own partner' }])
  t.same(checkProposal({ ...valid, partners: [LEAD] }, document, REQUIRED, PARTNER), [], 'another lead may list it')
})

t.test('problems of different rules are all listed together', async (t) => {
  t.same(checkProposal({ ...valid, partners: [LEAD] }, priced, ['budget'], LEAD), [
    { path: 'files.0.part', message: 'names no requirement of this RFP (budget)' },
    { path: 'files.plan', message: 'Approach and plan is required: attach it' },
    { path: 'files.cvs', message: 'CVs of the proposed team is required: attach it' },
    { path: 'files.example-reports', message: 'Example reports is required: attach it' },
    { path: 'price', message: 'this RFP scores price: give the price in its envelope' },
    { path: 'partners', message: 'the lead vendor is not its own partner' }
  ])
})

t.test('isOnTime: on time up to the millisecond before the deadline; at the deadline it is late', async (t) => {
  const due = document.schedule.proposalsDueAt
  const dueMs = Date.parse(due)
  t.equal(due, '2026-12-26T17:00:00.000Z', 'the demo deadline (25 days after seeding, 17:00 UTC)')
  t.equal(isOnTime(due, new Date(dueMs - 1)), true, 'one millisecond before')
  t.equal(isOnTime(due, new Date(dueMs)), false, 'exactly at the deadline')
  t.equal(isOnTime(due, new Date(dueMs + 1)), false, 'one millisecond after')
  t.equal(isOnTime(due, new Date(dueMs - 24 * 3600 * 1000)), true, 'a day before')
  // The deadline's offset is honoured: 18:00 in UTC+1 is 17:00 UTC.
  t.equal(isOnTime('2026-12-26T18:00:00+01:00', new Date('2026-12-26T16:59:59.999Z')), true)
  t.equal(isOnTime('2026-12-26T18:00:00+01:00', new Date('2026-12-26T17:00:00.000Z')), false)
  t.equal(isOnTime('not a date', new Date(0)), false, 'a deadline that cannot be read accepts nothing')
})

t.test('the statuses of DESIGN §2', async (t) => {
  t.same([...PROPOSAL_STATUSES], ['submitted', 'withdrawn', 'non_responsive', 'disqualified', 'scored', 'shortlisted', 'selected', 'not_selected'])
})

// The decision record laid out from rows (DESIGN §5): vendors lettered by receipt hash and never by rank,
// each round's statuses, evaluators by their sealed label or their own name, a document that validates against
// formats/decision.schema.json, and the same JSON text whatever order the rows came in.
import { readFileSync } from 'node:fs'
import t from 'tap'
import Ajv2020Module from 'ajv/dist/2020.js'
import { decisionDocument, recordVendorLabels, METHOD, type DecisionRecordInput, type RecordProposal, type RecordRound } from '../../../src/domain/decision-record.js'
import { scoreSheet } from '../../../src/domain/evaluation.js'
import { computeResults, computeRobustness, type Score, type ScoringInput } from '../../../src/domain/scoring.js'

const schema = JSON.parse(readFileSync(new URL('../../../formats/decision.schema.json', import.meta.url), 'utf8')) as object
const Ajv2020 = Ajv2020Module.default
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema)

const hash = (c: string): string => c.repeat(64)

/** Northwind is selected (so named); the others are unnamed, and their receipts sort b(2) < b(4) < c(3). */
const PROPOSALS: RecordProposal[] = [
  { id: 'p1', receipt: hash('d'), name: 'Northwind Assurance', named: true, status: 'selected', statusReason: null },
  { id: 'p2', receipt: hash('a'), name: 'Basalt Security Lab', named: false, status: 'not_selected', statusReason: 'not shortlisted for round 2' },
  { id: 'p3', receipt: hash('c'), name: 'Quillon Labs', named: false, status: 'not_selected', statusReason: null },
  { id: 'p4', receipt: hash('b'), name: 'Tidewater Research', named: false, status: 'non_responsive', statusReason: 'failed the pass/fail gate open-report' }
]

/** u1 is recused from p3; u3 agreed to be named. */
const SEALED = { u1: 'Evaluator 2', u2: 'Evaluator 1', u3: 'Evaluator 3' } as const
const NAMES = new Map([['u3', 'Noor Named']])

function grid (criteria: readonly string[], rows: Array<[string, string, ...number[]]>): Score[] {
  return rows.flatMap(([evaluator, proposal, ...scores]) => scores.map((score, i) => ({ evaluator, proposal, criterion: criteria[i]!, score })))
}

const ROUND_1: ScoringInput = {
  criteria: [
    { id: 'approach', kind: 'scored', weight: '60', lo: 1, hi: 5 },
    { id: 'team', kind: 'scored', weight: '40', lo: 1, hi: 5 },
    { id: 'open-report', kind: 'gate', weight: '0', lo: 0, hi: 1 }
  ],
  proposals: ['p1', 'p2', 'p3', 'p4'].map((id) => ({ id, excluded: false, price: null, gates: [{ criterion: 'open-report', passed: id !== 'p4' }] })),
  evaluators: ['u1', 'u2', 'u3'],
  scores: grid(['approach', 'team'], [
    ['u1', 'p1', 5, 5], ['u2', 'p1', 5, 4], ['u3', 'p1', 4, 5],
    ['u1', 'p2', 2, 2], ['u2', 'p2', 2, 3], ['u3', 'p2', 3, 2],
    ['u2', 'p3', 4, 4], ['u3', 'p3', 4, 3],
    ['u1', 'p4', 3, 3], ['u2', 'p4', 3, 3], ['u3', 'p4', 3, 3]
  ]),
  consensus: [{ proposal: 'p3', criterion: 'team', score: 4 }],
  recusals: [{ evaluator: 'u1', proposal: 'p3' }],
  nearTieMargin: '1.5',
  consensusTolerance: 1
}

const ROUND_2: ScoringInput = {
  criteria: [{ id: 'interview', kind: 'scored', weight: '70', lo: 1, hi: 5 }, { id: 'price', kind: 'price', weight: '30', lo: 0, hi: 1 }],
  proposals: [{ id: 'p1', excluded: false, price: '90000', gates: [] }, { id: 'p3', excluded: false, price: '100000.50', gates: [] }],
  evaluators: ['u1', 'u2', 'u3'],
  scores: grid(['interview'], [['u1', 'p1', 5], ['u2', 'p1', 4], ['u2', 'p3', 5], ['u3', 'p1', 4], ['u3', 'p3', 4]]),
  consensus: [],
  recusals: [{ evaluator: 'u1', proposal: 'p3' }],
  nearTieMargin: '1.5',
  consensusTolerance: 1
}

function sheetsOf (input: ScoringInput, round: number): RecordRound['sheets'] {
  const receipt = new Map(PROPOSALS.map((p) => [p.id, p.receipt]))
  return Object.entries(SEALED).map(([evaluator, label]) => {
    const scores = input.scores.filter((s) => s.evaluator === evaluator).map((s) => ({ proposal: receipt.get(s.proposal)!, criterion: s.criterion, score: s.score }))
    const { json, hash } = scoreSheet({ rfp: 'parser-audit', round, evaluator: label, salt: `salt-${evaluator}`, scores })
    return { evaluator, label, hash, sheet: json }
  })
}

function roundOf (number: number, input: ScoringInput): RecordRound {
  const names: Record<string, string> = { approach: 'Approach', team: 'Team', 'open-report': 'Publishes the report', interview: 'Interview', price: 'Price' }
  return {
    number,
    name: number === 1 ? 'Technical' : 'Interviews and price',
    criteria: ROUND_CRITERIA[number]!.map((id) => ({ id, name: names[id]!, kind: input.criteria.find((c) => c.id === id)!.kind })),
    input,
    results: computeResults(input),
    robustness: computeRobustness(input),
    prices: new Map(input.proposals.filter((p) => p.price !== null).map((p) => [p.id, { amount: p.price!, currency: 'EUR' }])),
    consensusReasons: new Map(input.consensus.map((c) => [`${c.proposal}|${c.criterion}`, 'Agreed in the meeting.'])),
    sheets: sheetsOf(input, number)
  }
}

/** The criteria in the order the RFP lists them: the order the record keeps. */
const ROUND_CRITERIA: Record<number, string[]> = { 1: ['approach', 'team', 'open-report'], 2: ['interview', 'price'] }

function recordInput (rounds: ScoringInput[] = [ROUND_1, ROUND_2], proposals = PROPOSALS): DecisionRecordInput {
  return {
    rfp: { slug: 'parser-audit', title: 'Parser audit', ocid: 'ocds-abc123-parser-audit' },
    proposals,
    evaluatorNames: NAMES,
    rounds: rounds.map((input, i) => roundOf(i + 1, input)),
    selected: ['p1'],
    rationale: 'The best interview and a fair price.',
    decidedAt: '2027-03-01T09:00:00.000Z',
    vendors: { invited: null, registered: 6, submitted: 5, withdrawn: 1 },
    protests: []
  }
}

/** The JSON an outsider downloads. */
const published = (input: DecisionRecordInput) => JSON.parse(JSON.stringify(decisionDocument(input))) as ReturnType<typeof decisionDocument>

t.test('unnamed vendors are lettered in the order of their receipt hashes; named ones keep their names', async (t) => {
  const labels = recordVendorLabels(PROPOSALS)
  t.same(Object.fromEntries(labels), { p1: 'Northwind Assurance', p2: 'Vendor A', p4: 'Vendor B', p3: 'Vendor C' })
  t.same(Object.fromEntries(recordVendorLabels([...PROPOSALS].reverse())), Object.fromEntries(labels), 'whatever order the rows came in')
  const basaltNamed = recordVendorLabels(PROPOSALS.map((p) => p.id === 'p2' ? { ...p, named: true } : p))
  t.same(Object.fromEntries(basaltNamed), { p1: 'Northwind Assurance', p2: 'Basalt Security Lab', p4: 'Vendor A', p3: 'Vendor B' }, 'a vendor that agreed to be named takes no letter')
})

t.test('no two proposals share a label, even when an organisation calls itself "Vendor A"', async (t) => {
  // Labels are what outsiders recompute with, and what the page marks as selected: a clash would merge two bidders.
  const impostor = PROPOSALS.map((p) => p.id === 'p1' ? { ...p, name: 'Vendor A' } : p)
  const labels = recordVendorLabels(impostor)
  t.equal(labels.get('p1'), 'Vendor A', 'the named organisation keeps its chosen name')
  t.equal(new Set(labels.values()).size, impostor.length, `distinct labels: ${JSON.stringify(Object.fromEntries(labels))}`)
  t.notOk([...labels].some(([id, label]) => id !== 'p1' && label === 'Vendor A'), 'no unnamed bidder is lettered as it')
})

t.test('letters never follow rank: the best unnamed proposal may be Vendor C', async (t) => {
  const round1 = published(recordInput()).rounds[0]!
  t.same(round1.proposals.map((p) => [p.label, p.result?.rank ?? null]), [
    ['Northwind Assurance', 1], ['Vendor C', 2], ['Vendor A', 3], ['Vendor B', null]
  ])
  // Basalt (p2) scored best of the unnamed instead: the ranks move, the letters do not.
  const better = { ...ROUND_1, scores: ROUND_1.scores.map((s) => s.proposal === 'p2' ? { ...s, score: 5 } : s) }
  const again = published(recordInput([better, ROUND_2])).rounds[0]!
  t.same(again.proposals.map((p) => [p.label, p.result?.rank ?? null]), [
    ['Vendor A', 1], ['Northwind Assurance', 2], ['Vendor C', 3], ['Vendor B', null]
  ])
})

t.test('past 26 unnamed vendors the letters go on: Vendor Z, Vendor AA, Vendor AB', async (t) => {
  const many: RecordProposal[] = Array.from({ length: 30 }, (_, i) => ({
    id: `q${i}`,
    // Listed out of receipt order, so that the order given cannot be what letters them.
    receipt: (29 - i).toString(16).padStart(64, '0'),
    name: `Organisation ${i}`,
    named: i === 10,
    status: 'not_selected',
    statusReason: null
  }))
  const labels = recordVendorLabels(many)
  t.equal(labels.get('q29'), 'Vendor A', 'the lowest receipt hash')
  t.equal(labels.get('q10'), 'Organisation 10', 'the named one keeps its name')
  t.equal(labels.get('q3'), 'Vendor Z', 'the 26th unnamed by receipt')
  t.equal(labels.get('q2'), 'Vendor AA', 'the 27th')
  t.equal(labels.get('q1'), 'Vendor AB')
  t.equal(labels.get('q0'), 'Vendor AC', 'the 29th unnamed, the highest receipt hash')
  t.equal(new Set(labels.values()).size, 30, 'every label is different')
})

t.test('each round shows the status a proposal had at its end: shortlisted where it went on', async (t) => {
  const document = published(recordInput())
  const statuses = (round: number) => Object.fromEntries(document.rounds[round]!.proposals.map((p) => [p.label, [p.status, p.statusReason]]))
  t.same(statuses(0), {
    'Northwind Assurance': ['shortlisted', null],
    'Vendor C': ['shortlisted', null],
    // Ranked in round 1 but not taken on: the reason recorded at the decision says so.
    'Vendor A': ['not_selected', 'not shortlisted for round 2'],
    'Vendor B': ['non_responsive', 'failed the pass/fail gate open-report']
  })
  t.same(statuses(1), { 'Northwind Assurance': ['selected', null], 'Vendor C': ['not_selected', null] })
  t.same(document.rounds.map((r) => r.id), ['1', '2'])
  t.equal(document.roundsUsed, 2)
  t.same(document.selected, ['Northwind Assurance'])

  // Disqualified at the decision in round 2: out of round 2's figures with the committee's reason, while round 1
  // keeps the standings its shortlist was made from.
  const out = (round: ScoringInput): ScoringInput => ({ ...round, proposals: round.proposals.map((p) => p.id === 'p3' ? { ...p, excluded: true } : p) })
  const disqualified = PROPOSALS.map((p) => p.id === 'p3' ? { ...p, status: 'disqualified', statusReason: 'Its named lead left.' } : p)
  const withDisqualified = published(recordInput([ROUND_1, out(ROUND_2)], disqualified))
  t.same(withDisqualified.rounds.map((r) => r.proposals.filter((p) => p.label === 'Vendor C').map((p) => [p.status, p.statusReason, p.result === null])),
    [[['shortlisted', null, false]], [['disqualified', 'Its named lead left.', true]]])

  const single = published(recordInput([ROUND_1]))
  t.equal(single.rounds[0]!.proposals.find((p) => p.label === 'Northwind Assurance')!.status, 'selected', 'the last round shows the final status')
  t.equal(single.rounds[0]!.proposals.find((p) => p.label === 'Vendor C')!.status, 'not_selected')
})

t.test('evaluators appear by the label their sheets were sealed with, or by name where they agreed', async (t) => {
  const document = published(recordInput())
  const [round1, round2] = document.rounds
  t.same(round1!.evaluators, ['Evaluator 1', 'Evaluator 2', 'Noor Named'])
  t.same(round2!.evaluators, ['Evaluator 1', 'Evaluator 2', 'Noor Named'])
  t.same(round1!.sheets.map((s) => [s.evaluator, s.sealedAs]), [['Evaluator 1', 'Evaluator 1'], ['Evaluator 2', 'Evaluator 2'], ['Noor Named', 'Evaluator 3']],
    'the sheet keeps the label it was sealed with, since that is what its hash covers')
  const vendorC = round1!.proposals.find((p) => p.label === 'Vendor C')!
  t.same(vendorC.recusedEvaluators, ['Evaluator 2'], 'u1 was recused')
  t.notOk(vendorC.scores.some((s) => s.evaluator === 'Evaluator 2'), 'and has no score on it')
  t.same(vendorC.scores, [
    { evaluator: 'Evaluator 1', criterion: 'approach', score: 4 }, { evaluator: 'Evaluator 1', criterion: 'team', score: 4 },
    { evaluator: 'Noor Named', criterion: 'approach', score: 4 }, { evaluator: 'Noor Named', criterion: 'team', score: 3 }
  ])
  t.same(vendorC.consensus, [{ criterion: 'team', score: 4, reason: 'Agreed in the meeting.' }])
  t.same(round1!.robustness.leaveOneOut.map((l) => l.evaluator).sort(), ['Evaluator 1', 'Evaluator 2', 'Noor Named'], 'robustness names them the same way')
  const text = JSON.stringify(document)
  for (const id of ['"u1"', '"u2"', '"u3"', '"p1"', '"p2"', '"p3"', '"p4"']) t.notOk(text.includes(id), `no internal id ${id}`)
  for (const name of ['Basalt', 'Quillon', 'Tidewater']) t.notOk(text.includes(name), `no unnamed organisation: ${name}`)
})

t.test('what each proposal publishes: score text, rank, price as text, gates, and null results for the unranked', async (t) => {
  const document = published(recordInput())
  const [round1, round2] = document.rounds
  // Round 2: Northwind 70 × (13/3 − 1)/4 + 30 = 58.333… + 30 = 88.33;
  // Vendor C 70 × (4.5 − 1)/4 + 30 × 90000/100000.50 = 61.25 + 26.999865 = 88.249865 → 88.25, within the margin of 1.5.
  t.same(round2!.proposals.map((p) => [p.label, p.result, p.price, p.currency, p.nearTie]), [
    ['Northwind Assurance', { score: '88.33', rank: 1 }, '90000', 'EUR', true],
    ['Vendor C', { score: '88.25', rank: 2 }, '100000.50', 'EUR', true]
  ])
  t.same(round2!.criteria, [
    { id: 'interview', name: 'Interview', kind: 'scored', weight: '70', lo: 1, hi: 5 },
    { id: 'price', name: 'Price', kind: 'price', weight: '30', lo: 0, hi: 1 }
  ])
  const vendorB = round1!.proposals.find((p) => p.label === 'Vendor B')!
  t.equal(vendorB.result, null, 'failed a gate: not ranked, never a score of zero')
  t.same(vendorB.gates, [{ criterion: 'open-report', passed: false }])
  t.equal(round1!.proposals.find((p) => p.label === 'Vendor A')!.price, null)
  t.equal(document.nearTieMargin, '1.5')
  t.same(document.method, METHOD)
  t.same(document.vendors, { invited: null, registered: 6, submitted: 5, withdrawn: 1 })
})

t.test('the document validates against formats/decision.schema.json', async (t) => {
  for (const [what, input] of [['two rounds', recordInput()], ['one round', recordInput([ROUND_1])]] as const) {
    const document = published(input)
    t.ok(validate(document), `${what}: ${JSON.stringify(validate.errors)}`)
  }
  // The check has teeth: a score with one decimal, or a status the format does not know, is refused.
  const broken = published(recordInput())
  broken.rounds[0]!.proposals[0]!.result = { score: '85.6', rank: 1 }
  t.notOk(validate(broken), 'a score not written with two places')
  const unknown = published(recordInput())
  ;(unknown.rounds[0]!.proposals[0] as { status: string }).status = 'won'
  t.notOk(validate(unknown), 'an unknown status')
})

/** The same rows in another order: reversed and rotated, maps included. */
function reordered<T> (items: readonly T[]): T[] {
  const reversed = [...items].reverse()
  return [...reversed.slice(1), ...reversed.slice(0, 1)]
}

function shuffledRound (round: RecordRound): RecordRound {
  const input: ScoringInput = {
    ...round.input,
    criteria: reordered(round.input.criteria),
    proposals: reordered(round.input.proposals).map((p) => ({ ...p, gates: reordered(p.gates) })),
    evaluators: reordered(round.input.evaluators),
    scores: reordered(round.input.scores),
    consensus: reordered(round.input.consensus),
    recusals: reordered(round.input.recusals)
  }
  return {
    ...round,
    input,
    results: computeResults(input),
    robustness: computeRobustness(input),
    prices: new Map(reordered([...round.prices])),
    consensusReasons: new Map(reordered([...round.consensusReasons])),
    sheets: reordered(round.sheets)
  }
}

t.test('the same rows in another order give the same JSON text', async (t) => {
  const input = recordInput()
  const shuffled: DecisionRecordInput = {
    ...input,
    proposals: reordered(input.proposals),
    evaluatorNames: new Map(reordered([...input.evaluatorNames])),
    rounds: input.rounds.map(shuffledRound)
  }
  const expected = JSON.stringify(decisionDocument(input))
  t.equal(JSON.stringify(decisionDocument(shuffled)), expected)
  // The shuffle does reorder: without sorting, the first proposal of round 1 would differ.
  t.not(shuffled.rounds[0]!.input.proposals[0]!.id, input.rounds[0]!.input.proposals[0]!.id)
  t.not(shuffled.rounds[0]!.sheets[0]!.evaluator, input.rounds[0]!.sheets[0]!.evaluator)
})

t.test('named evaluators never share a label: a repeated name, or one that reads like a label, keeps its sealed label beside it', async (t) => {
  const twins = published({ ...recordInput(), evaluatorNames: new Map([['u1', 'Sam Lee'], ['u3', 'Sam Lee']]) })
  t.same(twins.rounds[0]!.evaluators, ['Evaluator 1', 'Sam Lee (Evaluator 2)', 'Sam Lee (Evaluator 3)'])
  const impostor = published({ ...recordInput(), evaluatorNames: new Map([['u3', 'Evaluator 2']]) })
  t.same(impostor.rounds[0]!.evaluators, ['Evaluator 1', 'Evaluator 2', 'Evaluator 2 (Evaluator 3)'])
  for (const document of [twins, impostor]) {
    const labels = document.rounds[0]!.evaluators
    t.equal(new Set(labels).size, labels.length, 'every label is different')
  }
})

// `shortlist verify decision` recomputes a decision.json from itself. The fixture below is made by hand: two
// evaluators (the second recused from Beta), a consensus score, a failed gate and a price criterion; its results
// are computed by hand in the comments, and its sheet hashes with `sha256sum`. The file must check out, and each
// single change an editor of the file could make must be reported, naming what it touched.
import { createHash } from 'node:crypto'
import t from 'tap'
import { checkDecisionFile, scoringInputOf, type DecisionFile } from '../../../src/domain/decision-check.js'

const [A, B, C, D] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(64)) as [string, string, string, string]
const E1 = 'Evaluator 1'
/** The second evaluator agreed to be named; their sheet was sealed as "Evaluator 2". */
const E2 = 'Dana Reyes (chair)'
const SLUG = 'harbour-pentest-2027'

type Sheet = Array<[criterion: string, receipt: string, score: number]>
/** A sealed sheet as closing writes it: RFC 8785 canonical JSON (ASCII, keys in order, so JSON.stringify gives it). */
const sheetText = (sealedAs: string, salt: string, scores: Sheet): string =>
  JSON.stringify({ evaluator: sealedAs, format: 'shortlist.score-sheet/1', rfp: SLUG, round: 1, salt, scores: scores.map(([criterion, proposal, score]) => ({ criterion, proposal, score })) })

const SHEET_1: Sheet = [['quality', A, 5], ['quality', B, 3], ['quality', C, 2], ['quality', D, 4], ['team', A, 8], ['team', B, 5], ['team', C, 9], ['team', D, 7]]
const SHEET_2: Sheet = [['quality', A, 4], ['quality', C, 5], ['quality', D, 4], ['team', A, 6], ['team', C, 9], ['team', D, 7]]
const SALT_1 = '00112233445566778899aabbccddeeff'
const SALT_2 = 'ffeeddccbbaa99887766554433221100'

const scores = (evaluator: string, sheet: Sheet, receipt: string) =>
  sheet.filter(([, r]) => r === receipt).map(([criterion, , score]) => ({ evaluator, criterion, score }))
const both = (receipt: string) => [...scores(E1, SHEET_1, receipt), ...scores(E2, SHEET_2, receipt)]
const passed = (ok: boolean) => [{ criterion: 'open-report', passed: ok }]

/*
 * Weights 40 + 20 + 40 = 100, so w = 0.4, 0.2, 0.4. v(quality) = (mean − 1) / 4, v(team) = (mean − 0) / 10,
 * v(price) = lowest / price, the lowest among ranked proposals: Gamma's 50000 (Delta's 40000 failed the gate).
 *
 * Alpha  quality (5 + 4)/2 = 4.5 → 3.5/4 = 0.875; team (8 + 6)/2 = 7 → 0.7; price 50000/70000 = 5/7
 *        100 × (0.4 × 0.875 + 0.2 × 0.7 + 0.4 × 5/7) = 35 + 14 + 28.5714… = 77.5714… → 77.57, rank 2
 * Beta   Dana recused: quality 3 → 2/4 = 0.5; team 5 → 0.5; price 50000/80000 = 0.625
 *        100 × (0.2 + 0.1 + 0.25) = 55.00, rank 3
 * Gamma  quality 2 and 5 (range 3), consensus 4 → 3/4 = 0.75; team 9 → 0.9; price 1
 *        100 × (0.3 + 0.18 + 0.4) = 88.00, rank 1
 * Delta  failed the gate open-report: non-responsive, not ranked.
 */
function handMade (): DecisionFile {
  return {
    format: 'shortlist-decision/1',
    rfp: { slug: SLUG },
    nearTieMargin: '2',
    rounds: [{
      id: '1',
      criteria: [
        { id: 'quality', kind: 'scored', weight: '40', lo: 1, hi: 5 },
        { id: 'team', kind: 'scored', weight: '20', lo: 0, hi: 10 },
        { id: 'price', kind: 'price', weight: '40', lo: 0, hi: 1 },
        { id: 'open-report', kind: 'gate', weight: '0', lo: 0, hi: 1 }
      ],
      evaluators: [E1, E2],
      consensusTolerance: 2,
      proposals: [
        { label: 'Alpha', receipt: A, status: 'not_selected', scores: both(A), consensus: [], price: '70000', gates: passed(true), recusedEvaluators: [], result: { score: '77.57', rank: 2 } },
        { label: 'Beta', receipt: B, status: 'not_selected', scores: both(B), consensus: [], price: '80000', gates: passed(true), recusedEvaluators: [E2], result: { score: '55.00', rank: 3 } },
        { label: 'Gamma', receipt: C, status: 'selected', scores: both(C), consensus: [{ criterion: 'quality', score: 4 }], price: '50000', gates: passed(true), recusedEvaluators: [], result: { score: '88.00', rank: 1 } },
        { label: 'Delta', receipt: D, status: 'non_responsive', scores: both(D), consensus: [], price: '40000', gates: passed(false), recusedEvaluators: [], result: null }
      ],
      robustness: { leaders: ['Gamma'] },
      sheets: [
        { evaluator: E1, sealedAs: 'Evaluator 1', hash: '37b8b416448e82ad915fe36b1f47e61b03aede9bd645d16a3c593a4eec4d3699', sheet: sheetText('Evaluator 1', SALT_1, SHEET_1) },
        { evaluator: E2, sealedAs: 'Evaluator 2', hash: '1a1044bfc07331b0fa9a2b5047c78824ee750a7ff54786c4de878422051ea0d2', sheet: sheetText('Evaluator 2', SALT_2, SHEET_2) }
      ]
    }]
  }
}

const round = (file: DecisionFile) => file.rounds[0]!
const proposal = (file: DecisionFile, label: string) => round(file).proposals.find((p) => p.label === label)!
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

t.test('the hand-made file checks out: four results and two sealed sheets', async (t) => {
  t.same(checkDecisionFile(handMade()), { results: 4, sheets: 2, problems: [] })
})

t.test('scoringInputOf: labels stand for ids; withdrawn and disqualified proposals are excluded; recusals listed', async (t) => {
  const file = handMade()
  proposal(file, 'Beta').status = 'withdrawn'
  proposal(file, 'Delta').status = 'disqualified'
  const input = scoringInputOf(round(file), '2')
  t.same(input.proposals.map((p) => [p.id, p.excluded, p.price]), [['Alpha', false, '70000'], ['Beta', true, '80000'], ['Gamma', false, '50000'], ['Delta', true, '40000']])
  t.same(input.recusals, [{ evaluator: E2, proposal: 'Beta' }])
  t.same(input.consensus, [{ proposal: 'Gamma', criterion: 'quality', score: 4 }])
  t.equal(input.scores.length, SHEET_1.length + SHEET_2.length)
  t.same(input.scores.find((s) => s.proposal === 'Alpha' && s.evaluator === E2 && s.criterion === 'team'), { evaluator: E2, proposal: 'Alpha', criterion: 'team', score: 6 })
  t.equal(input.nearTieMargin, '2')
  t.equal(input.consensusTolerance, 2)
  delete round(file).consensusTolerance
  t.equal(scoringInputOf(round(file), '2').consensusTolerance, 0, 'none given: 0')
})

t.test('a changed score is reported on the proposal it moves and on the sheet that sealed it', async (t) => {
  const file = handMade()
  // Alpha's team 8 → 10: mean 8 → 0.8; 35 + 16 + 28.5714… = 79.57.
  proposal(file, 'Alpha').scores.find((s) => s.evaluator === E1 && s.criterion === 'team')!.score = 10
  t.same(checkDecisionFile(file), {
    results: 3,
    sheets: 1,
    problems: [
      'round 1, Alpha: published 77.57 (rank 2), recomputed 79.57 (rank 2)',
      'round 1, the sheet of Evaluator 1: its scores are not the ones the file lists for that evaluator'
    ]
  })
})

t.test('a changed weight is reported on every proposal whose result it moves', async (t) => {
  const file = handMade()
  // Quality 40 → 60: the weights sum to 120. Alpha (52.5 + 14 + 28.5714…) / 1.2 = 79.23; Beta (30 + 10 + 25) / 1.2
  // = 54.17; Gamma (45 + 18 + 40) / 1.2 = 85.83. The ranks stay.
  round(file).criteria[0]!.weight = '60'
  t.same(checkDecisionFile(file).problems, [
    'round 1, Alpha: published 77.57 (rank 2), recomputed 79.23 (rank 2)',
    'round 1, Beta: published 55.00 (rank 3), recomputed 54.17 (rank 3)',
    'round 1, Gamma: published 88.00 (rank 1), recomputed 85.83 (rank 1)'
  ])
})

t.test('a changed published result is reported: a score, a rank, a result for an unranked proposal, a missing one', async (t) => {
  const cases: Array<[string, (file: DecisionFile) => void, string]> = [
    ['a score', (file) => { proposal(file, 'Gamma').result = { score: '88.01', rank: 1 } }, 'round 1, Gamma: published 88.01 (rank 1), recomputed 88.00 (rank 1)'],
    ['a rank', (file) => { proposal(file, 'Beta').result = { score: '55.00', rank: 2 } }, 'round 1, Beta: published 55.00 (rank 2), recomputed 55.00 (rank 3)'],
    ['a result for a non-responsive proposal', (file) => { proposal(file, 'Delta').result = { score: '90.00', rank: 1 } }, 'round 1, Delta: published 90.00 (rank 1), recomputed not ranked'],
    ['no result for a ranked one', (file) => { proposal(file, 'Alpha').result = null }, 'round 1, Alpha: published not ranked, recomputed 77.57 (rank 2)']
  ]
  for (const [what, change, problem] of cases) {
    const file = handMade()
    change(file)
    t.same(checkDecisionFile(file), { results: 3, sheets: 2, problems: [problem] }, what)
  }
})

t.test('a price or a gate outcome changed moves the results it feeds', async (t) => {
  const priced = handMade()
  // Gamma's price 50000 → 60000, still the lowest: Alpha 60000/70000 = 6/7 → 35 + 14 + 34.2857… = 83.29;
  // Beta 0.75 → 20 + 10 + 30 = 60.00; Gamma, 1 as before, 88.00.
  proposal(priced, 'Gamma').price = '60000'
  t.same(checkDecisionFile(priced).problems, [
    'round 1, Alpha: published 77.57 (rank 2), recomputed 83.29 (rank 2)',
    'round 1, Beta: published 55.00 (rank 3), recomputed 60.00 (rank 3)'
  ])
  const gated = handMade()
  // Delta passes after all, and its 40000 is the lowest. Delta quality 4 → 0.75, team 7 → 0.7, price 1:
  // 30 + 14 + 40 = 84.00; Gamma 0.8 → 30 + 18 + 32 = 80.00; Alpha 4/7 → 35 + 14 + 22.857… = 71.86;
  // Beta 0.5 → 20 + 10 + 20 = 50.00. Ranks: Delta, Gamma, Alpha, Beta.
  proposal(gated, 'Delta').gates = passed(true)
  t.same(checkDecisionFile(gated).problems, [
    'round 1, Alpha: published 77.57 (rank 2), recomputed 71.86 (rank 3)',
    'round 1, Beta: published 55.00 (rank 3), recomputed 50.00 (rank 4)',
    'round 1, Gamma: published 88.00 (rank 1), recomputed 80.00 (rank 2)',
    'round 1, Delta: published not ranked, recomputed 84.00 (rank 1)',
    'round 1: the robustness figures name Gamma as leaders, the recomputation Delta'
  ])
})

t.test('a byte of a sealed sheet changed: its hash no longer matches, and the sheet is named', async (t) => {
  const file = handMade()
  const sealed = round(file).sheets![0]!
  sealed.sheet = sealed.sheet.replace(SALT_1, '1' + SALT_1.slice(1))
  t.same(checkDecisionFile(file), {
    results: 4,
    sheets: 1,
    problems: [`round 1, the sheet of Evaluator 1: its SHA-256 is ${sha256(sealed.sheet)}, not the published 37b8b416448e82ad915fe36b1f47e61b03aede9bd645d16a3c593a4eec4d3699`]
  })
  const hash = handMade()
  round(hash).sheets![1]!.hash = '0'.repeat(64)
  t.match(checkDecisionFile(hash).problems, [/^round 1, the sheet of Dana Reyes \(chair\): its SHA-256 is 1a1044bf.*, not the published 0{64}$/], 'or its published hash')
})

t.test('a sheet re-sealed with other scores (its hash updated to match) no longer agrees with the scores listed', async (t) => {
  const file = handMade()
  const sealed = round(file).sheets![1]!
  // Dana's quality on Gamma 5 → 3, in the sheet only; the hash is made to match, as a forger would.
  sealed.sheet = sheetText('Evaluator 2', SALT_2, SHEET_2.map(([c, r, s]) => [c, r, c === 'quality' && r === C ? 3 : s]))
  sealed.hash = sha256(sealed.sheet)
  t.same(checkDecisionFile(file), { results: 4, sheets: 1, problems: ['round 1, the sheet of Dana Reyes (chair): its scores are not the ones the file lists for that evaluator'] })

  const moved = handMade()
  // The same scores, but one named by another proposal's receipt.
  const other = round(moved).sheets![1]!
  other.sheet = sheetText('Evaluator 2', SALT_2, SHEET_2.map(([c, r, s]) => [c, c === 'team' && r === D ? B : r, s]))
  other.hash = sha256(other.sheet)
  t.same(checkDecisionFile(moved).problems, ['round 1, the sheet of Dana Reyes (chair): its scores are not the ones the file lists for that evaluator'])
})

t.test('a sheet sealed for another evaluator, round or RFP is named with what it was sealed for', async (t) => {
  const swapped = handMade()
  round(swapped).sheets![0]!.sealedAs = 'Evaluator 2'
  t.same(checkDecisionFile(swapped).problems, ['round 1, the sheet of Evaluator 1: it is sealed for harbour-pentest-2027 round 1 as Evaluator 1'])
  const elsewhere = handMade()
  elsewhere.rfp.slug = 'another-rfp'
  t.same(checkDecisionFile(elsewhere).problems, [
    'round 1, the sheet of Evaluator 1: it is sealed for harbour-pentest-2027 round 1 as Evaluator 1',
    'round 1, the sheet of Dana Reyes (chair): it is sealed for harbour-pentest-2027 round 1 as Evaluator 2'
  ])
})

t.test('robustness leaders other than the recomputed winners are reported', async (t) => {
  const file = handMade()
  round(file).robustness = { leaders: ['Alpha'] }
  t.same(checkDecisionFile(file), { results: 4, sheets: 2, problems: ['round 1: the robustness figures name Alpha as leaders, the recomputation Gamma'] })
  const tied = handMade()
  round(tied).robustness = { leaders: ['Gamma', 'Alpha'] }
  t.same(checkDecisionFile(tied).problems, ['round 1: the robustness figures name Gamma, Alpha as leaders, the recomputation Gamma'])
  const none = handMade()
  round(none).robustness = {}
  t.same(checkDecisionFile(none).problems, [], 'no leaders published, nothing to compare')
})

t.test('another format is reported, and the rest is still checked', async (t) => {
  const file = handMade()
  file.format = 'shortlist-decision/2'
  t.same(checkDecisionFile(file), { results: 4, sheets: 2, problems: ['unknown format "shortlist-decision/2"'] })
})

t.test('scores that cannot be scored are reported for their round, not thrown', async (t) => {
  const file = handMade()
  proposal(file, 'Beta').scores[0]!.score = 6
  const check = checkDecisionFile(file)
  t.equal(check.results, 0)
  t.match(check.problems, [/^round 1: the scores cannot be computed: .*quality.*6/])
})

t.test('an evaluator whose scores are listed but whose sealed sheet is missing is a gap', async (t) => {
  const file = handMade()
  const dropped = round(file).sheets!.splice(1, 1)[0]!
  t.same(checkDecisionFile(file), { results: 4, sheets: 1, problems: [`round 1: the file lists scores of ${dropped.evaluator} but no sealed sheet of theirs`] })
  const none = handMade()
  delete round(none).sheets
  t.equal(checkDecisionFile(none).problems.length, 2, 'no sheets at all: both evaluators named')
})

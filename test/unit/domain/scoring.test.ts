import t from 'tap'
import { Rational } from '../../../src/domain/rational.js'
import { isqrt, sqrtToFixed } from '../../../src/domain/scoring-math.js'
import {
  checkScore, computeResults, computeRobustness, kendallsW, scoreText,
  type ProposalResult, type Results, type Score, type ScoringCriterion, type ScoringInput
} from '../../../src/domain/scoring.js'

const fraction = (r: Rational | null): string | null => r === null ? null : `${r.num}/${r.den}`
const quality: ScoringCriterion = { id: 'quality', kind: 'scored', weight: '40', lo: 1, hi: 5 }
const team: ScoringCriterion = { id: 'team', kind: 'scored', weight: '30', lo: 1, hi: 5 }
const price: ScoringCriterion = { id: 'price', kind: 'price', weight: '30', lo: 0, hi: 1 }
const openReport: ScoringCriterion = { id: 'open-report', kind: 'gate', weight: '0', lo: 0, hi: 1 }

/** Scores as rows of [evaluator, proposal, score on each criterion in `criteria` order]. */
function grid (criteria: readonly string[], rows: Array<[string, string, ...number[]]>): Score[] {
  return rows.flatMap(([evaluator, proposal, ...scores]) => scores.map((score, i) => ({ evaluator, proposal, criterion: criteria[i] as string, score })))
}

function round (more: Partial<ScoringInput>): ScoringInput {
  return { criteria: [], proposals: [], evaluators: [], scores: [], consensus: [], recusals: [], nearTieMargin: '1', consensusTolerance: 2, ...more }
}

const proposal = (id: string, more: Partial<ScoringInput['proposals'][number]> = {}): ScoringInput['proposals'][number] =>
  ({ id, excluded: false, price: null, gates: [], ...more })

function find (results: Results, id: string): ProposalResult {
  const found = results.proposals.find((p) => p.proposal === id)
  if (found === undefined) throw new Error(`no result for ${id}`)
  return found
}

/*
 * The worked example, by hand. Weights 40 / 30 / 30 (sum 100): shares 40 %, 30 %, 30 %. Scale 1..5, so v = (used − 1)/4.
 * e3 is recused from p-b; the committee recorded a consensus of 4 on p-a × quality.
 *
 *   p-a quality 2 5 4 → mean 11/3 (3.67), consensus 4 used → v 3/4
 *       range 3, sd: deviations −5/3 4/3 1/3, Σ² = 42/9, /3 = 14/9, √ = 1.2472 → 1.25;
 *       3 > tolerance 2 and 2·3 ≥ 4: flagged twice
 *   p-a team    4 4 3 → 11/3 (3.67) → v 2/3; sd √(2/9) = 0.4714 → 0.47
 *   p-b quality 4 5   → 9/2 (4.50) → v 7/8; sd 0.50
 *   p-b team    3 4   → 7/2 (3.50) → v 5/8; sd 0.50
 *   p-c quality 3 3 3 → 3 → v 1/2; sd 0.00
 *   p-c team    5 3 5 → 13/3 (4.33) → v 5/6; range 2: 2 ≤ tolerance but 2·2 ≥ 4, half the scale; sd √(8/9) = 0.9428 → 0.94
 *   prices 50000, 40000, 41000: lowest 40000 → v 4/5, 1, 40/41
 *
 *   p-a: 100 × (0.4·3/4 + 0.3·2/3 + 0.3·4/5)  = 30 + 20 + 24             = 74        → 74.00
 *   p-b: 100 × (0.4·7/8 + 0.3·5/8 + 0.3·1)    = 35 + 18.75 + 30          = 335/4     → 83.75
 *   p-c: 100 × (0.4·1/2 + 0.3·5/6 + 0.3·40/41) = 20 + 25 + 1200/41       = 3045/41   → 74.2682… → 74.27
 *   ranks: p-b 1, p-c 2, p-a 3; p-c and p-a are 0.27 apart, within the margin of 1: a near tie.
 *
 * Kendall's W over e1 and e2 (e3 did not score p-b). Own score ∝ 40(q − 1)/4 + 30(t − 1)/4 ∝ 4(q − 1) + 3(t − 1):
 *   e1: p-a 4+9 = 13, p-b 12+6 = 18, p-c 8+12 = 20 → ranks 3, 2, 1
 *   e2: p-a 16+9 = 25, p-b 25, p-c 8+6 = 14   → ranks 1.5, 1.5, 3 (one tie of 2: 2³ − 2 = 6)
 *   R = 4.5, 3.5, 4; mean m(n+1)/2 = 4; S = 0.25 + 0.25 + 0 = 0.5
 *   W = 12·0.5 / (2²·(27 − 3) − 2·6) = 6 / 84 = 1/14 = 0.0714
 */
const worked: ScoringInput = round({
  criteria: [quality, team, price, openReport],
  proposals: [
    proposal('p-a', { price: '50000', gates: [{ criterion: 'open-report', passed: true }] }),
    proposal('p-b', { price: '40000', gates: [{ criterion: 'open-report', passed: true }] }),
    proposal('p-c', { price: '41000.00' })
  ],
  evaluators: ['e1', 'e2', 'e3'],
  scores: grid(['quality', 'team'], [
    ['e1', 'p-a', 2, 4], ['e2', 'p-a', 5, 4], ['e3', 'p-a', 4, 3],
    ['e1', 'p-b', 4, 3], ['e2', 'p-b', 5, 4],
    ['e1', 'p-c', 3, 5], ['e2', 'p-c', 3, 3], ['e3', 'p-c', 3, 5]
  ]),
  consensus: [{ proposal: 'p-a', criterion: 'quality', score: 4 }],
  recusals: [{ evaluator: 'e3', proposal: 'p-b' }]
})

t.test('the worked example, every published figure', async (t) => {
  const results = computeResults(worked)
  t.same(results.proposals.map((p) => [p.proposal, p.scoreText, p.rank]), [['p-b', '83.75', 1], ['p-c', '74.27', 2], ['p-a', '74.00', 3]])
  t.same(results.proposals.map((p) => fraction(p.score)), ['335/4', '3045/41', '74/1'])
  t.same(results.leaders, ['p-b'])
  t.same(results.weights.map((w) => [w.criterion, w.shareText]), [['price', '30.00'], ['quality', '40.00'], ['team', '30.00']])

  const a = find(results, 'p-a')
  const [aQuality, aTeam] = a.cells
  t.same(aQuality?.scores, [{ evaluator: 'e1', score: 2 }, { evaluator: 'e2', score: 5 }, { evaluator: 'e3', score: 4 }])
  t.equal(aQuality?.meanText, '3.67')
  t.equal(fraction(aQuality?.mean ?? null), '11/3')
  t.equal(aQuality?.consensus, 4, 'the record shows both the mean and the consensus')
  t.equal(aQuality?.usedText, '4.00', 'the consensus replaces the mean')
  t.equal(fraction(aQuality?.value ?? null), '3/4')
  t.equal(aQuality?.range, 3)
  t.equal(aQuality?.standardDeviation, '1.25')
  t.same(aQuality?.flags, ['tolerance', 'half_scale'])
  t.same([aTeam?.meanText, aTeam?.range, aTeam?.standardDeviation, aTeam?.flagged], ['3.67', 1, '0.47', false])
  t.same(a.evaluators, ['e1', 'e2', 'e3'])
  t.equal(fraction(a.priceValue), '4/5')

  const b = find(results, 'p-b')
  t.same(b.recused, ['e3'])
  t.same(b.evaluators, ['e1', 'e2'], 'the recused evaluator is absent, not a zero')
  t.same(b.cells.map((c) => [c.criterion, c.meanText, c.standardDeviation, c.flagged]), [['quality', '4.50', '0.50', false], ['team', '3.50', '0.50', false]])
  t.equal(fraction(b.priceValue), '1/1')

  const c = find(results, 'p-c')
  t.same(c.cells.map((cell) => [cell.meanText, cell.range, cell.standardDeviation, cell.flags]), [['3.00', 0, '0.00', []], ['4.33', 2, '0.94', ['half_scale']]])
  t.equal(fraction(c.priceValue), '40/41')

  t.same([c.nearTie, c.nearTieWith, a.nearTie, a.nearTieWith, b.nearTie], [true, ['p-a'], true, ['p-c'], false])
  t.same([a.tie, b.tie, c.tie], [false, false, false])
  t.equal(results.priceComplete, true)
  t.equal(results.provisional, false)
  t.equal(fraction(results.lowestPrice), '40000/1')

  t.equal(results.rawTotalComparable, false)
  t.match(results.rawTotalReason, { kind: 'recused', evaluator: 'e3', proposal: 'p-b' })
  t.same(results.proposals.map((p) => p.rawTotal), [null, null, null], 'withheld when evaluators differ')

  t.same(results.kendallW.evaluators, ['e1', 'e2'])
  t.equal(fraction(results.kendallW.value), '1/14')
  t.equal(results.kendallW.text, '0.0714')
})

t.test('the worked example: robustness', async (t) => {
  const robustness = computeRobustness(worked)
  /*
   * Without e1: p-a 30 + 30·5/8 + 24 = 72.75; p-b 40 + 30·3/4 + 30 = 92.50; p-c 20 + 22.5 + 1200/41 = 71.768… → 71.77
   * Without e2: p-a 72.75; p-b 30 + 15 + 30 = 75.00; p-c 20 + 30 + 1200/41 = 79.268… → 79.27: the winner changes
   * Without e3: p-a 30 + 22.5 + 24 = 76.50; p-b 83.75; p-c 71.77
   */
  const table = robustness.leaveOneOut.map((l) => [l.evaluator, l.ranking.map((r) => `${r.proposal} ${r.scoreText ?? '-'} ${r.rank ?? '-'}`), l.leaders, l.leaderChanged])
  t.same(table, [
    ['e1', ['p-b 92.50 1', 'p-a 72.75 2', 'p-c 71.77 3'], ['p-b'], false],
    ['e2', ['p-c 79.27 1', 'p-b 75.00 2', 'p-a 72.75 3'], ['p-c'], true],
    ['e3', ['p-b 83.75 1', 'p-a 76.50 2', 'p-c 71.77 3'], ['p-b'], false]
  ])

  /*
   * Winner p-b. Leads × Σw/100: over p-a 83.75 − 74 = 39/4; over p-c 335/4 − 3045/41 = 1555/164.
   * quality: x_b − x_a = 1/8 → δ = −78 (weight below 0: impossible); x_b − x_c = 3/8 → δ = −1555/164 · 8/3 = −3110/123
   *   new weight 40 − 3110/123 = 1810/123 = 14.7154, total 9190/123: share 181/919 = 19.70 %, 20.30 points less
   * team: x_b − x_a = −1/24 → δ = +234; x_b − x_c = −5/24 → δ = 1555/164 · 24/5 = 1866/41 = +45.5122 (smaller)
   *   new weight 3096/41 = 75.5122, total 5966/41: share 1548/2983 = 51.89 %, 21.89 points more
   * price: x_b − x_a = 1/5 → δ = −48.75; x_b − x_c = 1/41 → δ = −388.75: both below 0, impossible.
   */
  const sensitivity = robustness.weightSensitivity
  t.equal(sensitivity.winner, 'p-b')
  t.equal(sensitivity.topTied, false)
  const [priceChange, qualityChange, teamChange] = sensitivity.criteria
  t.same(priceChange, { criterion: 'price', change: null })
  t.match(qualityChange?.change, { challenger: 'p-c', direction: 'decrease', deltaText: '-25.2846', newWeightText: '14.7154', shareBefore: '40.00', shareAfter: '19.70', shareChangeText: '20.30' })
  t.equal(fraction(qualityChange?.change?.delta ?? null), '-3110/123')
  t.match(teamChange?.change, { challenger: 'p-c', direction: 'increase', deltaText: '45.5122', newWeightText: '75.5122', shareBefore: '30.00', shareAfter: '51.89', shareChangeText: '21.89' })
  t.equal(fraction(teamChange?.change?.delta ?? null), '1866/41')
  t.equal(sensitivity.smallest?.criterion, 'quality', 'fewest share points')
})

t.test('the raw sum is shown only when every ranked proposal had the same evaluators, each scoring every cell', async (t) => {
  // Without e3 and their recusal, e1 and e2 scored everything: p-a 2+5+4+4 = 15, p-b 4+5+3+4 = 16, p-c 3+3+5+3 = 14.
  const same = { ...worked, evaluators: ['e1', 'e2'], scores: worked.scores.filter((s) => s.evaluator !== 'e3'), recusals: [] }
  const shown = computeResults(same)
  t.equal(shown.rawTotalComparable, true)
  t.equal(shown.rawTotalReason, null)
  t.same(shown.proposals.map((p) => [p.proposal, p.rawTotal]), [['p-b', 16], ['p-a', 15], ['p-c', 14]])

  const missing = computeResults({ ...same, scores: same.scores.filter((s) => !(s.evaluator === 'e2' && s.proposal === 'p-c' && s.criterion === 'team')) })
  t.equal(missing.rawTotalComparable, false)
  t.match(missing.rawTotalReason, { kind: 'missing_score', evaluator: 'e2', proposal: 'p-c', criterion: 'team' })
  t.same(missing.proposals.map((p) => p.rawTotal), [null, null, null])

  // A proposal that is not ranked does not count: its missing scores cannot withhold the others' sums.
  const excluded = computeResults({ ...same, proposals: [...same.proposals, proposal('p-d', { excluded: true })] })
  t.equal(excluded.rawTotalComparable, true)
  t.equal(find(excluded, 'p-d').rawTotal, null)
})

t.test('exact ties share a rank; near ties are flagged', async (t) => {
  const one = { ...quality, weight: '1' }
  // Scores 100 × (mean − 1)/4: p-a and p-b (4, 5) → 87.5; p-c (4, 4) → 75, exactly the margin below; p-d (1, 1) → 0.
  const results = computeResults(round({
    criteria: [one],
    proposals: ['p-a', 'p-b', 'p-c', 'p-d'].map((id) => proposal(id)),
    evaluators: ['e1', 'e2'],
    scores: grid(['quality'], [['e1', 'p-a', 4], ['e2', 'p-a', 5], ['e1', 'p-b', 5], ['e2', 'p-b', 4], ['e1', 'p-c', 4], ['e2', 'p-c', 4], ['e1', 'p-d', 1], ['e2', 'p-d', 1]]),
    nearTieMargin: '12.5'
  }))
  t.same(results.proposals.map((p) => [p.proposal, p.scoreText, p.rank, p.tie, p.tiedWith, p.nearTie, p.nearTieWith]), [
    ['p-a', '87.50', 1, true, ['p-b'], true, ['p-c']],
    ['p-b', '87.50', 1, true, ['p-a'], true, ['p-c']],
    ['p-c', '75.00', 3, false, [], true, ['p-a', 'p-b']],
    ['p-d', '0.00', 4, false, [], false, []]
  ], 'competition ranking 1, 1, 3; a gap of exactly the margin is within it')
  t.same(results.leaders, ['p-a', 'p-b'])
  const robustness = computeRobustness(round({
    criteria: [one],
    proposals: ['p-a', 'p-b'].map((id) => proposal(id)),
    evaluators: ['e1'],
    scores: grid(['quality'], [['e1', 'p-a', 4], ['e1', 'p-b', 4]])
  }))
  t.same([robustness.weightSensitivity.topTied, robustness.weightSensitivity.message, robustness.weightSensitivity.smallest], [true, 'the top is already tied: p-a, p-b', null])
})

t.test('equal two-decimal scores with different ranks are always a near tie, whatever the margin', async (t) => {
  // Scale 0..100000: score = s / 1000, so 80001 and 80004 both show 80.00.
  const fine: ScoringCriterion = { id: 'fine', kind: 'scored', weight: '1', lo: 0, hi: 100000 }
  const results = computeResults(round({
    criteria: [fine],
    proposals: ['p-a', 'p-b', 'p-c'].map((id) => proposal(id)),
    evaluators: ['e1'],
    scores: grid(['fine'], [['e1', 'p-a', 80001], ['e1', 'p-b', 80004], ['e1', 'p-c', 80006]]),
    nearTieMargin: '0'
  }))
  t.same(results.proposals.map((p) => [p.proposal, p.scoreText, p.rank, p.nearTieWith]), [
    ['p-c', '80.01', 1, []],
    ['p-b', '80.00', 2, ['p-a']],
    ['p-a', '80.00', 3, ['p-b']]
  ])
})

t.test('gates: a failed gate makes a proposal non-responsive and unranked; no outcome yet is not a failure', async (t) => {
  const secondGate: ScoringCriterion = { id: 'licence', kind: 'gate', weight: '0', lo: 0, hi: 1 }
  const results = computeResults({
    ...worked,
    criteria: [...worked.criteria, secondGate],
    proposals: [
      proposal('p-a', { price: '50000', gates: [{ criterion: 'open-report', passed: false }, { criterion: 'licence', passed: false }] }),
      proposal('p-b', { price: '40000', gates: [{ criterion: 'licence', passed: true }] }),
      proposal('p-c', { price: '41000' })
    ]
  })
  const a = find(results, 'p-a')
  t.same([a.ranked, a.nonResponsive, a.failedGates, a.score, a.scoreText, a.rank, a.rawTotal], [false, true, ['licence', 'open-report'], null, null, null, null])
  t.match(a.reason, { kind: 'failed_gates', criteria: ['licence', 'open-report'], message: 'failed the pass/fail gates licence, open-report' })
  t.equal(a.cells[0]?.meanText, '3.67', 'its cells are still shown')
  t.same(results.proposals.map((p) => [p.proposal, p.rank]), [['p-b', 1], ['p-c', 2], ['p-a', null]])
  const withGates = (gates: Array<{ criterion: string, passed: boolean }>): ScoringInput => ({ ...worked, proposals: worked.proposals.map((p) => p.id === 'p-a' ? { ...p, gates } : p) })
  t.throws(() => computeResults(withGates([{ criterion: 'quality', passed: true }])), { name: 'RangeError', message: /quality is not a gate/ }, 'only a gate has outcomes')
  t.throws(() => computeResults(withGates([{ criterion: 'open-report', passed: true }, { criterion: 'open-report', passed: false }])), { name: 'RangeError', message: /two outcomes/ })
})

t.test('excluded proposals are listed, never ranked, and their price sets nobody\'s ratio', async (t) => {
  const results = computeResults({
    ...worked,
    proposals: [...worked.proposals, proposal('p-d', { excluded: true, price: '1000', gates: [{ criterion: 'open-report', passed: false }] })]
  })
  const d = find(results, 'p-d')
  t.same([d.ranked, d.nonResponsive, d.reason?.kind, d.failedGates, d.priceValue], [false, false, 'excluded', ['open-report'], null])
  t.equal(fraction(results.lowestPrice), '40000/1')
  t.same(results.proposals.map((p) => p.scoreText), ['83.75', '74.27', '74.00', null], 'the same figures as without it')
})

t.test('a scored criterion with no score and no consensus leaves the proposal unranked; a consensus alone ranks it', async (t) => {
  const unscored = computeResults({ ...worked, scores: worked.scores.filter((s) => !(s.proposal === 'p-c' && s.criterion === 'team')) })
  t.match(find(unscored, 'p-c').reason, { kind: 'unscored', criteria: ['team'], message: 'no score and no consensus on team' })
  t.equal(find(unscored, 'p-c').cells[1]?.standardDeviation, null)
  const agreed = computeResults({
    ...worked,
    scores: worked.scores.filter((s) => !(s.proposal === 'p-c' && s.criterion === 'team')),
    consensus: [...worked.consensus, { proposal: 'p-c', criterion: 'team', score: 5 }]
  })
  // p-c: 20 + 30·1 + 1200/41 = 3250/41 = 79.268… → 79.27
  t.same([find(agreed, 'p-c').scoreText, find(agreed, 'p-c').cells[1]?.meanText, find(agreed, 'p-c').cells[1]?.usedText], ['79.27', null, '5.00'])
})

t.test('price: provisional while a ranked proposal has no price; a price of 0 or less is refused', async (t) => {
  const sealed = computeResults({ ...worked, proposals: worked.proposals.map((p) => p.id === 'p-c' ? { ...p, price: null } : p) })
  // Price gives 0 to everyone, the weights stay: p-a 30 + 20 = 50.00, p-b 35 + 18.75 = 53.75, p-c 20 + 25 = 45.00.
  t.same([sealed.priceComplete, sealed.provisional], [false, true])
  t.same(sealed.proposals.map((p) => [p.proposal, p.scoreText, p.priceValue]), [['p-b', '53.75', null], ['p-a', '50.00', null], ['p-c', '45.00', null]])
  const noPriceCriterion = computeResults({ ...worked, criteria: [quality, team, openReport] })
  t.same([noPriceCriterion.priceComplete, noPriceCriterion.provisional, noPriceCriterion.priceCriterion, noPriceCriterion.lowestPrice], [true, false, null, null])
  const priced = (price: string): ScoringInput => ({ ...worked, proposals: worked.proposals.map((p) => p.id === 'p-a' ? { ...p, price } : p) })
  for (const bad of ['0', '0.00', '-5']) t.throws(() => computeResults(priced(bad)), { name: 'RangeError', message: /price of p-a must be greater than 0/ }, bad)
  t.throws(() => computeResults(priced('48 000')), { name: 'RangeError', message: /not a decimal number/ })
})

t.test('checkScore: whole numbers on the criterion\'s scale only', async (t) => {
  t.equal(checkScore(quality, 1), null)
  t.equal(checkScore(quality, 5), null)
  t.equal(checkScore({ ...quality, lo: 0, hi: 10 }, 0), null)
  t.equal(checkScore(quality, 0), 'the score on quality must be from 1 to 5, not 0')
  t.equal(checkScore(quality, 6), 'the score on quality must be from 1 to 5, not 6')
  for (const bad of [2.5, '3', Number.NaN, Number.POSITIVE_INFINITY, null, undefined, 3n]) {
    t.equal(checkScore(quality, bad), 'the score on quality must be a whole number from 1 to 5', String(bad))
  }
  t.equal(checkScore(price, 3), 'price is a price criterion: evaluators do not score it')
  t.equal(checkScore(openReport, 1), 'open-report is a gate criterion: evaluators do not score it')
})

t.test('refuses input that cannot be scored', async (t) => {
  const refusals: Array<[RegExp, Partial<ScoringInput>]> = [
    [/must be from 1 to 5, not 9/, { scores: [{ evaluator: 'e1', proposal: 'p-a', criterion: 'quality', score: 9 }] }],
    [/price is a price criterion/, { scores: [{ evaluator: 'e1', proposal: 'p-a', criterion: 'price', score: 3 }] }],
    [/unknown evaluator/, { scores: [{ evaluator: 'e9', proposal: 'p-a', criterion: 'quality', score: 3 }] }],
    [/unknown proposal/, { scores: [{ evaluator: 'e1', proposal: 'p-z', criterion: 'quality', score: 3 }] }],
    [/no criterion nope/, { scores: [{ evaluator: 'e1', proposal: 'p-a', criterion: 'nope', score: 3 }] }],
    [/two scores of e1 for p-a on quality/, { scores: [...worked.scores, { evaluator: 'e1', proposal: 'p-a', criterion: 'quality', score: 3 }] }],
    [/two consensus scores/, { consensus: [...worked.consensus, { proposal: 'p-a', criterion: 'quality', score: 3 }] }],
    [/consensus on p-a: .*not 0/, { consensus: [{ proposal: 'p-a', criterion: 'team', score: 0 }] }],
    [/evaluator e1 is listed twice/, { evaluators: ['e1', 'e2', 'e3', 'e1'] }],
    [/proposal p-a is listed twice/, { proposals: [...worked.proposals, proposal('p-a')] }],
    [/criterion team is listed twice/, { criteria: [...worked.criteria, team] }],
    [/weight greater than 0/, { criteria: [{ ...quality, weight: '0' }] }],
    [/its weight must be 0/, { criteria: [quality, { ...openReport, weight: '5' }] }],
    [/not a decimal number/, { criteria: [{ ...quality, weight: '1e3' }] }],
    [/scale running upwards/, { criteria: [{ ...quality, lo: 5, hi: 1 }] }],
    [/scale running upwards/, { criteria: [{ ...quality, hi: 4.5 }] }],
    [/scale running upwards/, { criteria: [{ ...quality, lo: 0, hi: 2_000_000 }] }],
    [/at least one scored or price criterion/, { criteria: [openReport] }],
    [/at most one price criterion/, { criteria: [quality, price, { ...price, id: 'price-2' }] }],
    [/recusal of unknown evaluator/, { recusals: [{ evaluator: 'e9', proposal: 'p-a' }] }],
    [/recusal from unknown proposal/, { recusals: [{ evaluator: 'e1', proposal: 'p-z' }] }],
    [/near-tie margin/, { nearTieMargin: '-1' }],
    [/consensus tolerance/, { consensusTolerance: 1.5 }]
  ]
  for (const [message, change] of refusals) t.throws(() => computeResults({ ...worked, ...change }), { name: 'RangeError', message }, String(message))
})

t.test('a recused evaluator\'s score never counts', async (t) => {
  const slipped = computeResults({ ...worked, scores: [...worked.scores, { evaluator: 'e3', proposal: 'p-b', criterion: 'quality', score: 1 }] })
  t.same(slipped.proposals.map((p) => p.scoreText), ['83.75', '74.27', '74.00'])
  t.same(find(slipped, 'p-b').cells[0]?.scores.map((s) => s.evaluator), ['e1', 'e2'])
})

t.test('Kendall\'s W: textbook values', async (t) => {
  // Ranks as given (1 = best); W depends only on the order, so pass them negated as "higher is better".
  const fromRanks = (byJudge: number[][]): bigint[][] => byJudge.map((ranks) => ranks.map((r) => BigInt(-r * 2)))
  // ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1": 4 judges, 3 competitors, W = 1/16.
  const proofWiki = kendallsW(fromRanks([[1, 3, 2], [1, 2, 3], [2, 3, 1], [3, 1, 2]]))
  t.equal(fraction(proofWiki), '1/16')
  // Ten projects, four judges, no ties: Σ D² = 1048, W = 12·1048 / (4²·(10³ − 10)) = 12576/15840 = 0.7939.
  const projects = kendallsW(fromRanks([
    [1, 3, 4, 5, 2, 8, 6, 7, 10, 9],
    [2, 1, 4, 5, 6, 3, 8, 7, 10, 9],
    [3, 2, 1, 5, 7, 4, 6, 8, 9, 10],
    [4, 2, 3, 1, 6, 7, 5, 9, 8, 10]
  ]))
  t.equal(projects?.toFixed(4), '0.7939')
  t.equal(fraction(projects), '131/165')
  // With ties (the two-rater example discussed on Cross Validated, scipy's kendalltau data): x = 12 2 1 12 2,
  // y = 1 4 7 1 0; ranks 4.5 2.5 1 4.5 2.5 and 2.5 4 5 2.5 1; R = 7 6.5 6 7 3.5, mean 6, S = 8.5;
  // ties Σ(t³ − t) = 6 + 6 + 6 = 18; W = 12·8.5 / (2²·120 − 2·18) = 102/444 = 0.2297.
  const tied = kendallsW([[12n, 2n, 1n, 12n, 2n], [1n, 4n, 7n, 1n, 0n]])
  t.equal(fraction(tied), '17/74')
  t.equal(tied?.toFixed(4), '0.2297')
  t.equal(fraction(kendallsW([[3n, 2n, 1n], [30n, 20n, 10n], [9n, 5n, 1n]])), '1/1', 'perfect agreement')
  t.equal(kendallsW([[1n, 1n], [2n, 2n]]), null, 'everyone ties everything: undefined')
  t.equal(kendallsW([[1n, 2n, 3n]]), null, 'one rater')
  t.equal(kendallsW([[1n], [2n]]), null, 'one object')
  t.throws(() => kendallsW([[1n, 2n], [1n]]), RangeError)
})

t.test('Kendall\'s W through the results: perfect agreement, and where it is undefined', async (t) => {
  const one = { ...quality, weight: '1' }
  const base = round({ criteria: [one], proposals: ['p-a', 'p-b', 'p-c'].map((id) => proposal(id)), evaluators: ['e1', 'e2', 'e3'] })
  const agreeing = computeResults({ ...base, scores: grid(['quality'], [['e1', 'p-a', 5], ['e1', 'p-b', 3], ['e1', 'p-c', 1], ['e2', 'p-a', 4], ['e2', 'p-b', 3], ['e2', 'p-c', 2], ['e3', 'p-a', 5], ['e3', 'p-b', 4], ['e3', 'p-c', 3]]) })
  t.same([agreeing.kendallW.text, agreeing.kendallW.evaluators], ['1.0000', ['e1', 'e2', 'e3']])
  const lonely = computeResults({ ...base, scores: grid(['quality'], [['e1', 'p-a', 5], ['e1', 'p-b', 3], ['e1', 'p-c', 1], ['e2', 'p-a', 4]]), consensus: [{ proposal: 'p-b', criterion: 'quality', score: 3 }, { proposal: 'p-c', criterion: 'quality', score: 3 }] })
  t.match(lonely.kendallW, { value: null, text: null, evaluators: ['e1'], reason: { kind: 'too_few_evaluators' } })
  const single = computeResults({ ...base, proposals: [proposal('p-a')], scores: grid(['quality'], [['e1', 'p-a', 5], ['e2', 'p-a', 4]]) })
  t.match(single.kendallW, { value: null, reason: { kind: 'too_few_proposals' } })
  const flat = computeResults({ ...base, proposals: [proposal('p-a'), proposal('p-b')], scores: grid(['quality'], [['e1', 'p-a', 3], ['e1', 'p-b', 3], ['e2', 'p-a', 4], ['e2', 'p-b', 4]]) })
  t.match(flat.kendallW, { value: null, reason: { kind: 'no_variation' } })
})

t.test('standard deviations are rounded exactly, half away from zero', async (t) => {
  t.equal(sqrtToFixed(Rational.of(1, 64), 2), '0.13', '√(1/64) = 0.125 exactly: up')
  t.equal(sqrtToFixed(Rational.of(15624, 1000000), 2), '0.12', 'just below 0.125')
  t.equal(sqrtToFixed(Rational.of(5, 4), 2), '1.12', '[1 2 3 4]: √1.25 = 1.1180…')
  t.equal(sqrtToFixed(Rational.of(0), 2), '0.00')
  t.equal(sqrtToFixed(Rational.of(2), 30), '1.414213562373095048801688724210', '√2 = 1.41421356237309504880168872420969…')
  t.equal(sqrtToFixed(Rational.of(10000), 0), '100')
  t.same([0n, 1n, 3n, 4n, 15n, 16n, 17n, 10n ** 40n - 1n, 10n ** 40n].map(isqrt), [0n, 1n, 1n, 2n, 3n, 4n, 4n, 10n ** 20n - 1n, 10n ** 20n])
  t.throws(() => isqrt(-1n), RangeError)
  const one = { ...quality, weight: '1' }
  const results = computeResults(round({ criteria: [one], proposals: [proposal('p-a')], evaluators: ['e1', 'e2', 'e3', 'e4'], scores: grid(['quality'], [['e1', 'p-a', 1], ['e2', 'p-a', 2], ['e3', 'p-a', 3], ['e4', 'p-a', 4]]) }))
  t.same([results.proposals[0]?.cells[0]?.standardDeviation, results.proposals[0]?.cells[0]?.flags], ['1.12', ['tolerance', 'half_scale']])
  t.equal(scoreText(Rational.parseDecimal('2.675')), '2.68')
})

t.test('a score that ends in an exact half at the third decimal rounds away from zero', async (t) => {
  // One criterion on 1..9, four evaluators: 2 1 1 1 → mean 5/4, v = (1/4)/8 = 1/32, score 100/32 = 3.125 → 3.13.
  const wide: ScoringCriterion = { id: 'wide', kind: 'scored', weight: '1', lo: 1, hi: 9 }
  const results = computeResults(round({ criteria: [wide], proposals: [proposal('p-a')], evaluators: ['e1', 'e2', 'e3', 'e4'], scores: grid(['wide'], [['e1', 'p-a', 2], ['e2', 'p-a', 1], ['e3', 'p-a', 1], ['e4', 'p-a', 1]]) }))
  t.same([fraction(results.proposals[0]?.score ?? null), results.proposals[0]?.scoreText], ['25/8', '3.13'])
})

t.test('weight sensitivity, 2 proposals × 2 criteria by hand', async (t) => {
  /*
   * x weight 3, y weight 1, scale 1..5. p-a: x 5 y 1 → v 1, 0; p-b: x 2 y 3 → v 1/4, 1/2.
   * Scores: p-a 100·3/4 = 75.00; p-b 100·(3/4 + 1/2)/4 = 31.25. Lead × Σw/100 = 3·3/4 − 1/2 = 7/4.
   * x: d = 3/4 → δ = −7/3, new weight 2/3 (≥ 0), share 75 % → (2/3)/(5/3) = 40 %: 35 points.
   * y: d = −1/2 → δ = +7/2, new weight 9/2, share 25 % → 4.5/7.5 = 60 %: 35 points.
   * With two criteria the level point is one ratio of weights, so both move 35 points; the tie goes to the id, x.
   */
  const x: ScoringCriterion = { id: 'x', kind: 'scored', weight: '3', lo: 1, hi: 5 }
  const y: ScoringCriterion = { id: 'y', kind: 'scored', weight: '1', lo: 1, hi: 5 }
  const input = round({ criteria: [y, x], proposals: [proposal('p-b'), proposal('p-a')], evaluators: ['e1'], scores: grid(['x', 'y'], [['e1', 'p-a', 5, 1], ['e1', 'p-b', 2, 3]]) })
  t.same(computeResults(input).proposals.map((p) => p.scoreText), ['75.00', '31.25'])
  const { weightSensitivity } = computeRobustness(input)
  t.equal(weightSensitivity.winner, 'p-a')
  const [onX, onY] = weightSensitivity.criteria
  t.same([fraction(onX?.change?.delta ?? null), fraction(onX?.change?.newWeight ?? null), onX?.change?.shareBefore, onX?.change?.shareAfter, onX?.change?.shareChangeText, onX?.change?.direction], ['-7/3', '2/3', '75.00', '40.00', '35.00', 'decrease'])
  t.same([fraction(onY?.change?.delta ?? null), fraction(onY?.change?.newWeight ?? null), onY?.change?.shareBefore, onY?.change?.shareAfter, onY?.change?.shareChangeText, onY?.change?.direction], ['7/2', '9/2', '25.00', '60.00', '35.00', 'increase'])
  t.equal(weightSensitivity.smallest?.criterion, 'x')

  // p-a better on both: no single weight can make p-b draw level.
  const dominant = computeRobustness({ ...input, scores: grid(['x', 'y'], [['e1', 'p-a', 5, 4], ['e1', 'p-b', 2, 3]]) })
  t.same(dominant.weightSensitivity.criteria, [{ criterion: 'x', change: null }, { criterion: 'y', change: null }])
  t.same([dominant.weightSensitivity.smallest, dominant.weightSensitivity.message], [null, 'no change of one criterion\'s weight alone changes the winner'])
})

t.test('z-scores: an evaluator who uses the whole scale no longer outweighs one who does not', async (t) => {
  /*
   * One criterion. e1: p-a 5, p-b 1, p-c 3 → mean 3, sd √(8/3): z = √(3/2), −√(3/2), 0 (±1.2247)
   *                e2: p-a 2, p-b 3, p-c 3 → mean 8/3, sd √(2/9): z = −√2, √2/2, √2/2 (−1.4142, 0.7071)
   * Means: p-a 3.5, p-b 2, p-c 3 → p-a leads. Mean z: p-a (1.2247 − 1.4142)/2 = −0.0947,
   * p-b (−1.2247 + 0.7071)/2 = −0.2588, p-c 0.7071/2 = 0.3536 → p-c leads.
   */
  const input = round({
    criteria: [{ ...quality, weight: '1' }],
    proposals: ['p-a', 'p-b', 'p-c'].map((id) => proposal(id)),
    evaluators: ['e1', 'e2'],
    scores: grid(['quality'], [['e1', 'p-a', 5], ['e1', 'p-b', 1], ['e1', 'p-c', 3], ['e2', 'p-a', 2], ['e2', 'p-b', 3], ['e2', 'p-c', 3]])
  })
  t.same(computeResults(input).leaders, ['p-a'])
  const { zScores } = computeRobustness(input)
  t.same(zScores.ranking.map((z) => [z.proposal, z.zText, z.rank]), [['p-c', '0.3536', 1], ['p-a', '-0.0947', 2], ['p-b', '-0.2588', 3]])
  t.same([zScores.leaders, zScores.leaderChanged, zScores.decimals, zScores.priceIncluded], [['p-c'], true, 30, false])
  // √2/4 truncated at 30 decimals: 0.353553390593273762200422181052…
  t.equal(zScores.ranking[0]?.z.toFixed(12), '0.353553390593')

  const flat = computeRobustness({ ...input, scores: grid(['quality'], [['e1', 'p-a', 4], ['e1', 'p-b', 4], ['e1', 'p-c', 4], ['e2', 'p-a', 5], ['e2', 'p-b', 3], ['e2', 'p-c', 4]]) })
  t.same(flat.zScores.ranking.map((z) => [z.proposal, z.zText]), [['p-a', '0.6124'], ['p-c', '0.0000'], ['p-b', '-0.6124']], 'sd 0 gives z 0: e1 adds nothing')
  t.equal(computeRobustness(worked).zScores.priceIncluded, true)
})

t.test('leave one out: a proposal whose only scores were the left-out evaluator\'s drops out', async (t) => {
  const input = round({
    criteria: [{ ...quality, weight: '1' }],
    proposals: ['p-a', 'p-b'].map((id) => proposal(id)),
    evaluators: ['e1', 'e2', 'idle'],
    scores: grid(['quality'], [['e1', 'p-a', 5], ['e1', 'p-b', 4], ['e2', 'p-b', 4]])
  })
  const { leaveOneOut } = computeRobustness(input)
  t.same(leaveOneOut.map((l) => l.evaluator), ['e1', 'e2'], 'someone who scored nothing ranked is not listed')
  const [withoutE1] = leaveOneOut
  t.same(withoutE1?.ranking.map((r) => [r.proposal, r.scoreText, r.rank, r.reason?.kind ?? null]), [['p-b', '75.00', 1, null], ['p-a', null, null, 'unscored']])
  t.same([withoutE1?.leaders, withoutE1?.leaderChanged], [['p-b'], true])
})

t.test('no ranked proposal: empty standings, every figure says why', async (t) => {
  const input = round({ criteria: [quality], proposals: [proposal('p-a', { excluded: true })], evaluators: ['e1'] })
  const results = computeResults(input)
  t.same([results.leaders, results.rawTotalComparable, results.rawTotalReason?.kind, results.kendallW.reason?.kind], [[], false, 'no_ranked_proposals', 'too_few_proposals'])
  const robustness = computeRobustness(input)
  t.same([robustness.leaveOneOut, robustness.zScores.ranking, robustness.weightSensitivity.message], [[], [], 'no proposal is ranked'])
})

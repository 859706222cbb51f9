import fc from 'fast-check'
import t from 'tap'
import { Rational } from '../../../src/domain/rational.js'
import { computeResults, computeRobustness, type Results, type Score, type ScoringCriterion, type ScoringInput } from '../../../src/domain/scoring.js'

fc.configureGlobal({ seed: 20261129, numRuns: 200 })

// --- Rounds of a few criteria, proposals and evaluators, with prices, gates, recusals and consensus. ------------

const weightText = fc.oneof(
  fc.integer({ min: 1, max: 40 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 99 })).map(([whole, cents]) => `${whole}.${String(cents).padStart(2, '0')}`)
)
const priceText = fc.integer({ min: 1, max: 5_000_000 }).map((cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`)

const shapeArb = fc.record({
  scored: fc.array(fc.record({ weight: weightText, lo: fc.integer({ min: 0, max: 2 }), span: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 4 }),
  price: fc.option(weightText, { nil: null, freq: 2 }),
  gate: fc.boolean(),
  proposals: fc.array(fc.record({
    excluded: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    price: fc.option(priceText, { nil: null, freq: 8 }),
    gate: fc.option(fc.integer({ min: 0, max: 5 }).map((n) => n > 0), { nil: null, freq: 3 })
  }), { minLength: 1, maxLength: 6 }),
  evaluators: fc.integer({ min: 1, max: 5 }),
  // One entry per possible (proposal, evaluator, criterion): given with 80 % chance, value spread over the scale.
  grid: fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat(1000)), { minLength: 6 * 5 * 4, maxLength: 6 * 5 * 4 }),
  recusals: fc.array(fc.tuple(fc.nat(4), fc.nat(5)), { maxLength: 3 }),
  consensus: fc.array(fc.tuple(fc.nat(5), fc.nat(3), fc.nat(1000)), { maxLength: 3 }),
  nearTieMargin: fc.constantFrom('0', '0.5', '1', '2.25'),
  consensusTolerance: fc.integer({ min: 0, max: 3 })
})
type Shape = typeof shapeArb extends fc.Arbitrary<infer T> ? T : never

// Ids whose sorted order differs from the order they are made in.
const proposalId = (i: number): string => `p-${'zyxwvu'[i] ?? i}`
const evaluatorId = (i: number): string => `e-${'qmzaf'[i] ?? i}`
const criterionId = (i: number): string => `c-${'tbra'[i] ?? i}`

function inputFrom (shape: Shape): ScoringInput {
  const scored: ScoringCriterion[] = shape.scored.map((c, i) => ({ id: criterionId(i), kind: 'scored', weight: c.weight, lo: c.lo, hi: c.lo + c.span }))
  const criteria: ScoringCriterion[] = [...scored]
  if (shape.price !== null) criteria.push({ id: 'price', kind: 'price', weight: shape.price, lo: 0, hi: 1 })
  if (shape.gate) criteria.push({ id: 'gate', kind: 'gate', weight: '0', lo: 0, hi: 1 })
  const proposals = shape.proposals.map((p, i) => ({
    id: proposalId(i),
    excluded: p.excluded,
    price: p.price,
    gates: shape.gate && p.gate !== null ? [{ criterion: 'gate', passed: p.gate }] : []
  }))
  const evaluators = Array.from({ length: shape.evaluators }, (_, i) => evaluatorId(i))
  const recusals = shape.recusals.filter(([e, p]) => e < evaluators.length && p < proposals.length).map(([e, p]) => ({ evaluator: evaluatorId(e), proposal: proposalId(p) }))
  const recused = (e: string, p: string): boolean => recusals.some((r) => r.evaluator === e && r.proposal === p)
  const scores: Score[] = []
  proposals.forEach((p, pi) => evaluators.forEach((e, ei) => scored.forEach((c, ci) => {
    const [given, value] = shape.grid[(pi * 5 + ei) * 4 + ci] ?? [0, 0]
    if (given < 8 && !recused(e, p.id)) scores.push({ evaluator: e, proposal: p.id, criterion: c.id, score: c.lo + value % (c.hi - c.lo + 1) })
  })))
  const consensus = new Map<string, { proposal: string, criterion: string, score: number }>()
  for (const [p, c, value] of shape.consensus) {
    const criterion = scored[c]
    if (p < proposals.length && criterion !== undefined) consensus.set(`${p} ${c}`, { proposal: proposalId(p), criterion: criterion.id, score: criterion.lo + value % (criterion.hi - criterion.lo + 1) })
  }
  return { criteria, proposals, evaluators, scores, consensus: [...consensus.values()], recusals, nearTieMargin: shape.nearTieMargin, consensusTolerance: shape.consensusTolerance }
}

const inputArb = shapeArb.map(inputFrom)

/** A deterministic shuffle, so that a failing case replays from fast-check's seed alone. */
function shuffled<T> (items: readonly T[], seed: number): T[] {
  const out = [...items]
  let state = seed >>> 0
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    const j = state % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** Results as comparable text: Rationals become their exact fields. */
const plain = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => typeof v === 'bigint' ? v.toString() : v)

t.test('the order of the input arrays does not matter', async (t) => {
  fc.assert(fc.property(inputArb, fc.integer(), (input, seed) => {
    const reordered: ScoringInput = {
      ...input,
      criteria: shuffled(input.criteria, seed),
      proposals: shuffled(input.proposals, seed + 1).map((p) => ({ ...p, gates: shuffled(p.gates, seed) })),
      evaluators: shuffled(input.evaluators, seed + 2),
      scores: shuffled(input.scores, seed + 3),
      consensus: shuffled(input.consensus, seed + 4),
      recusals: shuffled(input.recusals, seed + 5)
    }
    return plain(computeResults(input)) === plain(computeResults(reordered)) &&
      plain(computeRobustness(input)) === plain(computeRobustness(reordered))
  }))
  t.pass('200 rounds, each reordered')
})

/** Everything except who was recused, which necessarily names the new evaluator. */
const withoutRecusedLists = (results: Results): unknown => ({ ...results, proposals: results.proposals.map(({ recused, ...rest }) => rest) })

t.test('an evaluator recused from everything changes nothing', async (t) => {
  fc.assert(fc.property(inputArb, (input) => {
    const bystander = 'e-0-recused'
    const more: ScoringInput = {
      ...input,
      evaluators: [...input.evaluators, bystander],
      recusals: [...input.recusals, ...input.proposals.map((p) => ({ evaluator: bystander, proposal: p.id }))]
    }
    const after = computeResults(more)
    return plain(withoutRecusedLists(computeResults(input))) === plain(withoutRecusedLists(after)) &&
      after.proposals.every((p) => p.recused.includes(bystander)) &&
      plain(computeRobustness(input)) === plain(computeRobustness(more))
  }))
  t.pass('200 rounds')
})

t.test('scores from a recused evaluator on the proposal they are recused from change nothing', async (t) => {
  fc.assert(fc.property(inputArb, fc.nat(1000), (input, value) => {
    // Recusals may repeat (they are a set); one slipped score per recused cell.
    const pairs = [...new Map(input.recusals.map((r) => [`${r.evaluator} ${r.proposal}`, r])).values()]
    const slipped: Score[] = pairs.flatMap(({ evaluator, proposal }) => input.criteria.filter((c) => c.kind === 'scored')
      .filter((c) => !input.scores.some((s) => s.evaluator === evaluator && s.proposal === proposal && s.criterion === c.id))
      .map((c) => ({ evaluator, proposal, criterion: c.id, score: c.lo + value % (c.hi - c.lo + 1) })))
    const more = { ...input, scores: [...input.scores, ...slipped] }
    return plain(computeResults(input)) === plain(computeResults(more)) && plain(computeRobustness(input)) === plain(computeRobustness(more))
  }))
  t.pass('200 rounds')
})

t.test('raising one score never lowers that proposal\'s score or its standing', async (t) => {
  fc.assert(fc.property(inputArb, fc.nat(), (input, pick) => {
    const raisable = input.scores.map((s, i) => ({ s, i })).filter(({ s }) => s.score < (input.criteria.find((c) => c.id === s.criterion)?.hi ?? 0))
    const chosen = raisable[pick % Math.max(1, raisable.length)]
    fc.pre(chosen !== undefined)
    const { s, i } = chosen as { s: Score, i: number }
    const raised = { ...input, scores: input.scores.map((x, j) => j === i ? { ...x, score: x.score + 1 } : x) }
    const before = computeResults(input)
    const after = computeResults(raised)
    const was = before.proposals.find((p) => p.proposal === s.proposal)
    const now = after.proposals.find((p) => p.proposal === s.proposal)
    if (was?.score == null || now?.score == null) return was?.ranked === now?.ranked
    if (now.score.compare(was.score) < 0) return false
    if ((now.rank as number) > (was.rank as number)) return false
    // Whoever it beat or equalled before, it still beats or equals.
    return before.proposals.every((other) => {
      if (other.score === null || other.score.compare(was.score as typeof other.score) > 0) return true
      const otherNow = after.proposals.find((p) => p.proposal === other.proposal)
      return otherNow?.score != null && now.score !== null && now.score.compare(otherNow.score) >= 0
    })
  }))
  t.pass('200 rounds')
})

// --- An independent recomputation from what decision.json publishes, in integers over a common denominator. ----

interface Published {
  criteria: Array<{ id: string, kind: string, weight: string, lo: number, hi: number }>
  proposals: Array<{
    label: string
    status: 'withdrawn' | 'non_responsive' | 'scored'
    scores: Array<{ evaluator: string, criterion: string, score: number }>
    consensus: Array<{ criterion: string, score: number }>
    price: string | null
    gates: Array<{ criterion: string, passed: boolean }>
  }>
}

/** What a decision record would hold for this input: statuses instead of flags, no scores from recused evaluators. */
function publish (input: ScoringInput): Published {
  return {
    criteria: input.criteria.map(({ id, kind, weight, lo, hi }) => ({ id, kind, weight, lo, hi })),
    proposals: input.proposals.map((p) => ({
      label: p.id,
      status: p.excluded ? 'withdrawn' : p.gates.some((g) => !g.passed) ? 'non_responsive' : 'scored',
      scores: input.scores.filter((s) => s.proposal === p.id && !input.recusals.some((r) => r.evaluator === s.evaluator && r.proposal === p.id))
        .map(({ evaluator, criterion, score }) => ({ evaluator, criterion, score })),
      consensus: input.consensus.filter((c) => c.proposal === p.id).map(({ criterion, score }) => ({ criterion, score })),
      price: p.price,
      gates: p.gates
    }))
  }
}

/** A decimal string as an integer count of 10^-places. */
function scaledInteger (text: string, places: number): bigint {
  const [whole = '0', part = ''] = text.split('.')
  return BigInt(whole + part.padEnd(places, '0').slice(0, places))
}

interface Fraction { n: bigint, d: bigint }

/** Two decimals, half away from zero, for a non-negative fraction. */
function twoPlaces ({ n, d }: Fraction): string {
  const hundredths = (n * 200n + d) / (2n * d)
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`
}

function recompute (record: Published): Map<string, { scoreText: string, rank: number }> {
  const weighted = record.criteria.filter((c) => c.kind !== 'gate')
  const weights = new Map(weighted.map((c) => [c.id, scaledInteger(c.weight, 6)]))
  const totalWeight = [...weights.values()].reduce((a, b) => a + b, 0n)
  const ranked = record.proposals.filter((p) => p.status === 'scored' && weighted.every((c) =>
    c.kind === 'price' || p.consensus.some((x) => x.criterion === c.id) || p.scores.some((s) => s.criterion === c.id)))
  const prices = ranked.map((p) => p.price === null ? null : scaledInteger(p.price, 2))
  const complete = prices.every((x) => x !== null)
  const lowest = prices.reduce<bigint | null>((low, x) => x === null ? low : low === null || x < low ? x : low, null)

  const scores = ranked.map((p, i) => {
    // Σ w_c × a_c / b_c over one common denominator D = Π b_c; the result is 100 × that / (D × Σ w).
    const terms = weighted.map((c): Fraction => {
      if (c.kind === 'price') return complete && lowest !== null ? { n: lowest, d: prices[i] as bigint } : { n: 0n, d: 1n }
      const agreed = p.consensus.find((x) => x.criterion === c.id)
      if (agreed !== undefined) return { n: BigInt(agreed.score - c.lo), d: BigInt(c.hi - c.lo) }
      const own = p.scores.filter((s) => s.criterion === c.id)
      const sum = own.reduce((a, s) => a + BigInt(s.score - c.lo), 0n)
      return { n: sum, d: BigInt(own.length * (c.hi - c.lo)) }
    })
    const common = terms.reduce((d, term) => d * term.d, 1n)
    const numerator = weighted.reduce((total, c, j) => total + (weights.get(c.id) as bigint) * (terms[j] as Fraction).n * (common / (terms[j] as Fraction).d), 0n)
    return { label: p.label, score: { n: 100n * numerator, d: common * totalWeight } }
  })
  const results = new Map<string, { scoreText: string, rank: number }>()
  for (const mine of scores) {
    const better = scores.filter((other) => other.score.n * mine.score.d > mine.score.n * other.score.d).length
    results.set(mine.label, { scoreText: twoPlaces(mine.score), rank: better + 1 })
  }
  return results
}

t.test('published scores and ranks recompute to the digit with an independent implementation', async (t) => {
  fc.assert(fc.property(inputArb, (input) => {
    const expected = recompute(publish(input))
    const results = computeResults(input)
    return results.proposals.every((p) => {
      const other = expected.get(p.proposal)
      return other === undefined ? p.scoreText === null && p.rank === null : p.scoreText === other.scoreText && p.rank === other.rank
    }) && results.proposals.filter((p) => p.ranked).length === expected.size
  }))
  t.pass('200 rounds')
})

t.test('exact halves at the third decimal round away from zero, as the independent implementation does', async (t) => {
  // One criterion on 1..9 scored by 4 evaluators: every score is 100·k/32 = 3.125·k, so half the values end in 5.
  const halves = fc.array(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }).map((rows): ScoringInput => ({
    criteria: [{ id: 'c-t', kind: 'scored', weight: '1', lo: 1, hi: 9 }],
    proposals: rows.map((_, i) => ({ id: proposalId(i), excluded: false, price: null, gates: [] })),
    evaluators: [0, 1, 2, 3].map(evaluatorId),
    scores: rows.flatMap((row, i) => row.map((score, e) => ({ evaluator: evaluatorId(e), proposal: proposalId(i), criterion: 'c-t', score }))),
    consensus: [],
    recusals: [],
    nearTieMargin: '0',
    consensusTolerance: 2
  }))
  let halfway = 0
  fc.assert(fc.property(halves, (input) => {
    const expected = recompute(publish(input))
    return computeResults(input).proposals.every((p) => {
      if (p.score !== null && (p.score.num * 1000n) % p.score.den === 0n && (p.score.num * 1000n / p.score.den) % 10n === 5n) halfway++
      return p.scoreText === expected.get(p.proposal)?.scoreText
    })
  }))
  t.ok(halfway > 100, `${halfway} scores were exact halves`)
})

t.test('at each reported weight change the challenger draws level with the winner, and nobody passes the winner first', async (t) => {
  let checked = 0
  fc.assert(fc.property(inputArb, (input) => {
    const results = computeResults(input)
    const { weightSensitivity } = computeRobustness(input)
    const ranked = results.proposals.filter((p) => p.ranked)
    const valueOf = (p: (typeof ranked)[number], criterion: string): Rational => {
      if (criterion === results.priceCriterion) return p.priceValue ?? Rational.of(0)
      return p.cells.find((c) => c.criterion === criterion)?.value ?? Rational.of(0)
    }
    for (const { criterion, change } of weightSensitivity.criteria) {
      if (change === null) continue
      checked++
      // Scores at the new weight, from the published cell values alone (the common factor 100/Σw does not matter).
      const weightOf = (w: { criterion: string, weight: Rational }): Rational => w.criterion === criterion ? change.newWeight : w.weight
      const at = (p: (typeof ranked)[number]): Rational => Rational.sum(results.weights.map((w) => weightOf(w).mul(valueOf(p, w.criterion))))
      const winner = ranked.find((p) => p.proposal === weightSensitivity.winner)
      const challenger = ranked.find((p) => p.proposal === change.challenger)
      if (winner === undefined || challenger === undefined) return false
      if (at(winner).compare(at(challenger)) !== 0) return false
      if (ranked.some((p) => at(p).compare(at(winner)) > 0)) return false
      if (change.newWeight.num < 0n) return false
    }
    return true
  }))
  t.ok(checked > 50, `${checked} weight changes checked`)
})

t.test('leaving an evaluator out ranks as if their scores had never been given', async (t) => {
  let checked = 0
  fc.assert(fc.property(inputArb, (input) => {
    const base = computeResults(input)
    return computeRobustness(input).leaveOneOut.every(({ evaluator, ranking, leaders }) => {
      checked++
      const without = computeResults({
        ...input,
        evaluators: input.evaluators.filter((e) => e !== evaluator),
        scores: input.scores.filter((s) => s.evaluator !== evaluator),
        recusals: input.recusals.filter((r) => r.evaluator !== evaluator)
      })
      const expected = without.proposals.filter((p) => base.proposals.find((b) => b.proposal === p.proposal)?.ranked === true)
      return plain(ranking.map((r) => [r.proposal, r.scoreText, r.rank, r.reason?.kind ?? null])) === plain(expected.map((p) => [p.proposal, p.scoreText, p.rank, p.reason?.kind ?? null])) &&
        plain(leaders) === plain(without.leaders)
    })
  }))
  t.ok(checked > 200, `${checked} evaluators left out`)
})

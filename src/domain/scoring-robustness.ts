// Robustness of a ranking (DESIGN §4): each evaluator left out, scores standardised, the smallest weight change that changes the winner.
import { Rational } from './rational.js'
import { compareIds, competitionRanks, QuotientSum, scaledQuotientBySqrt } from './scoring-math.js'
import { buildModel, commonFactors, scoringEvaluators, type ScoringInput, type ScoringModel, type WeightedCriterion } from './scoring-model.js'
import { standingsOf, valuesOf, type Standing, type Standings, type UnrankedReason } from './scoring-standings.js'

/** z-scores are truncated toward zero to this many decimals: the only approximation, and the same on every machine. */
export const Z_DECIMALS = 30
const Z_SCALE = 10n ** BigInt(Z_DECIMALS)
const HUNDRED = Rational.of(100)
const ZERO = Rational.of(0)

export interface RankingEntry {
  proposal: string
  score: Rational | null
  scoreText: string | null
  rank: number | null
  /** Why the proposal drops out of this ranking (its only scores on a criterion were the left-out evaluator's). */
  reason: UnrankedReason | null
}

export interface LeaveOneOut {
  evaluator: string
  /** The proposals ranked in the full results, ranked again without this evaluator's scores; consensus scores stay. */
  ranking: RankingEntry[]
  leaders: string[]
  leaderChanged: boolean
}

export interface ZScoreEntry {
  proposal: string
  /** Σ_c w_c × mean z over the cell's evaluators, from z truncated to Z_DECIMALS decimals. */
  z: Rational
  /** 4 decimals. */
  zText: string
  rank: number
}

export interface ZScoreRanking {
  decimals: number
  /** Whether the price criterion took part, as the z of its normalised value across the ranked proposals. */
  priceIncluded: boolean
  ranking: ZScoreEntry[]
  leaders: string[]
  leaderChanged: boolean
}

export interface WeightChange {
  criterion: string
  /** The proposal that draws level with the winner at the new weight; any further change puts it ahead. */
  challenger: string
  direction: 'increase' | 'decrease'
  weight: Rational
  /** Signed change of the raw weight. */
  delta: Rational
  deltaText: string
  newWeight: Rational
  newWeightText: string
  /** Percent of the total weight, 2 decimals. */
  shareBefore: string
  shareAfter: string
  /** |share after − share before| in percentage points. */
  shareChange: Rational
  shareChangeText: string
}

export interface WeightSensitivity {
  /** The sole leader; null when the top is tied or nothing is ranked. */
  winner: string | null
  topTied: boolean
  message: string | null
  /** Per scored or price criterion, by id: the smallest change of its weight alone that changes the winner, or null. */
  criteria: Array<{ criterion: string, change: WeightChange | null }>
  /** The change that moves the fewest share points, over all criteria; ties by criterion id. */
  smallest: WeightChange | null
}

export interface Robustness {
  leaders: string[]
  leaveOneOut: LeaveOneOut[]
  zScores: ZScoreRanking
  weightSensitivity: WeightSensitivity
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id) => b.includes(id))

function leaveOneOut (model: ScoringModel, base: Standings): LeaveOneOut[] {
  const baseRanked = new Set(base.ranked.map((s) => s.proposal.id))
  // Leaving out someone who scored no ranked proposal cannot change anything; listing them would only add noise.
  const scoring = scoringEvaluators(base.ranked.map((s) => s.proposal))
  return scoring.map((evaluator) => {
    const without = standingsOf(model, evaluator)
    const entry = (standing: Standing): RankingEntry => ({
      proposal: standing.proposal.id,
      score: standing.score,
      scoreText: standing.score === null ? null : standing.score.toFixed(2),
      rank: standing.rank,
      reason: standing.reason
    })
    const ranking = [...without.ranked, ...without.unranked.filter((s) => baseRanked.has(s.proposal.id))].map(entry)
    return { evaluator, ranking, leaders: without.leaders, leaderChanged: !sameSet(without.leaders, base.leaders) }
  })
}

/** z of each value of one series, in Z_SCALE units: (k·x − Σx) / √(kΣx² − (Σx)²), the population z-score. */
function zScores (values: readonly bigint[]): bigint[] {
  const k = BigInt(values.length)
  let sum = 0n
  let squares = 0n
  for (const x of values) { sum += x; squares += x * x }
  const spread = Rational.of(k * squares - sum * sum)
  const memo = new Map<bigint, bigint>()
  return values.map((x) => {
    let z = memo.get(x)
    if (z === undefined) {
      z = scaledQuotientBySqrt(Rational.of(k * x - sum), spread, Z_SCALE)
      memo.set(x, z)
    }
    return z
  })
}

/**
 * Each evaluator's scores standardised per criterion across the ranked proposals they scored (sd 0 → z 0); a cell's
 * value is the mean z of its evaluators (0 when it has none: consensus is not an evaluator's score). Price takes
 * part as the z of its normalised value across the ranked proposals, truncated to Z_DECIMALS first, so that the
 * standardised ranking still weighs price as the round does; while prices are missing it gives 0, as in the results.
 */
function zScoreRanking (model: ScoringModel, base: Standings): ZScoreRanking {
  const ranked = base.ranked
  const zSums = ranked.map(() => new Array<bigint>(model.scored.length).fill(0n))
  const zCounts = ranked.map(() => new Array<number>(model.scored.length).fill(0))
  model.scored.forEach((criterion, c) => {
    const series = new Map<string, Array<{ proposal: number, score: bigint }>>()
    ranked.forEach((standing, i) => {
      for (const { evaluator, score } of standing.proposal.cells[c]?.scores ?? []) {
        const list = series.get(evaluator) ?? []
        list.push({ proposal: i, score: BigInt(score - criterion.lo) })
        series.set(evaluator, list)
      }
    })
    for (const list of series.values()) {
      zScores(list.map((x) => x.score)).forEach((z, j) => {
        const i = (list[j] as { proposal: number }).proposal
        ;(zSums[i] as bigint[])[c] = ((zSums[i] as bigint[])[c] as bigint) + z
        ;(zCounts[i] as number[])[c] = ((zCounts[i] as number[])[c] as number) + 1
      })
    }
  })

  const priceIncluded = model.price !== null && base.priceComplete && ranked.length > 0
  const priceZ = priceIncluded
    ? zScores(ranked.map((s) => { const v = s.priceValue ?? ZERO; return v.num * Z_SCALE / v.den }))
    : ranked.map(() => 0n)

  // Σ_c w_c × (Σ z) / n over one common denominator: weights as integer factors, z in Z_SCALE units.
  const weights = commonFactors(model.weighted.map((c) => c.weight))
  const entries = ranked.map((standing, i) => {
    const total = new QuotientSum()
    let next = 0
    model.weighted.forEach((criterion, w) => {
      const factor = weights.factors[w] as bigint
      if (criterion.kind === 'price') {
        total.add(factor * (priceZ[i] as bigint), 1n)
        return
      }
      const c = next++
      const count = (zCounts[i] as number[])[c] as number
      if (count > 0) total.add(factor * ((zSums[i] as bigint[])[c] as bigint), BigInt(count))
    })
    return { proposal: standing.proposal.id, z: total.over(weights.denominator * Z_SCALE).div(model.totalWeight) }
  }).sort((a, b) => b.z.compare(a.z) || compareIds(a.proposal, b.proposal))

  const ranking = competitionRanks(entries, (a, b) => a.z.compare(b.z) === 0).map(({ item, rank }) => ({ ...item, zText: item.z.toFixed(4), rank }))
  const leaders = ranking.filter((e) => e.rank === 1).map((e) => e.proposal)
  return { decimals: Z_DECIMALS, priceIncluded, ranking, leaders, leaderChanged: !sameSet(leaders, base.leaders) }
}

function describeChange (model: ScoringModel, c: number, challenger: string, delta: Rational): WeightChange {
  const criterion = model.weighted[c] as WeightedCriterion
  const newWeight = criterion.weight.add(delta)
  const before = criterion.weight.div(model.totalWeight).mul(HUNDRED)
  const after = newWeight.div(model.totalWeight.add(delta)).mul(HUNDRED)
  const shareChange = absolute(after.sub(before))
  return {
    criterion: criterion.id,
    challenger,
    direction: delta.num > 0n ? 'increase' : 'decrease',
    weight: criterion.weight,
    delta,
    deltaText: delta.toFixed(4),
    newWeight,
    newWeightText: newWeight.toFixed(4),
    shareBefore: before.toFixed(2),
    shareAfter: after.toFixed(2),
    shareChange,
    shareChangeText: shareChange.toFixed(2)
  }
}

const absolute = (r: Rational): Rational => r.num < 0n ? r.neg() : r

/** Smallest |δ| first; then fewer share points; then the challenger's id. */
function smallerChange (a: WeightChange, b: WeightChange): boolean {
  return (absolute(a.delta).compare(absolute(b.delta)) || a.shareChange.compare(b.shareChange) || compareIds(a.challenger, b.challenger)) < 0
}

/**
 * Scores are Σ w_i x_i / Σ w_i, so the winner p's lead over q, times Σ w, is L = Σ_i w_i (x_p,i − x_q,i), and raising
 * w_c by δ makes it L + δ·d with d = x_p,c − x_q,c: q draws level at δ = −L/d. A decrease is possible only while
 * the weight stays ≥ 0 and some weight remains. Per criterion the smallest |δ| over all challengers is the first
 * change, in either direction, at which the winner no longer leads alone.
 */
function weightSensitivity (model: ScoringModel, base: Standings): WeightSensitivity {
  if (base.leaders.length > 1) {
    return { winner: null, topTied: true, message: `the top is already tied: ${base.leaders.join(', ')}`, criteria: [], smallest: null }
  }
  const [winner, ...challengers] = base.ranked
  if (winner === undefined) return { winner: null, topTied: false, message: 'no proposal is ranked', criteria: [], smallest: null }
  const winnerValues = valuesOf(model, winner)
  const rivals = challengers.map((standing) => ({
    id: standing.proposal.id,
    lead: (winner.score as Rational).sub(standing.score as Rational).mul(model.totalWeight).div(HUNDRED),
    values: valuesOf(model, standing)
  }))
  const criteria = model.weighted.map((criterion, c) => {
    let best: WeightChange | null = null
    for (const rival of rivals) {
      const d = (winnerValues[c] as Rational).sub(rival.values[c] as Rational)
      if (d.num === 0n) continue
      const delta = rival.lead.div(d).neg()
      if (criterion.weight.add(delta).num < 0n || !model.totalWeight.add(delta).isPositive()) continue
      // Most candidates lose on |δ| alone; the shares are worked out only for one that may win.
      if (best !== null && absolute(delta).compare(absolute(best.delta)) > 0) continue
      const change = describeChange(model, c, rival.id, delta)
      if (best === null || smallerChange(change, best)) best = change
    }
    return { criterion: criterion.id, change: best }
  })
  let smallest: WeightChange | null = null
  for (const { change } of criteria) if (change !== null && (smallest === null || change.shareChange.compare(smallest.shareChange) < 0)) smallest = change
  const message = smallest === null ? 'no change of one criterion\'s weight alone changes the winner' : null
  return { winner: winner.proposal.id, topTied: false, message, criteria, smallest }
}

export function computeRobustness (input: ScoringInput): Robustness {
  const model = buildModel(input)
  const base = standingsOf(model)
  return {
    leaders: base.leaders,
    leaveOneOut: leaveOneOut(model, base),
    zScores: zScoreRanking(model, base),
    weightSensitivity: weightSensitivity(model, base)
  }
}

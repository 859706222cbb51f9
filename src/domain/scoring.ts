// The published scoring method of DESIGN §4: exact scores, ranks, ties, disagreement and agreement of a round.
import { Rational } from './rational.js'
import { compareIds, kendallsW, sqrtToFixed } from './scoring-math.js'
import { buildModel, scoringEvaluators, type CellInput, type IndividualScore, type ProposalModel, type ScoringInput, type ScoringModel } from './scoring-model.js'
import { cellValue, standingsOf, type Standing, type UnrankedReason } from './scoring-standings.js'

export { checkScore, MAX_SCALE } from './scoring-model.js'
export type { ConsensusScore, IndividualScore, Recusal, Score, ScoringCriterion, ScoringInput, ScoringProposal } from './scoring-model.js'
export type { UnrankedReason } from './scoring-standings.js'
export { kendallsW } from './scoring-math.js'
export { computeRobustness, type Robustness, type LeaveOneOut, type RankingEntry, type ZScoreRanking, type ZScoreEntry, type WeightChange, type WeightSensitivity } from './scoring-robustness.js'

/** A published score: two decimals, half away from zero. */
export function scoreText (value: Rational): string {
  return value.toFixed(2)
}

export type CellFlag =
  /** The range of the individual scores exceeds the RFP's consensus tolerance (DESIGN §3.3). */
  | 'tolerance'
  /** The range is at least half the scale (DESIGN §4). */
  | 'half_scale'

export interface CellResult {
  criterion: string
  /** The individual scores that count, by evaluator id (a recused evaluator's never do). */
  scores: IndividualScore[]
  mean: Rational | null
  meanText: string | null
  consensus: number | null
  /** What the score uses: the consensus where recorded, else the mean. */
  used: Rational | null
  usedText: string | null
  /** (used − lo) / (hi − lo), from 0 to 1. */
  value: Rational | null
  /** Highest minus lowest individual score; null with no scores. */
  range: number | null
  /** Population standard deviation of the individual scores, exactly rounded to 2 decimals. */
  standardDeviation: string | null
  /** Listed for discussion; stays set when a consensus was recorded, since the disagreement is part of the record. */
  flagged: boolean
  flags: CellFlag[]
}

export interface ProposalResult {
  proposal: string
  ranked: boolean
  /** Why the proposal is not ranked; null when it is. */
  reason: UnrankedReason | null
  /** Failed a gate (and is not excluded for another reason): its status becomes non_responsive. */
  nonResponsive: boolean
  score: Rational | null
  scoreText: string | null
  /** Competition ranking: 1, 1, 3 for an exact tie. */
  rank: number | null
  /** Shares its exact score with another ranked proposal. */
  tie: boolean
  tiedWith: string[]
  /**
   * Within the near-tie margin of another ranked proposal whose score is not equal, or showing the same two-decimal
   * score as one ranked apart from it: a reader must never see equal scores with different ranks unexplained.
   */
  nearTie: boolean
  nearTieWith: string[]
  /** Sum of the individual scores on scored criteria; null unless ranked and `rawTotalComparable`. */
  rawTotal: number | null
  failedGates: string[]
  /** Evaluators with at least one score on this proposal. */
  evaluators: string[]
  recused: string[]
  price: Rational | null
  /** Lowest price / this price; null while the price is missing or the standings are provisional, or when not ranked. */
  priceValue: Rational | null
  /** One per scored criterion, by criterion id. */
  cells: CellResult[]
}

export interface WeightShare {
  criterion: string
  kind: 'scored' | 'price'
  weight: Rational
  /** w_c / Σ w, from 0 to 1. */
  share: Rational
  /** The share in percent, 2 decimals. */
  shareText: string
}

export type RawTotalReason =
  | { kind: 'no_ranked_proposals', message: string }
  | { kind: 'no_individual_scores', message: string }
  | { kind: 'recused', evaluator: string, proposal: string, message: string }
  | { kind: 'missing_score', evaluator: string, proposal: string, criterion: string, message: string }

export interface Agreement {
  /** Kendall's W with the tie correction, exact. */
  value: Rational | null
  /** 4 decimals. */
  text: string | null
  /** The evaluators whose rankings are compared: those who scored every scored cell of every ranked proposal. */
  evaluators: string[]
  reason: { kind: 'too_few_proposals' | 'too_few_evaluators' | 'no_variation', message: string } | null
}

export interface Results {
  /** Ranked proposals by rank (ties by id), then the others by id. */
  proposals: ProposalResult[]
  /** Rank-1 proposals; several when the top is tied. */
  leaders: string[]
  weights: WeightShare[]
  priceCriterion: string | null
  /** False when the round has a price criterion and a ranked proposal has no price yet. */
  priceComplete: boolean
  /** The price criterion gives 0 to everyone until every ranked proposal has a price: the standings are technical only. */
  provisional: boolean
  lowestPrice: Rational | null
  rawTotalComparable: boolean
  rawTotalReason: RawTotalReason | null
  kendallW: Agreement
  nearTieMargin: Rational
}

function cellResult (cell: CellInput, tolerance: number): CellResult {
  const { lo, hi } = cell.criterion
  const values = cell.scores.map((s) => s.score)
  const n = values.length
  const sum = values.reduce((a, b) => a + b, 0)
  const mean = n === 0 ? null : Rational.of(sum, n)
  const used = cell.consensus !== null ? Rational.of(cell.consensus) : mean
  const range = n === 0 ? null : Math.max(...values) - Math.min(...values)
  // Variance = (nΣx² − (Σx)²) / n², in integers.
  const squares = values.reduce((a, b) => a + BigInt(b) * BigInt(b), 0n)
  const variance = n === 0 ? null : Rational.of(BigInt(n) * squares - BigInt(sum) * BigInt(sum), BigInt(n) * BigInt(n))
  // Both rules flag: §3.3 lists cells beyond the RFP's consensus tolerance, §4 cells whose range reaches half the scale.
  const flags: CellFlag[] = []
  if (range !== null && range > tolerance) flags.push('tolerance')
  if (range !== null && 2 * range >= hi - lo) flags.push('half_scale')
  return {
    criterion: cell.criterion.id,
    scores: cell.scores,
    mean,
    meanText: mean === null ? null : scoreText(mean),
    consensus: cell.consensus,
    used,
    usedText: used === null ? null : scoreText(used),
    value: cellValue(cell),
    range,
    standardDeviation: variance === null ? null : sqrtToFixed(variance, 2),
    flagged: flags.length > 0,
    flags
  }
}

function weightShares (model: ScoringModel): WeightShare[] {
  return model.weighted.map((criterion) => {
    const share = criterion.weight.div(model.totalWeight)
    return { criterion: criterion.id, kind: criterion.kind, weight: criterion.weight, share, shareText: share.mul(Rational.of(100)).toFixed(2) }
  })
}

/** Ranked proposals that are close to `index` but not equal to it, scanning outwards while still close or equal. */
function nearNeighbours (ranked: readonly Standing[], index: number, margin: Rational): string[] {
  const self = ranked[index] as Standing
  const score = self.score as Rational
  const near: string[] = []
  for (const step of [-1, 1]) {
    for (let i = index + step; i >= 0 && i < ranked.length; i += step) {
      const other = (ranked[i] as Standing).score as Rational
      if (other.compare(score) === 0) continue
      const gap = other.compare(score) > 0 ? other.sub(score) : score.sub(other)
      if (gap.compare(margin) > 0 && scoreText(other) !== scoreText(score)) break
      near.push((ranked[i] as Standing).proposal.id)
    }
  }
  return near.sort(compareIds)
}

/**
 * Null when the raw sum compares like with like: every ranked proposal scored by the same evaluators, each on every
 * scored criterion. Otherwise the first reason in evaluator, proposal, criterion id order.
 */
function rawTotalCheck (ranked: readonly ProposalModel[]): RawTotalReason | null {
  if (ranked.length === 0) return { kind: 'no_ranked_proposals', message: 'no proposal is ranked' }
  const evaluators = scoringEvaluators(ranked)
  if (evaluators.length === 0) return { kind: 'no_individual_scores', message: 'no individual scores on the ranked proposals' }
  const complete = ranked.every((p) => p.cells.every((cell) => cell.scores.length === evaluators.length) && !p.recused.some((e) => evaluators.includes(e)))
  if (complete) return null
  let first: Extract<RawTotalReason, { evaluator: string }> | null = null
  const earlier = (evaluator: string, proposal: string): boolean => first === null || (compareIds(evaluator, first.evaluator) || compareIds(proposal, first.proposal)) < 0
  for (const proposal of ranked) {
    for (const evaluator of proposal.recused) {
      if (evaluators.includes(evaluator) && earlier(evaluator, proposal.id)) first = { kind: 'recused', evaluator, proposal: proposal.id, message: `evaluator ${evaluator} was recused from ${proposal.id}` }
    }
    for (const cell of proposal.cells) {
      if (cell.scores.length === evaluators.length) continue
      const present = new Set(cell.scores.map((s) => s.evaluator))
      const evaluator = evaluators.find((e) => !present.has(e)) as string
      // Cells come in criterion order, so the first missing cell of an (evaluator, proposal) pair is kept.
      if (earlier(evaluator, proposal.id)) first = { kind: 'missing_score', evaluator, proposal: proposal.id, criterion: cell.criterion.id, message: `evaluator ${evaluator} did not score ${proposal.id} on ${cell.criterion.id}` }
    }
  }
  return first
}

/**
 * Kendall's W over the evaluators who scored every scored cell of every ranked proposal. Each ranks the proposals by
 * their own weighted score over the scored criteria; price and consensus are left out, since neither is an
 * evaluator's own judgement and a term common to everyone would only inflate the agreement.
 */
function agreementOf (model: ScoringModel, ranked: readonly ProposalModel[]): Agreement {
  const cellsNeeded = ranked.length * model.scored.length
  const counts = new Map<string, number>()
  for (const proposal of ranked) for (const cell of proposal.cells) for (const { evaluator } of cell.scores) counts.set(evaluator, (counts.get(evaluator) ?? 0) + 1)
  const evaluators = cellsNeeded === 0 ? [] : model.evaluators.filter((e) => counts.get(e) === cellsNeeded)
  if (ranked.length < 2) return { value: null, text: null, evaluators, reason: { kind: 'too_few_proposals', message: 'fewer than 2 ranked proposals' } }
  if (evaluators.length < 2) return { value: null, text: null, evaluators, reason: { kind: 'too_few_evaluators', message: 'fewer than 2 evaluators scored every ranked proposal on every criterion' } }

  // Each evaluator's weighted score × a common denominator, as integers: only their order matters.
  const coefficients = model.technical.factors
  const row = new Map(evaluators.map((e) => [e, new Array<bigint>(ranked.length).fill(0n)]))
  ranked.forEach((proposal, i) => {
    proposal.cells.forEach((cell, c) => {
      for (const { evaluator, score } of cell.scores) {
        const own = row.get(evaluator)
        if (own !== undefined) own[i] = (own[i] as bigint) + (coefficients[c] as bigint) * BigInt(score - cell.criterion.lo)
      }
    })
  })
  const value = kendallsW(evaluators.map((e) => row.get(e) as bigint[]))
  if (value === null) return { value: null, text: null, evaluators, reason: { kind: 'no_variation', message: 'every evaluator scored every ranked proposal the same' } }
  return { value, text: value.toFixed(4), evaluators, reason: null }
}

export function computeResults (input: ScoringInput): Results {
  const model = buildModel(input)
  const standings = standingsOf(model)
  const rankedModels = standings.ranked.map((s) => s.proposal)
  const rawTotalReason = rawTotalCheck(rankedModels)
  // Competition ranks are equal exactly when scores are.
  const byRank = new Map<number, string[]>()
  for (const { rank, proposal } of standings.ranked) byRank.set(rank as number, [...(byRank.get(rank as number) ?? []), proposal.id])

  const proposalResult = (standing: Standing, index: number | null): ProposalResult => {
    const { proposal } = standing
    const ranked = standing.reason === null
    const tiedWith = index === null ? [] : (byRank.get(standing.rank as number) ?? []).filter((id) => id !== proposal.id)
    const nearTieWith = index === null ? [] : nearNeighbours(standings.ranked, index, model.nearTieMargin)
    const evaluators = scoringEvaluators([proposal])
    return {
      proposal: proposal.id,
      ranked,
      reason: standing.reason,
      nonResponsive: !proposal.excluded && proposal.failedGates.length > 0,
      score: standing.score,
      scoreText: standing.score === null ? null : scoreText(standing.score),
      rank: standing.rank,
      tie: tiedWith.length > 0,
      tiedWith,
      nearTie: nearTieWith.length > 0,
      nearTieWith,
      rawTotal: ranked && rawTotalReason === null ? proposal.cells.reduce((total, cell) => total + cell.scores.reduce((a, s) => a + s.score, 0), 0) : null,
      failedGates: proposal.failedGates,
      evaluators,
      recused: proposal.recused,
      price: proposal.price,
      priceValue: ranked && standings.priceComplete && proposal.price !== null ? standing.priceValue : null,
      cells: proposal.cells.map((cell) => cellResult(cell, model.consensusTolerance))
    }
  }

  return {
    proposals: [
      ...standings.ranked.map((standing, i) => proposalResult(standing, i)),
      ...standings.unranked.map((standing) => proposalResult(standing, null))
    ],
    leaders: standings.leaders,
    weights: weightShares(model),
    priceCriterion: model.price?.id ?? null,
    priceComplete: standings.priceComplete,
    provisional: !standings.priceComplete,
    lowestPrice: standings.lowestPrice,
    rawTotalComparable: rawTotalReason === null,
    rawTotalReason,
    kendallW: agreementOf(model, rankedModels),
    nearTieMargin: model.nearTieMargin
  }
}

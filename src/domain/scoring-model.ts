// The scoring input, checked once and indexed by id, so that nothing downstream depends on the order it came in.
import { Rational } from './rational.js'
import { compareIds, lcm, sortedIds } from './scoring-math.js'

export interface ScoringCriterion {
  id: string
  kind: 'scored' | 'price' | 'gate'
  /** Decimal string, > 0 for scored and price criteria; gates carry '0' and are pass/fail only. */
  weight: string
  /** The scale of a scored criterion; ignored for price and gate criteria (give 0 and 1). */
  lo: number
  hi: number
}

export interface ScoringProposal {
  id: string
  /** Withdrawn, non-responsive or disqualified by the committee: listed, never ranked. */
  excluded: boolean
  /** Decimal string from the price envelope (e.g. "48000.50"), or null while sealed / not scored. */
  price: string | null
  /** Gate outcomes recorded so far; a gate with no outcome yet is not a failure. */
  gates: Array<{ criterion: string, passed: boolean }>
}

export interface Score { evaluator: string, proposal: string, criterion: string, score: number }
export interface ConsensusScore { proposal: string, criterion: string, score: number }
export interface Recusal { evaluator: string, proposal: string }

export interface ScoringInput {
  criteria: ScoringCriterion[]
  proposals: ScoringProposal[]
  evaluators: string[]
  scores: Score[]
  consensus: ConsensusScore[]
  recusals: Recusal[]
  /** Points out of 100, decimal string. */
  nearTieMargin: string
  /** Score points by which evaluators may differ on a cell before it is flagged for discussion. */
  consensusTolerance: number
}

/** Null when `score` may be given on `criterion`, else why not. */
export function checkScore (criterion: ScoringCriterion, score: unknown): string | null {
  if (criterion.kind !== 'scored') return `${criterion.id} is a ${criterion.kind} criterion: evaluators do not score it`
  if (typeof score !== 'number' || !Number.isInteger(score)) return `the score on ${criterion.id} must be a whole number from ${criterion.lo} to ${criterion.hi}`
  if (score < criterion.lo || score > criterion.hi) return `the score on ${criterion.id} must be from ${criterion.lo} to ${criterion.hi}, not ${score}`
  return null
}

export interface WeightedCriterion {
  id: string
  kind: 'scored' | 'price'
  weight: Rational
  lo: number
  hi: number
}

export interface IndividualScore { evaluator: string, score: number }

export interface CellInput {
  criterion: WeightedCriterion
  /** Sorted by evaluator id; scores of evaluators recused from the proposal are not here. */
  scores: IndividualScore[]
  /** Σ (score − lo) over `scores`, kept so that leaving one evaluator out is a subtraction. */
  aboveLo: number
  consensus: number | null
}

export interface ProposalModel {
  id: string
  excluded: boolean
  price: Rational | null
  failedGates: string[]
  recused: string[]
  /** One per scored criterion, in criterion id order. */
  cells: CellInput[]
}

export interface ScoringModel {
  /** Scored and price criteria, by id. */
  weighted: WeightedCriterion[]
  scored: WeightedCriterion[]
  /** w_c / (hi − lo) of each scored criterion as factors[c] / denominator, over one common denominator. */
  technical: { factors: bigint[], denominator: bigint }
  price: WeightedCriterion | null
  totalWeight: Rational
  proposals: ProposalModel[]
  evaluators: string[]
  nearTieMargin: Rational
  consensusTolerance: number
}

export const MAX_SCALE = 1_000_000

function uniqueIds (ids: readonly string[], what: string): Set<string> {
  const set = new Set<string>()
  for (const id of ids) {
    if (set.has(id)) throw new RangeError(`${what} ${id} is listed twice`)
    set.add(id)
  }
  return set
}

function weightOf (criterion: ScoringCriterion): Rational {
  const weight = Rational.parseDecimal(criterion.weight)
  if (criterion.kind === 'gate') {
    if (weight.num !== 0n) throw new RangeError(`gate ${criterion.id} is pass/fail: its weight must be 0`)
  } else if (!weight.isPositive()) {
    throw new RangeError(`criterion ${criterion.id} must have a weight greater than 0`)
  }
  return weight
}

function weightedCriterion (criterion: ScoringCriterion): WeightedCriterion | null {
  const weight = weightOf(criterion)
  if (criterion.kind === 'gate') return null
  if (criterion.kind === 'price') return { id: criterion.id, kind: 'price', weight, lo: 0, hi: 1 }
  if (criterion.kind !== 'scored') throw new RangeError(`criterion ${String(criterion.id)} has an unknown kind`)
  const { lo, hi } = criterion
  // Bounded so that sums of scores stay exact in plain numbers.
  const whole = (n: number): boolean => Number.isInteger(n) && Math.abs(n) <= MAX_SCALE
  if (!whole(lo) || !whole(hi) || lo >= hi) throw new RangeError(`criterion ${criterion.id} needs a whole-number scale running upwards within ±${MAX_SCALE} (lo ${lo}, hi ${hi})`)
  return { id: criterion.id, kind: 'scored', weight, lo, hi }
}

function priceOf (proposal: ScoringProposal): Rational | null {
  if (proposal.price === null) return null
  const price = Rational.parseDecimal(proposal.price)
  if (!price.isPositive()) throw new RangeError(`the price of ${proposal.id} must be greater than 0, not ${proposal.price}`)
  return price
}

function failedGatesOf (proposal: ScoringProposal, gates: ReadonlySet<string>): string[] {
  const seen = new Set<string>()
  const failed: string[] = []
  for (const outcome of proposal.gates) {
    if (!gates.has(outcome.criterion)) throw new RangeError(`${outcome.criterion} is not a gate of this round (proposal ${proposal.id})`)
    if (seen.has(outcome.criterion)) throw new RangeError(`gate ${outcome.criterion} has two outcomes for ${proposal.id}`)
    seen.add(outcome.criterion)
    if (!outcome.passed) failed.push(outcome.criterion)
  }
  return failed.sort(compareIds)
}

const cellKey = (proposal: string, criterion: string): string => JSON.stringify([proposal, criterion])

function checkedScore (criteria: ReadonlyMap<string, ScoringCriterion>, criterionId: string, score: number, where: string): void {
  const criterion = criteria.get(criterionId)
  if (criterion === undefined) throw new RangeError(`${where}: no criterion ${criterionId} in this round`)
  const problem = checkScore(criterion, score)
  if (problem !== null) throw new RangeError(`${where}: ${problem}`)
}

/** Rationals as integer factors over their least common denominator. */
export function commonFactors (values: readonly Rational[]): { factors: bigint[], denominator: bigint } {
  const denominator = values.reduce((d, r) => lcm(d, r.den), 1n)
  return { factors: values.map((r) => r.num * (denominator / r.den)), denominator }
}

/** A cell's scores by evaluator id, refusing two from one evaluator and leaving out those of recused evaluators. */
function countedScores (scores: IndividualScore[], recused: ReadonlySet<string>, where: string): IndividualScore[] {
  scores.sort((a, b) => compareIds(a.evaluator, b.evaluator))
  scores.forEach((score, i) => {
    if (i > 0 && scores[i - 1]?.evaluator === score.evaluator) throw new RangeError(`two scores of ${score.evaluator} for ${where}`)
  })
  // A recused evaluator cannot score the proposal; a score that slipped through must not count (DESIGN §3.4).
  return recused.size === 0 ? scores : scores.filter((score) => !recused.has(score.evaluator))
}

/** The score of `evaluator` in a cell, found by bisection since scores are sorted by evaluator id. */
export function scoreOf (cell: CellInput, evaluator: string): number | null {
  let low = 0
  let high = cell.scores.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (compareIds((cell.scores[middle] as IndividualScore).evaluator, evaluator) < 0) low = middle + 1
    else high = middle
  }
  const found = cell.scores[low]
  return found !== undefined && found.evaluator === evaluator ? found.score : null
}

/** Evaluators with at least one counted score on any of these proposals, by id. */
export function scoringEvaluators (proposals: readonly ProposalModel[]): string[] {
  const seen = new Set<string>()
  for (const proposal of proposals) for (const cell of proposal.cells) for (const { evaluator } of cell.scores) seen.add(evaluator)
  return sortedIds(seen)
}

/** Checks the input and indexes it; a RangeError names the first thing that cannot be scored. */
export function buildModel (input: ScoringInput): ScoringModel {
  uniqueIds(input.criteria.map((c) => c.id), 'criterion')
  const criteriaById = new Map(input.criteria.map((c) => [c.id, c]))
  const weighted = input.criteria.map(weightedCriterion).filter((c) => c !== null).sort((a, b) => compareIds(a.id, b.id))
  if (weighted.length === 0) throw new RangeError('a round needs at least one scored or price criterion')
  const prices = weighted.filter((c) => c.kind === 'price')
  if (prices.length > 1) throw new RangeError('a round has at most one price criterion')
  const scored = weighted.filter((c) => c.kind === 'scored')
  const gates = new Set(input.criteria.filter((c) => c.kind === 'gate').map((c) => c.id))
  const proposalIds = uniqueIds(input.proposals.map((p) => p.id), 'proposal')
  const evaluatorIds = uniqueIds(input.evaluators, 'evaluator')

  const recused = new Map<string, Set<string>>([...proposalIds].map((id) => [id, new Set<string>()]))
  for (const { evaluator, proposal } of input.recusals) {
    if (!evaluatorIds.has(evaluator)) throw new RangeError(`recusal of unknown evaluator ${evaluator}`)
    const set = recused.get(proposal)
    if (set === undefined) throw new RangeError(`recusal from unknown proposal ${proposal}`)
    set.add(evaluator)
  }

  // Indexed by proposal, then criterion: string keys built per score cost more than the arithmetic at 70 000 scores.
  const individual = new Map<string, Map<string, IndividualScore[]>>([...proposalIds].map((id) => [id, new Map()]))
  for (const { evaluator, proposal, criterion, score } of input.scores) {
    const where = `score of ${evaluator} on ${proposal}`
    if (!evaluatorIds.has(evaluator)) throw new RangeError(`${where}: unknown evaluator`)
    const byCriterion = individual.get(proposal)
    if (byCriterion === undefined) throw new RangeError(`${where}: unknown proposal`)
    checkedScore(criteriaById, criterion, score, where)
    const cell = byCriterion.get(criterion)
    if (cell === undefined) byCriterion.set(criterion, [{ evaluator, score }])
    else cell.push({ evaluator, score })
  }
  const consensus = new Map<string, number>()
  for (const { proposal, criterion, score } of input.consensus) {
    const where = `consensus on ${proposal}`
    if (!proposalIds.has(proposal)) throw new RangeError(`${where}: unknown proposal`)
    checkedScore(criteriaById, criterion, score, where)
    if (consensus.has(cellKey(proposal, criterion))) throw new RangeError(`${where}: two consensus scores on ${criterion}`)
    consensus.set(cellKey(proposal, criterion), score)
  }

  const nearTieMargin = Rational.parseDecimal(input.nearTieMargin)
  if (nearTieMargin.num < 0n) throw new RangeError('the near-tie margin cannot be negative')
  if (!Number.isSafeInteger(input.consensusTolerance) || input.consensusTolerance < 0) throw new RangeError('the consensus tolerance must be a whole number of points, 0 or more')

  const proposals = [...input.proposals].sort((a, b) => compareIds(a.id, b.id)).map((proposal): ProposalModel => ({
    id: proposal.id,
    excluded: proposal.excluded,
    price: priceOf(proposal),
    failedGates: failedGatesOf(proposal, gates),
    recused: sortedIds(recused.get(proposal.id) ?? []),
    cells: scored.map((criterion) => {
      const scores = countedScores(individual.get(proposal.id)?.get(criterion.id) ?? [], recused.get(proposal.id) ?? new Set(), `${proposal.id} on ${criterion.id}`)
      return {
        criterion,
        scores,
        aboveLo: scores.reduce((total, { score }) => total + score - criterion.lo, 0),
        consensus: consensus.get(cellKey(proposal.id, criterion.id)) ?? null
      }
    })
  }))

  return {
    weighted,
    scored,
    technical: commonFactors(scored.map((c) => c.weight.div(Rational.of(c.hi - c.lo)))),
    price: prices[0] ?? null,
    totalWeight: Rational.sum(weighted.map((c) => c.weight)),
    proposals,
    evaluators: sortedIds(evaluatorIds),
    nearTieMargin,
    consensusTolerance: input.consensusTolerance
  }
}

// Which proposals are ranked, their exact scores and ranks (DESIGN §4); leave-one-out reruns this without one evaluator.
import { Rational } from './rational.js'
import { compareIds, competitionRanks, QuotientSum } from './scoring-math.js'
import { scoreOf, type CellInput, type ProposalModel, type ScoringModel } from './scoring-model.js'

export type UnrankedReason =
  | { kind: 'excluded', message: string }
  | { kind: 'failed_gates', criteria: string[], message: string }
  | { kind: 'unscored', criteria: string[], message: string }

export interface Standing {
  proposal: ProposalModel
  reason: UnrankedReason | null
  /** What the price criterion gives this proposal: lowest / price, 0 while provisional; null without one or unranked. */
  priceValue: Rational | null
  /** 100 × Σ w_c × v(p, c) / Σ w; null when not ranked. */
  score: Rational | null
  rank: number | null
}

export interface Standings {
  /** Ranked proposals, best first; ties in proposal id order. */
  ranked: Standing[]
  unranked: Standing[]
  /** False when the round has a price criterion and a ranked proposal has no price yet. */
  priceComplete: boolean
  lowestPrice: Rational | null
  leaders: string[]
}

const HUNDRED = Rational.of(100)
const ZERO = Rational.of(0)

/** The value used for a cell on the 0–1 scale: the consensus where recorded (DESIGN §4), else the mean. */
export function cellValue (cell: CellInput): Rational | null {
  const { lo, hi } = cell.criterion
  if (cell.consensus !== null) return Rational.of(cell.consensus - lo, hi - lo)
  const count = cell.scores.length
  const sum = cell.scores.reduce((total, { score }) => total + score, 0)
  return count === 0 ? null : Rational.of(sum - count * lo, count * (hi - lo))
}

/** v(p, c) per weighted criterion, in `model.weighted` order, of a ranked standing. */
export function valuesOf (model: ScoringModel, standing: Standing): Rational[] {
  const scored = standing.proposal.cells.map((cell) => cellValue(cell) ?? ZERO)
  let next = 0
  return model.weighted.map((criterion) => criterion.kind === 'price' ? standing.priceValue ?? ZERO : scored[next++] as Rational)
}

function unrankedReason (proposal: ProposalModel, unscored: string[]): UnrankedReason | null {
  if (proposal.excluded) return { kind: 'excluded', message: 'excluded by the committee (withdrawn, non-responsive or disqualified)' }
  if (proposal.failedGates.length > 0) return { kind: 'failed_gates', criteria: proposal.failedGates, message: `failed the pass/fail ${proposal.failedGates.length === 1 ? 'gate' : 'gates'} ${proposal.failedGates.join(', ')}` }
  if (unscored.length > 0) return { kind: 'unscored', criteria: unscored, message: `no score and no consensus on ${unscored.join(', ')}` }
  return null
}

/**
 * Σ_c w_c × v(p, c) over the scored criteria, exactly, reduced once: each term is factor_c × (Σ(s − lo)) / n over the
 * common denominator of the factors w_c / (hi − lo). Null, with the criteria left unscored, when a cell has neither
 * scores nor a consensus.
 */
function technicalSum (model: ScoringModel, proposal: ProposalModel, without: string | null): { sum: Rational | null, unscored: string[] } {
  const total = new QuotientSum()
  const unscored: string[] = []
  proposal.cells.forEach((cell, c) => {
    const { lo } = cell.criterion
    const factor = model.technical.factors[c] as bigint
    if (cell.consensus !== null) {
      total.add(factor * BigInt(cell.consensus - lo), 1n)
      return
    }
    let amount = cell.aboveLo
    let count = cell.scores.length
    const left = without === null ? null : scoreOf(cell, without)
    if (left !== null) {
      amount -= left - lo
      count--
    }
    if (count === 0) unscored.push(cell.criterion.id)
    else total.add(factor * BigInt(amount), BigInt(count))
  })
  return { sum: unscored.length > 0 ? null : total.over(model.technical.denominator), unscored }
}

function byScoreThenId (a: { proposal: ProposalModel, score: Rational | null }, b: { proposal: ProposalModel, score: Rational | null }): number {
  return (b.score as Rational).compare(a.score as Rational) || compareIds(a.proposal.id, b.proposal.id)
}

/** The standings of a round, optionally as if evaluator `without` had never scored. */
export function standingsOf (model: ScoringModel, without: string | null = null): Standings {
  const candidates: Array<{ proposal: ProposalModel, technical: Rational }> = []
  const unranked: Standing[] = []
  for (const proposal of model.proposals) {
    const { sum, unscored } = technicalSum(model, proposal, without)
    const reason = unrankedReason(proposal, unscored)
    if (reason === null && sum !== null) candidates.push({ proposal, technical: sum })
    else unranked.push({ proposal, reason, priceValue: null, score: null, rank: null })
  }

  // The lowest price is taken among ranked proposals only: an excluded bid's price must not set everyone's ratio.
  const priced = candidates.map(({ proposal }) => proposal.price).filter((price) => price !== null)
  const priceComplete = model.price === null || priced.length === candidates.length
  const lowestPrice = model.price === null ? null : priced.reduce<Rational | null>((low, price) => low === null || price.compare(low) < 0 ? price : low, null)
  const priceValue = (proposal: ProposalModel): Rational | null => {
    if (model.price === null) return null
    // While a price is missing the price criterion gives 0 to everyone: the standings are technical only (provisional).
    return priceComplete && lowestPrice !== null && proposal.price !== null ? lowestPrice.div(proposal.price) : ZERO
  }

  const scored = candidates.map(({ proposal, technical }) => {
    const price = priceValue(proposal)
    const weighted = price === null || model.price === null ? technical : technical.add(model.price.weight.mul(price))
    return { proposal, priceValue: price, score: weighted.mul(HUNDRED).div(model.totalWeight) }
  }).sort(byScoreThenId)
  const ranked = competitionRanks(scored, (a, b) => a.score.compare(b.score) === 0)
    .map(({ item, rank }): Standing => ({ ...item, reason: null, rank }))
  return {
    ranked,
    unranked,
    priceComplete,
    lowestPrice,
    leaders: ranked.filter((standing) => standing.rank === 1).map((standing) => standing.proposal.id)
  }
}

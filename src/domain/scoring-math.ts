// Exact helpers of the scoring method: id order, integer square roots, competition ranks, Kendall's W.
import { Rational } from './rational.js'

/** Code-unit order, never the locale's: the same ids sort the same on every machine. */
export function compareIds (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function sortedIds (ids: Iterable<string>): string[] {
  return [...ids].sort(compareIds)
}

/** floor(√n) by Newton's method on bigints: the same digits on every machine, unlike Math.sqrt. */
export function isqrt (n: bigint): bigint {
  if (n < 0n) throw new RangeError('square root of a negative number')
  if (n < 2n) return n
  // A power of two at or above √n: Newton's iteration then falls monotonically onto the floor.
  let x = 1n << BigInt(Math.ceil(n.toString(16).length * 4 / 2))
  for (;;) {
    const next = (x + n / x) >> 1n
    if (next >= x) return x
    x = next
  }
}

/**
 * √value rounded half away from zero to `places` decimals, exactly: the largest odd m with m² ≤ 4·10^(2·places)·value
 * is 2k − 1 for the rounded k, so one integer square root decides every digit.
 */
export function sqrtToFixed (value: Rational, places: number): string {
  if (value.num < 0n) throw new RangeError('square root of a negative number')
  const scaled = value.num * 4n * 10n ** BigInt(2 * places) / value.den
  const rounded = (isqrt(scaled) + 1n) / 2n
  return Rational.of(rounded, 10n ** BigInt(places)).toFixed(places)
}

/**
 * A z-score (difference / √(variance)), as an integer of `scale` units truncated toward zero: both arguments are
 * exact, so the truncation is the only approximation and it is the same everywhere.
 */
export function scaledQuotientBySqrt (difference: Rational, variance: Rational, scale: bigint): bigint {
  if (difference.num === 0n || variance.num === 0n) return 0n
  const magnitude = isqrt(difference.num * difference.num * variance.den * scale * scale / (difference.den * difference.den * variance.num))
  return difference.num < 0n ? -magnitude : magnitude
}

function gcd (a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

export function lcm (a: bigint, b: bigint): bigint {
  return a / gcd(a, b) * b
}

/**
 * Σ amount / count as one unreduced fraction. The denominator widens only when a count does not divide it, which is
 * rare when most cells have the same number of evaluators, so a long exact sum costs one reduction at the end
 * instead of a gcd per term (the cost that dominated leave-one-out and the z-scores).
 */
export class QuotientSum {
  numerator = 0n
  denominator = 1n

  add (amount: bigint, count: bigint): void {
    if (this.denominator % count !== 0n) {
      const widen = count / gcd(this.denominator, count)
      this.numerator *= widen
      this.denominator *= widen
    }
    this.numerator += amount * (this.denominator / count)
  }

  /** The sum divided by `scale`, reduced. */
  over (scale: bigint): Rational {
    return Rational.of(this.numerator, this.denominator * scale)
  }
}

export interface Ranked<T> { item: T, rank: number }

/** Competition ranking (1, 1, 3) of items already in order, `same` telling when two neighbours share a rank. */
export function competitionRanks<T> (ordered: readonly T[], same: (a: T, b: T) => boolean): Array<Ranked<T>> {
  const ranked: Array<Ranked<T>> = []
  ordered.forEach((item, i) => {
    const previous = ranked[i - 1]
    ranked.push({ item, rank: previous !== undefined && same(previous.item, item) ? previous.rank : i + 1 })
  })
  return ranked
}

/** Twice the average rank of each value (higher is better, rank 1 first), and Σ(t³ − t) over its groups of ties. */
function doubledAverageRanks (values: readonly bigint[]): { ranks: bigint[], ties: bigint } {
  const order = values.map((_, i) => i).sort((a, b) => {
    const x = values[a] as bigint
    const y = values[b] as bigint
    return x === y ? a - b : x > y ? -1 : 1
  })
  const ranks = new Array<bigint>(values.length).fill(0n)
  let ties = 0n
  for (let start = 0; start < order.length;) {
    let end = start
    while (end + 1 < order.length && values[order[end + 1] as number] === values[order[start] as number]) end++
    const t = BigInt(end - start + 1)
    ties += t * t * t - t
    // Positions start..end share the average of ranks start+1..end+1; doubled, it stays an integer.
    for (let i = start; i <= end; i++) ranks[order[i] as number] = BigInt(start + end + 2)
    start = end + 1
  }
  return { ranks, ties }
}

/**
 * Kendall's coefficient of concordance with the correction for ties:
 * W = 12·S / (m²(n³ − n) − m·Σ_j Σ(t³ − t)), S = Σ_i (R_i − m(n + 1)/2)².
 * `ratings[j][i]` is rater j's value for object i (higher is better; only the order matters).
 * Null when undefined: fewer than 2 raters or objects, or every rater ties every object.
 */
export function kendallsW (ratings: ReadonlyArray<readonly bigint[]>): Rational | null {
  const m = BigInt(ratings.length)
  const n = BigInt(ratings[0]?.length ?? 0)
  if (m < 2n || n < 2n) return null
  if (ratings.some((row) => BigInt(row.length) !== n)) throw new RangeError('every rater must rate every object')
  const doubledSums = new Array<bigint>(Number(n)).fill(0n)
  let ties = 0n
  for (const row of ratings) {
    const ranked = doubledAverageRanks(row)
    ranked.ranks.forEach((rank, i) => { doubledSums[i] = (doubledSums[i] as bigint) + rank })
    ties += ranked.ties
  }
  // With doubled rank sums, 12·S = 12·Σ(2R − m(n+1))²/4 = 3·Σ(2R − m(n+1))².
  const centre = m * (n + 1n)
  const squares = doubledSums.reduce((total, sum) => total + (sum - centre) * (sum - centre), 0n)
  const denominator = m * m * (n * n * n - n) - m * ties
  return denominator === 0n ? null : Rational.of(3n * squares, denominator)
}

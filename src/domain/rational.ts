// Exact rational arithmetic on bigints, for figures that are published and must recompute to the digit.

export class Rational {
  readonly num: bigint
  readonly den: bigint

  private constructor (num: bigint, den: bigint) {
    if (den === 0n) throw new RangeError('division by zero')
    if (den < 0n) { num = -num; den = -den }
    const divisor = gcd(num < 0n ? -num : num, den)
    this.num = num / divisor
    this.den = den / divisor
  }

  static of (num: bigint | number, den: bigint | number = 1n): Rational {
    return new Rational(BigInt(num), BigInt(den))
  }

  /** Parses a plain decimal string such as "12", "0.25" or "-3.5". */
  static parseDecimal (text: string): Rational {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text)
    if (match === null) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`)
    const [, sign = '', whole = '0', fraction = ''] = match
    const value = new Rational(BigInt(whole + fraction), 10n ** BigInt(fraction.length))
    return sign === '-' ? value.neg() : value
  }

  static sum (values: Iterable<Rational>): Rational {
    let total = Rational.of(0)
    for (const value of values) total = total.add(value)
    return total
  }

  add (other: Rational): Rational { return new Rational(this.num * other.den + other.num * this.den, this.den * other.den) }
  sub (other: Rational): Rational { return this.add(other.neg()) }
  mul (other: Rational): Rational { return new Rational(this.num * other.num, this.den * other.den) }
  div (other: Rational): Rational { return new Rational(this.num * other.den, this.den * other.num) }
  neg (): Rational { return new Rational(-this.num, this.den) }
  isPositive (): boolean { return this.num > 0n }
  compare (other: Rational): number {
    const difference = this.num * other.den - other.num * this.den
    return difference === 0n ? 0 : difference < 0n ? -1 : 1
  }

  /** Rounds half away from zero to `places` decimals, as DESIGN §4 publishes figures. */
  toFixed (places: number): string {
    const scale = 10n ** BigInt(places)
    const negative = this.num < 0n
    const magnitude = negative ? -this.num : this.num
    const scaled = (magnitude * scale * 2n + this.den) / (this.den * 2n)
    const digits = scaled.toString().padStart(places + 1, '0')
    const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`
    return negative && scaled !== 0n ? `-${text}` : text
  }
}

function gcd (a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a === 0n ? 1n : a
}

import t from 'tap'
import { Rational } from '../../../src/domain/rational.js'

const r = (text: string): Rational => Rational.parseDecimal(text)

t.test('parses decimals exactly', async (t) => {
  t.equal(r('0.1').add(r('0.2')).compare(r('0.3')), 0, '0.1 + 0.2 is 0.3 here, unlike in floating point')
  t.equal(r('-3.50').toFixed(2), '-3.50')
  t.equal(r('12').toFixed(0), '12')
  for (const bad of ['', '1.', '.5', '1e3', ' 1', '0x10', '1,5']) t.throws(() => r(bad), RangeError, bad)
})

t.test('arithmetic reduces to lowest terms', async (t) => {
  const third = Rational.of(1, 3)
  t.equal(third.mul(Rational.of(3)).compare(Rational.of(1)), 0)
  t.same([Rational.of(2, 4).num, Rational.of(2, 4).den], [1n, 2n])
  t.same([Rational.of(1, -2).num, Rational.of(1, -2).den], [-1n, 2n], 'the sign lives in the numerator')
  t.equal(Rational.sum([r('1.5'), r('2.25'), r('-0.75')]).toFixed(2), '3.00')
  t.equal(r('1').sub(r('0.25')).div(r('0.5')).toFixed(1), '1.5')
  t.throws(() => Rational.of(1, 0), RangeError)
  t.ok(r('0.001').isPositive())
  t.notOk(r('0').isPositive())
  t.equal(r('2').compare(r('3')), -1)
  t.equal(r('3').compare(r('2')), 1)
})

t.test('rounds half away from zero', async (t) => {
  t.equal(r('2.675').toFixed(2), '2.68', 'a float would give 2.67')
  t.equal(r('2.665').toFixed(2), '2.67')
  t.equal(r('-2.675').toFixed(2), '-2.68')
  t.equal(r('0.5').toFixed(0), '1')
  t.equal(r('-0.5').toFixed(0), '-1')
  t.equal(r('-0.004').toFixed(2), '0.00', 'no negative zero')
  t.equal(Rational.of(2, 3).toFixed(2), '0.67')
  t.equal(Rational.of(1, 3).mul(Rational.of(100)).toFixed(1), '33.3')
})

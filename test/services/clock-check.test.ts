// Instances on one PostgreSQL database must agree on the time: the start-up check against the server's clock.
import t from 'tap'
import { clockSkewProblem, MAX_CLOCK_SKEW_MS, measureClockSkew } from '../../src/services/clock-check.js'
import { onPostgres, testContext } from '../helpers/app.js'

t.test('the skew is judged against the limit', async (t) => {
  t.equal(clockSkewProblem(undefined), undefined, 'SQLite: one machine, one clock')
  t.equal(clockSkewProblem(MAX_CLOCK_SKEW_MS), undefined)
  t.match(clockSkewProblem(MAX_CLOCK_SKEW_MS + 1), /2\.0 s ahead of the database server's/)
  t.match(clockSkewProblem(-5000), /5\.0 s behind/)
})

t.test('measured against the database server', async (t) => {
  const ctx = await testContext(t)
  ctx.clock.set(new Date())
  const skew = await measureClockSkew(ctx)
  if (!onPostgres) {
    t.equal(skew, undefined, 'SQLite has no server clock')
    return
  }
  t.ok(Math.abs(skew ?? Infinity) < MAX_CLOCK_SKEW_MS, `the system clock agrees with the server here (${skew} ms)`)
  ctx.clock.advance(60_000)
  t.ok((await measureClockSkew(ctx) ?? 0) > 55_000, 'a clock a minute fast is seen as such')
})

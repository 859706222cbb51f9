// Fixed-window request counters in the database, on the injected clock: the same count whichever
// instance answers. One short transaction per limited request.
import { lockForTransaction } from '../db/database.js'
import { countRateLimitHit, findRateLimitHits, startRateLimitWindow } from '../db/rate-limits.js'
import type { ServiceContext } from './context.js'

export interface RateLimitState { current: number, ttl: number }

/** Counts one request under `key` and returns the count in the current window and the time left in it. */
export async function countRequest (ctx: ServiceContext, key: string, windowMs: number): Promise<RateLimitState> {
  return await ctx.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, `rate_limit:${key}`)
    const now = ctx.clock.now().getTime()
    const row = await findRateLimitHits(trx, key)
    if (row === undefined || Date.parse(row.window_end) <= now) {
      await startRateLimitWindow(trx, key, new Date(now).toISOString(), new Date(now + windowMs).toISOString())
      return { current: 1, ttl: windowMs }
    }
    await countRateLimitHit(trx, key)
    return { current: row.count + 1, ttl: Date.parse(row.window_end) - now }
  })
}

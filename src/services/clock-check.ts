// Deadlines are decided on each instance's own clock (the injected Clock), so instances sharing a
// PostgreSQL database must agree on the time: each checks its clock against the database server's at start.
import { databaseNow } from '../db/database.js'
import type { ServiceContext } from './context.js'

/** More apart than this, an instance refuses to start: a proposal could be taken by one and refused by another. */
export const MAX_CLOCK_SKEW_MS = 2000

/** How far this instance's clock is from the database server's (positive: ahead); undefined on SQLite. */
export async function measureClockSkew (ctx: ServiceContext): Promise<number | undefined> {
  // A first query opens the connection, so that the timed one is a plain round trip.
  if (await databaseNow(ctx.db) === undefined) return undefined
  const before = ctx.clock.now().getTime()
  const server = await databaseNow(ctx.db)
  if (server === undefined) return undefined
  const after = ctx.clock.now().getTime()
  // The server read its clock somewhere in the round trip: compare with the middle of it.
  return Math.round((before + after) / 2 - server.getTime())
}

export function clockSkewProblem (skewMs: number | undefined): string | undefined {
  if (skewMs === undefined || Math.abs(skewMs) <= MAX_CLOCK_SKEW_MS) return undefined
  return `this machine's clock is ${(skewMs / 1000).toFixed(1)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the database server's (at most ${MAX_CLOCK_SKEW_MS / 1000} s allowed): deadlines must mean the same on every instance; set up time synchronisation (NTP)`
}

// What every service function is given: the database and the injected clock and randomness.
import type { Db } from '../db/database.js'
import type { Clock, RandomSource } from '../deps.js'
import { uuidFromBytes } from '../domain/ids.js'

export interface ServiceContext {
  db: Db
  clock: Clock
  random: RandomSource
}

export function newId (ctx: ServiceContext): string {
  return uuidFromBytes(ctx.random.bytes(16))
}

export function nowIso (ctx: ServiceContext): string {
  return ctx.clock.now().toISOString()
}

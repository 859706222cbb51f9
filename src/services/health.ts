// The health check: the database must take a write, not merely answer a read. Writes are spaced out,
// so that a public, unauthenticated URL cannot be used to make the server fsync at will.
import { kindOf, type DatabaseKind } from '../db/database.js'
import { writeHeartbeat } from '../db/heartbeats.js'
import { lastAppliedMigration } from '../db/migrator.js'
import type { ServiceContext } from './context.js'

export interface Health { database: DatabaseKind, migration: string | null, at: string }

export function createHealthCheck (ctx: ServiceContext, instance: string, minIntervalMs: number): () => Promise<Health> {
  let last: { ms: number, health: Health } | undefined
  return async () => {
    const now = ctx.clock.now()
    if (last !== undefined && now.getTime() - last.ms < minIntervalMs) return last.health
    const at = now.toISOString()
    await ctx.db.transaction().execute(async (trx) => { await writeHeartbeat(trx, instance, at) })
    // One query, not the table introspection that migrating uses: this runs every few seconds.
    const migration = await lastAppliedMigration(ctx.db)
    last = { ms: now.getTime(), health: { database: kindOf(ctx.db), migration, at } }
    return last.health
  }
}

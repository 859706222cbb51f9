// The health check: the database must take a write, not merely answer a read.
import { databaseKind } from '../db/database.js'
import { writeHeartbeat } from '../db/heartbeats.js'
import { nowIso, type ServiceContext } from './context.js'

export async function checkHealth (ctx: ServiceContext, instance: string): Promise<{ database: string, at: string }> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => { await writeHeartbeat(trx, instance, at) })
  return { database: databaseKind, at }
}

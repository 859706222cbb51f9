// A row per instance that the health check rewrites, proving the database takes writes.
import type { Executor } from './database.js'

export async function writeHeartbeat (db: Executor, instance: string, at: string): Promise<void> {
  await db.insertInto('heartbeats').values({ instance, at })
    .onConflict((oc) => oc.column('instance').doUpdateSet({ at }))
    .execute()
}

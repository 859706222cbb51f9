// Rate-limit counters shared by every instance.
import type { Executor } from './database.js'

export async function findRateLimitHits (db: Executor, key: string) {
  return await db.selectFrom('rate_limit_hits').select(['window_start', 'window_end', 'count']).where('key', '=', key).executeTakeFirst()
}

export async function startRateLimitWindow (db: Executor, key: string, start: string, end: string): Promise<void> {
  await db.insertInto('rate_limit_hits').values({ key, window_start: start, window_end: end, count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ window_start: start, window_end: end, count: 1 }))
    .execute()
}

export async function countRateLimitHit (db: Executor, key: string): Promise<void> {
  await db.updateTable('rate_limit_hits').set((eb) => ({ count: eb('count', '+', 1) })).where('key', '=', key).execute()
}

export async function deleteRateLimitHitsBefore (db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_limit_hits').where('window_end', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}

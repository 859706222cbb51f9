// Server-side sessions, keyed by the SHA-256 of the session id.
import type { Executor } from './database.js'
import type { SessionsTable } from './schema.js'

export async function findSession (db: Executor, idHash: string) {
  return await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
}

/** Creates the session, or replaces its data and user keeping when it began. */
export async function saveSession (db: Executor, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row)
    .onConflict((oc) => oc.column('id_hash').doUpdateSet({ data: row.data, user_id: row.user_id, last_seen_at: row.last_seen_at, idle_expires_at: row.idle_expires_at }))
    .execute()
}

export async function touchSession (db: Executor, idHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt }).where('id_hash', '=', idHash).execute()
}

export async function deleteSession (db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteExpiredSessions (db: Executor, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where((eb) => eb.or([eb('idle_expires_at', '<=', now), eb('absolute_expires_at', '<=', now)])).executeTakeFirst()
  return Number(result.numDeletedRows)
}

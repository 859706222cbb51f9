// Server-side sessions, keyed by the SHA-256 of the session id.
import type { Executor } from './database.js'
import type { SessionsTable } from './schema.js'

export async function findSession (db: Executor, idHash: string) {
  return await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
}

export async function insertSession (db: Executor, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute()
}

/** Replaces a live session's data; false when the row is gone (signed out, expired). Its limits never move later here. */
export async function updateSessionData (db: Executor, idHash: string, data: string, userId: string | null, userAgent: string | null): Promise<boolean> {
  const result = await db.updateTable('sessions').set({ data, user_id: userId, user_agent: userAgent }).where('id_hash', '=', idHash).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function touchSession (db: Executor, idHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt }).where('id_hash', '=', idHash).execute()
}

export async function deleteSession (db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteSessionsOfUser (db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

export async function deleteExpiredSessions (db: Executor, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where((eb) => eb.or([eb('idle_expires_at', '<=', now), eb('absolute_expires_at', '<=', now)])).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** A user's sessions, most recently used first. */
export async function listSessionsOfUser (db: Executor, userId: string, limit: number) {
  return await db.selectFrom('sessions').select(['id_hash', 'created_at', 'last_seen_at', 'idle_expires_at', 'absolute_expires_at', 'user_agent'])
    .where('user_id', '=', userId).orderBy('last_seen_at', 'desc').orderBy('id_hash').limit(limit).execute()
}

/** Deletes one of a user's sessions; false when it is not theirs or is gone. */
export async function deleteSessionOfUser (db: Executor, userId: string, idHash: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id_hash', '=', idHash).executeTakeFirst()
  return result.numDeletedRows === 1n
}

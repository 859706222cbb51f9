// Single-use sign-in tokens, kept only as their hashes.
import type { Executor } from './database.js'
import type { SignInTokensTable } from './schema.js'

export async function insertSignInToken (db: Executor, row: SignInTokensTable): Promise<void> {
  await db.insertInto('sign_in_tokens').values(row).execute()
}

export async function findSignInToken (db: Executor, tokenHash: string, purpose: string) {
  const row = await db.selectFrom('sign_in_tokens').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst()
  return row === undefined ? undefined : { userId: row.user_id, expiresAt: row.expires_at, usedAt: row.used_at }
}

/** Marks a token used; false when it was used meanwhile, so two requests cannot both consume it. */
export async function markSignInTokenUsed (db: Executor, tokenHash: string, at: string): Promise<boolean> {
  const result = await db.updateTable('sign_in_tokens').set({ used_at: at }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function countRecentSignInTokens (db: Executor, userId: string, purpose: string, since: string): Promise<number> {
  const { n } = await db.selectFrom('sign_in_tokens').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId).where('purpose', '=', purpose).where('created_at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** Tokens past their expiry by more than `graceMs` are of no use to anyone: their hashes go. */
export async function deleteStaleSignInTokens (db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('sign_in_tokens').where('expires_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function insertSignInRequest (db: Executor, id: string, emailNormalized: string, at: string): Promise<void> {
  await db.insertInto('sign_in_requests').values({ id, email_normalized: emailNormalized, created_at: at }).execute()
}

export async function oldestSignInRequests (db: Executor, limit: number) {
  return await db.selectFrom('sign_in_requests').selectAll().orderBy('created_at').orderBy('id').limit(limit).execute()
}

/** Removes a request; false when another worker took it first. */
export async function takeSignInRequest (db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sign_in_requests').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows === 1n
}

/** Uses up every unused token of a user for `purpose`: a newer invitation, or one accepted, voids the others. */
export async function voidSignInTokens (db: Executor, userId: string, purpose: string, at: string): Promise<void> {
  await db.updateTable('sign_in_tokens').set({ used_at: at }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute()
}

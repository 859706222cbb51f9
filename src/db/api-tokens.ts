// API tokens, kept only as their hashes.
import type { Executor } from './database.js'
import type { ApiTokensTable } from './schema.js'

export async function insertApiToken (db: Executor, row: ApiTokensTable): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute()
}

/** A live token with its owner, by hash: the bearer check. */
export async function findLiveApiToken (db: Executor, tokenHash: string) {
  return await db.selectFrom('api_tokens').select(['id', 'user_id', 'last_used_at'])
    .where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst()
}

export async function listLiveApiTokens (db: Executor, userId: string, limit: number) {
  return await db.selectFrom('api_tokens').select(['id', 'name', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId).where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()
}

export async function countLiveApiTokens (db: Executor, userId: string): Promise<number> {
  const { n } = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirstOrThrow()
  return Number(n)
}

export async function findApiToken (db: Executor, id: string) {
  return await db.selectFrom('api_tokens').select(['id', 'user_id', 'revoked_at']).where('id', '=', id).executeTakeFirst()
}

export async function revokeApiToken (db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function revokeApiTokensOfUser (db: Executor, userId: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute()
}

export async function touchApiToken (db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute()
}

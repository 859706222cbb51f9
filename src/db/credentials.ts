// Passwords, TOTP secrets and recovery codes of committee members and admins.
import type { Executor } from './database.js'

export async function setPasswordHash (db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute()
}

/** Turns the second factor on; false when it is on already (a double submit, or another browser). */
export async function enableTotp (db: Executor, userId: string, secret: string, step: number, at: string): Promise<boolean> {
  const result = await db.updateTable('users').set({ totp_secret: secret, totp_last_step: step, totp_enabled_at: at })
    .where('id', '=', userId).where('totp_enabled_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * Records `step` as the last one accepted, only when it is later than the one recorded: false means another
 * request accepted this step (or a later one) first, so the code is a replay.
 */
export async function advanceTotpStep (db: Executor, userId: string, step: number): Promise<boolean> {
  const result = await db.updateTable('users').set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function replaceRecoveryCodes (db: Executor, userId: string, codeHashes: readonly string[], at: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  await db.insertInto('recovery_codes').values(codeHashes.map((codeHash) => ({ user_id: userId, code_hash: codeHash, created_at: at, used_at: null }))).execute()
}

/** Spends a recovery code; false when it is not one of the user's or was spent already. */
export async function useRecoveryCode (db: Executor, userId: string, codeHash: string, at: string): Promise<boolean> {
  const result = await db.updateTable('recovery_codes').set({ used_at: at })
    .where('user_id', '=', userId).where('code_hash', '=', codeHash).where('used_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function countUnusedRecoveryCodes (db: Executor, userId: string): Promise<number> {
  const { n } = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow()
  return Number(n)
}

export async function insertSignInFailure (db: Executor, row: { id: string, key: string, at: string }): Promise<void> {
  await db.insertInto('sign_in_failures').values(row).execute()
}

export async function touchSignInFailure (db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('sign_in_failures').set({ at }).where('id', '=', id).execute()
}

export async function deleteSignInFailure (db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('id', '=', id).execute()
}

export async function countSignInFailures (db: Executor, key: string, since: string): Promise<number> {
  const { n } = await db.selectFrom('sign_in_failures').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('key', '=', key).where('at', '>=', since).executeTakeFirstOrThrow()
  return Number(n)
}

export async function deleteSignInFailuresBefore (db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('sign_in_failures').where('at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}

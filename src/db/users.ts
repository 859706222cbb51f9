// Queries on users.
import type { Executor } from './database.js'
import type { Insertable } from 'kysely'
import type { UserRow, UsersTable } from './schema.js'

export async function insertUser (db: Executor, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(row).execute()
}

export async function findUserById (db: Executor, id: string): Promise<UserRow | undefined> {
  return await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findUserByEmail (db: Executor, normalizedEmail: string): Promise<UserRow | undefined> {
  return await db.selectFrom('users').selectAll().where('email_normalized', '=', normalizedEmail).executeTakeFirst()
}

/** Users with their vendor organisation, if any, ordered by e-mail address. */
export async function listUsers (db: Executor, page: { limit: number, offset: number }) {
  return await db.selectFrom('users')
    .leftJoin('vendor_contacts', 'vendor_contacts.user_id', 'users.id')
    .leftJoin('vendor_organisations', 'vendor_organisations.id', 'vendor_contacts.organisation_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.is_admin', 'users.disabled_at', 'users.created_at',
      'users.password_hash', 'users.totp_enabled_at', 'vendor_organisations.name as organisation_name'])
    .orderBy('users.email_normalized')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}

export async function countUsers (db: Executor): Promise<number> {
  const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
  return Number(n)
}

/** Disables (a time) or enables (null) an account; false when it was so already. */
export async function setUserDisabled (db: Executor, id: string, disabledAt: string | null): Promise<boolean> {
  const result = await db.updateTable('users').set({ disabled_at: disabledAt })
    .where('id', '=', id).where('disabled_at', disabledAt === null ? 'is not' : 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

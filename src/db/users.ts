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

// Vendor organisations and their contacts, server-side sessions, and single-use sign-in tokens.
// Frozen once landed.
import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('vendor_organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // Lower-cased, white space folded: "ACME  Security" and "Acme Security" are one organisation.
    .addColumn('name_normalized', 'text', (c) => c.notNull().unique())
    .addColumn('website', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  // A vendor contact speaks for one organisation; committee members and admins belong to none.
  await db.schema.createTable('vendor_contacts')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('vendor_organisations.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('vendor_contacts_organisation_id').on('vendor_contacts').column('organisation_id').execute()

  await db.schema.alterTable('users').addColumn('disabled_at', 'text').execute()

  // The session id is stored as its SHA-256: a copy of the database does not hold live sessions.
  await db.schema.createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('idle_expires_at', 'text', (c) => c.notNull())
    .addColumn('absolute_expires_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute()

  await db.schema.createTable('sign_in_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('sign_in_tokens_user_id').on('sign_in_tokens').column('user_id').execute()

  // Asking for a link only records the request, the same one write whether or not the address has an
  // account; the worker decides and sends. The request's answer and timing then reveal nothing.
  await db.schema.createTable('sign_in_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email_normalized', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_requests').execute()
  await db.schema.dropTable('sign_in_tokens').execute()
  await db.schema.dropTable('sessions').execute()
  await db.schema.alterTable('users').dropColumn('disabled_at').execute()
  await db.schema.dropTable('vendor_contacts').execute()
  await db.schema.dropTable('vendor_organisations').execute()
}

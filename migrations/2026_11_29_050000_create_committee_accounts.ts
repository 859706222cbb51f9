// Committee and admin accounts: passwords, TOTP and recovery codes, per-RFP roles, API tokens, and the
// failed-attempt log that limits guessing per account. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // All nullable: vendor contacts sign in by magic link and have none of these.
  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute()
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute()
  await db.schema.alterTable('users').addColumn('totp_enabled_at', 'text').execute()
  // The last 30-second step accepted: a code from that step or an earlier one is a replay.
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute()

  await db.schema.createTable('recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute()

  // A person's part in one RFP. "owner" and "evaluator" now; "key_holder" comes with sealed intake.
  await db.schema.createTable('rfp_roles')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.references('users.id'))
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rfp_roles_pk', ['rfp_id', 'user_id', 'role'])
    .execute()
  await db.schema.createIndex('rfp_roles_user_id').on('rfp_roles').column('user_id').execute()
  // Until now the author of an RFP was its only owner: keep that as a role.
  await sql`insert into rfp_roles (rfp_id, user_id, role, granted_by, granted_at)
            select id, created_by, 'owner', null, created_at from rfps`.execute(db)

  await db.schema.createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('api_tokens_user_id').on('api_tokens').column('user_id').execute()

  // Failed passwords and second-factor codes, keyed by account (the e-mail address as typed, normalised,
  // known or not): counted in a window to slow guessing across addresses and instances. A password
  // attempt reserves its row before the hash is checked and a right password takes it back.
  await db.schema.createTable('sign_in_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sign_in_failures_key_at').on('sign_in_failures').columns(['key', 'at']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute()
  await db.schema.dropTable('api_tokens').execute()
  await db.schema.dropTable('rfp_roles').execute()
  await db.schema.dropTable('recovery_codes').execute()
  for (const column of ['totp_last_step', 'totp_enabled_at', 'totp_secret', 'password_hash']) {
    await db.schema.alterTable('users').dropColumn(column).execute()
  }
}

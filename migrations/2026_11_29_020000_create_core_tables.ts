// Users, RFPs with their versions, the append-only audit log, and instance heartbeats.
// Frozen once landed: change the schema with a new dated migration.
// Instants are ISO 8601 UTC text ("2026-11-29T02:00:00.000Z") on every database, so that they sort as
// text and read back the same from SQLite and PostgreSQL; flags are integers 0/1 for the same reason.
import { PostgresAdapter, sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema.createTable('rfps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .execute()
  await db.schema.createIndex('rfps_state_published_at').on('rfps').columns(['state', 'published_at']).execute()

  await db.schema.createTable('rfp_versions')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('questions_close_at', 'text', (c) => c.notNull())
    .addColumn('proposals_due_at', 'text', (c) => c.notNull())
    .addColumn('decision_expected_at', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('frozen_at', 'text')
    .addPrimaryKeyConstraint('rfp_versions_pk', ['rfp_id', 'number'])
    .execute()

  // seq is assigned by the appender (previous + 1), not by the database: the chain needs no gaps,
  // and the primary key makes two appends that raced on the same predecessor fail instead of forking.
  await db.schema.createTable('audit_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('rfp_id', 'text')
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute()
  await db.schema.createIndex('audit_events_rfp_id').on('audit_events').columns(['rfp_id', 'seq']).execute()

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`.execute(db)
    await sql`CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db)
    await sql`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`.execute(db)
  } else {
    await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db)
    await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db)
  }

  await db.schema.createTable('heartbeats')
    .addColumn('instance', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('heartbeats').execute()
  // Dropping the table drops its triggers; the PostgreSQL function outlives it.
  await db.schema.dropTable('audit_events').execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP FUNCTION audit_events_append_only()`.execute(db)
  }
  await db.schema.dropTable('rfp_versions').execute()
  await db.schema.dropTable('rfps').execute()
  await db.schema.dropTable('users').execute()
}

// The transparency log's signed checkpoints (DESIGN §3.5). The log's leaves are the public audit events, read
// from audit_events in order, so only what the instance has signed and served is stored: each checkpoint is a
// commitment to a tree size and root that every later tree must be consistent with. Append-only, like the
// audit log. Frozen once landed.
import { PostgresAdapter, sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('transparency_checkpoints')
    .addColumn('size', 'integer', (c) => c.primaryKey().check(sql`size >= 0`))
    // The tree's root as lowercase hex, for queries; the note carries it in base64 under the signature.
    .addColumn('root_hash', 'text', (c) => c.notNull().check(sql`length(root_hash) = 64`))
    // The signed note exactly as served (C2SP tlog-checkpoint + signed-note).
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .execute()

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE FUNCTION transparency_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'transparency_checkpoints is append-only'; END $$`.execute(db)
    await sql`CREATE TRIGGER transparency_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON transparency_checkpoints
      FOR EACH ROW EXECUTE FUNCTION transparency_checkpoints_append_only()`.execute(db)
    await sql`CREATE TRIGGER transparency_checkpoints_no_truncate BEFORE TRUNCATE ON transparency_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION transparency_checkpoints_append_only()`.execute(db)
  } else {
    await sql`CREATE TRIGGER transparency_checkpoints_no_update BEFORE UPDATE ON transparency_checkpoints
      BEGIN SELECT RAISE(ABORT, 'transparency_checkpoints is append-only'); END`.execute(db)
    await sql`CREATE TRIGGER transparency_checkpoints_no_delete BEFORE DELETE ON transparency_checkpoints
      BEGIN SELECT RAISE(ABORT, 'transparency_checkpoints is append-only'); END`.execute(db)
  }
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('transparency_checkpoints').execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP FUNCTION transparency_checkpoints_append_only()`.execute(db)
  }
}

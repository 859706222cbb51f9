// Files (proposal attachments, from sealed intake on): their metadata for every backend, and their bytes in
// chunks for the database backend that several instances share. Frozen once landed.
import { PostgresAdapter, sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // A file is written first (outside any transaction: it may take a while to arrive) and committed by the
  // transaction of the action that uses it; one never committed is an orphan, swept after a grace period.
  await db.schema.createTable('stored_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('backend', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('committed_at', 'text')
    .execute()
  await db.schema.createIndex('stored_files_pending').on('stored_files').columns(['committed_at', 'created_at']).execute()

  // Binary data is bytea on PostgreSQL and blob on SQLite: the one column type that differs.
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`
  await db.schema.createTable('stored_file_chunks')
    .addColumn('file_id', 'text', (c) => c.notNull().references('stored_files.id'))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('data', binary, (c) => c.notNull())
    .addPrimaryKeyConstraint('stored_file_chunks_pk', ['file_id', 'n'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stored_file_chunks').execute()
  await db.schema.dropTable('stored_files').execute()
}

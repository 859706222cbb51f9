// Rate-limit counters in the database, so that every instance behind a load balancer counts the same
// requests. Frozen once landed.
import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('rate_limit_hits')
    // The route and the client address: swept a day after its window ends.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('rate_limit_hits_window_end').on('rate_limit_hits').column('window_end').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_hits').execute()
}

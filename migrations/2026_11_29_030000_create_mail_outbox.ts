// The mail outbox: a message is a row written in the same transaction as the action that causes it,
// rendered then, and sent later by the delivery worker. Frozen once landed.
import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Stable across retries, so a receiving server or client can drop a duplicate.
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    // pending → sending → sent | pending (retry) | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // While sending: when another worker may take the message over (its sender died), and which claim
    // the current attempt is, so a worker whose lease ran out cannot overwrite its successor's result.
    .addColumn('lease_until', 'text')
    .addColumn('claim_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute()
  await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['status', 'next_attempt_at']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute()
}

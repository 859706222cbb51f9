// The public side of an RFP's life: cancellation, vendors' registered interest, their acknowledgements of
// amendments, and the questions asked and answered in the open. Frozen once landed.
import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rfps').addColumn('cancelled_at', 'text').execute()
  await db.schema.alterTable('rfps').addColumn('cancel_reason', 'text').execute()

  await db.schema.createTable('rfp_interests')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('vendor_organisations.id'))
    .addColumn('registered_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rfp_interests_pk', ['rfp_id', 'organisation_id'])
    .execute()

  // One row per vendor and version: intake refuses a proposal until the vendor has acknowledged every amendment.
  await db.schema.createTable('rfp_acknowledgements')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('vendor_organisations.id'))
    .addColumn('acknowledged_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rfp_acknowledgements_pk', ['rfp_id', 'version', 'organisation_id'])
    .execute()

  // The asker is kept for the owners and for mail; the public record never shows it. A question from the
  // public waits in `unconfirmed` until its asker opens the mailed link; `number` is given when answered.
  await db.schema.createTable('rfp_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('asked_by', 'text', (c) => c.references('users.id'))
    .addColumn('asker_email', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('confirm_expires_at', 'text')
    .addColumn('number', 'integer')
    .addColumn('published_question', 'text')
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text', (c) => c.references('users.id'))
    .addColumn('answered_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('merged_into', 'text', (c) => c.references('rfp_questions.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('rfp_questions_number', ['rfp_id', 'number'])
    .execute()
  await db.schema.createIndex('rfp_questions_rfp_status').on('rfp_questions').columns(['rfp_id', 'status', 'asked_at']).execute()
  await db.schema.createIndex('rfp_questions_asker').on('rfp_questions').columns(['rfp_id', 'asker_email', 'asked_at']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rfp_questions').execute()
  await db.schema.dropTable('rfp_acknowledgements').execute()
  await db.schema.dropTable('rfp_interests').execute()
  await db.schema.alterTable('rfps').dropColumn('cancel_reason').execute()
  await db.schema.alterTable('rfps').dropColumn('cancelled_at').execute()
}

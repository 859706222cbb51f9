// Protests (DESIGN §2, §5): a bidder's objection to the decision, filed within the RFP's protest window, and
// the owners' written response with its resolution, which the public decision record publishes. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('protests')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    // The proposal that stood at the decision: the protest is the bidder's, whichever of its contacts filed it.
    .addColumn('proposal_id', 'text', (c) => c.notNull().references('proposals.id'))
    .addColumn('grounds', 'text', (c) => c.notNull())
    .addColumn('filed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('response', 'text')
    .addColumn('responded_by', 'text', (c) => c.references('users.id'))
    .addColumn('responded_at', 'text')
    .addCheckConstraint('protests_grounds_given', sql`grounds <> ''`)
    .addCheckConstraint('protests_resolution_known', sql`resolution is null or resolution in ('upheld', 'dismissed')`)
    // Answered all at once or not at all: a resolution never stands without its written response, author and time.
    .addCheckConstraint('protests_answered_whole', sql`(resolution is null and response is null and responded_by is null and responded_at is null)
      or (resolution is not null and response is not null and response <> '' and responded_by is not null and responded_at is not null)`)
    .execute()

  // One protest awaiting an answer per bidder at a time, even when two of its contacts file at once.
  await db.schema.createIndex('protests_one_open').on('protests').column('proposal_id').unique().where(sql.ref('resolution'), 'is', null).execute()
  await db.schema.createIndex('protests_rfp').on('protests').columns(['rfp_id', 'filed_at']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('protests').execute()
}

// Sealed intake: each RFP's opening keys, vendors' proposals with every version and file kept, consortium
// partners, and the opening ceremony. Frozen once landed.
import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // Made at publication: the public key seals what arrives; the private key is stored only wrapped by the
  // instance key named by `instance_key_id`. One pair for the proposals, one for the price envelope.
  await db.schema.createTable('rfp_opening_keys')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('wrapped_private_key', 'text', (c) => c.notNull())
    .addColumn('custody', 'text', (c) => c.notNull())
    .addColumn('instance_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rfp_opening_keys_pk', ['rfp_id', 'purpose'])
    .execute()

  // Started by an owner; confirmed by a second committee member when the committee has two or more.
  await db.schema.createTable('rfp_openings')
    .addColumn('rfp_id', 'text', (c) => c.primaryKey().references('rfps.id'))
    .addColumn('started_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_by', 'text', (c) => c.references('users.id'))
    .addColumn('opened_at', 'text')
    .execute()

  // One proposal per vendor and RFP; its versions are every submission, the current one counts.
  await db.schema.createTable('proposals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('vendor_organisations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('proposals_rfp_organisation', ['rfp_id', 'organisation_id'])
    .execute()

  await db.schema.createTable('proposal_versions')
    .addColumn('proposal_id', 'text', (c) => c.notNull().references('proposals.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('rfp_version', 'integer', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('receipt_hash', 'text', (c) => c.notNull().unique())
    .addColumn('sealed_content', 'text', (c) => c.notNull())
    .addColumn('sealed_price', 'text')
    .addPrimaryKeyConstraint('proposal_versions_pk', ['proposal_id', 'number'])
    .execute()

  // Files are sealed in the file store; the names vendors gave them are kept as metadata only.
  await db.schema.createTable('proposal_files')
    .addColumn('proposal_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('part', 'text', (c) => c.notNull())
    .addColumn('stored_file_id', 'text', (c) => c.notNull().unique().references('stored_files.id'))
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('proposal_files_pk', ['proposal_id', 'version', 'n'])
    .addForeignKeyConstraint('proposal_files_version', ['proposal_id', 'version'], 'proposal_versions', ['proposal_id', 'number'])
    .execute()

  // A consortium's partners per version; each confirms by a mailed link.
  await db.schema.createTable('proposal_partners')
    .addColumn('proposal_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('vendor_organisations.id'))
    .addColumn('confirm_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('confirmed_by', 'text', (c) => c.references('users.id'))
    .addColumn('confirmed_at', 'text')
    .addPrimaryKeyConstraint('proposal_partners_pk', ['proposal_id', 'version', 'organisation_id'])
    .addForeignKeyConstraint('proposal_partners_version', ['proposal_id', 'version'], 'proposal_versions', ['proposal_id', 'number'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('proposal_partners').execute()
  await db.schema.dropTable('proposal_files').execute()
  await db.schema.dropTable('proposal_versions').execute()
  await db.schema.dropTable('proposals').execute()
  await db.schema.dropTable('rfp_openings').execute()
  await db.schema.dropTable('rfp_opening_keys').execute()
}

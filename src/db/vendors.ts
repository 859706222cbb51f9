// Queries on vendor organisations and their contacts.
import type { Executor } from './database.js'
import type { VendorOrganisationsTable } from './schema.js'

export async function insertOrganisation (db: Executor, row: VendorOrganisationsTable): Promise<void> {
  await db.insertInto('vendor_organisations').values(row).execute()
}

export async function findOrganisationByName (db: Executor, nameNormalized: string): Promise<{ id: string } | undefined> {
  return await db.selectFrom('vendor_organisations').select('id').where('name_normalized', '=', nameNormalized).executeTakeFirst()
}

export async function insertContact (db: Executor, userId: string, organisationId: string, at: string): Promise<void> {
  await db.insertInto('vendor_contacts').values({ user_id: userId, organisation_id: organisationId, created_at: at }).execute()
}

export interface ContactRow { userId: string, organisationId: string, organisationName: string }

export async function findContact (db: Executor, userId: string): Promise<ContactRow | undefined> {
  return await db.selectFrom('vendor_contacts')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'vendor_contacts.organisation_id')
    .select(['vendor_contacts.user_id as userId', 'vendor_contacts.organisation_id as organisationId', 'vendor_organisations.name as organisationName'])
    .where('vendor_contacts.user_id', '=', userId)
    .executeTakeFirst()
}

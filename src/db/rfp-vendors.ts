// Vendors around one RFP: who registered interest, who acknowledged which amendment, and whom to mail.
import type { Executor } from './database.js'

export async function insertInterest (db: Executor, row: { rfpId: string, organisationId: string, userId: string, at: string }): Promise<boolean> {
  const result = await db.insertInto('rfp_interests')
    .values({ rfp_id: row.rfpId, organisation_id: row.organisationId, registered_by: row.userId, registered_at: row.at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return result.numInsertedOrUpdatedRows === 1n
}

export async function hasInterest (db: Executor, rfpId: string, organisationId: string): Promise<boolean> {
  return await db.selectFrom('rfp_interests').select('rfp_id').where('rfp_id', '=', rfpId).where('organisation_id', '=', organisationId).executeTakeFirst() !== undefined
}

/** Organisations that registered interest, with when, by name; at most `limit`. */
export async function listInterests (db: Executor, rfpId: string, limit: number) {
  return await db.selectFrom('rfp_interests')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'rfp_interests.organisation_id')
    .select(['vendor_organisations.id', 'vendor_organisations.name', 'rfp_interests.registered_at as registeredAt'])
    .where('rfp_interests.rfp_id', '=', rfpId)
    .orderBy('vendor_organisations.name_normalized')
    .limit(limit)
    .execute()
}

/**
 * The addresses to mail about an RFP: every contact of an organisation that registered interest, was invited
 * or has made a proposal, once each, except disabled accounts. Bidders are not registered by bidding: the
 * committee sees who registered, and must not learn from it who bid before the opening.
 */
export async function vendorAddresses (db: Executor, rfpId: string, invited: readonly string[]): Promise<string[]> {
  const rows = await db.selectFrom('vendor_contacts')
    .innerJoin('users', 'users.id', 'vendor_contacts.user_id')
    .select('users.email')
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.or([
      eb('vendor_contacts.organisation_id', 'in', eb.selectFrom('rfp_interests').select('organisation_id').where('rfp_id', '=', rfpId)),
      eb('vendor_contacts.organisation_id', 'in', eb.selectFrom('proposals').select('organisation_id').where('rfp_id', '=', rfpId)),
      ...(invited.length > 0 ? [eb('vendor_contacts.organisation_id', 'in', invited)] : [])
    ]))
    .orderBy('users.email_normalized')
    .execute()
  return [...new Set(rows.map((row) => row.email))]
}

export async function contactAddressesOf (db: Executor, organisationIds: readonly string[]): Promise<{ organisationId: string, email: string }[]> {
  if (organisationIds.length === 0) return []
  return await db.selectFrom('vendor_contacts')
    .innerJoin('users', 'users.id', 'vendor_contacts.user_id')
    .select(['vendor_contacts.organisation_id as organisationId', 'users.email'])
    .where('vendor_contacts.organisation_id', 'in', organisationIds)
    .where('users.disabled_at', 'is', null)
    .orderBy('users.email_normalized')
    .execute()
}

/** Names of the given organisations; an id that names none is absent from the map. */
export async function organisationNames (db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('vendor_organisations').select(['id', 'name']).where('id', 'in', ids).execute()
  return new Map(rows.map((row) => [row.id, row.name]))
}

/** Every organisation, by name, for an owner choosing whom to invite; at most `limit`. */
export async function listOrganisations (db: Executor, limit: number): Promise<{ id: string, name: string }[]> {
  return await db.selectFrom('vendor_organisations').select(['id', 'name']).orderBy('name_normalized').limit(limit).execute()
}

export async function insertAcknowledgement (db: Executor, row: { rfpId: string, version: number, organisationId: string, userId: string, at: string }): Promise<boolean> {
  const result = await db.insertInto('rfp_acknowledgements')
    .values({ rfp_id: row.rfpId, version: row.version, organisation_id: row.organisationId, acknowledged_by: row.userId, acknowledged_at: row.at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return result.numInsertedOrUpdatedRows === 1n
}

export async function acknowledgedVersions (db: Executor, rfpId: string, organisationId: string): Promise<number[]> {
  const rows = await db.selectFrom('rfp_acknowledgements').select('version')
    .where('rfp_id', '=', rfpId).where('organisation_id', '=', organisationId).orderBy('version').execute()
  return rows.map((row) => row.version)
}

/** Per registered organisation, the amendments it acknowledged: what the owners' page shows. */
export async function acknowledgementsByOrganisation (db: Executor, rfpId: string): Promise<Map<string, number[]>> {
  const rows = await db.selectFrom('rfp_acknowledgements').select(['organisation_id', 'version']).where('rfp_id', '=', rfpId).orderBy('version').execute()
  const map = new Map<string, number[]>()
  for (const row of rows) map.set(row.organisation_id, [...(map.get(row.organisation_id) ?? []), row.version])
  return map
}

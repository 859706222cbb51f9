// Who holds which role on which RFP.
import type { RfpMember, RfpRole } from '../domain/policy.js'
import type { Executor } from './database.js'

export async function listRfpMembers (db: Executor, rfpId: string): Promise<RfpMember[]> {
  const rows = await db.selectFrom('rfp_roles').select(['user_id', 'role']).where('rfp_id', '=', rfpId).orderBy('granted_at').orderBy('user_id').execute()
  return rows.map((row) => ({ userId: row.user_id, role: row.role as RfpRole }))
}

/** A user's roles with each RFP's slug and title, for the admin page; at most `limit`. */
export async function listRolesOfUser (db: Executor, userId: string, limit: number) {
  const rows = await db.selectFrom('rfp_roles')
    .innerJoin('rfps', 'rfps.id', 'rfp_roles.rfp_id')
    .innerJoin('rfp_versions', (join) => join.onRef('rfp_versions.rfp_id', '=', 'rfps.id').onRef('rfp_versions.number', '=', 'rfps.current_version'))
    .select(['rfps.slug', 'rfp_versions.title', 'rfp_roles.role', 'rfp_roles.granted_at'])
    .where('rfp_roles.user_id', '=', userId)
    .orderBy('rfps.slug').orderBy('rfp_roles.role')
    .limit(limit)
    .execute()
  return rows.map((row) => ({ ...row, role: row.role as RfpRole }))
}

/** Adds a role; false when the user holds it already. */
export async function insertRfpRole (db: Executor, row: { rfpId: string, userId: string, role: RfpRole, grantedBy: string | null, at: string }): Promise<boolean> {
  const result = await db.insertInto('rfp_roles')
    .values({ rfp_id: row.rfpId, user_id: row.userId, role: row.role, granted_by: row.grantedBy, granted_at: row.at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return result.numInsertedOrUpdatedRows === 1n
}

/** Removes a role; false when the user did not hold it. */
export async function deleteRfpRole (db: Executor, rfpId: string, userId: string, role: RfpRole): Promise<boolean> {
  const result = await db.deleteFrom('rfp_roles').where('rfp_id', '=', rfpId).where('user_id', '=', userId).where('role', '=', role).executeTakeFirst()
  return result.numDeletedRows === 1n
}

export async function countOwners (db: Executor, rfpId: string): Promise<number> {
  const { n } = await db.selectFrom('rfp_roles').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('rfp_id', '=', rfpId).where('role', '=', 'owner').executeTakeFirstOrThrow()
  return Number(n)
}

/** How many people hold a role on the RFP: its committee, counted once per person. */
export async function countCommitteeMembers (db: Executor, rfpId: string): Promise<number> {
  const { n } = await db.selectFrom('rfp_roles').select((eb) => eb.fn.count<number | string>('user_id').distinct().as('n'))
    .where('rfp_id', '=', rfpId).executeTakeFirstOrThrow()
  return Number(n)
}

// The committee of one RFP: owners and admins add and remove co-owners and evaluators.
import { lockForTransaction, type Trx } from '../db/database.js'
import { countCommitteeMembers, countOwners, deleteRfpRole, insertRfpRole } from '../db/rfp-roles.js'
import { findRfpState } from '../db/rfps.js'
import { findUserByEmail, findUserById } from '../db/users.js'
import { findContact } from '../db/vendors.js'
import { normalizeEmail } from '../domain/email.js'
import type { RfpRole, UserActor } from '../domain/policy.js'
import { ConflictError, InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { findVisibleRfp } from './rfps.js'

/** Refuses vendor contacts: DESIGN §1, a person may never evaluate an RFP in which their own vendor bids. */
export async function checkCommitteeUser (trx: Trx, userId: string): Promise<void> {
  if (await findContact(trx, userId) !== undefined) throw new InvalidStateError('vendor contacts cannot hold roles on an RFP')
}

/** Grants a role inside the caller's transaction; nothing happens when it is held already. */
export async function grantRoleIn (trx: Trx, at: string, actorId: string | null, rfpId: string, userId: string, role: RfpRole): Promise<void> {
  await checkCommitteeUser(trx, userId)
  if (!await insertRfpRole(trx, { rfpId, userId, role, grantedBy: actorId, at })) return
  await appendAuditEvent(trx, { at, type: 'role.granted', actorId, rfpId, public: false, data: { userId, role } })
}

/** Revokes a role inside the caller's transaction; the last owner stays. */
export async function revokeRoleIn (trx: Trx, at: string, actorId: string | null, rfpId: string, userId: string, role: RfpRole): Promise<void> {
  // The RFP's own lock first, as every change to it takes: an opening starting meanwhile sees the committee after.
  await lockForTransaction(trx, `rfp:${rfpId}`)
  // Two people revoking the last two owners at once must not both succeed.
  await lockForTransaction(trx, `rfp_roles:${rfpId}`)
  const before = await countCommitteeMembers(trx, rfpId)
  if (!await deleteRfpRole(trx, rfpId, userId, role)) throw new NotFoundError(`the user is not ${role} of that RFP`)
  // An RFP without an owner could be published or amended by nobody.
  if (role === 'owner' && await countOwners(trx, rfpId) === 0) throw new ConflictError('the RFP would have no owner left; grant the role to someone else first')
  // Dual control (DESIGN §3.1): a committee of two or more cannot shrink to one person who then opens alone.
  if (before >= 2 && await countCommitteeMembers(trx, rfpId) < 2 && await findRfpState(trx, rfpId) === 'published') {
    throw new ConflictError('until its proposals are opened, a published RFP keeps at least two committee members, so that opening them needs two people; add another member first')
  }
  await appendAuditEvent(trx, { at, type: 'role.revoked', actorId, rfpId, public: false, data: { userId, role } })
}

/** Adds a committee member, named by address, as co-owner or evaluator. */
export async function addRfpMember (ctx: ServiceContext, actor: UserActor, slug: string, email: string, role: RfpRole): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findVisibleRfp(trx, ctx, actor, slug)
    authorize(ctx, actor, { action: 'rfp.members.manage', rfp })
    const user = await findUserByEmail(trx, normalizeEmail(email))
    if (user === undefined || user.disabled_at !== null) throw invalidInput([{ path: 'email', message: 'no active committee member has this address: an admin invites people first' }])
    await grantRoleIn(trx, at, actor.userId, rfp.id, user.id, role)
  })
}

export async function removeRfpMember (ctx: ServiceContext, actor: UserActor, slug: string, userId: string, role: RfpRole): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findVisibleRfp(trx, ctx, actor, slug)
    authorize(ctx, actor, { action: 'rfp.members.manage', rfp })
    await revokeRoleIn(trx, at, actor.userId, rfp.id, userId, role)
  })
}

/** The committee with names and addresses, for its own page. */
export async function listRfpMembers (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await findVisibleRfp(ctx.db, ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.committee.view', rfp })
  const members = []
  for (const member of rfp.members) {
    const user = await findUserById(ctx.db, member.userId)
    if (user !== undefined) members.push({ userId: user.id, displayName: user.display_name, email: user.email, role: member.role })
  }
  return members
}

// Admins manage people: the list of users, disabling and enabling an account, and per-RFP roles.
import { revokeApiTokensOfUser } from '../db/api-tokens.js'
import { deleteSessionsOfUser } from '../db/sessions.js'
import { listRolesOfUser } from '../db/rfp-roles.js'
import { findRfpIdBySlug, listRfpChoices } from '../db/rfps.js'
import { countUsers, findUserById, listUsers, setUserDisabled } from '../db/users.js'
import { findContact } from '../db/vendors.js'
import type { Actor, RfpRole } from '../domain/policy.js'
import { InvalidStateError, invalidInput, NotFoundError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { grantRoleIn, revokeRoleIn } from './rfp-members.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'

const MAX_LISTED = 200

export async function listUsersPage (ctx: ServiceContext, actor: Actor, page: number, pageSize: number) {
  authorize(ctx, actor, { action: 'user.list' })
  const total = await countUsers(ctx.db)
  const pageCount = Math.max(1, Math.ceil(total / pageSize))
  if (page > pageCount) throw new NotFoundError(`there is no page ${page}; the list has ${pageCount}`)
  const rows = await listUsers(ctx.db, { limit: pageSize, offset: (page - 1) * pageSize })
  const items = rows.map((row) => ({
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    isAdmin: row.is_admin === 1,
    organisationName: row.organisation_name,
    disabled: row.disabled_at !== null,
    status: row.disabled_at !== null ? 'disabled' : row.organisation_name !== null ? 'vendor contact' : row.password_hash === null ? 'invited' : row.totp_enabled_at === null ? 'no second factor yet' : 'active'
  }))
  return { items, page, pageCount, total }
}

export async function getUserForAdmin (ctx: ServiceContext, actor: Actor, userId: string) {
  authorize(ctx, actor, { action: 'user.list' })
  const user = await findUserById(ctx.db, userId)
  if (user === undefined) throw new NotFoundError('no such user')
  const contact = await findContact(ctx.db, userId)
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    isAdmin: user.is_admin === 1,
    disabled: user.disabled_at !== null,
    organisationName: contact?.organisationName ?? null,
    hasPassword: user.password_hash !== null,
    hasSecondFactor: user.totp_enabled_at !== null,
    isSelf: actor.kind === 'user' && actor.userId === userId,
    roles: await listRolesOfUser(ctx.db, userId, MAX_LISTED),
    rfps: contact === undefined ? await listRfpChoices(ctx.db, MAX_LISTED) : []
  }
}

/** Disables an account: no sign-in, every session ended, every API token revoked. */
export async function disableUser (ctx: ServiceContext, actor: Actor, userId: string): Promise<void> {
  authorize(ctx, actor, { action: 'user.manage' })
  if (actor.kind === 'user' && actor.userId === userId) throw new InvalidStateError('you cannot disable your own account; ask another admin')
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId)
    if (user === undefined) throw new NotFoundError('no such user')
    if (!await setUserDisabled(trx, userId, at)) return
    await deleteSessionsOfUser(trx, userId)
    await revokeApiTokensOfUser(trx, userId, at)
    await appendAuditEvent(trx, { at, type: 'user.disabled', actorId: actor.kind === 'user' ? actor.userId : null, rfpId: null, public: false, data: { userId } })
  })
}

export async function enableUser (ctx: ServiceContext, actor: Actor, userId: string): Promise<void> {
  authorize(ctx, actor, { action: 'user.manage' })
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId)
    if (user === undefined) throw new NotFoundError('no such user')
    if (!await setUserDisabled(trx, userId, null)) return
    await appendAuditEvent(trx, { at, type: 'user.enabled', actorId: actor.kind === 'user' ? actor.userId : null, rfpId: null, public: false, data: { userId } })
  })
}

async function findRfpId (trx: Parameters<typeof findRfpIdBySlug>[0], slug: string): Promise<string> {
  const id = await findRfpIdBySlug(trx, slug)
  if (id === undefined) throw invalidInput([{ path: 'rfp', message: `no RFP has the slug "${slug}"` }])
  return id
}

export async function grantRole (ctx: ServiceContext, actor: Actor, userId: string, rfpSlug: string, role: RfpRole): Promise<void> {
  authorize(ctx, actor, { action: 'user.manage' })
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    if (await findUserById(trx, userId) === undefined) throw new NotFoundError('no such user')
    await grantRoleIn(trx, at, actor.kind === 'user' ? actor.userId : null, await findRfpId(trx, rfpSlug), userId, role)
  })
}

export async function revokeRole (ctx: ServiceContext, actor: Actor, userId: string, rfpSlug: string, role: RfpRole): Promise<void> {
  authorize(ctx, actor, { action: 'user.manage' })
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    await revokeRoleIn(trx, at, actor.kind === 'user' ? actor.userId : null, await findRfpId(trx, rfpSlug), userId, role)
  })
}

// A signed-in person's own account: their sessions (to revoke one), API tokens and second factor.
import { countUnusedRecoveryCodes } from '../db/credentials.js'
import { listRolesOfUser } from '../db/rfp-roles.js'
import { deleteSessionOfUser, listSessionsOfUser } from '../db/sessions.js'
import type { Actor } from '../domain/policy.js'
import { hashSecret } from '../domain/sign-in.js'
import { NotFoundError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { listApiTokens } from './api-tokens.js'
import type { Viewer } from './viewer.js'

const MAX_LISTED_SESSIONS = 50
const MAX_LISTED_ROLES = 500

/** `currentSessionId` marks the session the page is shown in, which is revoked by signing out instead. */
export async function getAccount (ctx: ServiceContext, actor: Actor, currentSessionId: string) {
  authorize(ctx, actor, { action: 'account.view' })
  if (actor.kind !== 'user') throw new TypeError('unreachable: the policy lets only users see an account')
  const current = hashSecret(currentSessionId)
  const sessions = (await listSessionsOfUser(ctx.db, actor.userId, MAX_LISTED_SESSIONS)).map((row) => ({
    // The hash of the session id names it on the page: it cannot be turned back into a cookie.
    handle: row.id_hash,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    userAgent: row.user_agent,
    current: row.id_hash === current
  }))
  return {
    sessions,
    tokens: await listApiTokens(ctx, actor.userId),
    hasSecondFactor: actor.hasSecondFactor,
    recoveryCodesLeft: actor.hasSecondFactor ? await countUnusedRecoveryCodes(ctx.db, actor.userId) : null
  }
}

export async function revokeSession (ctx: ServiceContext, actor: Actor, handle: string): Promise<void> {
  authorize(ctx, actor, { action: 'account.view' })
  if (actor.kind !== 'user') throw new TypeError('unreachable: the policy lets only users revoke sessions')
  await ctx.db.transaction().execute(async (trx) => {
    if (!await deleteSessionOfUser(trx, actor.userId, handle)) throw new NotFoundError('no such session of yours; it may have ended already')
    await appendAuditEvent(trx, { at: nowIso(ctx), type: 'auth.session_revoked', actorId: actor.userId, rfpId: null, public: false, data: {} })
  })
}

/** Who the caller is, with their roles: the API's first answer, and a check of what a token carries. */
export async function describeSelf (ctx: ServiceContext, viewer: Viewer) {
  authorize(ctx, viewer.actor, { action: 'account.view' })
  const roles = await listRolesOfUser(ctx.db, viewer.actor.userId, MAX_LISTED_ROLES)
  return {
    id: viewer.actor.userId,
    email: viewer.email,
    displayName: viewer.displayName,
    isAdmin: viewer.actor.isAdmin,
    organisation: viewer.organisationName,
    roles: roles.map((r) => ({ rfp: r.slug, role: r.role }))
  }
}

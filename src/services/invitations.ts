// Committee members and admins join by invitation: an admin (or `shortlist user add`) creates the account,
// and the invitee sets a password through a single-use link, then enrols a second factor.
import { setPasswordHash } from '../db/credentials.js'
import { lockForTransaction, type Trx } from '../db/database.js'
import { revokeApiTokensOfUser } from '../db/api-tokens.js'
import { deleteSessionsOfUser } from '../db/sessions.js'
import { findSignInToken, markSignInTokenUsed, voidSignInTokens } from '../db/sign-in-tokens.js'
import { findUserById } from '../db/users.js'
import { findContact } from '../db/vendors.js'
import type { Actor } from '../domain/policy.js'
import { encodeToken, hashSecret, INVITATION_TTL_MS, isWellFormedToken, TOKEN_BYTES, tokenState } from '../domain/sign-in.js'
import { InvalidStateError, invalidInput, NotFoundError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { recordSignInToken } from './sign-in.js'
import { hashPassword, passwordProblems } from './passwords.js'
import { addUser, checkNewUser, type NewUser } from './users.js'

const PURPOSE = 'invitation'

export const invitationPath = (token: string): string => `/invitation?token=${token}`

/**
 * Makes an invitation link for `user` inside the caller's transaction, mails it unless `mail` is false, and
 * records it in the audit log. `actorId` null is the operator at the command line.
 */
async function issueInvitation (trx: Trx, ctx: ServiceContext, actorId: string | null, user: { id: string, email: string, isAdmin: boolean }, mail: boolean): Promise<string> {
  const token = encodeToken(ctx.random.bytes(TOKEN_BYTES))
  // One live invitation per person: a link sent earlier (perhaps the one that leaked) stops working. The
  // lock keeps two admins resending at once from leaving two live links on PostgreSQL.
  await lockForTransaction(trx, `invitation:${user.id}`)
  await voidSignInTokens(trx, user.id, PURPOSE, nowIso(ctx))
  await recordSignInToken(trx, ctx, user.id, PURPOSE, token, INVITATION_TTL_MS)
  if (mail) {
    const inviter = actorId === null ? 'The operator of this Shortlist' : (await findUserById(trx, actorId))?.display_name ?? 'An admin'
    await queueMail(trx, ctx, {
      template: 'invitation',
      to: user.email,
      data: { path: invitationPath(token), inviter, role: user.isAdmin ? 'an admin' : 'a committee member', days: INVITATION_TTL_MS / 86400000 }
    })
  }
  await appendAuditEvent(trx, { at: nowIso(ctx), type: 'user.invited', actorId, rfpId: null, public: false, data: { userId: user.id } })
  return token
}

export interface Invitation extends NewUser { mail?: boolean }

/**
 * Creates a committee member or admin and invites them. `actor` null is the operator at the command line
 * (`shortlist user add`), who is given the link instead of a mail when `mail` is false.
 * Returns the link's path and query, for the command line to print.
 */
export async function inviteUser (ctx: ServiceContext, actor: Actor | null, input: Invitation): Promise<{ userId: string, path: string }> {
  if (actor !== null) authorize(ctx, actor, { action: 'user.manage' })
  const problems = checkNewUser(input)
  if (problems.length > 0) throw invalidInput(problems)
  const actorId = actor?.kind === 'user' ? actor.userId : null
  return await ctx.db.transaction().execute(async (trx) => {
    const { id } = await addUser(trx, ctx, actorId, input)
    const token = await issueInvitation(trx, ctx, actorId, { id, email: input.email.trim(), isAdmin: input.isAdmin === true }, input.mail !== false)
    return { userId: id, path: invitationPath(token) }
  })
}

/**
 * A fresh invitation for a committee member who lost theirs or their password; earlier links stop working.
 * `actor` null is the operator (the demo, which invites its chair once the back-dated story is told).
 */
export async function resendInvitation (ctx: ServiceContext, actor: Actor | null, userId: string): Promise<void> {
  if (actor !== null) authorize(ctx, actor, { action: 'user.manage' })
  const actorId = actor?.kind === 'user' ? actor.userId : null
  await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId)
    if (user === undefined) throw new NotFoundError('no such user')
    if (user.disabled_at !== null) throw new InvalidStateError('the account is disabled; enable it first')
    if (await findContact(trx, userId) !== undefined) throw new InvalidStateError('vendor contacts sign in by e-mail link, not by invitation')
    await issueInvitation(trx, ctx, actorId, { id: user.id, email: user.email, isAdmin: user.is_admin === 1 }, true)
  })
}

/** Whom an invitation is for, without using it up; undefined when it cannot be used. */
export async function previewInvitation (ctx: ServiceContext, token: string): Promise<{ email: string, displayName: string } | undefined> {
  if (!isWellFormedToken(token)) return undefined
  const found = await findSignInToken(ctx.db, hashSecret(token), PURPOSE)
  if (found === undefined || tokenState(found, ctx.clock.now()) !== 'usable') return undefined
  const user = await findUserById(ctx.db, found.userId)
  return user === undefined || user.disabled_at !== null ? undefined : { email: user.email, displayName: user.display_name }
}

/**
 * Sets the invitee's password and uses the invitation up. The password is checked and hashed before the
 * transaction, so the database is never held while argon2 works.
 */
export async function acceptInvitation (ctx: ServiceContext, token: string, password: string): Promise<{ userId: string, hasSecondFactor: boolean }> {
  const invitation = await previewInvitation(ctx, token)
  if (invitation === undefined) throw invalidInput([{ path: 'token', message: 'the invitation is used, expired or unknown; ask an admin for a new one' }])
  const problems = passwordProblems(password, invitation.email)
  if (problems.length > 0) throw invalidInput(problems)
  const passwordHash = await hashPassword(password)
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    const tokenHash = hashSecret(token)
    const found = await findSignInToken(trx, tokenHash, PURPOSE)
    const user = found === undefined ? undefined : await findUserById(trx, found.userId)
    const usable = tokenState(found, ctx.clock.now()) === 'usable'
    if (!usable || user === undefined || user.disabled_at !== null || !await markSignInTokenUsed(trx, tokenHash, at)) {
      throw invalidInput([{ path: 'token', message: 'the invitation was used meanwhile; ask an admin for a new one' }])
    }
    await setPasswordHash(trx, user.id, passwordHash)
    // A new password is a fresh start: whoever held a session or token on the old one loses it.
    await voidSignInTokens(trx, user.id, PURPOSE, at)
    await deleteSessionsOfUser(trx, user.id)
    await revokeApiTokensOfUser(trx, user.id, at)
    await appendAuditEvent(trx, { at, type: 'auth.password_set', actorId: user.id, rfpId: null, public: false, data: { via: 'invitation' } })
    return { userId: user.id, hasSecondFactor: user.totp_enabled_at !== null }
  })
}

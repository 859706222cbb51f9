// Vendors sign in by magic link (DESIGN §6): a single-use 256-bit token, stored hashed, valid ten minutes,
// consumed by a POST so that a mail scanner following the link cannot use it up.
import { countRecentSignInTokens, findSignInToken, insertSignInRequest, insertSignInToken, markSignInTokenUsed, oldestSignInRequests, takeSignInRequest } from '../db/sign-in-tokens.js'
import { findUserByEmail, findUserById } from '../db/users.js'
import { lockForTransaction, type Trx } from '../db/database.js'
import { findContact } from '../db/vendors.js'
import { isEmailAddress, maskEmail, normalizeEmail } from '../domain/email.js'
import { encodeToken, hashSecret, isWellFormedToken, MAGIC_LINK_TTL_MS, TOKEN_BYTES, tokenState } from '../domain/sign-in.js'
import { invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'

const HOUR_MS = 60 * 60 * 1000
const PURPOSE = 'magic_link'

export interface SignInLinkLimits { linksPerHour: number }

/** Records a single-use token (magic link or invitation) as its hash, valid for `ttlMs` from now. */
export async function recordSignInToken (trx: Trx, ctx: ServiceContext, userId: string, purpose: string, token: string, ttlMs: number): Promise<void> {
  const now = ctx.clock.now()
  await insertSignInToken(trx, {
    token_hash: hashSecret(token),
    user_id: userId,
    purpose,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    used_at: null
  })
}

/** Makes a link for `userId` and queues its mail, inside the caller's transaction. */
export async function sendSignInLink (trx: Trx, ctx: ServiceContext, user: { id: string, email: string }, token: string): Promise<void> {
  const now = ctx.clock.now()
  await recordSignInToken(trx, ctx, user.id, PURPOSE, token, MAGIC_LINK_TTL_MS)
  await queueMail(trx, ctx, { template: 'sign-in-link', to: user.email, data: { path: `/sign-in/confirm?token=${token}`, minutes: MAGIC_LINK_TTL_MS / 60000 } })
  await appendAuditEvent(trx, { at: now.toISOString(), type: 'auth.link_sent', actorId: null, rfpId: null, public: false, data: { userId: user.id } })
}

export function newSignInToken (ctx: ServiceContext): string {
  return encodeToken(ctx.random.bytes(TOKEN_BYTES))
}

/**
 * Records a request for a sign-in link: one write, whether or not the address has an account, so that
 * neither the answer nor its timing tells. processSignInRequests decides and sends.
 */
export async function requestSignInLink (ctx: ServiceContext, email: string): Promise<void> {
  if (!isEmailAddress(email.trim())) throw invalidInput([{ path: 'email', message: 'is not an e-mail address' }])
  await ctx.db.transaction().execute(async (trx) => { await insertSignInRequest(trx, newId(ctx), normalizeEmail(email), nowIso(ctx)) })
}

/**
 * The worker's side of requestSignInLink: each request sends a link when the address belongs to an
 * active vendor contact who has not had `linksPerHour` links this hour, and is then deleted.
 */
export async function processSignInRequests (ctx: ServiceContext, limits: SignInLinkLimits, batchSize = 100): Promise<{ sent: number, ignored: number }> {
  const report = { sent: 0, ignored: 0 }
  for (const request of await oldestSignInRequests(ctx.db, batchSize)) {
    const token = newSignInToken(ctx)
    const sent = await ctx.db.transaction().execute(async (trx) => {
      if (!await takeSignInRequest(trx, request.id)) return false
      const user = await findUserByEmail(trx, request.email_normalized)
      if (user === undefined || user.disabled_at !== null || await findContact(trx, user.id) === undefined) return false
      await lockForTransaction(trx, `sign_in_links:${user.id}`)
      const since = new Date(ctx.clock.now().getTime() - HOUR_MS).toISOString()
      if (await countRecentSignInTokens(trx, user.id, PURPOSE, since) >= limits.linksPerHour) return false
      await sendSignInLink(trx, ctx, user, token)
      return true
    })
    if (sent) report.sent++
    else report.ignored++
  }
  return report
}

/**
 * Which account a link would sign into, masked, without consuming it: the confirm page names it, so a
 * visitor sent someone else's link (to work, unknowingly, in their account) can tell.
 */
export async function previewSignInLink (ctx: ServiceContext, token: string): Promise<{ maskedEmail: string } | undefined> {
  const found = await findSignInToken(ctx.db, hashSecret(token), PURPOSE)
  if (tokenState(found, ctx.clock.now()) !== 'usable' || found === undefined) return undefined
  const user = await findUserById(ctx.db, found.userId)
  return user === undefined || user.disabled_at !== null ? undefined : { maskedEmail: maskEmail(user.email) }
}

export type SignInResult = { ok: true, userId: string } | { ok: false, reason: 'malformed' | 'unknown' | 'used' | 'expired' | 'disabled' }

/** Consumes a link. A failure is recorded in the audit log too, then reported. */
export async function consumeSignInLink (ctx: ServiceContext, token: string): Promise<SignInResult> {
  if (!isWellFormedToken(token)) return { ok: false, reason: 'malformed' }
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx): Promise<SignInResult> => {
    const tokenHash = hashSecret(token)
    const found = await findSignInToken(trx, tokenHash, PURPOSE)
    const state = tokenState(found, ctx.clock.now())
    const user = found === undefined ? undefined : await findUserById(trx, found.userId)
    const reason = state !== 'usable' ? state : user === undefined || user.disabled_at !== null ? 'disabled' : undefined
    if (reason !== undefined || user === undefined || !await markSignInTokenUsed(trx, tokenHash, at)) {
      const failed = reason ?? 'used'
      // An unknown token names no account: recording each would let anyone grow the permanent log at will.
      if (failed === 'unknown') return { ok: false, reason: failed }
      await appendAuditEvent(trx, { at, type: 'auth.sign_in_failed', actorId: null, rfpId: null, public: false, data: { method: 'magic_link', reason: failed, userId: found?.userId ?? null } })
      return { ok: false, reason: failed }
    }
    await appendAuditEvent(trx, { at, type: 'auth.signed_in', actorId: user.id, rfpId: null, public: false, data: { method: 'magic_link' } })
    return { ok: true, userId: user.id }
  })
}

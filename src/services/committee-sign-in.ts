// Committee members and admins sign in with a password and then a second factor (DESIGN §6). Wrong guesses
// are counted per account, known or not, so that guessing is slow from any number of addresses and
// instances, and the answers never tell whether an address has an account.
import { advanceTotpStep, countSignInFailures, deleteSignInFailure, enableTotp, insertSignInFailure, touchSignInFailure, replaceRecoveryCodes, useRecoveryCode } from '../db/credentials.js'
import { lockForTransaction, type Trx } from '../db/database.js'
import { findUserByEmail, findUserById } from '../db/users.js'
import { normalizeEmail } from '../domain/email.js'
import { encodeRecoveryCode, encodeTotpSecret, hashRecoveryCode, isRecoveryCodeShaped, matchTotp, RECOVERY_CODE_BYTES, RECOVERY_CODE_COUNT, TOTP_SECRET_BYTES } from '../domain/second-factor.js'
import { InvalidStateError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { verifyPassword } from './passwords.js'

export interface FailureLimits { failuresPerAccount: number, windowMs: number }

export type PasswordResult =
  | { ok: true, userId: string, next: 'second_factor' | 'enrol' }
  | { ok: false, reason: 'invalid' | 'throttled' }

const passwordKey = (email: string): string => `password:${normalizeEmail(email)}`
const secondFactorKey = (userId: string): string => `second_factor:${userId}`

async function isThrottled (trx: Trx, ctx: ServiceContext, key: string, limits: FailureLimits): Promise<boolean> {
  // Counting and recording take turns per account on PostgreSQL too, where transactions do not serialise.
  await lockForTransaction(trx, `sign_in_failures:${key}`)
  const since = new Date(ctx.clock.now().getTime() - limits.windowMs).toISOString()
  return await countSignInFailures(trx, key, since) >= limits.failuresPerAccount
}

/** The first step: the password. A vendor contact, an invitee without a password and an unknown address all fail alike. */
export async function checkPasswordSignIn (ctx: ServiceContext, email: string, password: string, limits: FailureLimits): Promise<PasswordResult> {
  const key = passwordKey(email)
  const at = nowIso(ctx)
  const attempt = { id: newId(ctx), key, at }
  // Counted and reserved as a failure in one serialised transaction before argon2 runs, so that a burst of
  // concurrent guesses cannot all pass the count; a right password takes its row back.
  const throttled = await ctx.db.transaction().execute(async (trx) => {
    if (await isThrottled(trx, ctx, key, limits)) return true
    await insertSignInFailure(trx, attempt)
    return false
  })
  if (throttled) return { ok: false, reason: 'throttled' }
  const user = await findUserByEmail(ctx.db, normalizeEmail(email))
  const matches = await verifyPassword(user?.password_hash ?? null, password)
  if (!matches || user === undefined || user.disabled_at !== null) {
    await ctx.db.transaction().execute(async (trx) => {
      if (user !== undefined) {
        await appendAuditEvent(trx, { at, type: 'auth.sign_in_failed', actorId: null, rfpId: null, public: false, data: { method: 'password', reason: matches ? 'disabled' : 'password', userId: user.id } })
      } else {
        // An unknown address names no account: recording each would let anyone grow the permanent log at
        // will. A write all the same (the reserved row, rewritten), so that both answers cost one commit.
        await touchSignInFailure(trx, attempt.id, at)
      }
    })
    return { ok: false, reason: 'invalid' }
  }
  await deleteSignInFailure(ctx.db, attempt.id)
  return { ok: true, userId: user.id, next: user.totp_enabled_at === null ? 'enrol' : 'second_factor' }
}

export type SecondFactorResult = { ok: true, method: 'totp' | 'recovery_code' } | { ok: false, reason: 'invalid' | 'throttled' }

/**
 * Checks a TOTP code (refusing a step already used) or spends a recovery code. `purpose` says what the
 * check is for in the audit log: completing a sign-in, or a step-up before a sensitive action.
 */
export async function checkSecondFactor (ctx: ServiceContext, userId: string, code: string, purpose: 'sign_in' | 'step_up', limits: FailureLimits): Promise<SecondFactorResult> {
  const key = secondFactorKey(userId)
  const now = ctx.clock.now()
  const at = now.toISOString()
  // One serialised transaction counts, checks and records: concurrent guesses cannot overrun the limit.
  return await ctx.db.transaction().execute(async (trx): Promise<SecondFactorResult> => {
    if (await isThrottled(trx, ctx, key, limits)) return { ok: false, reason: 'throttled' }
    const user = await findUserById(trx, userId)
    let method: 'totp' | 'recovery_code' | undefined
    if (user !== undefined && user.disabled_at === null && user.totp_secret !== null) {
      const step = matchTotp(user.totp_secret, code, now, user.totp_last_step)
      if (step !== undefined && await advanceTotpStep(trx, userId, step)) method = 'totp'
      else if (isRecoveryCodeShaped(code) && await useRecoveryCode(trx, userId, hashRecoveryCode(code), at)) method = 'recovery_code'
    }
    if (method === undefined) {
      await insertSignInFailure(trx, { id: newId(ctx), key, at })
      await appendAuditEvent(trx, { at, type: purpose === 'sign_in' ? 'auth.sign_in_failed' : 'auth.step_up_failed', actorId: null, rfpId: null, public: false, data: { method: 'second_factor', reason: 'code', userId } })
      return { ok: false, reason: 'invalid' }
    }
    await appendAuditEvent(trx, { at, type: purpose === 'sign_in' ? 'auth.signed_in' : 'auth.stepped_up', actorId: userId, rfpId: null, public: false, data: { method: `password+${method}` } })
    return { ok: true, method }
  })
}

/** A new TOTP secret for enrolment: kept in the session until a first code proves the app has it. */
export function newTotpSecret (ctx: ServiceContext): string {
  return encodeTotpSecret(ctx.random.bytes(TOTP_SECRET_BYTES))
}

async function issueRecoveryCodes (trx: Trx, ctx: ServiceContext, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => encodeRecoveryCode(ctx.random.bytes(RECOVERY_CODE_BYTES)))
  await replaceRecoveryCodes(trx, userId, codes.map(hashRecoveryCode), nowIso(ctx))
  return codes
}

/**
 * Turns the second factor on once a code from the new secret checks out, and returns the recovery codes,
 * to be shown once. This completes the invitee's first sign-in.
 */
export async function completeTotpEnrolment (ctx: ServiceContext, userId: string, secret: string, code: string): Promise<{ recoveryCodes: string[] }> {
  const now = ctx.clock.now()
  const step = matchTotp(secret, code, now, null)
  if (step === undefined) throw invalidInput([{ path: 'code', message: 'does not match: check the time on your phone, then type the code the app shows now' }])
  return await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId)
    if (user === undefined || user.disabled_at !== null || user.password_hash === null) throw new InvalidStateError('this account cannot enrol a second factor')
    if (user.totp_enabled_at !== null || !await enableTotp(trx, userId, secret, step, now.toISOString())) throw new InvalidStateError('a second factor is set up already')
    const recoveryCodes = await issueRecoveryCodes(trx, ctx, userId)
    await appendAuditEvent(trx, { at: now.toISOString(), type: 'auth.second_factor_enrolled', actorId: userId, rfpId: null, public: false, data: { method: 'totp' } })
    await appendAuditEvent(trx, { at: now.toISOString(), type: 'auth.signed_in', actorId: userId, rfpId: null, public: false, data: { method: 'password+totp_enrolment' } })
    return { recoveryCodes }
  })
}

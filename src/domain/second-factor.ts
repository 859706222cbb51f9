// TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app reads them) and recovery codes.
import { createHash } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'

export const TOTP_PERIOD_S = 30
/** A code from the step before or after the current one is accepted too: phone clocks drift. */
const WINDOW = 1
export const TOTP_SECRET_BYTES = 20
export const RECOVERY_CODE_COUNT = 10
/** Random bytes drawn per recovery code; 50 bits of them are used. */
export const RECOVERY_CODE_BYTES = 10

export function encodeTotpSecret (bytes: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32
}

function totp (secret: string, label = 'Shortlist', issuer = 'Shortlist'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: Secret.fromBase32(secret) })
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri (secret: string, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString()
}

export function totpStep (now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S)
}

/** The code for `now`: for tests and the demo's own checks, never shown by the service. */
export function totpCode (secret: string, now: Date): string {
  return totp(secret).generate({ timestamp: now.getTime() })
}

export function isTotpCodeShaped (code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ''))
}

/**
 * The time step a code belongs to, within one step of `now`; undefined when it matches none or its step
 * is not after `lastStep` (a replay of an accepted code, or an older one).
 */
export function matchTotp (secret: string, code: string, now: Date, lastStep: number | null): number | undefined {
  const token = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(token)) return undefined
  const delta = totp(secret).validate({ token, timestamp: now.getTime(), window: WINDOW })
  if (delta === null) return undefined
  const step = totpStep(now) + delta
  return lastStep !== null && step <= lastStep ? undefined : step
}

/** "7Q2JU-32SN6": ten base32 characters (50 bits), grouped to copy by hand. */
export function encodeRecoveryCode (bytes: Uint8Array): string {
  const base32 = new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32.slice(0, 10)
  return `${base32.slice(0, 5)}-${base32.slice(5)}`
}

/** Stored as the SHA-256 of the code without separators or case: 50 random bits need no slow hash. */
export function hashRecoveryCode (code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase(), 'utf8').digest('hex')
}

export function isRecoveryCodeShaped (code: string): boolean {
  return /^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/.test(code.trim())
}

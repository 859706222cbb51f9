// Sign-in tokens (magic links, and invitations later) and session lifetimes: pure rules, no I/O.
import { createHash } from 'node:crypto'

/** DESIGN §6: 256-bit tokens, stored only as their SHA-256, valid for 10 minutes, used once. */
export const TOKEN_BYTES = 32
export const MAGIC_LINK_TTL_MS = 10 * 60 * 1000

export function encodeToken (bytes: Uint8Array): string {
  if (bytes.length !== TOKEN_BYTES) throw new RangeError(`a token takes ${TOKEN_BYTES} bytes`)
  return Buffer.from(bytes).toString('base64url')
}

export function isWellFormedToken (token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token)
}

export function hashSecret (secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

export type TokenState = 'usable' | 'unknown' | 'used' | 'expired'

export function tokenState (token: { expiresAt: string, usedAt: string | null } | undefined, now: Date): TokenState {
  if (token === undefined) return 'unknown'
  if (token.usedAt !== null) return 'used'
  return now.getTime() < Date.parse(token.expiresAt) ? 'usable' : 'expired'
}

export interface SessionTimes {
  createdAt: string
  idleExpiresAt: string
  absoluteExpiresAt: string
}

/** A session ends at whichever comes first: its idle limit since last use, or its absolute limit since sign-in. */
export function isSessionLive (session: SessionTimes, now: Date): boolean {
  const t = now.getTime()
  return t < Date.parse(session.idleExpiresAt) && t < Date.parse(session.absoluteExpiresAt)
}

/** A user's last use is written at most this often: a write per request would fsync per request. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000

/** Invitations give a week to accept: the invitee may be away, and the link only sets a password. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** Between the password and the second factor a sign-in waits at most this long. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000

/** API tokens carry a prefix so secret scanners and people can tell what they are. */
export const API_TOKEN_PREFIX = 'sl_'

export function isWellFormedApiToken (token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && isWellFormedToken(token.slice(API_TOKEN_PREFIX.length))
}

// Password rules for committee members and admins (DESIGN §6, NIST SP 800-63B): a minimum length, long
// passphrases welcome, no composition rules, and no password found on a list of common and breached ones.
import type { Problem } from './schema-problems.js'

export const MIN_PASSWORD_LENGTH = 12
/** Long enough for any passphrase; the bound keeps one request from asking argon2 to hash a megabyte. */
export const MAX_PASSWORD_LENGTH = 1000

/** OWASP's argon2id setting: 19 MiB of memory, 2 iterations, 1 lane. */
export const ARGON2ID_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

/** One form of each password, so that the same characters typed on two keyboards hash alike. */
export function normalizePassword (password: string): string {
  return password.normalize('NFKC')
}

/** Length counts characters as people see them, not UTF-16 units. */
export function passwordLength (password: string): number {
  return [...normalizePassword(password)].length
}

export function checkPassword (password: string, context: { email: string, isCommon: (candidate: string) => boolean }): Problem[] {
  const length = passwordLength(password)
  if (length < MIN_PASSWORD_LENGTH) return [{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters; a few words make a good one` }]
  if (length > MAX_PASSWORD_LENGTH) return [{ path: 'password', message: `must be at most ${MAX_PASSWORD_LENGTH} characters` }]
  const folded = normalizePassword(password).toLowerCase()
  if (context.isCommon(folded)) return [{ path: 'password', message: 'is on a list of common or breached passwords; choose another' }]
  if (folded === context.email.trim().toLowerCase() || folded === context.email.trim().toLowerCase().split('@')[0]) {
    return [{ path: 'password', message: 'must not be your e-mail address' }]
  }
  return []
}

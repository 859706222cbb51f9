// Hashing with argon2id at OWASP's setting, and the common-password list that ships with @zxcvbn-ts.
import { hash, verify } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'
import { ARGON2ID_PARAMS, checkPassword, normalizePassword } from '../domain/password.js'
import type { Problem } from '../domain/schema-problems.js'

let common: Set<string> | undefined

/** About 49,000 passwords seen most often in breaches, lower-cased; loaded at the first check. */
export function isCommonPassword (folded: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))
  return common.has(folded)
}

export function passwordProblems (password: string, email: string): Problem[] {
  return checkPassword(password, { email, isCommon: isCommonPassword })
}

/** argon2id is the library's default algorithm (its enum is a const enum that ESM cannot import); a test checks the PHC prefix. */
export async function hashPassword (password: string): Promise<string> {
  return await hash(normalizePassword(password), ARGON2ID_PARAMS)
}

let dummy: Promise<string> | undefined

/**
 * Checks a password against a stored hash; with no hash (an unknown address, a vendor contact) it checks
 * against a throwaway one, so that the answer takes as long either way.
 */
export async function verifyPassword (storedHash: string | null, password: string): Promise<boolean> {
  dummy ??= hashPassword('no account has this password')
  const against = storedHash ?? await dummy
  let matches = false
  try {
    matches = await verify(against, normalizePassword(password))
  } catch {}
  return matches && storedHash !== null
}

// Use cases on user accounts: adding a user. Invitations, sign-in and roles have their own services.
import { insertUser, findUserByEmail } from '../db/users.js'
import { isEmailAddress, normalizeEmail } from '../domain/email.js'
import { lockForTransaction, type Trx } from '../db/database.js'
import type { Problem } from '../domain/schema-problems.js'
import { ConflictError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { newId, nowIso, type ServiceContext } from './context.js'

export interface NewUser {
  email: string
  displayName: string
  isAdmin?: boolean
}

/** Every problem with a new user's fields; empty when they are fine. */
export function checkNewUser (input: NewUser): Problem[] {
  const problems: Problem[] = []
  if (!isEmailAddress(input.email.trim())) problems.push({ path: 'email', message: 'is not an e-mail address' })
  const name = input.displayName.trim()
  if (name.length < 1 || name.length > 120) problems.push({ path: 'displayName', message: 'must be 1 to 120 characters' })
  return problems
}

/** Adds a user inside the caller's transaction; the input must have passed checkNewUser. */
export async function addUser (trx: Trx, ctx: ServiceContext, actorId: string | null, input: NewUser): Promise<{ id: string }> {
  const email = input.email.trim()
  await lockForTransaction(trx, `users.email:${normalizeEmail(email)}`)
  if (await findUserByEmail(trx, normalizeEmail(email)) !== undefined) throw new ConflictError('a user with this e-mail address exists already')
  const id = newId(ctx)
  const at = nowIso(ctx)
  await insertUser(trx, { id, email, email_normalized: normalizeEmail(email), display_name: input.displayName.trim(), is_admin: input.isAdmin === true ? 1 : 0, created_at: at })
  // Ids only: the audit log is permanent, so personal data stays out of it.
  await appendAuditEvent(trx, { at, type: 'user.created', actorId, rfpId: null, public: false, data: { userId: id, isAdmin: input.isAdmin === true } })
  return { id }
}

export async function createUser (ctx: ServiceContext, actorId: string | null, input: NewUser): Promise<{ id: string }> {
  const problems = checkNewUser(input)
  if (problems.length > 0) throw invalidInput(problems)
  return await ctx.db.transaction().execute(async (trx) => await addUser(trx, ctx, actorId, input))
}

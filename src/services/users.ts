// Use cases on user accounts. Sign-in and roles come with the accounts issue.
import { insertUser, findUserByEmail } from '../db/users.js'
import { isEmailAddress, normalizeEmail } from '../domain/email.js'
import { ConflictError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { newId, nowIso, type ServiceContext } from './context.js'

export interface NewUser {
  email: string
  displayName: string
  isAdmin?: boolean
}

export async function createUser (ctx: ServiceContext, actorId: string | null, input: NewUser): Promise<{ id: string }> {
  const email = input.email.trim()
  const displayName = input.displayName.trim()
  const problems = []
  if (!isEmailAddress(email)) problems.push({ path: 'email', message: 'is not an e-mail address' })
  if (displayName.length < 1 || displayName.length > 120) problems.push({ path: 'displayName', message: 'must be 1 to 120 characters' })
  if (problems.length > 0) throw invalidInput(problems)

  const id = newId(ctx)
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    if (await findUserByEmail(trx, normalizeEmail(email)) !== undefined) throw new ConflictError('a user with this e-mail address exists already')
    await insertUser(trx, { id, email, email_normalized: normalizeEmail(email), display_name: displayName, is_admin: input.isAdmin === true ? 1 : 0, created_at: at })
    // Ids only: the audit log is permanent, so personal data stays out of it.
    await appendAuditEvent(trx, { at, type: 'user.created', actorId, rfpId: null, public: false, data: { userId: id, isAdmin: input.isAdmin === true } })
    return { id }
  })
}

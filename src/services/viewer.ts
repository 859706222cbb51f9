// Who is making a request: the actor the policy decides on, and what pages show of them.
import { findUserById } from '../db/users.js'
import { findContact } from '../db/vendors.js'
import type { UserActor } from '../domain/policy.js'
import type { ServiceContext } from './context.js'

export interface Viewer {
  actor: UserActor
  displayName: string
  email: string
  organisationName: string | null
}

/**
 * Who a session's or token's user is now; undefined when the account is gone or disabled. Read afresh on
 * every request, so that disabling an account or a change of roles takes effect at once.
 */
export async function getViewer (ctx: ServiceContext, userId: string, secondFactorAt: string | null): Promise<Viewer | undefined> {
  const user = await findUserById(ctx.db, userId)
  if (user === undefined || user.disabled_at !== null) return undefined
  const contact = await findContact(ctx.db, userId)
  return {
    actor: {
      kind: 'user',
      userId,
      isAdmin: user.is_admin === 1,
      organisationId: contact?.organisationId ?? null,
      hasSecondFactor: user.totp_enabled_at !== null,
      secondFactorAt
    },
    displayName: user.display_name,
    email: user.email,
    organisationName: contact?.organisationName ?? null
  }
}

// Seeds the demo through the same service functions people's actions call, with a clock moved through the days.
import { ManualClock } from '../deps.js'
import { DAY_MS as DAY } from '../domain/time.js'
import type { ServiceContext } from '../services/context.js'
import { isPristine } from '../services/audit.js'
import { createRfpDraft, publishRfp } from '../services/rfps.js'
import { resendInvitation } from '../services/invitations.js'
import { createUser } from '../services/users.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from './security-audit-rfp.js'
import { InvalidStateError } from '../errors.js'

export interface DemoResult { slug: string }

/** Refuses a database in which anything has happened: the demo's back-dated events belong at the start of a chain. */
export async function seedDemo (ctx: ServiceContext): Promise<DemoResult> {
  if (!await isPristine(ctx.db)) throw new InvalidStateError('the database is in use already; the demo seeds an empty one only')
  const seededAt = ctx.clock.now()
  const clock = new ManualClock(new Date(seededAt.getTime() - 10 * DAY))
  const at = { ...ctx, clock }

  const { id: chairId } = await createUser(at, null, { email: 'chair@driftwood.example', displayName: 'Robin Okafor (working group chair)' })
  const chair = { kind: 'user' as const, userId: chairId, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
  const { id } = await createRfpDraft(at, chair, securityAuditRfp(seededAt))
  clock.set(new Date(seededAt.getTime() - 3 * DAY))
  await publishRfp(at, chair, id)
  // Invited today, as an operator would: the invitation lands in the outbox (an .eml file under the data
  // folder by default), and its link, valid for a week, lets whoever runs the demo sign in as the chair.
  await resendInvitation(ctx, null, chairId)
  return { slug: DEMO_RFP_SLUG }
}

// Seeds the demo through the same service functions people's actions call, with a clock moved through the days.
import { ManualClock } from '../deps.js'
import type { ServiceContext } from '../services/context.js'
import { createRfpDraft, isEmpty, publishRfp } from '../services/rfps.js'
import { createUser } from '../services/users.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from './security-audit-rfp.js'
import { InvalidStateError } from '../errors.js'

const DAY = 24 * 60 * 60 * 1000

export interface DemoResult { slug: string }

/** Refuses a database that holds RFPs already: the demo's back-dated events belong at the start of a chain. */
export async function seedDemo (ctx: ServiceContext): Promise<DemoResult> {
  if (!await isEmpty(ctx)) throw new InvalidStateError('the database holds RFPs already; the demo seeds an empty one only')
  const seededAt = ctx.clock.now()
  const clock = new ManualClock(new Date(seededAt.getTime() - 10 * DAY))
  const at = { ...ctx, clock }

  const chair = await createUser(at, null, { email: 'chair@driftwood.example', displayName: 'Robin Okafor (working group chair)' })
  const { id } = await createRfpDraft(at, chair.id, securityAuditRfp(seededAt))
  clock.set(new Date(seededAt.getTime() - 3 * DAY))
  await publishRfp(at, chair.id, id)
  return { slug: DEMO_RFP_SLUG }
}

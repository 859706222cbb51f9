// Services ask the policy module through these calls, at the context's clock: a refusal becomes a 403 carrying
// the policy's reason, or SL_STEP_UP when only a fresh second-factor check is missing.
import { decide, type Actor, type Request } from '../domain/policy.js'
import { ForbiddenError, StepUpRequiredError } from '../errors.js'
import type { ServiceContext } from './context.js'

export function authorize (ctx: ServiceContext, actor: Actor, request: Request): void {
  const decision = decide(actor, request, ctx.clock.now())
  if (decision.allowed) return
  throw decision.stepUp ? new StepUpRequiredError(decision.reason) : new ForbiddenError(decision.reason)
}

export function isAllowed (ctx: ServiceContext, actor: Actor, request: Request): boolean {
  return decide(actor, request, ctx.clock.now()).allowed
}

/** Whether the actor may do it once the second factor is proved again: what decides if a page offers the button. */
export function isAllowedAfterStepUp (ctx: ServiceContext, actor: Actor, request: Request): boolean {
  const decision = decide(actor, request, ctx.clock.now())
  return decision.allowed || decision.stepUp
}

// Services ask the policy module through this one call: a refusal becomes a 403 carrying the policy's reason.
import { decide, type Actor, type Request } from '../domain/policy.js'
import { ForbiddenError } from '../errors.js'

export function authorize (actor: Actor, request: Request): void {
  const decision = decide(actor, request)
  if (!decision.allowed) throw new ForbiddenError(decision.reason)
}

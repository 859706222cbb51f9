// The coded errors services throw; the HTTP layer turns each into its status and a page or JSON body.
import createError from '@fastify/error'
import type { Problem } from './domain/rfp-document.js'

export const NotFoundError = createError<'SL_NOT_FOUND', 404, [string]>('SL_NOT_FOUND', '%s', 404)
export const ForbiddenError = createError<'SL_FORBIDDEN', 403, [string]>('SL_FORBIDDEN', '%s', 403)
/** Allowed once the session proves its second factor again (DESIGN §6): pages answer with that form. */
export const StepUpRequiredError = createError<'SL_STEP_UP', 403, [string]>('SL_STEP_UP', '%s', 403)
export const TooLargeError = createError<'SL_TOO_LARGE', 413, [string]>('SL_TOO_LARGE', '%s', 413)
export const ConflictError = createError<'SL_CONFLICT', 409, [string]>('SL_CONFLICT', '%s', 409)
export const TooManyError = createError<'SL_TOO_MANY', 429, [string]>('SL_TOO_MANY', '%s', 429)
export const InvalidStateError = createError<'SL_INVALID_STATE', 409, [string]>('SL_INVALID_STATE', '%s', 409)
const InvalidInput = createError<'SL_INVALID_INPUT', 400, [string]>('SL_INVALID_INPUT', '%s', 400)

export type InvalidInputError = InstanceType<typeof InvalidInput> & { problems: Problem[] }

/** A 400 that names every problem found; its message names the first. */
export function invalidInput (problems: Problem[]): InvalidInputError {
  const [first] = problems
  const summary = first === undefined ? 'invalid input' : `${first.path}: ${first.message}`
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''
  return Object.assign(new InvalidInput(summary + more), { problems })
}

export function isInvalidInput (error: unknown): error is InvalidInputError {
  const e = error as { code?: unknown, problems?: unknown }
  return e.code === 'SL_INVALID_INPUT' && Array.isArray(e.problems)
}

// How service tests assert a refusal: the exact error class (so its code and status) and why, in the message.
import type { Test } from 'tap'

export type ErrorClass = abstract new (...args: never[]) => Error

/** Refused with exactly this error class (and so its code and status), its message matching. */
export async function refused (t: Test, action: Promise<unknown>, type: ErrorClass, message: RegExp, name: string): Promise<void> {
  const error = await action.then(() => undefined, (e: unknown) => e)
  if (error === undefined) {
    t.fail(`${name}: not refused`)
    return
  }
  t.ok(error instanceof type, `${name}: ${(error as { code?: string }).code ?? String(error)}`)
  t.match((error as Error).message, message, `${name}: why`)
}

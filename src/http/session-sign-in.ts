// The session's side of signing in: a new session id at each step, so an id planted before is worth nothing after.
import type { FastifyRequest } from 'fastify'
import { PENDING_SIGN_IN_TTL_MS } from '../domain/sign-in.js'

export interface PendingSignIn {
  userId: string
  stage: 'second_factor' | 'enrol'
  /** The half-done sign-in lapses at this instant. */
  until: string
  /** During enrolment: the new TOTP secret, saved to the account only once a first code matches it. */
  totpSecret?: string
}

const userAgentOf = (request: FastifyRequest): string => (request.headers['user-agent'] ?? 'unknown browser').slice(0, 200)

export async function completeSignIn (request: FastifyRequest, userId: string, now: Date, { secondFactor }: { secondFactor: boolean }): Promise<void> {
  await request.session.regenerate()
  request.session.userId = userId
  request.session.userAgent = userAgentOf(request)
  if (secondFactor) request.session.secondFactorAt = now.toISOString()
}

export async function beginPendingSignIn (request: FastifyRequest, userId: string, stage: PendingSignIn['stage'], now: Date): Promise<void> {
  await request.session.regenerate()
  request.session.pending = { userId, stage, until: new Date(now.getTime() + PENDING_SIGN_IN_TTL_MS).toISOString() }
}

/** The half-done sign-in at `stage`, if there is one and it has not lapsed. */
export function pendingSignIn (request: FastifyRequest, stage: PendingSignIn['stage'], now: Date): PendingSignIn | undefined {
  const pending = request.session.pending
  if (pending === undefined || pending.stage !== stage || Date.parse(pending.until) <= now.getTime()) return undefined
  return pending
}

// Server-side sessions for @fastify/session's store: ids kept hashed, idle and absolute limits on the injected clock.
import { deleteExpiredSessions, deleteSession, findSession, insertSession, touchSession, updateSessionData } from '../db/sessions.js'
import { deleteSignInFailuresBefore } from '../db/credentials.js'
import { deleteRateLimitHitsBefore } from '../db/rate-limits.js'
import { deleteStaleSignInTokens } from '../db/sign-in-tokens.js'
import { hashSecret, isSessionLive, SESSION_TOUCH_INTERVAL_MS } from '../domain/sign-in.js'
import type { ServiceContext } from './context.js'

export interface SessionLimits { idleTimeoutMs: number, absoluteTimeoutMs: number }

export type SessionData = Record<string, unknown> & { userId?: string, userAgent?: string }

const later = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString()

/** The session's data, or undefined when there is none or it has ended (an ended or damaged session is deleted). */
export async function loadSession (ctx: ServiceContext, sessionId: string, limits: SessionLimits): Promise<SessionData | undefined> {
  const idHash = hashSecret(sessionId)
  const row = await findSession(ctx.db, idHash)
  if (row === undefined) return undefined
  const now = ctx.clock.now()
  let data: SessionData | undefined
  try {
    data = JSON.parse(row.data) as SessionData
  } catch {}
  if (data === undefined || !isSessionLive({ createdAt: row.created_at, idleExpiresAt: row.idle_expires_at, absoluteExpiresAt: row.absolute_expires_at }, now)) {
    await deleteSession(ctx.db, idHash)
    return undefined
  }
  // Activity extends the idle limit, written at most once a minute rather than on every request.
  if (now.getTime() - Date.parse(row.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
    await touchSession(ctx.db, idHash, now.toISOString(), later(now, limits.idleTimeoutMs))
  }
  return data
}

/**
 * Saves a session's data. A live row is updated and keeps its limits. A missing row is created only for a
 * session that carries no user: a signed-in session comes only from sign-in (regenerate saves it empty
 * first), so a slow request finishing after sign-out or expiry cannot bring the session back.
 */
export async function storeSession (ctx: ServiceContext, sessionId: string, data: SessionData, limits: SessionLimits): Promise<void> {
  const idHash = hashSecret(sessionId)
  const userId = typeof data.userId === 'string' ? data.userId : null
  const userAgent = typeof data.userAgent === 'string' ? data.userAgent : null
  if (await updateSessionData(ctx.db, idHash, JSON.stringify(data), userId, userAgent)) return
  if (userId !== null) return
  const now = ctx.clock.now()
  await insertSession(ctx.db, {
    id_hash: idHash,
    user_id: null,
    data: JSON.stringify(data),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    idle_expires_at: later(now, limits.idleTimeoutMs),
    absolute_expires_at: later(now, limits.absoluteTimeoutMs),
    user_agent: userAgent
  })
}

export async function endSession (ctx: ServiceContext, sessionId: string): Promise<void> {
  await deleteSession(ctx.db, hashSecret(sessionId))
}

/**
 * Deletes ended sessions, sign-in tokens expired for a day, and failed attempts older than a day (the longest
 * window `signIn.windowMs` allows); run by the server's housekeeping pass.
 */
export async function sweepSessions (ctx: ServiceContext): Promise<{ sessions: number, tokens: number, failures: number, rateLimits: number }> {
  const now = ctx.clock.now()
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString()
  const sessions = await deleteExpiredSessions(ctx.db, now.toISOString())
  const tokens = await deleteStaleSignInTokens(ctx.db, dayAgo)
  const failures = await deleteSignInFailuresBefore(ctx.db, dayAgo)
  const rateLimits = await deleteRateLimitHitsBefore(ctx.db, dayAgo)
  return { sessions, tokens, failures, rateLimits }
}

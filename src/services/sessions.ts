// Server-side sessions for @fastify/session's store: ids kept hashed, idle and absolute limits on the injected clock.
import { deleteSession, findSession, saveSession, touchSession } from '../db/sessions.js'
import { hashSecret, isSessionLive, SESSION_TOUCH_INTERVAL_MS } from '../domain/sign-in.js'
import type { ServiceContext } from './context.js'

export interface SessionLimits { idleTimeoutMs: number, absoluteTimeoutMs: number }

export type SessionData = Record<string, unknown> & { userId?: string }

const later = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString()

/** The session's data, or undefined when there is none or it has ended (an ended session is deleted). */
export async function loadSession (ctx: ServiceContext, sessionId: string, limits: SessionLimits): Promise<SessionData | undefined> {
  const idHash = hashSecret(sessionId)
  const row = await findSession(ctx.db, idHash)
  if (row === undefined) return undefined
  const now = ctx.clock.now()
  if (!isSessionLive({ createdAt: row.created_at, idleExpiresAt: row.idle_expires_at, absoluteExpiresAt: row.absolute_expires_at }, now)) {
    await deleteSession(ctx.db, idHash)
    return undefined
  }
  if (now.getTime() - Date.parse(row.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
    await touchSession(ctx.db, idHash, now.toISOString(), later(now, limits.idleTimeoutMs))
  }
  return JSON.parse(row.data) as SessionData
}

export async function storeSession (ctx: ServiceContext, sessionId: string, data: SessionData, userAgent: string | undefined, limits: SessionLimits): Promise<void> {
  const now = ctx.clock.now()
  await saveSession(ctx.db, {
    id_hash: hashSecret(sessionId),
    user_id: typeof data.userId === 'string' ? data.userId : null,
    data: JSON.stringify(data),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    idle_expires_at: later(now, limits.idleTimeoutMs),
    absolute_expires_at: later(now, limits.absoluteTimeoutMs),
    user_agent: userAgent?.slice(0, 300) ?? null
  })
}

export async function endSession (ctx: ServiceContext, sessionId: string): Promise<void> {
  await deleteSession(ctx.db, hashSecret(sessionId))
}

// API tokens for /api/v1: made and revoked by their owner, shown once, stored as their SHA-256. A token
// acts as its user with exactly the roles the user has at the time of each request.
import { lockForTransaction } from '../db/database.js'
import { countLiveApiTokens, findApiToken, findLiveApiToken, insertApiToken, listLiveApiTokens, revokeApiToken as markRevoked, touchApiToken } from '../db/api-tokens.js'
import type { Actor } from '../domain/policy.js'
import { API_TOKEN_PREFIX, encodeToken, hashSecret, isWellFormedApiToken, SESSION_TOUCH_INTERVAL_MS, TOKEN_BYTES } from '../domain/sign-in.js'
import { ConflictError, invalidInput, NotFoundError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { getViewer, type Viewer } from './viewer.js'

export const MAX_LIVE_TOKENS = 20

export async function createApiToken (ctx: ServiceContext, actor: Actor, name: string): Promise<{ id: string, token: string }> {
  authorize(ctx, actor, { action: 'account.token.create' })
  if (actor.kind !== 'user') throw new TypeError('unreachable: the policy lets only users make tokens')
  const label = name.trim().replace(/\s+/g, ' ')
  if (label.length < 1 || label.length > 80) throw invalidInput([{ path: 'name', message: 'must be 1 to 80 characters' }])
  const token = API_TOKEN_PREFIX + encodeToken(ctx.random.bytes(TOKEN_BYTES))
  const id = newId(ctx)
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, `api_tokens:${actor.userId}`)
    if (await countLiveApiTokens(trx, actor.userId) >= MAX_LIVE_TOKENS) throw new ConflictError(`you have ${MAX_LIVE_TOKENS} tokens; revoke one first`)
    await insertApiToken(trx, { id, user_id: actor.userId, name: label, token_hash: hashSecret(token), created_at: at, last_used_at: null, revoked_at: null })
    await appendAuditEvent(trx, { at, type: 'auth.api_token_created', actorId: actor.userId, rfpId: null, public: false, data: { tokenId: id } })
  })
  return { id, token }
}

export async function revokeApiToken (ctx: ServiceContext, actor: Actor, tokenId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const token = await findApiToken(trx, tokenId)
    if (token === undefined) throw new NotFoundError('no such token')
    authorize(ctx, actor, { action: 'account.own', ownerId: token.user_id })
    if (!await markRevoked(trx, tokenId, nowIso(ctx))) return
    await appendAuditEvent(trx, { at: nowIso(ctx), type: 'auth.api_token_revoked', actorId: token.user_id, rfpId: null, public: false, data: { tokenId } })
  })
}

export async function listApiTokens (ctx: ServiceContext, userId: string) {
  return await listLiveApiTokens(ctx.db, userId, MAX_LIVE_TOKENS)
}

/** The viewer a bearer token stands for; undefined for a malformed, unknown or revoked token or a disabled user. */
export async function authenticateApiToken (ctx: ServiceContext, token: string): Promise<Viewer | undefined> {
  if (!isWellFormedApiToken(token)) return undefined
  const found = await findLiveApiToken(ctx.db, hashSecret(token))
  if (found === undefined) return undefined
  // No second factor is proved by a token: actions that ask for a step-up are refused over the API.
  const viewer = await getViewer(ctx, found.user_id, null)
  if (viewer === undefined) return undefined
  const now = ctx.clock.now()
  if (found.last_used_at === null || now.getTime() - Date.parse(found.last_used_at) >= SESSION_TOUCH_INTERVAL_MS) {
    await touchApiToken(ctx.db, found.id, now.toISOString())
  }
  return viewer
}

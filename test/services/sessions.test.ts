// The session store's rules, on the injected clock.
import t from 'tap'
import { sql } from 'kysely'
import { hashSecret } from '../../src/domain/sign-in.js'
import { endSession, loadSession, storeSession, sweepSessions } from '../../src/services/sessions.js'
import { createOwner, testContext } from '../helpers/app.js'

const limits = { idleTimeoutMs: 60 * 60 * 1000, absoluteTimeoutMs: 4 * 60 * 60 * 1000 }
const MINUTE = 60 * 1000

t.test('a signed-in session is never created by a save: sign-out and expiry stay final', async (t) => {
  const ctx = await testContext(t)
  const { userId } = await createOwner(ctx)
  await storeSession(ctx, 'sid', {}, limits)
  await storeSession(ctx, 'sid', { userId }, limits)
  t.same(await loadSession(ctx, 'sid', limits), { userId })
  await endSession(ctx, 'sid')
  // A slow request that loaded the session before sign-out now saves it.
  await storeSession(ctx, 'sid', { userId, _csrf: 'x' }, limits)
  t.equal(await loadSession(ctx, 'sid', limits), undefined)
  t.same(await ctx.db.selectFrom('sessions').select('id_hash').execute(), [])
})

t.test('activity extends the idle limit, at most one write a minute; the absolute limit holds anyway', async (t) => {
  const ctx = await testContext(t)
  await storeSession(ctx, 'sid', { a: 1 }, limits)
  const row = async () => await ctx.db.selectFrom('sessions').selectAll().where('id_hash', '=', hashSecret('sid')).executeTakeFirstOrThrow()
  const created = await row()
  ctx.clock.advance(30 * 1000)
  await loadSession(ctx, 'sid', limits)
  t.equal((await row()).idle_expires_at, created.idle_expires_at, 'no write within the minute')
  for (let minutes = 30; minutes < 240; minutes += 30) {
    ctx.clock.advance(30 * MINUTE)
    t.ok(await loadSession(ctx, 'sid', limits), `still live after ${minutes} minutes of use, an hour being the idle limit`)
  }
  t.equal((await row()).absolute_expires_at, created.absolute_expires_at, 'use never moves the absolute limit')
  await storeSession(ctx, 'sid', { a: 2 }, limits)
  t.equal((await row()).absolute_expires_at, created.absolute_expires_at, 'nor does saving')
  ctx.clock.set(new Date(created.absolute_expires_at))
  t.equal(await loadSession(ctx, 'sid', limits), undefined, 'ended at the absolute limit')
})

t.test('an idle session ends at its idle limit', async (t) => {
  const ctx = await testContext(t)
  await storeSession(ctx, 'sid', {}, limits)
  ctx.clock.advance(limits.idleTimeoutMs - 1)
  t.ok(await loadSession(ctx, 'sid', limits))
  ctx.clock.advance(limits.idleTimeoutMs)
  t.equal(await loadSession(ctx, 'sid', limits), undefined)
})

t.test('a damaged session is dropped, not a server error', async (t) => {
  const ctx = await testContext(t)
  await storeSession(ctx, 'sid', {}, limits)
  await sql`UPDATE sessions SET data = '{broken'`.execute(ctx.db)
  t.equal(await loadSession(ctx, 'sid', limits), undefined)
  t.same(await ctx.db.selectFrom('sessions').select('id_hash').execute(), [])
})

t.test('housekeeping deletes ended sessions, sign-in tokens a day past expiry and failed attempts a day old', async (t) => {
  const ctx = await testContext(t)
  const { userId } = await createOwner(ctx)
  await storeSession(ctx, 'old', {}, limits)
  await ctx.db.insertInto('sign_in_failures').values({ id: 'f1', key: 'password:x@example.org', at: ctx.clock.now().toISOString() }).execute()
  await ctx.db.insertInto('sign_in_tokens').values({ token_hash: 'h', user_id: userId, purpose: 'magic_link', created_at: ctx.clock.now().toISOString(), expires_at: ctx.clock.now().toISOString(), used_at: null }).execute()
  ctx.clock.advance(limits.idleTimeoutMs)
  await storeSession(ctx, 'new', {}, limits)
  t.same(await sweepSessions(ctx), { sessions: 1, tokens: 0, failures: 0, rateLimits: 0 })
  ctx.clock.advance(24 * 60 * MINUTE)
  t.same(await sweepSessions(ctx), { sessions: 1, tokens: 1, failures: 1, rateLimits: 0 })
})

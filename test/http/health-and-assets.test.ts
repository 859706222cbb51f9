import { readdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { Signer } from '@fastify/cookie'
import t from 'tap'
import { storeSession } from '../../src/services/sessions.js'
import { migrationsDir } from '../../src/paths.js'
import { buildTestApp, onPostgres, refuseWrites } from '../helpers/app.js'

t.test('/healthz writes to the database and reports it', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const res = await app.inject('/healthz')
  t.equal(res.statusCode, 200)
  const latest = readdirSync(migrationsDir).filter((f) => f.endsWith('.ts')).sort().at(-1)?.slice(0, -3)
  t.same(res.json(), { status: 'ok', database: onPostgres ? 'postgres' : 'sqlite', migration: latest, at: '2026-12-01T09:00:00.000Z' }, 'the database kind and the migration level')
  t.equal(res.headers['cache-control'], 'no-store')
  t.same(await ctx.db.selectFrom('heartbeats').select('at').execute(), [{ at: '2026-12-01T09:00:00.000Z' }])
})

t.test('/healthz writes at most once every five seconds, however often it is asked', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const first = (await app.inject('/healthz')).json()
  ctx.clock.advance(4999)
  t.same((await app.inject('/healthz')).json(), first, 'the cached answer')
  t.same(await ctx.db.selectFrom('heartbeats').select('at').execute(), [{ at: first.at }])
  ctx.clock.advance(1)
  t.equal((await app.inject('/healthz')).json().at, '2026-12-01T09:00:05.000Z')
  const rows = await ctx.db.selectFrom('heartbeats').selectAll().execute()
  t.same(rows, [{ instance: `${hostname()}:0`, at: '2026-12-01T09:00:05.000Z' }], 'one row per instance, named stably')
})

t.test('/healthz is 503 when the database refuses writes', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await refuseWrites(ctx.db, 'heartbeats', 'INSERT', 'read-only')
  const res = await app.inject('/healthz')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { status: 'unavailable', problem: 'the database did not take a write' })
})

t.test('the CSS framework and the site stylesheet are served from /assets/', async (t) => {
  const { app } = await buildTestApp(t)
  const pico = await app.inject('/assets/pico.min.css')
  t.equal(pico.statusCode, 200)
  t.match(pico.headers['content-type'], 'text/css')
  t.match(pico.body, 'Pico CSS')
  t.match(pico.headers['cache-control'], 'max-age=3600')
  const own = await app.inject('/assets/shortlist.css')
  t.equal(own.statusCode, 200)
  t.equal((await app.inject('/assets/../package.json')).statusCode, 404, 'no way out of the asset folders')
  t.equal((await app.inject('/assets/%2e%2e/package.json')).statusCode, 404)
})

t.test('assets and the health check never read or touch a session', async (t) => {
  const secret = 'a-test-session-secret-of-32-characters-or-more'
  const { app, ctx, config } = await buildTestApp(t, { config: { session: { secret } } })
  await storeSession(ctx, 'sid', {}, config.session)
  ctx.clock.advance(2 * 60 * 1000)
  const seen = async () => (await ctx.db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at
  const before = await seen()
  const cookie = `shortlist=${new Signer(secret).sign('sid')}`
  for (const url of ['/assets/shortlist.css', '/healthz']) t.equal((await app.inject({ url, headers: { cookie } })).statusCode, 200, url)
  t.equal(await seen(), before, 'not touched')
  await app.inject({ url: '/', headers: { cookie } })
  t.not(await seen(), before, 'a page does touch it: the test can see a touch')
})

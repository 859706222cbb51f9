// Closing the app lets a request in flight finish before the database closes.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { seededRandom, testConfig, testContext } from '../helpers/app.js'

t.test('an in-flight request completes while the app closes; new connections are refused', async (t) => {
  const ctx = await testContext(t, testConfig(t))
  const app = await buildApp(ctx.config, { clock: ctx.clock, random: seededRandom() })
  let arrived!: () => void
  const arrival = new Promise<void>((resolve) => { arrived = resolve })
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  app.get('/slow', async () => {
    arrived()
    await released
    const row = await app.db.selectFrom('rfps').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    return { n: Number(row.n) }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  const inFlight = fetch(`${origin}/slow`)
  await arrival
  const closing = app.close()
  await t.rejects(fetch(`${origin}/healthz`), 'stopped accepting')
  release()
  const res = await inFlight
  t.equal(res.status, 200)
  t.equal(res.headers.get('connection'), 'close', 'the client is told to let the connection go')
  t.same(await res.json(), { n: 0 }, 'the database was still open for it')
  // Without "Connection: close" this would wait for the 72-second keep-alive timeout.
  await closing
  await t.rejects(app.db.selectFrom('rfps').selectAll().execute(), 'the database is closed after')
})

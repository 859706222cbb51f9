// Load benchmark of the public pages, reported as ratios to a plain Fastify route measured in the same run.
// Run: npm run bench [-- --seconds 5 --connections 10]. Traffic goes to 127.0.0.1 only and stops by itself.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { DECIDED_RFP_SLUG } from '../src/demo/decided-rfp.js'
import { systemClock, systemRandom } from '../src/deps.js'
import { DEMO_RFP_SLUG } from '../src/demo/security-audit-rfp.js'
import { seedDemo } from '../src/demo/seed-demo.js'
import { createServiceContext } from '../src/services/context.js'
import { benchArgs } from './cli-args.js'

const { values } = parseArgs({ args: benchArgs(), options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '10' } } })
const duration = Math.min(60, Number(values.seconds))
const connections = Math.min(100, Number(values.connections))

async function load (url: string): Promise<number> {
  const result = await autocannon({ url, duration, connections })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

const dataDir = mkdtempSync(join(tmpdir(), 'shortlist-bench-'))
try {
  const config = loadConfig({ env: { SHORTLIST_CONFIG_FILE: 'config/test.json' }, overrides: { dataDir } })
  const db = openDatabase(config)
  await migrateToLatest(db)
  await seedDemo(createServiceContext({ config, db, clock: systemClock, random: systemRandom }))
  await db.destroy()

  const app = await buildApp(config)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const plain = Fastify()
  plain.get('/', async (_request, reply) => await reply.type('text/html').send('<!doctype html><title>plain</title><p>hello</p>'))
  await plain.listen({ host: '127.0.0.1', port: 0 })
  const origin = (server: { server: { address: () => unknown } }): string => `http://127.0.0.1:${(server.server.address() as { port: number }).port}`

  const baseline = await load(`${origin(plain)}/`)
  console.log(`node ${process.version}, ${duration}s × ${connections} connections per target`)
  console.log(`plain Fastify route        ${baseline.toFixed(0).padStart(7)} req/s   1.00`)
  const logSize = (await (await fetch(`${origin(app)}/transparency/checkpoint`)).text()).split('\n')[1]
  const targets = [
    ['home page /', '/'],
    ['RFP page /rfps/:slug', `/rfps/${DEMO_RFP_SLUG}`],
    ['version with diff', `/rfps/${DEMO_RFP_SLUG}/versions/3`],
    ['site feed /feed.atom', '/feed.atom'],
    ['calendar .ics', `/rfps/${DEMO_RFP_SLUG}/calendar.ics`],
    ['decision record page', `/rfps/${DECIDED_RFP_SLUG}/decision`],
    ['decision.json', `/rfps/${DECIDED_RFP_SLUG}/decision.json`],
    ['OCDS record package', `/rfps/${DECIDED_RFP_SLUG}/ocds.json`],
    ['transparency checkpoint', '/transparency/checkpoint'],
    // The demo's log is under 256 entries: its one entry bundle is the partial tile of the checkpoint's size.
    ['transparency entry bundle', `/transparency/tile/entries/000.p/${logSize}`],
    ['static /assets/pico.min.css', '/assets/pico.min.css']
  ] as const
  for (const [name, path] of targets) {
    const rate = await load(`${origin(app)}${path}`)
    console.log(`${name.padEnd(27)}${rate.toFixed(0).padStart(7)} req/s   ${(rate / baseline).toFixed(2)}`)
  }
  await app.close()
  await plain.close()
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}

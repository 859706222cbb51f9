// SQLite and PostgreSQL, one instance and two, under the same load: the public RFP page (reads) and
// POST /sign-in (a rate-limit count and a recorded request: writes), reported as ratios to a plain Fastify
// route measured in the same run. Instances are real `shortlist serve` processes (the built CLI).
// Run: npm run build && npm run bench:databases [-- --seconds 5 --connections 10]
// PostgreSQL needs TEST_POSTGRES_URL (scripts/postgres-cluster.sh start DIR PORT prints one);
// without it only SQLite is measured. Traffic goes to 127.0.0.1 only and stops by itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import pg from 'pg'
import { DEMO_RFP_SLUG } from '../src/demo/security-audit-rfp.js'
import { benchArgs } from './cli-args.js'

const { values } = parseArgs({ args: benchArgs(), options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '10' } } })
const duration = Math.min(60, Number(values.seconds))
const connections = Math.min(100, Number(values.connections))
const cli = 'dist/src/cli.js'

interface Target { url: string, method?: 'GET' | 'POST', headers?: Record<string, string>, body?: string }

/** Requests per second over all `targets` loaded at once, the connections shared between them. */
async function load (targets: Target[]): Promise<number> {
  const results = await Promise.all(targets.map(async (target) => await autocannon({ ...target, duration, connections: Math.max(1, Math.floor(connections / targets.length)) })))
  for (const [i, result] of results.entries()) {
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${targets[i]?.url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  }
  return results.reduce((sum, r) => sum + r.requests.average, 0)
}

function env (dataDir: string, databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SHORTLIST_CONFIG_FILE: 'config/test.json',
    SHORTLIST_DATA_DIR: dataDir,
    SHORTLIST_DATABASE_URL: databaseUrl,
    SHORTLIST_SESSION_SECRET: 'a bench session secret of more than thirty-two characters',
    SHORTLIST_SIGN_IN_ATTEMPTS_PER_WINDOW: '10000',
    SHORTLIST_SIGN_IN_WINDOW_MS: '1000'
  }
}

async function startInstance (environment: NodeJS.ProcessEnv): Promise<{ origin: string, child: ChildProcess }> {
  const child = spawn(process.execPath, [cli, 'serve'], { env: environment, stdio: ['ignore', 'pipe', 'inherit'] })
  const origin = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString()
      const match = /listening on (http:\/\/[^,\s]+)/.exec(out)
      if (match?.[1] !== undefined) resolve(match[1])
    })
    child.on('exit', (code) => { reject(new Error(`shortlist serve exited with ${code}`)) })
  })
  return { origin, child }
}

async function stop (child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => { child.once('exit', () => { resolve() }); child.kill('SIGTERM') })
}

/** A signed cookie and its CSRF token from the sign-in page: every POST of the run uses the same pair. */
async function signInForm (origin: string): Promise<{ cookie: string, csrf: string }> {
  const page = await fetch(`${origin}/sign-in`)
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  return { cookie, csrf }
}

async function measure (label: string, databaseUrl: string, instances: number, baseline: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shortlist-bench-'))
  try {
    const environment = env(dataDir, databaseUrl)
    const demo = spawnSync(process.execPath, [cli, 'demo'], { env: environment, encoding: 'utf8' })
    if (demo.status !== 0) throw new Error(`demo: ${demo.stderr}`)
    const running = await Promise.all(Array.from({ length: instances }, async () => await startInstance(environment)))
    try {
      const { cookie, csrf } = await signInForm(running[0]?.origin ?? '')
      const read = await load(running.map(({ origin }) => ({ url: `${origin}/rfps/${DEMO_RFP_SLUG}` })))
      const write = await load(running.map(({ origin }) => ({
        url: `${origin}/sign-in`,
        method: 'POST' as const,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'someone@example.org', _csrf: csrf }).toString()
      })))
      const row = (what: string, rate: number): string => `${`${label}, ${instances} instance${instances > 1 ? 's' : ''}`.padEnd(26)}${what.padEnd(18)}${rate.toFixed(0).padStart(7)} req/s   ${(rate / baseline).toFixed(3)}`
      console.log(row('GET /rfps/:slug', read))
      console.log(row('POST /sign-in', write))
    } finally {
      await Promise.all(running.map(async ({ child }) => { await stop(child) }))
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function onServer (server: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try { await admin.query(statement) } finally { await admin.end() }
}

/** Runs `measure` on a database made for it and dropped after. */
async function onFreshPostgresDatabase (server: string, run: (url: string) => Promise<void>): Promise<void> {
  const name = `shortlist_bench_${Date.now()}`
  await onServer(server, `create database ${name}`)
  try {
    const url = new URL(server)
    url.pathname = `/${name}`
    await run(url.toString())
  } finally {
    await onServer(server, `drop database if exists ${name} with (force)`)
  }
}

const plain = Fastify()
plain.get('/', async (_request, reply) => await reply.type('text/html').send('<!doctype html><title>plain</title><p>hello</p>'))
await plain.listen({ host: '127.0.0.1', port: 0 })
const baseline = await load([{ url: `http://127.0.0.1:${(plain.server.address() as { port: number }).port}/` }])
await plain.close()
console.log(`node ${process.version}, ${duration}s × ${connections} connections per case`)
console.log(`${'plain Fastify route'.padEnd(44)}${baseline.toFixed(0).padStart(7)} req/s   1.000`)

await measure('SQLite', '', 1, baseline)
const server = process.env.TEST_POSTGRES_URL
if (server === undefined || server === '') {
  console.log('PostgreSQL: set TEST_POSTGRES_URL to measure it too')
} else {
  await onFreshPostgresDatabase(server, async (url) => { await measure('PostgreSQL', url, 1, baseline) })
  await onFreshPostgresDatabase(server, async (url) => { await measure('PostgreSQL', url, 2, baseline) })
}

// Proposal intake under load, in one process with the app: (a) concurrent vendors each stream a large PDF while
// the process's RSS is sampled every 50 ms, to show that files are streamed and sealed, never held in memory;
// (b) submissions per second of 1 MB proposals with autocannon, as a ratio to a plain Fastify route measured
// in the same run. Every upload and submission must be accepted (303 to its receipt) or the run fails.
// Run: node --import tsx bench/proposal-uploads.ts [-- --uploads 20 --upload-mb 50 --seconds 5 --connections 10 --vendors 100]
// Traffic goes to 127.0.0.1 only and stops by itself; the temporary data folder is removed at the end.
// Submissions are rate limited per vendor contact (30 an hour), so the run spreads them over many vendors. The
// app trusts 127.0.0.1 as its proxy and each vendor's requests carry X-Forwarded-For with an address of its own,
// as they would behind a reverse proxy, so the per-address limits of other routes do not bite either.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { systemClock, systemRandom } from '../src/deps.js'
import { securityAuditRfp } from '../src/demo/security-audit-rfp.js'
import type { UserActor } from '../src/domain/policy.js'
import { DAY_MS } from '../src/domain/time.js'
import { createServiceContext } from '../src/services/context.js'
import { createRfpDraft, publishRfp } from '../src/services/rfps.js'
import { createUser } from '../src/services/users.js'
import { registerVendor } from '../src/services/vendors.js'
import { benchArgs } from './cli-args.js'

const { values } = parseArgs({
  args: benchArgs(),
  options: {
    uploads: { type: 'string', default: '20' },
    'upload-mb': { type: 'string', default: '50' },
    'proposal-mb': { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    vendors: { type: 'string', default: '100' }
  }
})
const MB = 1024 * 1024
const uploads = Math.min(50, Number(values.uploads))
const uploadBytes = Math.min(200, Number(values['upload-mb'])) * MB
const proposalBytes = Math.min(20, Number(values['proposal-mb'])) * MB
const duration = Math.min(60, Number(values.seconds))
const connections = Math.min(50, Number(values.connections))
const vendors = Math.max(uploads, connections, Math.min(1000, Number(values.vendors)))
const BOUNDARY = '----shortlist-bench-boundary-7f3a9c'
const CHUNK = 64 * 1024

// --- Memory: the process's RSS every 50 ms; the app runs in this process. -----------------------------------
let peak = 0
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 50)
const mib = (bytes: number): string => (bytes / MB).toFixed(0)

// --- Multipart bodies, `_csrf` first as the form sends it. ---------------------------------------------------
const smallPdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

function fieldPart (name: string, value: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
}

function fileHead (part: string, fileName: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files.${part}"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`
}

/** Everything before the plan's bytes, and everything after them: the other required files and the end. */
function bodyAround (csrf: string, vendor: number): { head: Buffer, tail: Buffer } {
  const head = fieldPart('_csrf', csrf) +
    fieldPart('summary', `Bench proposal of vendor ${vendor}: threat model, code review, fuzzing.`) +
    fieldPart('person_name', `Auditor ${vendor}`) + fieldPart('person_role', 'Lead') + fieldPart('person_experience', 'Ten years') +
    fileHead('plan', 'plan.pdf')
  const tail = Buffer.concat([
    Buffer.from('\r\n' + fileHead('cvs', 'cvs.pdf')), smallPdf('cvs'),
    Buffer.from('\r\n' + fileHead('example-reports', 'reports.pdf')), smallPdf('example reports'),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`)
  ])
  return { head: Buffer.from(head), tail }
}

/** A PDF-headed file of `size` bytes, made chunk by chunk from one shared block: the client holds 64 KiB. */
const BLOCK = randomBytes(CHUNK)
function * pdfBytes (size: number): Generator<Buffer> {
  const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')
  yield header
  for (let sent = header.length; sent < size; sent += CHUNK) yield BLOCK.subarray(0, Math.min(CHUNK, size - sent))
}

// --- Signing vendors in, as their browsers do: the mailed link confirmed by POST, cookies kept. ------------
class Jar {
  readonly #cookies = new Map<string, string>()
  get header (): string { return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
  keep (res: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of res.cookies) this.#cookies.set(cookie.name, cookie.value)
    return res
  }
}

const csrfIn = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

interface Session { cookie: string, csrf: string, address: string }

async function signIn (app: FastifyInstance, token: string, slug: string, address: string): Promise<Session> {
  const jar = new Jar()
  const get = async (url: string): Promise<LightMyRequestResponse> => jar.keep(await app.inject({ method: 'GET', url, headers: { cookie: jar.header }, remoteAddress: address }))
  const signInPage = await get('/sign-in')
  const confirmed = jar.keep(await app.inject({
    method: 'POST',
    url: '/sign-in/confirm',
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token, _csrf: csrfIn(signInPage.body) }).toString(),
    remoteAddress: address
  }))
  if (confirmed.statusCode !== 303) throw new Error(`sign-in refused: ${confirmed.statusCode}`)
  const form = await get(`/vendor/rfps/${slug}/proposal`)
  if (form.statusCode !== 200) throw new Error(`proposal form: ${form.statusCode}`)
  // The token is tied to the session's secret, not to one request: one body serves every submission.
  return { cookie: jar.header, csrf: csrfIn(form.body), address }
}

/** One streamed submission over a real socket: the body piped with backpressure, never built whole. */
async function streamedSubmission (origin: string, slug: string, { cookie, address }: Session, head: Buffer, size: number, tail: Buffer): Promise<string> {
  const req = request(`${origin}/vendor/rfps/${slug}/proposal`, {
    method: 'POST',
    headers: { cookie, 'x-forwarded-for': address, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': head.length + size + tail.length }
  })
  const answered = new Promise<{ status: number, location: string }>((resolve, reject) => {
    req.once('response', (res) => {
      res.resume()
      res.once('end', () => { resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? '') }) })
    })
    req.once('error', reject)
  })
  await pipeline(Readable.from((function * () { yield head; yield * pdfBytes(size); yield tail })()), req)
  const { status, location } = await answered
  if (status !== 303 || !location.includes('/receipts/')) throw new Error(`upload answered ${status} ${location}`)
  return location
}

async function countVersions (app: FastifyInstance): Promise<number> {
  const { n } = await app.ctx.db.selectFrom('proposal_versions').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
  return Number(n)
}

const dataDir = mkdtempSync(join(tmpdir(), 'shortlist-bench-'))
try {
  const config = loadConfig({
    env: { SHORTLIST_CONFIG_FILE: 'config/test.json' },
    overrides: {
      dataDir,
      proposals: { maxFileBytes: 60 * MB, maxProposalBytes: 64 * MB },
      signIn: { linksPerHour: 5, attemptsPerWindow: 10000, windowMs: 60000, failuresPerAccount: 1000 },
      http: { trustProxy: '127.0.0.1' }
    }
  })
  if (uploadBytes > config.proposals.maxFileBytes) throw new Error(`--upload-mb is above proposals.maxFileBytes (${mib(config.proposals.maxFileBytes)} MB)`)

  // An RFP published now, taking proposals for a year; one organisation per vendor, each mailed a link.
  const db = openDatabase(config)
  await migrateToLatest(db)
  const ctx = createServiceContext({ config, db, clock: systemClock, random: systemRandom })
  const { id: ownerId } = await createUser(ctx, null, { email: 'owner@bench.example', displayName: 'Owner' })
  const owner: UserActor = { kind: 'user', userId: ownerId, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
  const now = Date.now()
  const day = (n: number): string => new Date(Math.floor(now / DAY_MS + n) * DAY_MS + 17 * 3600_000).toISOString()
  const draft = { ...securityAuditRfp(new Date(now)), slug: 'bench-uploads', schedule: { questionsCloseAt: day(30), proposalsDueAt: day(365), decisionExpectedAt: day(400) } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const tokens: string[] = []
  for (let i = 0; i < vendors; i++) {
    const email = `vendor-${i}@bench.example`
    await registerVendor(ctx, { organisation: `Bench Vendor ${i}`, website: '', contactName: `Contact ${i}`, email })
    const mail = await db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow()
    tokens.push(/\/sign-in\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] ?? '')
  }
  await db.destroy()

  const app = await buildApp(config)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const plain = Fastify()
  plain.get('/bench/plain', async (_request, reply) => await reply.type('text/html').send('<!doctype html><title>plain</title><p>hello</p>'))
  await plain.listen({ host: '127.0.0.1', port: 0 })
  const origin = (server: { server: { address: () => unknown } }): string => `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
  const sessions: Session[] = []
  for (const [i, token] of tokens.entries()) sessions.push(await signIn(app, token, slug, `127.1.${i >> 8}.${(i & 255) + 1}`))

  // (a) Concurrent large uploads.
  const before = process.memoryUsage.rss()
  peak = before
  const started = performance.now()
  await Promise.all(sessions.slice(0, uploads).map(async (session, i) => {
    const { head, tail } = bodyAround(session.csrf, i)
    await streamedSubmission(origin(app), slug, session, head, uploadBytes, tail)
  }))
  const seconds = (performance.now() - started) / 1000
  const during = peak
  const after = process.memoryUsage.rss()
  if (await countVersions(app) !== uploads) throw new Error(`${uploads} uploads answered 303, but ${await countVersions(app)} versions were recorded`)

  // (b) 1 MB proposals with autocannon, each request from the next vendor in turn, with its session and body.
  const load = async (options: autocannon.Options, expect: '2xx' | '3xx'): Promise<{ rate: number, total: number }> => {
    const result = await autocannon({ duration, connections, ...options })
    const unexpected = result.requests.total - result[expect]
    if (unexpected > 0 || result.errors > 0 || result.timeouts > 0) {
      const limited = result['4xx'] > 0 ? ` (${result['4xx']} 4xx: past 30 submissions an hour per vendor? raise --vendors)` : ''
      throw new Error(`${options.url}: ${unexpected} answers not ${expect}${limited}, ${result.errors} errors, ${result.timeouts} timeouts`)
    }
    return { rate: result.requests.average, total: result.requests.total }
  }
  const baseline = await load({ url: `${origin(plain)}/bench/plain` }, '2xx')
  const plan = Buffer.concat([...pdfBytes(proposalBytes)])
  const around = sessions.map((session, i) => ({ session, ...bodyAround(session.csrf, i) }))
  let next = 0
  const versionsBefore = await countVersions(app)
  const submissions = await load({
    url: `${origin(app)}/vendor/rfps/${slug}/proposal`,
    requests: [{
      method: 'POST',
      // Built per request (one 1 MB copy), so that a hundred vendors' bodies are not all held at once.
      setupRequest: (req) => {
        const { session, head, tail } = around[next++ % around.length]!
        return { ...req, headers: { cookie: session.cookie, 'x-forwarded-for': session.address, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: Buffer.concat([head, plan, tail]) }
      }
    }]
  }, '3xx')
  const versionsAdded = await countVersions(app) - versionsBefore
  if (versionsAdded < submissions.total) throw new Error(`${submissions.total} submissions answered 303, but ${versionsAdded} versions were recorded`)

  clearInterval(sampler)
  await app.close()
  await plain.close()

  const row = (name: string, value: string): void => { console.log(`${name.padEnd(44)}${value}`) }
  console.log(`node ${process.version}; app and clients in one process; RSS sampled every 50 ms`)
  console.log(`(a) ${uploads} vendors at once, each streaming a ${mib(uploadBytes)} MB PDF (${mib(uploads * uploadBytes)} MB in all)`)
  row('  RSS before', `${mib(before)} MB`)
  row('  peak RSS during', `${mib(during)} MB  (+${mib(during - before)} MB)`)
  row('  RSS after', `${mib(after)} MB`)
  row('  time, throughput', `${seconds.toFixed(1)} s, ${(uploads * uploadBytes / MB / seconds).toFixed(0)} MB/s sealed and stored`)
  console.log(`(b) ${mib(proposalBytes)} MB proposals, ${duration} s × ${connections} connections, ${vendors} vendors taking turns`)
  row('  plain Fastify GET /bench/plain', `${baseline.rate.toFixed(0).padStart(7)} req/s   1.0000`)
  row('  POST /vendor/rfps/:slug/proposal', `${submissions.rate.toFixed(1).padStart(7)} /s      ${(submissions.rate / baseline.rate).toFixed(4)}   (${submissions.total} receipts)`)
} finally {
  clearInterval(sampler)
  rmSync(dataDir, { recursive: true, force: true })
}

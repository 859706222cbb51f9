// Two instances on one database (two connection pools, as two processes would have), in the PostgreSQL pass
// of the suite. Not on SQLite: better-sqlite3 waits for a lock synchronously, so two connections in one
// process deadlock (the holder cannot run while the waiter blocks the event loop); two SQLite processes
// are covered by the CLI-beside-server test in test/db/migrations.test.ts.
import type { Test } from 'tap'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { claimMail } from '../../src/db/mail-outbox.js'
import { commitStoredFile } from '../../src/db/stored-files.js'
import { openDatabase } from '../../src/db/database.js'
import { createMailTransport } from '../../src/mail/transport.js'
import { appendAuditEvent, verifyAuditChain } from '../../src/services/audit.js'
import { checkPasswordSignIn } from '../../src/services/committee-sign-in.js'
import { createServiceContext, type ServiceContext } from '../../src/services/context.js'
import { deliverDueMail, queueMail } from '../../src/services/mail.js'
import { processSignInRequests } from '../../src/services/sign-in.js'
import { readStoredFile, storeFile } from '../../src/services/stored-files.js'
import { buildTestApp, createCommitteeMember, onPostgres, seededRandom, testConfig, testContext } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'
import { startSmtp } from '../helpers/smtp.js'

/** A second instance's service context: its own connections to the same database, the same clock. */
function secondInstance (t: Test, ctx: ServiceContext & { config: ReturnType<typeof testConfig> }): ServiceContext {
  const db = openDatabase(ctx.config)
  t.teardown(async () => { await db.destroy() })
  return createServiceContext({ config: ctx.config, db, clock: ctx.clock, random: seededRandom('instance-b') })
}

const published = { title: 'Audit', path: '/rfps/audit', documentHash: 'ab'.repeat(32), timeZone: 'UTC', schedule: { questionsCloseAt: '2026-12-10T17:00:00Z', proposalsDueAt: '2026-12-24T17:00:00Z', decisionExpectedAt: '2027-01-15T17:00:00Z' } }

const skip = onPostgres ? false : 'two instances in one process need PostgreSQL; this runs in the PostgreSQL pass'

t.test('the outbox: each message is sent by exactly one instance; a dead instance\'s lease runs out and another sends', { skip }, async (t) => {
  const smtp = await startSmtp(t)
  const ctx = await testContext(t, testConfig(t, { mail: { url: smtp.url, batchSize: 50, leaseMs: 60_000 } }))
  const other = secondInstance(t, ctx)
  const transport = createMailTransport(ctx.config)
  t.teardown(() => { transport.close() })
  for (let i = 0; i < 30; i++) {
    await ctx.db.transaction().execute(async (trx) => { await queueMail(trx, ctx, { template: 'rfp-published', to: `vendor${i}@example.org`, data: published }) })
  }
  const [a, b] = await Promise.all([deliverDueMail(ctx, transport, ctx.config.mail), deliverDueMail(other, transport, ctx.config.mail)])
  t.equal((a?.sent ?? 0) + (b?.sent ?? 0), 30, 'thirty sent between them')
  t.equal(smtp.received.length, 30, 'thirty received')
  t.equal(new Set(smtp.received.map((m) => m.messageId)).size, 30, 'none twice')

  // Instance A claims a message and dies before settling it.
  const id = await ctx.db.transaction().execute(async (trx) => await queueMail(trx, ctx, { template: 'rfp-published', to: 'late@example.org', data: published }))
  const now = ctx.clock.now()
  t.ok(await claimMail(ctx.db, id, 'claim-of-a', now.toISOString(), new Date(now.getTime() + 60_000).toISOString()))
  t.match(await deliverDueMail(other, transport, ctx.config.mail), { sent: 0 }, 'leased: not taken over yet')
  ctx.clock.advance(60_000)
  t.match(await deliverDueMail(other, transport, ctx.config.mail), { sent: 1 }, 'the lease ran out: instance B sends it')
  t.equal(smtp.received.filter((m) => JSON.stringify(m.to).includes('late@example.org')).length, 1)
})

t.test('the audit chain stays one chain when two instances append at once', { skip }, async (t) => {
  const ctx = await testContext(t)
  const other = secondInstance(t, ctx)
  const append = async (instance: ServiceContext, n: number) => {
    await instance.db.transaction().execute(async (trx) => {
      await appendAuditEvent(trx, { at: instance.clock.now().toISOString(), type: 'test.appended', actorId: null, rfpId: null, public: false, data: { n } })
    })
  }
  await Promise.all(Array.from({ length: 40 }, async (_, i) => await append(i % 2 === 0 ? ctx : other, i)))
  t.match(await verifyAuditChain(ctx.db), { intact: true, count: 40 })
})

t.test('sessions, sign-in links and per-account limits work whichever instance answers', { skip }, async (t) => {
  const { app, ctx } = await buildTestApp(t, { demo: true })
  const appB = await buildApp(ctx.config, { clock: ctx.clock, random: seededRandom('app-b') })
  t.teardown(async () => { await appB.close() })
  const onA = new Visitor(app)
  const _csrf = await onA.csrfFrom('/vendor/register')
  await onA.post('/vendor/register', { organisation: 'Acme', website: '', contactName: 'Ada', email: 'ada@acme.example', _csrf })
  await processSignInRequests(ctx, { linksPerHour: 5 })
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', 'ada@acme.example').executeTakeFirstOrThrow()
  const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] ?? ''

  // The link is confirmed on B, with the CSRF token of a page B served to the same browser.
  const onB = new Visitor(appB)
  onB.setCookie('shortlist', /shortlist=([^;]+)/.exec(onA.cookie)?.[1] ?? '')
  const csrfB = await onB.csrfFrom(`/sign-in/confirm?token=${token}`)
  const signedIn = await onB.post('/sign-in/confirm', { token, _csrf: csrfB })
  t.equal(signedIn.statusCode, 303)
  onA.setCookie('shortlist', /shortlist=([^;]+)/.exec(onB.cookie)?.[1] ?? '')
  t.equal((await onA.get('/vendor')).statusCode, 200, 'the session made on B works on A')
  t.equal((await onB.get('/vendor')).statusCode, 200, 'and on B')

  const limits = { failuresPerAccount: 4, windowMs: 15 * 60 * 1000 }
  const other = secondInstance(t, ctx)
  await createCommitteeMember(ctx, 'member@example.org')
  for (const instance of [ctx, other, ctx, other]) await checkPasswordSignIn(instance, 'member@example.org', 'wrong password guess', limits)
  t.same(await checkPasswordSignIn(other, 'member@example.org', 'wrong password guess', limits), { ok: false, reason: 'throttled' }, 'failures on both instances count together')
})

t.test('per-address rate limits count the requests of every instance, on the shared clock', { skip }, async (t) => {
  const { app, ctx } = await buildTestApp(t, { config: { signIn: { attemptsPerWindow: 3, windowMs: 60_000 } } })
  const appB = await buildApp(ctx.config, { clock: ctx.clock, random: seededRandom('app-b') })
  t.teardown(async () => { await appB.close() })
  const statuses: number[] = []
  for (const instance of [app, appB, app, appB]) statuses.push((await new Visitor(instance).get('/sign-in')).statusCode)
  t.same(statuses, [200, 200, 200, 429], 'the fourth request in the window is refused, whichever instance it reaches')
  t.equal((await new Visitor(app).get('/vendor/register')).statusCode, 200, 'each route counts on its own')
  ctx.clock.advance(60_000)
  t.equal((await new Visitor(appB).get('/sign-in')).statusCode, 200, 'a new window')
})

t.test('a file stored in the database by one instance is read by the other', { skip }, async (t) => {
  const ctx = await testContext(t, testConfig(t, { storage: { backend: 'database', chunkBytes: 4096 } }))
  const other = secondInstance(t, ctx)
  async function * bytes (): AsyncIterable<Uint8Array> { yield Buffer.alloc(9000, 7) }
  const stored = await storeFile(ctx, bytes(), { maxBytes: 10_000 })
  await ctx.db.transaction().execute(async (trx) => { await commitStoredFile(trx, stored.id, ctx.clock.now().toISOString()) })
  const parts: Buffer[] = []
  for await (const part of (await readStoredFile(other, stored.id)).content) parts.push(Buffer.from(part))
  t.same(Buffer.concat(parts), Buffer.alloc(9000, 7))
})

// Delivery through a real SMTP server: parts and headers, retries, restarts, permanent failures, leases.
import t from 'tap'
import type { Test } from 'tap'
import { claimMail, findMail, markMailFailed, markMailSent, scheduleMailRetry } from '../../src/db/mail-outbox.js'
import { openDatabase } from '../../src/db/database.js'
import { createMailTransport } from '../../src/mail/transport.js'
import { createServiceContext } from '../../src/services/context.js'
import { deliverDueMail, queueMail, requeueMail } from '../../src/services/mail.js'
import { T0, seededRandom, testConfig, testContext, refuseWrites } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'
import { ManualClock } from '../../src/deps.js'

const MINUTE = 60000

async function setup (t: Test, smtpUrl: string) {
  let config = testConfig(t, { mail: { url: smtpUrl, retryBaseMs: MINUTE, retryMaxMs: 8 * MINUTE, maxAttempts: 4, sendTimeoutMs: 5000 } })
  const ctx = await testContext(t, config)
  config = ctx.config
  const transport = createMailTransport(config)
  t.teardown(() => { transport.close() })
  const queue = async (to = 'vendor@example.org'): Promise<string> =>
    await ctx.db.transaction().execute(async (trx) => await queueMail(trx, ctx, {
      template: 'rfp-published',
      to,
      data: { title: 'Audit of A & B <2027>', path: '/rfps/audit', documentHash: 'ab'.repeat(32), timeZone: 'Europe/Amsterdam', schedule: { questionsCloseAt: '2026-12-10T17:00:00Z', proposalsDueAt: '2026-12-24T17:00:00Z', decisionExpectedAt: '2027-01-15T17:00:00Z' } }
    }))
  const pass = async () => await deliverDueMail(ctx, transport, config.mail)
  return { config, ctx, transport, queue, pass }
}

t.test('a message arrives with a text and an HTML part and the right headers', async (t) => {
  const smtp = await startSmtp(t)
  const { ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  t.same(await pass(), { sent: 1, retrying: 0, failed: 0, lost: 0 })
  t.equal(smtp.received.length, 1)
  const [mail] = smtp.received
  const row = await findMail(ctx.db, id)
  t.equal(mail?.messageId, row?.message_id)
  t.match(row?.message_id, /^<[0-9a-f-]{36}@localhost>$/)
  t.equal(mail?.subject, 'Published: Audit of A & B <2027>', 'the subject is not HTML-escaped')
  t.same(mail?.from?.value, [{ address: 'shortlist@shortlist.localhost', name: 'Shortlist' }])
  t.equal((mail?.to as { text: string }).text, 'vendor@example.org')
  t.equal(mail?.headers.get('auto-submitted'), 'auto-generated')
  t.equal(mail?.date?.toISOString(), T0.toISOString())
  t.match(mail?.text, 'Your RFP "Audit of A & B <2027>" is published:\nhttp://localhost:3000/rfps/audit\n')
  t.match(mail?.text, 'Proposals due:     Thu, 24 Dec 2026, 18:00 CET')
  t.match(mail?.html, '<strong>Audit of A &amp; B &lt;2027&gt;</strong>', 'the HTML part escapes')
  t.match(mail?.html, '<a href="http://localhost:3000/rfps/audit">')
  t.match(await findMail(ctx.db, id), { status: 'sent', attempts: 1, sent_at: T0.toISOString(), last_error: null })
  t.same(await pass(), { sent: 0, retrying: 0, failed: 0, lost: 0 }, 'a sent message is not sent again')
})

t.test('a 4xx refusal is retried after the backoff and delivered exactly once, with the same Message-ID', async (t) => {
  const smtp = await startSmtp(t)
  const { ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  smtp.refuse({ responseCode: 451, message: 'try again later' })
  t.same(await pass(), { sent: 0, retrying: 1, failed: 0, lost: 0 })
  t.match(await findMail(ctx.db, id), { status: 'pending', attempts: 1, last_error: /^451 .*try again later/, next_attempt_at: new Date(T0.getTime() + MINUTE).toISOString() })

  ctx.clock.advance(MINUTE - 1000)
  t.same(await pass(), { sent: 0, retrying: 0, failed: 0, lost: 0 }, 'not before the backoff has passed')
  ctx.clock.advance(1000)
  t.same(await pass(), { sent: 1, retrying: 0, failed: 0, lost: 0 })
  t.equal(smtp.received.length, 1)
  t.equal(smtp.attempts.length, 2)
  t.equal(smtp.attempts[0], smtp.attempts[1], 'the Message-ID is stable across attempts')
  t.match(await findMail(ctx.db, id), { status: 'sent', attempts: 2 })
})

t.test('with the server down the message waits, survives a restart, and is delivered after', async (t) => {
  const probe = await startSmtp(t)
  const port = probe.port
  await probe.close()
  const { config, ctx, queue, pass } = await setup(t, `smtp://127.0.0.1:${port}`)
  const id = await queue()
  t.same(await pass(), { sent: 0, retrying: 1, failed: 0, lost: 0 })
  t.match((await findMail(ctx.db, id))?.last_error, /ECONNECTION|ECONNREFUSED/)

  // A new process: its own database handle and transport, on the same file.
  const db = openDatabase(config)
  t.teardown(async () => { await db.destroy() })
  const clock = new ManualClock(new Date(T0.getTime() + MINUTE))
  const restarted = createServiceContext({ config, db, clock, random: seededRandom('restart') })
  const smtp = await startSmtp(t, { port })
  const transport = createMailTransport(config)
  t.teardown(() => { transport.close() })
  t.same(await deliverDueMail(restarted, transport, config.mail), { sent: 1, retrying: 0, failed: 0, lost: 0 })
  t.equal(smtp.received.length, 1)
})

t.test('a 5xx refusal fails at once with its reason, and can be re-queued', async (t) => {
  const smtp = await startSmtp(t)
  const { ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  smtp.refuse({ responseCode: 550, message: 'mailbox unavailable' })
  t.same(await pass(), { sent: 0, retrying: 0, failed: 1, lost: 0 })
  t.match(await findMail(ctx.db, id), { status: 'failed', attempts: 1, last_error: /^550 .*mailbox unavailable/ })
  ctx.clock.advance(24 * 60 * MINUTE)
  t.same(await pass(), { sent: 0, retrying: 0, failed: 0, lost: 0 }, 'a failed message stays failed')

  await requeueMail(ctx, null, id)
  t.match(await findMail(ctx.db, id), { status: 'pending', attempts: 0, last_error: null })
  await t.rejects(requeueMail(ctx, null, id), { statusCode: 409, code: 'SL_INVALID_STATE' }, 'only a failed message')
  await t.rejects(requeueMail(ctx, null, 'no-such-id'), { statusCode: 404, code: 'SL_NOT_FOUND' })
  t.same(await pass(), { sent: 1, retrying: 0, failed: 0, lost: 0 })
  t.equal(smtp.received.length, 1)
})

t.test('temporary failures give up after the configured attempts, doubling the wait each time', async (t) => {
  const smtp = await startSmtp(t)
  const { ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  const waits: number[] = []
  for (let i = 0; i < 4; i++) smtp.refuse({ responseCode: 421, message: 'busy' })
  for (let attempt = 1; attempt <= 3; attempt++) {
    t.same(await pass(), { sent: 0, retrying: 1, failed: 0, lost: 0 })
    const next = Date.parse((await findMail(ctx.db, id))?.next_attempt_at ?? '')
    waits.push(next - ctx.clock.now().getTime())
    ctx.clock.set(new Date(next))
  }
  t.same(waits, [MINUTE, 2 * MINUTE, 4 * MINUTE])
  t.same(await pass(), { sent: 0, retrying: 0, failed: 1, lost: 0 })
  t.match(await findMail(ctx.db, id), { status: 'failed', attempts: 4, last_error: /^gave up after 4 attempts: 421 / })
})

t.test('a message left sending by a worker that died is taken over when its lease expires', async (t) => {
  const smtp = await startSmtp(t)
  const { config, ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  // Another worker claimed it and died before marking it.
  await ctx.db.updateTable('mail_outbox').set({ status: 'sending', attempts: 1, lease_until: new Date(T0.getTime() + config.mail.leaseMs).toISOString() }).where('id', '=', id).execute()
  ctx.clock.advance(config.mail.leaseMs - 1000)
  t.same(await pass(), { sent: 0, retrying: 0, failed: 0, lost: 0 }, 'not while the lease holds')
  ctx.clock.advance(1000)
  t.same(await pass(), { sent: 1, retrying: 0, failed: 0, lost: 0 })
  t.match(await findMail(ctx.db, id), { status: 'sent', attempts: 2 })
})

t.test('an address that is not one is refused when queued', async (t) => {
  const { queue } = await setup(t, 'smtp://127.0.0.1:25')
  await t.rejects(queue('not an address'), { statusCode: 400, code: 'SL_INVALID_INPUT' })
})

t.test('a worker whose lease ran out cannot overwrite the result of the worker that took over', async (t) => {
  const smtp = await startSmtp(t)
  const { config, ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  // Worker A claims the message, then stalls past its lease.
  const stale = { id, claimId: 'worker-a' }
  await claimMail(ctx.db, id, stale.claimId, ctx.clock.now().toISOString(), new Date(T0.getTime() + config.mail.leaseMs).toISOString())
  ctx.clock.advance(config.mail.leaseMs)
  t.match(await pass(), { sent: 1 }, 'worker B takes over and delivers')
  t.equal(await scheduleMailRetry(ctx.db, stale, ctx.clock.now().toISOString(), '421 late'), false, 'A\'s late failure changes nothing')
  t.equal(await markMailFailed(ctx.db, stale, '550 late'), false)
  t.equal(await markMailSent(ctx.db, stale, ctx.clock.now().toISOString()), false)
  t.match(await findMail(ctx.db, id), { status: 'sent', last_error: null })
  t.equal(smtp.received.length, 1)
})

t.test('a database error after a delivered send is not taken for a failed send', async (t) => {
  const smtp = await startSmtp(t)
  const { ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  await refuseWrites(ctx.db, 'mail_outbox', 'UPDATE', 'disk full, say', { column: 'status', equals: 'sent' })
  await t.rejects(pass(), /disk full, say/)
  t.equal(smtp.received.length, 1)
  t.match(await findMail(ctx.db, id), { status: 'sending', last_error: null }, 'left to its lease, not rescheduled as a failure')
})

t.test('a refused login is the server\'s failure: the message is retried and the pass stops', async (t) => {
  const smtp = await startSmtp(t, { credentials: { user: 'shortlist', pass: 'right' } })
  const { ctx, queue, pass } = await setup(t, smtp.url.replace('smtp://', 'smtp://shortlist:wrong@'))
  const first = await queue('a@example.org')
  ctx.clock.advance(1)
  const second = await queue('b@example.org')
  t.same(await pass(), { sent: 0, retrying: 1, failed: 0, lost: 0 })
  t.match(await findMail(ctx.db, first), { status: 'pending', attempts: 1, last_error: /535 .*AUTH/ })
  t.match(await findMail(ctx.db, second), { status: 'pending', attempts: 0, last_error: null }, 'the next message keeps its attempts')
  t.equal(smtp.received.length, 0)
})

t.test('a message whose senders keep dying is failed once it has used its attempts', async (t) => {
  const smtp = await startSmtp(t)
  const { config, ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  await ctx.db.updateTable('mail_outbox').set({ status: 'sending', attempts: config.mail.maxAttempts, claim_id: 'dead', lease_until: T0.toISOString() }).where('id', '=', id).execute()
  t.same(await pass(), { sent: 0, retrying: 0, failed: 1, lost: 0 })
  t.match(await findMail(ctx.db, id), { status: 'failed', last_error: /^gave up after 4 attempts: the worker sending it stopped/ })
  t.equal(smtp.received.length, 0)
})

t.test('STARTTLS is required from a server that is not this machine', async (t) => {
  // 127.0.0.2 is on the loopback interface but not on the list of names the transport treats as local.
  const smtp = await startSmtp(t, { host: '127.0.0.2' })
  const { ctx, queue, pass } = await setup(t, smtp.url)
  const id = await queue()
  t.same(await pass(), { sent: 0, retrying: 1, failed: 0, lost: 0 })
  t.match((await findMail(ctx.db, id))?.last_error, /STARTTLS|ETLS/)
  t.equal(smtp.received.length, 0)
})

t.test('stopping aborts a send in progress and the pass', async (t) => {
  const smtp = await startSmtp(t, { hang: true })
  const { config, ctx, queue, transport } = await setup(t, smtp.url)
  const id = await queue()
  const stop = new AbortController()
  const arrived = smtp.nextData()
  const passing = deliverDueMail(ctx, transport, config.mail, stop.signal)
  await arrived
  stop.abort()
  t.same(await passing, { sent: 0, retrying: 1, failed: 0, lost: 0 })
  t.match(await findMail(ctx.db, id), { status: 'pending', attempts: 1 })
})

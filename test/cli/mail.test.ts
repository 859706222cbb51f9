// shortlist mail flush | list | retry, against a real SMTP server.
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli.js'
import type { CliIo } from '../../src/commands/io.js'
import { registerVendor } from '../../src/services/vendors.js'
import { requestSignInLink } from '../../src/services/sign-in.js'
import { testConfig, testContext } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'

/**
 * What the demo queues: four vendors' sign-in links; three publication notices to the chair; eight proposal
 * receipts (four on the decided RFP, four on the closed one, where one vendor replaced its proposal); the
 * decided RFP's four decision notices; three new-question notices to the chair; three answers and two
 * amendments to each of two vendors; and the chair's invitation.
 */
const DEMO_MAILS = 33

async function run (args: string[], env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env: { SHORTLIST_CONFIG_FILE: 'config/test.json', ...env }, cwd: process.cwd(), out: (l) => out.push(l), err: (l) => err.push(l) }
  return { code: await main(args, io), out, err }
}

t.test('flush sends what is due; a refused message is listed as failed and can be retried', async (t) => {
  const smtp = await startSmtp(t)
  const env = { SHORTLIST_DATA_DIR: t.testdir(), SHORTLIST_MAIL_URL: smtp.url }
  await run(['demo'], env)
  t.same(await run(['mail', 'list', '--failed'], env), { code: 0, out: ['no failed messages'], err: [] })
  // Newest first: the chair's invitation (sent as the demo is seeded) … the back-dated sign-in links of the
  // vendors registered first, all at the same instant.
  const listed = (await run(['mail', 'list'], env)).out
  t.equal(listed.length, DEMO_MAILS)
  t.match(listed[0], /^[0-9a-f-]{36} {2}pending {2}\S+ {2}chair@driftwood\.example {2}You are invited to Shortlist$/)
  t.match(listed.at(-1), /^[0-9a-f-]{36} {2}pending {2}\S+ {2}\S+@\S+\.example {2}Your Shortlist sign-in link$/)
  t.ok(listed.some((line) => / {2}chair@driftwood\.example {2}Published: Independent security audit of Driftwood 2\.0$/.test(line)))

  smtp.refuse({ responseCode: 550, message: 'no such mailbox' })
  t.same(await run(['mail', 'flush'], env), { code: 0, out: [`mail: ${DEMO_MAILS - 1} sent, 0 to retry, 1 failed (over SMTP)`], err: [] }, 'the first one sent, one of the oldest, is refused')
  const failed = await run(['mail', 'list', '--failed'], env)
  t.match(failed.out, [/^[0-9a-f-]{36} {2}failed .*Your Shortlist sign-in link {2}\[1 attempts: 550 .*no such mailbox.*\]$/])
  const id = failed.out[0]?.slice(0, 36) ?? ''

  t.same(await run(['mail', 'retry', id], env), { code: 0, out: [`mail ${id} is queued again`], err: [] })
  t.same(await run(['mail', 'retry', id], env), { code: 1, out: [], err: [`shortlist: message ${id} is pending; only a failed message can be re-queued`] })
  t.same((await run(['mail', 'flush'], env)).out, ['mail: 1 sent, 0 to retry, 0 failed (over SMTP)'])
  t.equal(smtp.received.length, DEMO_MAILS)
  t.same((await run(['verify'], env)).code, 0, 'the re-queue is in the audit chain, which still verifies')
})

t.test('with no mail server configured, flush writes .eml files', async (t) => {
  const dir = t.testdir()
  await run(['demo'], { SHORTLIST_DATA_DIR: dir })
  t.same((await run(['mail', 'flush'], { SHORTLIST_DATA_DIR: dir })).out, [`mail: ${DEMO_MAILS} sent, 0 to retry, 0 failed (written under ${dir}/mail)`], 'everything the demo queued')
})

t.test('flush first turns sign-in requests into links, as the server\'s pass does', async (t) => {
  const dir = t.testdir()
  await run(['migrate'], { SHORTLIST_DATA_DIR: dir })
  // On the real clock, as the CLI runs: mail queued in the future would not be due yet.
  const ctx = await testContext(t, testConfig(t, { dataDir: dir, database: { url: join(dir, 'shortlist.sqlite') } }), new Date())
  await registerVendor(ctx, { organisation: 'Acme', website: '', contactName: 'Ada', email: 'ada@acme.example' })
  await requestSignInLink(ctx, 'ada@acme.example')
  await requestSignInLink(ctx, 'nobody@acme.example')
  t.same((await run(['mail', 'flush'], { SHORTLIST_DATA_DIR: dir })).out, [`mail: 2 sent, 0 to retry, 0 failed (written under ${dir}/mail)`], 'the registration link and the requested one')
})

t.test('usage errors', async (t) => {
  const env = { SHORTLIST_DATA_DIR: t.testdir() }
  t.match(await run(['mail'], env), { code: 2, err: ['shortlist mail: unknown action "" (use flush, list [--failed] or retry ID)'] })
  t.match(await run(['mail', 'retry'], env), { code: 2, err: [/give the id of a failed message/] })
  t.match(await run(['mail', 'retry', 'nope'], env), { code: 1, err: ['shortlist: no message nope in the outbox'] })
})

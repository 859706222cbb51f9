// The shortlist command as a real process: exit codes, one-line config errors, graceful shutdown.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import t from 'tap'

function start (args: string[], env: Record<string, string>, cli = ['--import', 'tsx', 'src/cli.ts']) {
  const child = spawn(process.execPath, [...cli, ...args], {
    env: { PATH: process.env.PATH ?? '', SHORTLIST_CONFIG_FILE: 'config/test.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  return { child, exited, output: () => ({ stdout, stderr }) }
}

t.test('a bad configuration value exits non-zero with exactly one line', async (t) => {
  const run = start(['serve'], { SHORTLIST_DATA_DIR: t.testdir(), SHORTLIST_PORT: '99999' })
  const [code] = await run.exited
  t.equal(code, 78)
  t.equal(run.output().stderr, 'config: port (SHORTLIST_PORT): must be <= 65535\n')
  t.equal(run.output().stdout, '')
})

t.test('serve answers, then on SIGTERM stops and closes the database cleanly', async (t) => {
  const dir = t.testdir()
  const run = start(['serve', '--demo-if-empty'], { SHORTLIST_DATA_DIR: dir })
  t.teardown(() => { run.child.kill('SIGKILL') })
  let origin: string | undefined
  for await (const chunk of run.child.stdout) {
    origin = /listening on (http:\/\/\S+),/.exec(run.output().stdout)?.[1]
    if (origin !== undefined || chunk === null) break
  }
  t.ok(origin, run.output().stdout + run.output().stderr)
  const home = await fetch(`${origin}/`)
  t.equal(home.status, 200)
  t.match(await home.text(), 'Independent security audit of Driftwood 2.0')
  t.ok(existsSync(join(dir, 'shortlist.sqlite-wal')), 'the WAL is open while serving')

  run.child.kill('SIGTERM')
  const [code, signal] = await run.exited
  t.same([code, signal], [0, null], 'a clean exit')
  t.notOk(existsSync(join(dir, 'shortlist.sqlite-wal')), 'closing the database checkpointed and removed the WAL')
  await t.rejects(fetch(`${origin}/`), 'no longer accepting')

  // The demo's mail (the chair's invitation, the publication notice, and the vendors' news) is written as
  // .eml files, with no mail server configured: what the server's pass had not sent yet, a flush sends.
  const flush = start(['mail', 'flush'], { SHORTLIST_DATA_DIR: dir })
  t.equal((await flush.exited)[0], 0, flush.output().stderr)
  const mails = await Promise.all(readdirSync(join(dir, 'mail')).map(async (name) => await simpleParser(readFileSync(join(dir, 'mail', name)))))
  t.equal(mails.length, 33)
  t.ok(mails.some((m) => m.subject === 'Published: Independent security audit of Driftwood 2.0'))
  t.ok(mails.some((m) => m.subject === 'You are invited to Shortlist'))
  t.match(mails.find((m) => m.subject === 'You are invited to Shortlist')?.text, /http:\/\/localhost:3000\/invitation\?token=[A-Za-z0-9_-]{43}\n/)
  const mail = mails.find((m) => m.subject === 'Published: Independent security audit of Driftwood 2.0')
  if (mail === undefined) throw new Error('no publication mail')
  t.same(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [], ['chair@driftwood.example'])
  t.match(mail.text, 'http://localhost:3000/rfps/driftwood-security-audit-2027')
  t.match(mail.html, '<a href="http://localhost:3000/rfps/driftwood-security-audit-2027">')
})

t.test('serve exits non-zero when its port is taken', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => { blocker.listen(0, '127.0.0.1', resolve) })
  t.teardown(() => { blocker.close() })
  const port = (blocker.address() as AddressInfo).port
  const run = start(['serve'], { SHORTLIST_DATA_DIR: t.testdir(), SHORTLIST_PORT: String(port) })
  const [code] = await run.exited
  t.equal(code, 1)
  t.match(run.output().stderr, /EADDRINUSE/)
})

t.test('the built CLI (the package bin) finds its migrations, templates and config', async (t) => {
  t.ok(existsSync('dist/src/cli.js'), 'dist/ is built (npm test runs "npm run build" before tap)')
  const dir = t.testdir()
  const run = start(['demo'], { SHORTLIST_DATA_DIR: dir }, ['dist/src/cli.js'])
  const [code] = await run.exited
  t.equal(code, 0, run.output().stderr)
  t.match(run.output().stdout, /migrated up: 2026_11_29_020000_create_core_tables\n/)
  const verify = start(['verify'], { SHORTLIST_DATA_DIR: dir }, ['dist/src/cli.js'])
  t.equal((await verify.exited)[0], 0)
  t.match(verify.output().stdout, /^audit chain intact: 82 events/)
})

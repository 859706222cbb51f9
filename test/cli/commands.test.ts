import { copyFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import t from 'tap'
import { main } from '../../src/cli.js'
import type { CliIo } from '../../src/commands/io.js'
import { migrationsDir } from '../../src/paths.js'
import { freshPostgresDatabase, onPostgres } from '../helpers/app.js'

// Read from the folder, so adding a migration does not rewrite these tests.
const MIGRATIONS = readdirSync(migrationsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort()

interface Run { code: number, out: string[], err: string[] }

async function run (args: string[], env: Record<string, string>): Promise<Run> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env: { SHORTLIST_CONFIG_FILE: 'config/test.json', ...env }, cwd: process.cwd(), out: (l) => out.push(l), err: (l) => err.push(l) }
  return { code: await main(args, io), out, err }
}

t.test('demo seeds an empty database once, and verify finds the chain intact', async (t) => {
  const dir = t.testdir()
  const demo = await run(['demo'], { SHORTLIST_DATA_DIR: dir })
  t.equal(demo.code, 0)
  t.same(demo.out, [...MIGRATIONS.map((m) => `migrated up: ${m}`), 'demo seeded: http://localhost:3000/rfps/driftwood-security-audit-2027'])

  const again = await run(['demo'], { SHORTLIST_DATA_DIR: dir })
  t.equal(again.code, 1)
  t.same(again.err, ['shortlist: the database is in use already; the demo seeds an empty one only'])

  const verify = await run(['verify'], { SHORTLIST_DATA_DIR: dir })
  t.equal(verify.code, 0)
  t.match(verify.out[0], /^audit chain intact: 82 events, head [0-9a-f]{64}$/)
})

t.test('verify names the first broken event of a tampered copy and exits 1', async (t) => {
  const dir = t.testdir()
  await run(['demo'], { SHORTLIST_DATA_DIR: dir })
  const copy = join(dir, 'tampered.sqlite')
  copyFileSync(join(dir, 'shortlist.sqlite'), copy)
  const sqlite = new SQLite(copy)
  // An attacker with the file can drop the trigger; the chain still gives them away.
  sqlite.exec('DROP TRIGGER audit_events_no_update')
  sqlite.prepare("UPDATE audit_events SET data = json_set(data, '$.slug', 'forged') WHERE seq = 2").run()
  sqlite.close()

  const verify = await run(['verify'], { SHORTLIST_DATA_DIR: dir, SHORTLIST_DATABASE_URL: copy })
  t.equal(verify.code, 1)
  t.same(verify.out, ['audit chain BROKEN at event #2: its content does not match its hash (1 events before it are intact)'])

  const original = await run(['verify'], { SHORTLIST_DATA_DIR: dir })
  t.equal(original.code, 0, 'the original is untouched')
})

t.test('verify reports data that is not JSON as a break, not a crash', async (t) => {
  const dir = t.testdir()
  await run(['demo'], { SHORTLIST_DATA_DIR: dir })
  const sqlite = new SQLite(join(dir, 'shortlist.sqlite'))
  sqlite.exec('DROP TRIGGER audit_events_no_update')
  sqlite.prepare("UPDATE audit_events SET data = '{not json' WHERE seq = 3").run()
  sqlite.close()
  t.same(await run(['verify'], { SHORTLIST_DATA_DIR: dir }), { code: 1, out: ['audit chain BROKEN at event #3: its data is not a JSON object (2 events before it are intact)'], err: [] })
})

t.test('verify on a database that was never migrated says so', async (t) => {
  const dir = t.testdir()
  new SQLite(join(dir, 'shortlist.sqlite')).close()
  t.same(await run(['verify'], { SHORTLIST_DATA_DIR: dir }), { code: 1, out: [], err: [`shortlist verify: the database at ${join(dir, 'shortlist.sqlite')} has no audit log (run "shortlist migrate" first)`] })
})

t.test('verify reports a missing database instead of creating one', async (t) => {
  const dir = t.testdir()
  t.same(await run(['verify'], { SHORTLIST_DATA_DIR: dir }), { code: 1, out: [], err: [`shortlist verify: there is no database at ${join(dir, 'shortlist.sqlite')}`] })
})

t.test('migrate: latest, status, down', async (t) => {
  const env = { SHORTLIST_DATA_DIR: t.testdir() }
  const status0 = await run(['migrate', 'status'], env)
  t.equal(status0.code, 0)
  t.same(status0.out, MIGRATIONS.map((m) => `pending  ${m}`))

  const latest = await run(['migrate'], env)
  t.same([latest.code, latest.out], [0, [...MIGRATIONS.map((m) => `migrated up: ${m}`), 'database schema is up to date']])
  t.same((await run(['migrate', 'latest'], env)).out, ['database schema is up to date'], 'nothing to do the second time')
  const applied = (await run(['migrate', 'status'], env)).out
  t.equal(applied.length, MIGRATIONS.length)
  applied.forEach((line, i) => t.match(line, new RegExp(`^applied {2}${MIGRATIONS[i]} {2}\\(\\d{4}-`)))

  for (const name of [...MIGRATIONS].reverse()) {
    const down = await run(['migrate', 'down'], env)
    t.same([down.code, down.out], [0, [`migrated down: ${name}`]], 'one at a time, newest first')
  }
  t.same((await run(['migrate', 'down'], env)).out, ['no migration to undo'])
})

t.test('usage errors exit 2 with a message', async (t) => {
  const env = { SHORTLIST_DATA_DIR: t.testdir() }
  t.same(await run(['frobnicate'], env), { code: 2, out: [], err: [`shortlist: unknown command "frobnicate"\n\n${(await run(['help'], env)).out[0]}`] })
  t.match(await run(['migrate', 'sideways'], env), { code: 2, err: ['shortlist migrate: unknown action "sideways" (use latest, down or status)'] })
  t.match(await run(['verify', 'extra'], env), { code: 2, err: ['shortlist verify: unexpected argument "extra"'] })
  t.match(await run(['serve', '--bogus'], env), { code: 2, err: [/Unknown option '--bogus'/] })
  t.match(await run([], env), { code: 2, out: [/^usage: shortlist <command>/] })
  t.match(await run(['--help'], env), { code: 0, out: [/^usage: shortlist <command>/] })
})

t.test('a bad configuration value stops a command with one line and exit 78', async (t) => {
  t.same(await run(['verify'], { SHORTLIST_PORT: 'eighty' }), { code: 78, out: [], err: ['config: port (SHORTLIST_PORT): must be an integer'] })
})

t.test('user add creates the first admin and prints a working invitation link', async (t) => {
  const dir = t.testdir()
  const added = await run(['user', 'add', '--admin', '--name', 'Ada Admin', 'Ada@Example.org'], { SHORTLIST_DATA_DIR: dir })
  t.equal(added.code, 0, added.err.join('\n'))
  t.match(added.out.at(-2), /^admin Ada@Example\.org added\. Open this link within 7 days/)
  t.match(added.out.at(-1), /^http:\/\/localhost:3000\/invitation\?token=[A-Za-z0-9_-]{43}$/)
  const db = new SQLite(join(dir, 'shortlist.sqlite'), { readonly: true })
  t.teardown(() => { db.close() })
  t.same(db.prepare('select email, display_name, is_admin, password_hash from users').all(), [{ email: 'Ada@Example.org', display_name: 'Ada Admin', is_admin: 1, password_hash: null }])
  t.same(db.prepare('select count(*) as n from mail_outbox').get(), { n: 0 }, 'printed, not mailed: no mail may be set up yet')
  t.same(db.prepare("select count(*) as n from sign_in_tokens where purpose = 'invitation'").get(), { n: 1 })

  t.match(await run(['user', 'add', 'ada@example.org'], { SHORTLIST_DATA_DIR: dir }), { code: 1, err: ['shortlist: a user with this e-mail address exists already'] })
  t.match(await run(['user', 'add', 'not-an-address'], { SHORTLIST_DATA_DIR: dir }), { code: 1, err: [/email: is not an e-mail address/] })
  t.match(await run(['user', 'add'], { SHORTLIST_DATA_DIR: dir }), { code: 2, err: ['usage: shortlist user add [--admin] [--name NAME] EMAIL'] })
  t.match(await run(['user', 'remove', 'x@example.org'], { SHORTLIST_DATA_DIR: dir }), { code: 2 })
})

t.test('migrate and serve refuse a database that a newer Shortlist migrated', async (t) => {
  const dir = t.testdir()
  t.equal((await run(['migrate'], { SHORTLIST_DATA_DIR: dir })).code, 0)
  const db = new SQLite(join(dir, 'shortlist.sqlite'))
  db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('2099_01_01_000000_from_the_future', new Date().toISOString())
  db.close()
  for (const command of ['migrate', 'serve']) {
    const refused = await run([command], { SHORTLIST_DATA_DIR: dir })
    t.equal(refused.code, 1, command)
    t.match(refused.err, [/newer than this version of Shortlist \(2099_01_01_000000_from_the_future\)/])
  }
})

t.test('on PostgreSQL: migrate, demo, user add and verify through the CLI', { skip: onPostgres ? false : 'runs in the PostgreSQL pass' }, async (t) => {
  const env = { SHORTLIST_DATA_DIR: t.testdir(), SHORTLIST_DATABASE_URL: await freshPostgresDatabase(t) }
  t.same((await run(['migrate'], env)).out.at(-1), 'database schema is up to date')
  t.equal((await run(['demo'], env)).code, 0)
  t.equal((await run(['user', 'add', '--admin', 'ops@example.org'], env)).code, 0)
  const verify = await run(['verify'], env)
  t.equal(verify.code, 0)
  t.match(verify.out, [/^audit chain intact: 84 events, head [0-9a-f]{64}$/])
  const client = new pg.Client({ connectionString: env.SHORTLIST_DATABASE_URL })
  await client.connect()
  t.teardown(async () => { await client.end() })
  t.same((await client.query('select count(*)::int as n from audit_events')).rows, [{ n: 84 }], 'the events are on the server')
  t.notOk(readdirSync(env.SHORTLIST_DATA_DIR).includes('shortlist.sqlite'), 'no SQLite file was made')
})

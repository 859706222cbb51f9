import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { migrateDown, migrateToLatest, migrationStatus } from '../../src/db/migrator.js'
import { testConfig } from '../helpers/app.js'

const FIRST = '2026_11_29_020000_create_core_tables'

async function tables (db: ReturnType<typeof openDatabase>): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely_%' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(db)
  return rows.rows.map((r) => r.name)
}

t.test('the database is opened for durability', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  const pragma = async (name: string): Promise<unknown> => Object.values((await sql.raw(`PRAGMA ${name}`).execute(db)).rows[0] as object)[0]
  t.equal(await pragma('journal_mode'), 'wal')
  t.equal(await pragma('synchronous'), 2, 'FULL')
  t.equal(await pragma('foreign_keys'), 1)
  t.equal(await pragma('busy_timeout'), 5000)
})

t.test('migration names are dated and in order', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  const names = (await migrationStatus(db)).map((m) => m.name)
  t.ok(names.length > 0)
  for (const name of names) t.match(name, /^\d{4}_\d{2}_\d{2}_\d{6}_[a-z]+(_[a-z]+)+$/, name)
  t.same([...names].sort(), names)
})

t.test(`${FIRST}: up from an empty database, down, and up again`, async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  t.same(await tables(db), [])

  const up = await migrateToLatest(db)
  t.equal(up.error, undefined)
  t.same(up.applied.map((m) => m.name), [FIRST])
  t.same(await tables(db), ['audit_events', 'heartbeats', 'rfp_versions', 'rfps', 'users'])
  t.ok((await migrationStatus(db)).every((m) => m.executedAt !== undefined))

  const down = await migrateDown(db)
  t.same(down.applied, [{ name: FIRST, direction: 'Down' }])
  t.same(await tables(db), [])

  t.equal((await migrateToLatest(db)).error, undefined)
  t.same(await tables(db), ['audit_events', 'heartbeats', 'rfp_versions', 'rfps', 'users'])
})

t.test('the audit table refuses UPDATE and DELETE', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateToLatest(db)
  await db.insertInto('audit_events').values({ seq: 1, at: 'x', type: 't', actor_id: null, rfp_id: null, is_public: 0, data: '{}', prev_hash: '0', hash: 'h' }).execute()
  await t.rejects(db.updateTable('audit_events').set({ type: 'forged' }).execute(), /audit_events is append-only/)
  await t.rejects(db.deleteFrom('audit_events').execute(), /audit_events is append-only/)
  t.equal((await db.selectFrom('audit_events').select('type').executeTakeFirstOrThrow()).type, 't')
})

t.test('foreign keys are enforced', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateToLatest(db)
  await t.rejects(db.insertInto('rfps').values({ id: 'r', slug: 's', state: 'draft', current_version: 1, created_by: 'nobody', created_at: 'x', updated_at: 'x', published_at: null }).execute(), /FOREIGN KEY/)
})

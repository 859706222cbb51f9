// 2026_11_29_120000_create_transparency_checkpoints on SQLite, and on PostgreSQL when TEST_POSTGRES_URL names a
// server: up from an empty database and from the 110000 schema with data in it; every key, NOT NULL and CHECK
// refusing a bad row; UPDATE and DELETE (and on PostgreSQL TRUNCATE) refused by trigger; down with checkpoints in
// it, and up again with its triggers back.
import { readdirSync } from 'node:fs'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { kindOf, openDatabase, type Db } from '../../src/db/database.js'
import { migrateTo } from '../../src/db/migrator.js'
import type { TransparencyCheckpointsTable } from '../../src/db/schema.js'
import { migrationsDir } from '../../src/paths.js'
import { freshPostgresDatabase, testConfig } from '../helpers/app.js'

const PROTESTS = '2026_11_29_110000_create_protests'
const CHECKPOINTS = '2026_11_29_120000_create_transparency_checkpoints'
const UP_TO_CHECKPOINTS = readdirSync(migrationsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort().filter((name) => name <= CHECKPOINTS)
const withPostgres = process.env.TEST_POSTGRES_URL !== undefined && process.env.TEST_POSTGRES_URL !== ''

type Kind = 'sqlite' | 'postgres'

/** A database no migration has touched, closed when the test ends. */
async function emptyDatabase (t: Test, kind: Kind): Promise<Db> {
  const config = testConfig(t)
  const db = openDatabase(kind === 'postgres' ? { ...config, database: { ...config.database, url: await freshPostgresDatabase(t) } } : config)
  t.teardown(async () => { await db.destroy() })
  t.equal(kindOf(db), kind)
  return db
}

async function hasTable (db: Db, name: string): Promise<boolean> {
  return (await db.introspection.getTables()).some((table) => table.name === name)
}

/** The table's triggers (and on PostgreSQL its trigger function), by name. */
async function triggers (db: Db): Promise<string[]> {
  if (kindOf(db) === 'postgres') {
    const { rows } = await sql<{ name: string }>`select tgname as name from pg_trigger where not tgisinternal and tgrelid = to_regclass('transparency_checkpoints') union all
      select proname as name from pg_proc where proname = 'transparency_checkpoints_append_only' order by name`.execute(db)
    return rows.map((r) => r.name)
  }
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and tbl_name = 'transparency_checkpoints' order by name`.execute(db)
  return rows.map((r) => r.name)
}

const TRIGGERS: Record<Kind, string[]> = {
  sqlite: ['transparency_checkpoints_no_delete', 'transparency_checkpoints_no_update'],
  postgres: ['transparency_checkpoints_append_only', 'transparency_checkpoints_no_truncate', 'transparency_checkpoints_no_update_delete']
}

const ROOT = 'ab'.repeat(32)
const row: TransparencyCheckpointsTable = { size: 4, root_hash: ROOT, note: 'localhost:3000\n4\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n— localhost:3000 sig\n', signed_at: '2026-12-01T09:00:00.000Z' }

const notNull = (column: string): RegExp => new RegExp(`NOT NULL constraint failed: transparency_checkpoints\\.${column}|null value in column "${column}" of relation "transparency_checkpoints" violates not-null constraint`)

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = kind === 'postgres' && !withPostgres ? 'TEST_POSTGRES_URL names no PostgreSQL server' : false

  t.test(`${CHECKPOINTS} on ${kind}: up from an empty database, with its columns and triggers`, { skip }, async (t) => {
    const db = await emptyDatabase(t, kind)
    const up = await migrateTo(db, CHECKPOINTS)
    t.equal(up.error, undefined)
    t.same(up.applied.map((m) => m.name), UP_TO_CHECKPOINTS)
    const table = (await db.introspection.getTables()).find((tbl) => tbl.name === 'transparency_checkpoints')
    t.same(table?.columns.map((c) => c.name).sort(), ['note', 'root_hash', 'signed_at', 'size'])
    t.same(table?.columns.filter((c) => c.name !== 'size').map((c) => [c.name, c.isNullable]).sort(), [['note', false], ['root_hash', false], ['signed_at', false]])
    t.same(await triggers(db), TRIGGERS[kind])
    await db.insertInto('transparency_checkpoints').values(row).execute()
    t.same(await db.selectFrom('transparency_checkpoints').selectAll().execute(), [row], 'a good row goes in and reads back as it was')
  })

  t.test(`${CHECKPOINTS} on ${kind}: from the ${PROTESTS} schema with events in it; every constraint holds; append-only; down and up again`, { skip }, async (t) => {
    const db = await emptyDatabase(t, kind)
    t.equal((await migrateTo(db, PROTESTS)).error, undefined)
    const event = { seq: 1, at: '2026-12-01T09:00:00.000Z', type: 'rfp.published', actor_id: null, rfp_id: null, is_public: 1, data: '{}', prev_hash: '0'.repeat(64), hash: 'f'.repeat(64) }
    await db.insertInto('audit_events').values(event).execute()
    t.notOk(await hasTable(db, 'transparency_checkpoints'))

    const up = await migrateTo(db, CHECKPOINTS)
    t.equal(up.error, undefined)
    t.same(up.applied, [{ name: CHECKPOINTS, direction: 'Up' }])
    t.same(await db.selectFrom('audit_events').select(['seq', 'type', 'hash']).execute(), [{ seq: 1, type: 'rfp.published', hash: 'f'.repeat(64) }], 'the audit log is kept')
    t.same(await db.selectFrom('transparency_checkpoints').selectAll().execute(), [], 'and no checkpoint is made up: the instance signs the first on request')

    const refused = async (values: Record<string, unknown>, error: RegExp, what: string): Promise<void> => {
      await t.rejects(db.insertInto('transparency_checkpoints').values({ ...row, size: 100, ...values } as TransparencyCheckpointsTable).execute(), error, what)
    }
    for (const column of ['root_hash', 'note', 'signed_at']) await refused({ [column]: null }, notNull(column), `no ${column}`)
    await refused({ size: -1 }, /CHECK constraint failed: size >= 0|violates check constraint "transparency_checkpoints_size_check"/, 'a negative size')
    await refused({ root_hash: ROOT.slice(1) }, /CHECK constraint failed: length\(root_hash\) = 64|violates check constraint "transparency_checkpoints_root_hash_check"/, 'a root of 63 characters')
    await refused({ root_hash: ROOT + '0' }, /CHECK constraint failed: length\(root_hash\) = 64|violates check constraint "transparency_checkpoints_root_hash_check"/, 'a root of 65 characters')
    await refused({ root_hash: '' }, /CHECK constraint failed: length\(root_hash\) = 64|violates check constraint "transparency_checkpoints_root_hash_check"/, 'an empty root')
    if (kind === 'postgres') {
      await refused({ size: null }, /null value in column "size" of relation "transparency_checkpoints" violates not-null constraint/, 'no size')
    } else {
      await refused({ size: 'four' }, /datatype mismatch/, 'a size that is not a whole number')
      await refused({ size: 4.5 }, /datatype mismatch/, 'nor a fraction')
    }
    t.same(await db.selectFrom('transparency_checkpoints').selectAll().execute(), [], 'no bad row got in')

    await db.insertInto('transparency_checkpoints').values([{ ...row, size: 0 }, row]).execute()
    await refused({ size: 4, note: 'another note' }, /UNIQUE constraint failed: transparency_checkpoints\.size|duplicate key value violates unique constraint "transparency_checkpoints_pkey"/, 'a second checkpoint of one size')

    const appendOnly = /transparency_checkpoints is append-only/
    await t.rejects(db.updateTable('transparency_checkpoints').set({ root_hash: 'cd'.repeat(32) }).where('size', '=', 4).execute(), appendOnly, 'UPDATE refused')
    await t.rejects(db.updateTable('transparency_checkpoints').set({ size: 5 }).execute(), appendOnly, 'even of the size')
    await t.rejects(db.deleteFrom('transparency_checkpoints').where('size', '=', 4).execute(), appendOnly, 'DELETE refused')
    if (kind === 'postgres') await t.rejects(sql`truncate transparency_checkpoints`.execute(db), appendOnly, 'TRUNCATE refused')
    t.same(await db.selectFrom('transparency_checkpoints').selectAll().orderBy('size').execute(), [{ ...row, size: 0 }, row], 'both rows as they were')

    const down = await migrateTo(db, PROTESTS)
    t.equal(down.error, undefined)
    t.same(down.applied, [{ name: CHECKPOINTS, direction: 'Down' }], 'down, with checkpoints in it')
    t.notOk(await hasTable(db, 'transparency_checkpoints'))
    t.same(await triggers(db), [], 'its triggers (and function) gone with it')
    t.same(await db.selectFrom('audit_events').select('seq').execute(), [{ seq: 1 }], 'the audit log stays')

    const again = await migrateTo(db, CHECKPOINTS)
    t.same(again.applied, [{ name: CHECKPOINTS, direction: 'Up' }], 'and up again')
    t.same(await triggers(db), TRIGGERS[kind])
    await db.insertInto('transparency_checkpoints').values(row).execute()
    await t.rejects(db.deleteFrom('transparency_checkpoints').execute(), appendOnly, 'append-only again')
  })
}

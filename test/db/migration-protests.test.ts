// 2026_11_29_110000_create_protests on the database of the pass: SQLite, and PostgreSQL in the suite's PostgreSQL
// pass (TEST_DATABASE=postgres, with TEST_POSTGRES_URL). Up from an empty database and from the 100000 schema with a
// decided RFP in it; every key, NOT NULL and CHECK refusing a bad row; one open protest per bidder; down with a
// protest in it, and up again.
import { readdirSync } from 'node:fs'
import t, { type Test } from 'tap'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateTo } from '../../src/db/migrator.js'
import { listProtests } from '../../src/db/protests.js'
import type { ProtestsTable } from '../../src/db/schema.js'
import { migrationsDir } from '../../src/paths.js'
import { freshPostgresDatabase, onPostgres, testConfig } from '../helpers/app.js'

const EVALUATION = '2026_11_29_100000_create_evaluation'
const PROTESTS = '2026_11_29_110000_create_protests'
const UP_TO_PROTESTS = readdirSync(migrationsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort().filter((name) => name <= PROTESTS)

/** A database no migration has touched, on the pass's kind of database, closed when the test ends. */
async function emptyDatabase (t: Test): Promise<Db> {
  const config = testConfig(t)
  const db = openDatabase(onPostgres ? { ...config, database: { ...config.database, url: await freshPostgresDatabase(t) } } : config)
  t.teardown(async () => { await db.destroy() })
  return db
}

async function hasTable (db: Db, name: string): Promise<boolean> {
  return (await db.introspection.getTables()).some((table) => table.name === name)
}

const RECEIPT = 'a'.repeat(64)

/** On the 100000 schema: an owner, a vendor contact, a decided RFP and the vendor's proposal with its receipt. */
async function decidedRfp (db: Db): Promise<void> {
  const user = (id: string) => ({ id, email: `${id}@example.org`, email_normalized: `${id}@example.org`, display_name: id, is_admin: 0, created_at: 'x' })
  await db.insertInto('users').values([user('owner'), user('vendor')]).execute()
  await db.insertInto('rfps').values({ id: 'r1', slug: 'decided', state: 'decided', current_version: 1, created_by: 'owner', created_at: 'x', updated_at: 'x', published_at: 'x' }).execute()
  await db.insertInto('vendor_organisations').values({ id: 'o1', name: 'Beta', name_normalized: 'beta', website: null, created_at: 'x' }).execute()
  await db.insertInto('proposals').values({ id: 'p1', rfp_id: 'r1', organisation_id: 'o1', status: 'not_selected', current_version: 1, status_reason: null, created_at: 'x', updated_at: 'x' }).execute()
  await db.insertInto('proposal_versions').values({ proposal_id: 'p1', number: 1, rfp_version: 1, submitted_by: 'vendor', submitted_at: 'x', manifest: '{}', sealed_content: 'sealed', sealed_price: null, receipt_hash: RECEIPT }).execute()
  await db.insertInto('decisions').values({ rfp_id: 'r1', rationale: 'Alpha.', rounds_used: 1, decided_by: 'owner', decided_at: '2026-12-27T10:00:00.000Z' }).execute()
}

const open: ProtestsTable = { id: 'q1', rfp_id: 'r1', proposal_id: 'p1', grounds: 'We object.', filed_by: 'vendor', filed_at: '2026-12-28T10:00:00.000Z', resolution: null, response: null, responded_by: null, responded_at: null }
const answered = { resolution: 'dismissed', response: 'It does not hold.', responded_by: 'owner', responded_at: '2026-12-29T10:00:00.000Z' }

t.test(`${PROTESTS}: up from an empty database, with its columns`, async (t) => {
  const db = await emptyDatabase(t)
  const up = await migrateTo(db, PROTESTS)
  t.equal(up.error, undefined)
  t.same(up.applied.map((m) => m.name), UP_TO_PROTESTS)
  const table = (await db.introspection.getTables()).find((tbl) => tbl.name === 'protests')
  t.same(table?.columns.map((c) => [c.name, c.isNullable]).sort(), [
    ['filed_at', false], ['filed_by', false], ['grounds', false], ['id', false], ['proposal_id', false],
    ['resolution', true], ['responded_at', true], ['responded_by', true], ['response', true], ['rfp_id', false]
  ])
})

t.test(`${PROTESTS}: from the ${EVALUATION} schema with a decided RFP; every constraint holds; down with a protest in it, and up again`, async (t) => {
  const db = await emptyDatabase(t)
  t.equal((await migrateTo(db, EVALUATION)).error, undefined)
  await decidedRfp(db)
  t.notOk(await hasTable(db, 'protests'))

  const up = await migrateTo(db, PROTESTS)
  t.equal(up.error, undefined)
  t.same(up.applied, [{ name: PROTESTS, direction: 'Up' }])
  t.same(await db.selectFrom('decisions').select(['rfp_id', 'rationale']).execute(), [{ rfp_id: 'r1', rationale: 'Alpha.' }], 'the decision is kept')
  t.same(await db.selectFrom('proposals').select(['id', 'status']).execute(), [{ id: 'p1', status: 'not_selected' }], 'and the proposal')
  t.same(await db.selectFrom('protests').selectAll().execute(), [])

  const refused = async (row: Record<string, unknown>, error: RegExp, what: string): Promise<void> => {
    await t.rejects(db.insertInto('protests').values({ ...open, id: `bad-${what.replace(/\W+/g, '-')}`, ...row } as ProtestsTable).execute(), error, what)
  }
  const notNull = (column: string): RegExp => new RegExp(`NOT NULL constraint failed: protests\\.${column}|null value in column "${column}" of relation "protests" violates not-null constraint`)
  for (const column of ['rfp_id', 'proposal_id', 'grounds', 'filed_by', 'filed_at']) await refused({ [column]: null }, notNull(column), `no ${column}`)
  await refused({ id: null }, /NOT NULL constraint failed: protests\.id|null value in column "id"/, 'no id')
  await refused({ rfp_id: 'no-such-rfp' }, /FOREIGN KEY constraint failed|foreign key constraint "protests_rfp_id_fkey"/, 'an RFP that does not exist')
  await refused({ proposal_id: 'no-such-proposal' }, /FOREIGN KEY constraint failed|foreign key constraint "protests_proposal_id_fkey"/, 'a proposal that does not exist')
  await refused({ filed_by: 'nobody' }, /FOREIGN KEY constraint failed|foreign key constraint "protests_filed_by_fkey"/, 'a filer who does not exist')
  await refused({ ...answered, responded_by: 'nobody' }, /FOREIGN KEY constraint failed|foreign key constraint "protests_responded_by_fkey"/, 'a responder who does not exist')
  await refused({ grounds: '' }, /protests_grounds_given/, 'empty grounds')
  await refused({ ...answered, resolution: 'withdrawn' }, /protests_resolution_known/, 'an unknown resolution')
  await refused({ resolution: 'upheld' }, /protests_answered_whole/, 'a resolution without its response')
  await refused({ ...answered, response: '' }, /protests_answered_whole/, 'an empty response')
  await refused({ ...answered, responded_at: null }, /protests_answered_whole/, 'an answer without its time')
  await refused({ ...answered, responded_by: null }, /protests_answered_whole/, 'an answer without its author')
  await refused({ response: 'A response to nothing.' }, /protests_answered_whole/, 'a response without a resolution')
  t.same(await db.selectFrom('protests').selectAll().execute(), [], 'no bad row got in')

  await db.insertInto('protests').values(open).execute()
  await refused({ id: 'q2' }, /UNIQUE constraint failed: protests\.proposal_id|protests_one_open/, 'a second open protest of one bidder')
  await db.updateTable('protests').set(answered).where('id', '=', 'q1').execute()
  await refused({ id: 'q1', ...answered }, /UNIQUE constraint failed: protests\.id|protests_pkey/, 'a second row with the same id')
  await db.insertInto('protests').values({ ...open, id: 'q2', filed_at: '2026-12-30T10:00:00.000Z' }).execute()
  await db.insertInto('protests').values({ ...open, id: 'q3', proposal_id: 'p1', filed_at: '2026-12-31T10:00:00.000Z', ...answered }).execute()
  t.same((await listProtests(db, 'r1')).map((p) => [p.id, p.receipt_hash, p.grounds, p.resolution]), [
    ['q1', RECEIPT, 'We object.', 'dismissed'], ['q2', RECEIPT, null, null], ['q3', RECEIPT, 'We object.', 'dismissed']
  ], 'answered ones beside an open one; the open one\'s grounds held back')

  const down = await migrateTo(db, EVALUATION)
  t.equal(down.error, undefined)
  t.same(down.applied, [{ name: PROTESTS, direction: 'Down' }], 'down with protests in it')
  t.notOk(await hasTable(db, 'protests'))
  t.same(await db.selectFrom('decisions').select('rfp_id').execute(), [{ rfp_id: 'r1' }], 'the decision stays')
  const again = await migrateTo(db, PROTESTS)
  t.same(again.applied, [{ name: PROTESTS, direction: 'Up' }], 'and up again')
  t.same(await db.selectFrom('protests').selectAll().execute(), [])
  await db.insertInto('protests').values(open).execute()
  await refused({ id: 'q2' }, /UNIQUE constraint failed: protests\.proposal_id|protests_one_open/, 'the one-open rule is back too')
})

import { Readable } from 'node:stream'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import t from 'tap'
import type { Test } from 'tap'
import { sqliteFile } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateDown, migrateTo, migrateToLatest, migrationStatus } from '../../src/db/migrator.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { findRfp, versionColumns } from '../../src/db/rfps.js'
import { ManualClock } from '../../src/deps.js'
import { DEFAULT_PROCEDURE, withDefaults } from '../../src/domain/rfp-document.js'
import { createServiceContext } from '../../src/services/context.js'
import { attest, getEvaluationPage } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealingKey } from '../../src/services/opening-keys.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { getScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { createCommitteeMember, createVendorContact, seededRandom, T0, testConfig } from '../helpers/app.js'

const FIRST = '2026_11_29_020000_create_core_tables'
const OUTBOX = '2026_11_29_030000_create_mail_outbox'
const VENDORS = '2026_11_29_040000_create_vendor_sign_in'
const ACCOUNTS = '2026_11_29_050000_create_committee_accounts'
const CORE_TABLES = ['audit_events', 'heartbeats', 'rfp_versions', 'rfps', 'users']

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

  const up = await migrateTo(db, FIRST)
  t.equal(up.error, undefined)
  t.same(up.applied.map((m) => m.name), [FIRST])
  t.same(await tables(db), CORE_TABLES)

  const down = await migrateDown(db)
  t.same(down.applied, [{ name: FIRST, direction: 'Down' }])
  t.same(await tables(db), [])

  t.equal((await migrateTo(db, FIRST)).error, undefined)
  t.same(await tables(db), CORE_TABLES)
})

t.test(`${OUTBOX}: from an empty database, and from the previous schema with data in it`, async (t) => {
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  t.same((await migrateTo(empty, OUTBOX)).applied.map((m) => m.name), [FIRST, OUTBOX])
  t.same(await tables(empty), [...CORE_TABLES, 'mail_outbox'].sort())

  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, FIRST)
  await db.insertInto('users').values({ id: 'u1', email: 'a@example.org', email_normalized: 'a@example.org', display_name: 'A', is_admin: 0, created_at: 'x' }).execute()
  const up = await migrateTo(db, OUTBOX)
  t.same(up.applied.map((m) => m.name), [OUTBOX])
  t.same(await db.selectFrom('users').select('id').execute(), [{ id: 'u1' }], 'existing rows are kept')
  await db.insertInto('mail_outbox').values({ id: 'm1', message_id: '<m1@x>', template: 't', from_address: 'f@x.org', to_address: 'a@example.org', subject: 's', text_body: 't', html_body: 'h', status: 'pending', attempts: 0, next_attempt_at: 'x', lease_until: null, claim_id: null, last_error: null, created_at: 'x', sent_at: null }).execute()
  t.same((await migrateDown(db)).applied, [{ name: OUTBOX, direction: 'Down' }])
  t.same(await tables(db), CORE_TABLES, 'down drops the outbox only')
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

t.test('a write transaction takes the lock when it begins, not at its first write', async (t) => {
  const config = testConfig(t)
  const db = openDatabase(config)
  t.teardown(async () => { await db.destroy() })
  await migrateToLatest(db)
  const other = new SQLite(sqliteFile(config), { timeout: 0 })
  t.teardown(() => { other.close() })
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let begun!: () => void
  const started = new Promise<void>((resolve) => { begun = resolve })
  const transaction = db.transaction().execute(async (trx) => {
    await trx.selectFrom('heartbeats').selectAll().execute()
    begun()
    await held
  })
  await started
  // With a deferred BEGIN the other writer would get in first and the transaction's own write would then fail.
  t.throws(() => other.prepare("INSERT INTO heartbeats (instance, at) VALUES ('other', 'x')").run(), { code: 'SQLITE_BUSY' })
  release()
  await transaction
  other.prepare("INSERT INTO heartbeats (instance, at) VALUES ('other', 'x')").run()
})

t.test('foreign keys are enforced', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateToLatest(db)
  await t.rejects(db.insertInto('rfps').values({ id: 'r', slug: 's', state: 'draft', current_version: 1, created_by: 'nobody', created_at: 'x', updated_at: 'x', published_at: null }).execute(), /FOREIGN KEY/)
})

t.test(`${VENDORS}: from an empty database, and from the previous schema with users in it`, async (t) => {
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  t.same((await migrateTo(empty, VENDORS)).applied.map((m) => m.name), [FIRST, OUTBOX, VENDORS])
  t.same(await tables(empty), [...CORE_TABLES, 'mail_outbox', 'sessions', 'sign_in_requests', 'sign_in_tokens', 'vendor_contacts', 'vendor_organisations'].sort())

  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, OUTBOX)
  await db.insertInto('users').values({ id: 'u1', email: 'a@example.org', email_normalized: 'a@example.org', display_name: 'A', is_admin: 0, created_at: 'x' }).execute()
  t.same((await migrateTo(db, VENDORS)).applied.map((m) => m.name), [VENDORS])
  t.same(await db.selectFrom('users').select(['id', 'disabled_at']).execute(), [{ id: 'u1', disabled_at: null }], 'existing users are active')
  t.same((await migrateTo(db, OUTBOX)).applied, [{ name: VENDORS, direction: 'Down' }])
  t.same(await db.selectFrom('users').select('id').execute(), [{ id: 'u1' }], 'down keeps the users')
  t.same(await tables(db), [...CORE_TABLES, 'mail_outbox'].sort())
})

t.test('a database migrated by a newer Shortlist is refused, not touched', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateToLatest(db)
  await db.insertInto('kysely_migration' as never).values({ name: '2099_01_01_000000_from_the_future', timestamp: new Date().toISOString() } as never).execute()
  const refused = await migrateToLatest(db)
  t.same(refused.applied, [])
  t.match(refused.error?.message, 'the database has migrations newer than this version of Shortlist (2099_01_01_000000_from_the_future)')
})

t.test(`${ACCOUNTS}: from an empty database, and from the previous schema with an RFP in it`, async (t) => {
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  t.same((await migrateTo(empty, ACCOUNTS)).applied.map((m) => m.name), [FIRST, OUTBOX, VENDORS, ACCOUNTS])
  t.same(await tables(empty), [...CORE_TABLES, 'api_tokens', 'mail_outbox', 'recovery_codes', 'rfp_roles', 'sessions', 'sign_in_failures', 'sign_in_requests', 'sign_in_tokens', 'vendor_contacts', 'vendor_organisations'].sort())

  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, VENDORS)
  await db.insertInto('users').values({ id: 'u1', email: 'a@example.org', email_normalized: 'a@example.org', display_name: 'A', is_admin: 0, created_at: 'x' }).execute()
  await db.insertInto('rfps').values({ id: 'r1', slug: 'an-rfp', state: 'draft', current_version: 1, created_by: 'u1', created_at: '2026-11-01T00:00:00.000Z', updated_at: 'x', published_at: null }).execute()
  t.same((await migrateTo(db, ACCOUNTS)).applied.map((m) => m.name), [ACCOUNTS])
  t.same(await db.selectFrom('rfp_roles').selectAll().execute(), [{ rfp_id: 'r1', user_id: 'u1', role: 'owner', granted_by: null, granted_at: '2026-11-01T00:00:00.000Z' }], 'the author of an existing RFP becomes its owner')
  t.same(await db.selectFrom('users').select(['password_hash', 'totp_secret', 'totp_last_step']).execute(), [{ password_hash: null, totp_secret: null, totp_last_step: null }])
  t.same((await migrateTo(db, VENDORS)).applied, [{ name: ACCOUNTS, direction: 'Down' }])
  t.same(await db.selectFrom('rfps').select('id').execute(), [{ id: 'r1' }], 'down keeps the RFPs')
  t.same(await tables(db), [...CORE_TABLES, 'mail_outbox', 'sessions', 'sign_in_requests', 'sign_in_tokens', 'vendor_contacts', 'vendor_organisations'].sort())
  t.equal((await migrateTo(db, ACCOUNTS)).error, undefined, 'and up again')
})

t.test('2026_11_29_070000_create_stored_files: from the previous schema, and back', async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, '2026_11_29_060000_create_rate_limit_hits')
  t.same((await migrateTo(db, '2026_11_29_070000_create_stored_files')).applied.map((m) => m.name), ['2026_11_29_070000_create_stored_files'])
  await db.insertInto('stored_files').values({ id: 'f', backend: 'database', size: 3, sha256: null, created_at: 'x', committed_at: null }).execute()
  await db.insertInto('stored_file_chunks').values({ file_id: 'f', n: 0, data: Buffer.from('abc') }).execute()
  t.same(Buffer.from((await db.selectFrom('stored_file_chunks').select('data').executeTakeFirstOrThrow()).data), Buffer.from('abc'), 'bytes in, bytes out')
  t.same((await migrateTo(db, '2026_11_29_060000_create_rate_limit_hits')).applied, [{ name: '2026_11_29_070000_create_stored_files', direction: 'Down' }])
})

t.test('2026_11_29_060000_create_rate_limit_hits: from an empty database, and from the previous schema', async (t) => {
  const RATE_LIMITS = '2026_11_29_060000_create_rate_limit_hits'
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  t.same((await migrateTo(empty, RATE_LIMITS)).applied.map((m) => m.name), [FIRST, OUTBOX, VENDORS, ACCOUNTS, RATE_LIMITS])
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, ACCOUNTS)
  t.same((await migrateTo(db, RATE_LIMITS)).applied.map((m) => m.name), [RATE_LIMITS])
  t.ok((await tables(db)).includes('rate_limit_hits'))
  t.same((await migrateTo(db, ACCOUNTS)).applied, [{ name: RATE_LIMITS, direction: 'Down' }])
  t.notOk((await tables(db)).includes('rate_limit_hits'))
})

t.test('2026_11_29_080000_create_rfp_lifecycle: from an empty database, and from the previous schema with a published RFP in it', async (t) => {
  const STORED_FILES = '2026_11_29_070000_create_stored_files'
  const LIFECYCLE = '2026_11_29_080000_create_rfp_lifecycle'
  const LIFECYCLE_TABLES = ['rfp_acknowledgements', 'rfp_interests', 'rfp_questions']
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  t.equal((await migrateTo(empty, LIFECYCLE)).error, undefined)
  for (const name of LIFECYCLE_TABLES) t.ok((await tables(empty)).includes(name), name)

  // An RFP published before eligibility, requirements and procedure existed: its stored content has only
  // sections and rounds, and it must read as an open RFP with the default procedure.
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, STORED_FILES)
  const document = withDefaults(securityAuditRfp(new Date('2026-11-01T00:00:00.000Z')))
  await db.insertInto('users').values({ id: 'u1', email: 'a@example.org', email_normalized: 'a@example.org', display_name: 'A', is_admin: 0, created_at: 'x' }).execute()
  await db.insertInto('rfps').values({ id: 'r1', slug: document.slug, state: 'published', current_version: 1, created_by: 'u1', created_at: 'x', updated_at: 'x', published_at: '2026-11-02T00:00:00.000Z' }).execute()
  await db.insertInto('rfp_versions').values({
    rfp_id: 'r1',
    number: 1,
    title: document.title,
    summary: document.summary,
    time_zone: document.timeZone,
    questions_close_at: document.schedule.questionsCloseAt,
    proposals_due_at: document.schedule.proposalsDueAt,
    decision_expected_at: document.schedule.decisionExpectedAt,
    content: JSON.stringify({ sections: document.sections, rounds: document.rounds }),
    reason: null,
    created_by: 'u1',
    created_at: 'x',
    frozen_at: '2026-11-02T00:00:00.000Z'
  }).execute()

  t.same((await migrateTo(db, LIFECYCLE)).applied.map((m) => m.name), [LIFECYCLE])
  const rfp = await findRfp(db, { id: 'r1' })
  t.equal(rfp?.state, 'published')
  t.equal(rfp?.cancelledAt, null)
  t.equal(rfp?.cancelReason, null)
  t.same(rfp?.document.eligibility, { mode: 'open' }, 'an RFP from before reads as open to any vendor')
  t.same(rfp?.document.procedure, DEFAULT_PROCEDURE, 'with the default procedure')
  t.same(rfp?.document.requirements, [])
  t.same(rfp?.document.sections, document.sections)

  await db.insertInto('rfp_questions').values({ id: 'q1', rfp_id: 'r1', status: 'open', asked_by: 'u1', asker_email: 'a@example.org', body: 'A question?', asked_at: 'x', updated_at: 'x' }).execute()
  t.same((await migrateTo(db, STORED_FILES)).applied, [{ name: LIFECYCLE, direction: 'Down' }])
  t.same(await db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id: 'r1', state: 'published' }], 'down keeps the RFPs')
  for (const name of LIFECYCLE_TABLES) t.notOk((await tables(db)).includes(name), `${name} dropped`)
  t.equal((await migrateTo(db, LIFECYCLE)).error, undefined, 'and up again')
})

t.test('2026_11_29_090000_create_proposals: from an empty database, and from the previous schema with a published RFP in it', async (t) => {
  const LIFECYCLE = '2026_11_29_080000_create_rfp_lifecycle'
  const PROPOSALS = '2026_11_29_090000_create_proposals'
  const PROPOSAL_TABLES = ['proposal_files', 'proposal_partners', 'proposal_versions', 'proposals', 'rfp_opening_keys', 'rfp_openings']
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  const fromEmpty = await migrateTo(empty, PROPOSALS)
  t.equal(fromEmpty.error, undefined)
  t.same(fromEmpty.applied.map((m) => m.name), [FIRST, OUTBOX, VENDORS, ACCOUNTS, '2026_11_29_060000_create_rate_limit_hits', '2026_11_29_070000_create_stored_files', LIFECYCLE, PROPOSALS])
  for (const name of PROPOSAL_TABLES) t.ok((await tables(empty)).includes(name), name)

  // A published RFP, with a vendor registered on it, from before sealed intake: it has no opening keys.
  const config = testConfig(t)
  const db = openDatabase(config)
  t.teardown(async () => { await db.destroy() })
  await migrateTo(db, LIFECYCLE)
  const document = withDefaults(securityAuditRfp(new Date('2026-11-01T00:00:00.000Z')))
  await db.insertInto('users').values([
    { id: 'u1', email: 'chair@example.org', email_normalized: 'chair@example.org', display_name: 'Chair', is_admin: 0, created_at: 'x' },
    { id: 'u2', email: 'ada@alpha.example', email_normalized: 'ada@alpha.example', display_name: 'Ada', is_admin: 0, created_at: 'x' },
    { id: 'u3', email: 'bo@beta.example', email_normalized: 'bo@beta.example', display_name: 'Bo', is_admin: 0, created_at: 'x' }
  ]).execute()
  await db.insertInto('vendor_organisations').values([
    { id: 'o1', name: 'Alpha Audits', name_normalized: 'alpha audits', website: null, created_at: 'x' },
    { id: 'o2', name: 'Beta Labs', name_normalized: 'beta labs', website: null, created_at: 'x' }
  ]).execute()
  await db.insertInto('vendor_contacts').values([{ user_id: 'u2', organisation_id: 'o1', created_at: 'x' }, { user_id: 'u3', organisation_id: 'o2', created_at: 'x' }]).execute()
  await db.insertInto('rfps').values({
    id: 'r1', slug: document.slug, state: 'published', current_version: 1, created_by: 'u1', created_at: 'x', updated_at: 'x', published_at: '2026-11-02T00:00:00.000Z', cancelled_at: null, cancel_reason: null
  }).execute()
  await db.insertInto('rfp_versions').values({ rfp_id: 'r1', number: 1, ...versionColumns(document), reason: null, created_by: 'u1', created_at: 'x', frozen_at: '2026-11-02T00:00:00.000Z' }).execute()
  await db.insertInto('rfp_interests').values({ rfp_id: 'r1', organisation_id: 'o1', registered_by: 'u2', registered_at: 'x' }).execute()

  t.same((await migrateTo(db, PROPOSALS)).applied.map((m) => m.name), [PROPOSALS])
  for (const name of PROPOSAL_TABLES) t.ok((await tables(db)).includes(name), `${name} made`)
  const rfp = await findRfp(db, { id: 'r1' })
  t.equal(rfp?.state, 'published', 'the RFP is kept as it was')
  t.same(rfp?.document.requirements, document.requirements)
  t.same(await db.selectFrom('rfp_interests').select(['rfp_id', 'organisation_id']).execute(), [{ rfp_id: 'r1', organisation_id: 'o1' }])
  t.same(await db.selectFrom('rfp_opening_keys').selectAll().execute(), [], 'an RFP published before has no opening keys')

  // It gets them when a proposal first needs one: both pairs, the private halves wrapped by the instance key.
  const ctx = createServiceContext({ config, db, clock: new ManualClock(T0), random: seededRandom() })
  const publicKey = await sealingKey(ctx, 'r1', 'proposals', T0.toISOString())
  t.equal(publicKey.length, 32, 'an X25519 public key')
  const keys = await db.selectFrom('rfp_opening_keys').select(['rfp_id', 'purpose', 'public_key', 'custody']).orderBy('purpose').execute()
  t.same(keys.map((k) => [k.rfp_id, k.purpose, k.custody]), [['r1', 'price', 'instance'], ['r1', 'proposals', 'instance']])
  t.equal(keys[1]?.public_key, publicKey.toString('base64url'))

  // The constraints the services rely on.
  t.equal(Object.values((await sql.raw('PRAGMA foreign_keys').execute(db)).rows[0] as object)[0], 1, 'foreign keys are on')
  const proposal = { rfp_id: 'r1', organisation_id: 'o1', status: 'submitted', current_version: 1, status_reason: null, created_at: 'x', updated_at: 'x' }
  await db.insertInto('proposals').values({ id: 'p1', ...proposal }).execute()
  await t.rejects(db.insertInto('proposals').values({ id: 'p2', ...proposal }).execute(), /UNIQUE constraint failed: proposals\.rfp_id, proposals\.organisation_id/, 'one proposal per vendor and RFP')
  await t.rejects(db.insertInto('proposals').values({ id: 'p3', ...proposal, organisation_id: 'nobody' }).execute(), /FOREIGN KEY constraint failed/, 'from a registered vendor')
  const version = { proposal_id: 'p1', rfp_version: 1, submitted_by: 'u2', submitted_at: 'x', manifest: '{}', sealed_content: 'sealed', sealed_price: null }
  await db.insertInto('proposal_versions').values({ ...version, number: 1, receipt_hash: 'a'.repeat(64) }).execute()
  await t.rejects(db.insertInto('proposal_versions').values({ ...version, number: 2, receipt_hash: 'a'.repeat(64) }).execute(), /UNIQUE constraint failed: proposal_versions\.receipt_hash/, 'a receipt hash names one submission')
  await t.rejects(db.insertInto('proposal_versions').values({ ...version, number: 1, receipt_hash: 'b'.repeat(64) }).execute(), /UNIQUE constraint failed: proposal_versions\.proposal_id, proposal_versions\.number/, 'a version number once per proposal')
  await t.rejects(db.insertInto('proposal_versions').values({ ...version, proposal_id: 'p9', number: 1, receipt_hash: 'c'.repeat(64) }).execute(), /FOREIGN KEY constraint failed/, 'a version of an existing proposal')

  await db.insertInto('stored_files').values([
    { id: 'f1', backend: 'database', size: 3, sha256: null, created_at: 'x', committed_at: 'x' },
    { id: 'f2', backend: 'database', size: 3, sha256: null, created_at: 'x', committed_at: 'x' }
  ]).execute()
  const file = { proposal_id: 'p1', version: 1, n: 0, part: 'plan', stored_file_id: 'f1', original_name: 'plan.pdf', file_type: 'pdf', size: 3, sha256: 'd'.repeat(64) }
  await db.insertInto('proposal_files').values(file).execute()
  await t.rejects(db.insertInto('proposal_files').values({ ...file, version: 2, stored_file_id: 'f2' }).execute(), /FOREIGN KEY constraint failed/, 'a file of a version that does not exist is refused')
  await t.rejects(db.insertInto('proposal_files').values({ ...file, n: 1 }).execute(), /UNIQUE constraint failed: proposal_files\.stored_file_id/, 'a stored file belongs to one proposal file')
  await t.rejects(db.insertInto('proposal_files').values({ ...file, n: 1, stored_file_id: 'f9' }).execute(), /FOREIGN KEY constraint failed/, 'a file that is stored')
  t.same(await db.selectFrom('proposal_files').select(['proposal_id', 'version', 'n']).execute(), [{ proposal_id: 'p1', version: 1, n: 0 }])

  const partner = { proposal_id: 'p1', version: 1, organisation_id: 'o2', confirm_token_hash: 'e'.repeat(64), confirmed_by: null, confirmed_at: null }
  await db.insertInto('proposal_partners').values(partner).execute()
  await t.rejects(db.insertInto('proposal_partners').values({ ...partner, version: 2, confirm_token_hash: 'f'.repeat(64) }).execute(), /FOREIGN KEY constraint failed/, 'a partner of a version that does not exist is refused')
  await t.rejects(db.insertInto('proposal_partners').values({ ...partner, organisation_id: 'o1' }).execute(), /UNIQUE constraint failed: proposal_partners\.confirm_token_hash/, 'a confirmation link names one partner')

  await db.insertInto('rfp_openings').values({ rfp_id: 'r1', started_by: 'u1', started_at: 'x', confirmed_by: null, opened_at: null }).execute()
  await t.rejects(db.insertInto('rfp_openings').values({ rfp_id: 'r1', started_by: 'u1', started_at: 'y', confirmed_by: null, opened_at: null }).execute(), /UNIQUE constraint failed: rfp_openings\.rfp_id/, 'one opening per RFP')

  // Down, with proposals in it, then up again.
  t.same((await migrateTo(db, LIFECYCLE)).applied, [{ name: PROPOSALS, direction: 'Down' }])
  for (const name of PROPOSAL_TABLES) t.notOk((await tables(db)).includes(name), `${name} dropped`)
  t.same(await db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id: 'r1', state: 'published' }], 'down keeps the RFPs')
  t.same(await db.selectFrom('vendor_organisations').select('id').orderBy('id').execute(), [{ id: 'o1' }, { id: 'o2' }], 'and the vendors')
  t.same((await migrateTo(db, PROPOSALS)).applied.map((m) => m.name), [PROPOSALS], 'and up again')
  t.same(await db.selectFrom('proposals').selectAll().execute(), [], 'empty')
  t.same(await db.selectFrom('rfp_opening_keys').selectAll().execute(), [])
})

const PROPOSALS = '2026_11_29_090000_create_proposals'
const EVALUATION = '2026_11_29_100000_create_evaluation'
const EVALUATION_TABLES = ['consensus_scores', 'decisions', 'evaluator_attestations', 'evaluator_conflicts', 'gate_results', 'price_openings', 'proposal_prices',
  'round_proposals', 'score_history', 'score_sheets', 'scores', 'scoring_rounds', 'sealed_score_sheets', 'vendor_naming']

/**
 * A database at the latest schema with an RFP opened through the services (a committee of two: the owner
 * starts, the evaluator confirms), two vendors' proposals in it; then taken down to 090000, where the
 * evaluation tables are gone and the RFP stays opened: an RFP opened before 100000 existed.
 */
async function openedBefore100000 (t: Test) {
  const config = testConfig(t)
  const db = openDatabase(config)
  t.teardown(async () => { await db.destroy() })
  t.equal((await migrateToLatest(db)).error, undefined)
  const clock = new ManualClock(T0)
  const ctx = { ...createServiceContext({ config, db, clock, random: seededRandom() }), clock }
  const owner = (await createCommitteeMember(ctx, 'chair@example.org')).actor
  const evaluator = (await createCommitteeMember(ctx, 'eve@example.org')).actor
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await addRfpMember(ctx, owner, slug, 'eve@example.org', 'evaluator')
  await publishRfp(ctx, owner, id)
  const proposals: string[] = []
  for (const [name, email] of [['Alpha Audits', 'ada@alpha.example'], ['Beta Labs', 'bo@beta.example']] as const) {
    clock.advance(60_000)
    const vendor = await createVendorContact(ctx, name, email)
    const files = []
    for (const part of ['plan', 'cvs', 'example-reports']) files.push(await sealUpload(ctx, vendor.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([Buffer.from(`%PDF-1.4\n% ${name}\n`)]), maxBytes: 10_000 }))
    await submitProposal(ctx, vendor.actor, slug, { content: { summary: `${name} audits.`, personnel: [] }, partners: [] }, files)
    proposals.push((await db.selectFrom('proposals').select('id').where('organisation_id', '=', vendor.organisationId).executeTakeFirstOrThrow()).id)
  }
  clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  const fresh = <A extends { secondFactorAt: string | null }>(actor: A): A => ({ ...actor, secondFactorAt: clock.now().toISOString() })
  await startOpening(ctx, fresh(owner), slug)
  await confirmOpening(ctx, fresh(evaluator), slug)
  t.equal((await db.selectFrom('scoring_rounds').selectAll().execute()).length, 1, 'opened at the latest schema, round 1 starts')

  // Later migrations go down first: EVALUATION is the last one undone.
  t.same((await migrateTo(db, PROPOSALS)).applied.at(-1), { name: EVALUATION, direction: 'Down' })
  for (const name of EVALUATION_TABLES) t.notOk((await tables(db)).includes(name), `${name} dropped`)
  t.same(await db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id, state: 'opened' }], 'the RFP stays opened')
  t.equal((await db.selectFrom('rfp_openings').select('opened_at').executeTakeFirstOrThrow()).opened_at, clock.now().toISOString())
  return { db, ctx, clock, owner: fresh(owner), evaluator: fresh(evaluator), id, slug, proposals: proposals.sort() }
}

t.test(`${EVALUATION}: from an empty database, and from the previous schema with an opened RFP in it; down and up again`, async (t) => {
  const empty = openDatabase(testConfig(t))
  t.teardown(async () => { await empty.destroy() })
  const fromEmpty = await migrateTo(empty, EVALUATION)
  t.equal(fromEmpty.error, undefined)
  t.equal(fromEmpty.applied.at(-1)?.name, EVALUATION)
  t.equal(fromEmpty.applied.length, (await migrationStatus(empty)).findIndex((m) => m.name === EVALUATION) + 1, 'every migration up to it')
  for (const name of EVALUATION_TABLES) t.ok((await tables(empty)).includes(name), name)

  const { db, id, proposals } = await openedBefore100000(t)
  const up = await migrateTo(db, EVALUATION)
  t.equal(up.error, undefined)
  t.same(up.applied, [{ name: EVALUATION, direction: 'Up' }])
  for (const name of EVALUATION_TABLES) t.ok((await tables(db)).includes(name), `${name} made`)
  t.same(await db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id, state: 'opened' }], 'the RFP is kept as it was')
  t.same((await db.selectFrom('proposals').select('id').orderBy('id').execute()).map((p) => p.id), proposals, 'and its proposals')
  // The opened RFP gets its round 1, as the opening gives one now (the next test scores and closes it).
  const openedAt = (await db.selectFrom('rfp_openings').select('opened_at').executeTakeFirstOrThrow()).opened_at
  t.same(await db.selectFrom('scoring_rounds').selectAll().execute(), [{ rfp_id: id, round: 1, started_at: openedAt, closed_by: null, closed_at: null }], 'round 1 started at the opening')
  t.same((await db.selectFrom('round_proposals').select(['round', 'proposal_id']).orderBy('proposal_id').execute()).map((r) => [r.round, r.proposal_id]), proposals.map((p) => [1, p]), 'with both proposals')

  // Down with evaluation rows in every table, then up again: empty.
  await fillEvaluationTables(db, { rfpId: id, proposalId: proposals[0]!, userId: (await db.selectFrom('users').select('id').orderBy('email_normalized').executeTakeFirstOrThrow()).id, round: 2 })
  for (const name of EVALUATION_TABLES) t.ok((await db.selectFrom(name as 'scores').selectAll().execute()).length > 0, `a row in ${name}`)
  t.same((await migrateTo(db, PROPOSALS)).applied, [{ name: EVALUATION, direction: 'Down' }], 'down, with a row in every table')
  for (const name of EVALUATION_TABLES) t.notOk((await tables(db)).includes(name), `${name} dropped`)
  t.same(await db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id, state: 'opened' }], 'down keeps the RFP')
  t.equal((await db.selectFrom('proposals').selectAll().execute()).length, 2, 'and the proposals')
  t.same((await migrateTo(db, EVALUATION)).applied, [{ name: EVALUATION, direction: 'Up' }], 'and up again')
  for (const name of EVALUATION_TABLES.filter((n) => n !== 'scoring_rounds' && n !== 'round_proposals')) t.same(await db.selectFrom(name as 'scores').selectAll().execute(), [], `${name} empty`)
  t.equal((await db.selectFrom('scoring_rounds').selectAll().execute()).length, 1, 'round 1 started again for the opened RFP, nothing else')
  t.equal((await db.selectFrom('round_proposals').selectAll().execute()).length, 2)
})

t.test(`${EVALUATION}: an RFP opened before it gets round 1 with its standing proposals, and can be scored and closed`, async (t) => {
  const { db, ctx, owner, evaluator, id, slug, proposals } = await openedBefore100000(t)
  t.equal((await migrateTo(db, EVALUATION)).error, undefined)
  t.match(await db.selectFrom('scoring_rounds').selectAll().execute(), [{ rfp_id: id, round: 1, closed_at: null }], 'round 1 is open')
  t.same((await db.selectFrom('round_proposals').select('proposal_id').orderBy('proposal_id').execute()).map((r) => r.proposal_id), proposals, 'with every standing proposal')
  t.equal((await getEvaluationPage(ctx, evaluator, slug)).rounds.length, 1, 'the evaluation page shows it')
  await attest(ctx, evaluator, slug, { mayBeNamed: false })
  t.match(await getScoreSheet(ctx, evaluator, slug, 1, proposals[0]!), { status: 'not started' }, 'an evaluator can open a sheet')
  t.same(await closeScoringRound(ctx, owner, slug, 1), { sheets: 0 }, 'and the owner can close the round')
})

/** One row in each evaluation table, all about one RFP, proposal, user and round. */
async function fillEvaluationTables (db: Db, { rfpId, proposalId, userId, round = 1 }: { rfpId: string, proposalId: string, userId: string, round?: number }): Promise<void> {
  const organisationId = (await db.selectFrom('proposals').select('organisation_id').where('id', '=', proposalId).executeTakeFirstOrThrow()).organisation_id
  const key = { rfp_id: rfpId, round, proposal_id: proposalId, user_id: userId }
  const recorded = { recorded_by: userId, recorded_at: 'x', reason: 'r' }
  await db.insertInto('evaluator_attestations').values({ rfp_id: rfpId, user_id: userId, text: 'I attest.', may_be_named: 0, attested_at: 'x' }).execute()
  await db.insertInto('evaluator_conflicts').values({ rfp_id: rfpId, user_id: userId, organisation_id: organisationId, kind: 'other', note: 'n', declared_at: 'x' }).execute()
  await db.insertInto('scoring_rounds').values({ rfp_id: rfpId, round, started_at: 'x', closed_by: userId, closed_at: 'y' }).execute()
  await db.insertInto('round_proposals').values({ rfp_id: rfpId, round, proposal_id: proposalId }).execute()
  await db.insertInto('score_sheets').values({ ...key, submitted_at: 'x', updated_at: 'x' }).execute()
  await db.insertInto('scores').values({ ...key, criterion_id: 'team', score: 3, comment: 'c', updated_at: 'x' }).execute()
  await db.insertInto('score_history').values({ ...key, criterion_id: 'team', seq: 1, score: 3, comment: 'c', saved_at: 'x', submitted: 1 }).execute()
  await db.insertInto('sealed_score_sheets').values({ rfp_id: rfpId, round, user_id: userId, label: 'Evaluator 1', sheet: '{}', hash: 'a'.repeat(64) }).execute()
  await db.insertInto('consensus_scores').values({ rfp_id: rfpId, round, proposal_id: proposalId, criterion_id: 'team', score: 4, ...recorded }).execute()
  await db.insertInto('gate_results').values({ rfp_id: rfpId, round, proposal_id: proposalId, criterion_id: 'open-report', passed: 1, ...recorded }).execute()
  await db.insertInto('price_openings').values({ rfp_id: rfpId, opened_by: userId, opened_at: 'x' }).execute()
  await db.insertInto('proposal_prices').values({ proposal_id: proposalId, rfp_id: rfpId, amount: '1000', currency: 'EUR', notes: '' }).execute()
  await db.insertInto('decisions').values({ rfp_id: rfpId, rationale: 'r', rounds_used: 1, decided_by: userId, decided_at: 'x' }).execute()
  await db.insertInto('vendor_naming').values({ proposal_id: proposalId, may_be_named: 1, chosen_by: userId, chosen_at: 'x' }).execute()
}

t.test(`${EVALUATION}: every key, reference, uniqueness and NOT NULL refuses a bad row`, async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  t.equal((await migrateTo(db, EVALUATION)).error, undefined)
  await db.insertInto('users').values(['u1', 'u2'].map((id) => ({ id, email: `${id}@example.org`, email_normalized: `${id}@example.org`, display_name: id, is_admin: 0, created_at: 'x' }))).execute()
  await db.insertInto('vendor_organisations').values(['o1', 'o2'].map((id) => ({ id, name: id, name_normalized: id, website: null, created_at: 'x' }))).execute()
  await db.insertInto('rfps').values(['r1', 'r2'].map((id) => ({ id, slug: `rfp-${id}`, state: 'opened', current_version: 1, created_by: 'u1', created_at: 'x', updated_at: 'x', published_at: 'x', cancelled_at: null, cancel_reason: null }))).execute()
  await db.insertInto('proposals').values([['p1', 'o1'], ['p2', 'o2']].map(([id, org]) => ({ id: id!, rfp_id: 'r1', organisation_id: org!, status: 'submitted', current_version: 1, status_reason: null, created_at: 'x', updated_at: 'x' }))).execute()
  await fillEvaluationTables(db, { rfpId: 'r1', proposalId: 'p1', userId: 'u1' })

  const unique = (columns: string): RegExp => new RegExp(`UNIQUE constraint failed: ${columns.replace(/\./g, '\\.')}`)
  const foreignKey = /FOREIGN KEY constraint failed/
  const notNull = (column: string): RegExp => new RegExp(`NOT NULL constraint failed: ${column.replace(/\./g, '\\.')}`)
  const key = { rfp_id: 'r1', round: 1, proposal_id: 'p1', user_id: 'u1' }
  const recorded = { recorded_by: 'u1', recorded_at: 'x', reason: 'r' }
  const attestation = { rfp_id: 'r1', user_id: 'u2', text: 'I attest.', may_be_named: 0, attested_at: 'x' }
  const conflict = { rfp_id: 'r1', user_id: 'u2', organisation_id: 'o1', kind: 'other', note: 'n', declared_at: 'x' }
  const sheet = { ...key, user_id: 'u2', submitted_at: null, updated_at: 'x' }
  const cell = { ...key, criterion_id: 'team', score: 3, comment: 'c', updated_at: 'x' }
  const saved = { ...key, criterion_id: 'team', seq: 1, score: 3, comment: 'c', saved_at: 'x', submitted: 1 }
  const sealed = { rfp_id: 'r1', round: 1, user_id: 'u2', label: 'Evaluator 2', sheet: '{}', hash: 'b'.repeat(64) }
  const consensus = { rfp_id: 'r1', round: 1, proposal_id: 'p2', criterion_id: 'team', score: 4, ...recorded }
  const gate = { rfp_id: 'r1', round: 1, proposal_id: 'p2', criterion_id: 'open-report', passed: 0, ...recorded }
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['an attestation twice', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, user_id: 'u1' }).execute(), unique('evaluator_attestations.rfp_id, evaluator_attestations.user_id')],
    ['an attestation on no RFP', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, rfp_id: 'nope' }).execute(), foreignKey],
    ['an attestation by no user', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, user_id: 'nope' }).execute(), foreignKey],
    ['an attestation without its text', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, text: null as never }).execute(), notNull('evaluator_attestations.text')],
    ['a conflict twice', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, user_id: 'u1' }).execute(), unique('evaluator_conflicts.rfp_id, evaluator_conflicts.user_id, evaluator_conflicts.organisation_id')],
    ['a conflict with no organisation', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, organisation_id: 'nope' }).execute(), foreignKey],
    ['a conflict of no user', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, user_id: 'nope' }).execute(), foreignKey],
    ['a conflict on no RFP', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, rfp_id: 'nope' }).execute(), foreignKey],
    ['a conflict without a note', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, note: null as never }).execute(), notNull('evaluator_conflicts.note')],
    ['a round twice', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'r1', round: 1, started_at: 'x', closed_by: null, closed_at: null }).execute(), unique('scoring_rounds.rfp_id, scoring_rounds.round')],
    ['a round of no RFP', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'nope', round: 1, started_at: 'x', closed_by: null, closed_at: null }).execute(), foreignKey],
    ['a round closed by no user', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'r2', round: 1, started_at: 'x', closed_by: 'nope', closed_at: 'x' }).execute(), foreignKey],
    ['a round without its start', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'r2', round: 1, started_at: null as never, closed_by: null, closed_at: null }).execute(), notNull('scoring_rounds.started_at')],
    ['a proposal twice in a round', async () => await db.insertInto('round_proposals').values({ rfp_id: 'r1', round: 1, proposal_id: 'p1' }).execute(), unique('round_proposals.rfp_id, round_proposals.round, round_proposals.proposal_id')],
    ['a proposal in a round that has not started', async () => await db.insertInto('round_proposals').values({ rfp_id: 'r1', round: 2, proposal_id: 'p2' }).execute(), foreignKey],
    ['no proposal in a round', async () => await db.insertInto('round_proposals').values({ rfp_id: 'r1', round: 1, proposal_id: 'nope' }).execute(), foreignKey],
    ['a sheet twice', async () => await db.insertInto('score_sheets').values({ ...sheet, user_id: 'u1' }).execute(), unique('score_sheets.rfp_id, score_sheets.round, score_sheets.proposal_id, score_sheets.user_id')],
    ['a sheet in a round that has not started', async () => await db.insertInto('score_sheets').values({ ...sheet, round: 2 }).execute(), foreignKey],
    ['a sheet of no proposal', async () => await db.insertInto('score_sheets').values({ ...sheet, proposal_id: 'nope' }).execute(), foreignKey],
    ['a sheet of no user', async () => await db.insertInto('score_sheets').values({ ...sheet, user_id: 'nope' }).execute(), foreignKey],
    ['a score twice', async () => await db.insertInto('scores').values(cell).execute(), unique('scores.rfp_id, scores.round, scores.proposal_id, scores.user_id, scores.criterion_id')],
    ['a score without its sheet', async () => await db.insertInto('scores').values({ ...cell, user_id: 'u2' }).execute(), foreignKey],
    ['a score without a comment', async () => await db.insertInto('scores').values({ ...cell, criterion_id: 'other', comment: null as never }).execute(), notNull('scores.comment')],
    ['a save numbered twice', async () => await db.insertInto('score_history').values(saved).execute(), unique('score_history.rfp_id, score_history.round, score_history.proposal_id, score_history.user_id, score_history.criterion_id, score_history.seq')],
    ['a save without its sheet', async () => await db.insertInto('score_history').values({ ...saved, user_id: 'u2' }).execute(), foreignKey],
    ['a save without its time', async () => await db.insertInto('score_history').values({ ...saved, seq: 2, saved_at: null as never }).execute(), notNull('score_history.saved_at')],
    ['a sealed sheet twice', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, user_id: 'u1' }).execute(), unique('sealed_score_sheets.rfp_id, sealed_score_sheets.round, sealed_score_sheets.user_id')],
    ['two sealed sheets with one hash', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, hash: 'a'.repeat(64) }).execute(), unique('sealed_score_sheets.hash')],
    ['a sealed sheet in a round that has not started', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, round: 2 }).execute(), foreignKey],
    ['a sealed sheet of no user', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, user_id: 'nope' }).execute(), foreignKey],
    ['a sealed sheet without its hash', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, hash: null as never }).execute(), notNull('sealed_score_sheets.hash')],
    ['a consensus twice', async () => await db.insertInto('consensus_scores').values({ ...consensus, proposal_id: 'p1' }).execute(), unique('consensus_scores.rfp_id, consensus_scores.round, consensus_scores.proposal_id, consensus_scores.criterion_id')],
    ['a consensus in a round that has not started', async () => await db.insertInto('consensus_scores').values({ ...consensus, round: 2 }).execute(), foreignKey],
    ['a consensus on no proposal', async () => await db.insertInto('consensus_scores').values({ ...consensus, proposal_id: 'nope' }).execute(), foreignKey],
    ['a consensus recorded by no user', async () => await db.insertInto('consensus_scores').values({ ...consensus, recorded_by: 'nope' }).execute(), foreignKey],
    ['a consensus without its reason', async () => await db.insertInto('consensus_scores').values({ ...consensus, reason: null as never }).execute(), notNull('consensus_scores.reason')],
    ['a gate outcome twice', async () => await db.insertInto('gate_results').values({ ...gate, proposal_id: 'p1' }).execute(), unique('gate_results.rfp_id, gate_results.round, gate_results.proposal_id, gate_results.criterion_id')],
    ['a gate outcome in a round that has not started', async () => await db.insertInto('gate_results').values({ ...gate, round: 2 }).execute(), foreignKey],
    ['a gate outcome on no proposal', async () => await db.insertInto('gate_results').values({ ...gate, proposal_id: 'nope' }).execute(), foreignKey],
    ['a gate outcome recorded by no user', async () => await db.insertInto('gate_results').values({ ...gate, recorded_by: 'nope' }).execute(), foreignKey],
    ['a gate outcome without its reason', async () => await db.insertInto('gate_results').values({ ...gate, reason: null as never }).execute(), notNull('gate_results.reason')],
    ['the price envelope opened twice', async () => await db.insertInto('price_openings').values({ rfp_id: 'r1', opened_by: 'u2', opened_at: 'y' }).execute(), unique('price_openings.rfp_id')],
    ['the price envelope of no RFP', async () => await db.insertInto('price_openings').values({ rfp_id: 'nope', opened_by: 'u1', opened_at: 'x' }).execute(), foreignKey],
    ['the price envelope opened by no user', async () => await db.insertInto('price_openings').values({ rfp_id: 'r2', opened_by: 'nope', opened_at: 'x' }).execute(), foreignKey],
    ['a price twice', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'p1', rfp_id: 'r1', amount: '2', currency: 'EUR', notes: '' }).execute(), unique('proposal_prices.proposal_id')],
    ['a price from an envelope not opened', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'p2', rfp_id: 'r2', amount: '2', currency: 'EUR', notes: '' }).execute(), foreignKey],
    ['a price of no proposal', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'nope', rfp_id: 'r1', amount: '2', currency: 'EUR', notes: '' }).execute(), foreignKey],
    ['a price without its amount', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'p2', rfp_id: 'r1', amount: null as never, currency: 'EUR', notes: '' }).execute(), notNull('proposal_prices.amount')],
    ['a decision twice', async () => await db.insertInto('decisions').values({ rfp_id: 'r1', rationale: 'again', rounds_used: 1, decided_by: 'u1', decided_at: 'y' }).execute(), unique('decisions.rfp_id')],
    ['a decision on no RFP', async () => await db.insertInto('decisions').values({ rfp_id: 'nope', rationale: 'r', rounds_used: 1, decided_by: 'u1', decided_at: 'x' }).execute(), foreignKey],
    ['a decision by no user', async () => await db.insertInto('decisions').values({ rfp_id: 'r2', rationale: 'r', rounds_used: 1, decided_by: 'nope', decided_at: 'x' }).execute(), foreignKey],
    ['a decision without a rationale', async () => await db.insertInto('decisions').values({ rfp_id: 'r2', rationale: null as never, rounds_used: 1, decided_by: 'u1', decided_at: 'x' }).execute(), notNull('decisions.rationale')],
    ['a naming choice twice', async () => await db.insertInto('vendor_naming').values({ proposal_id: 'p1', may_be_named: 0, chosen_by: 'u1', chosen_at: 'y' }).execute(), unique('vendor_naming.proposal_id')],
    ['a naming choice for no proposal', async () => await db.insertInto('vendor_naming').values({ proposal_id: 'nope', may_be_named: 0, chosen_by: 'u1', chosen_at: 'x' }).execute(), foreignKey],
    ['a naming choice by no user', async () => await db.insertInto('vendor_naming').values({ proposal_id: 'p2', may_be_named: 0, chosen_by: 'nope', chosen_at: 'x' }).execute(), foreignKey]
  ]
  for (const [name, insert, error] of cases) await t.rejects(insert(), error, name)
  for (const name of EVALUATION_TABLES) t.equal((await db.selectFrom(name as 'scores').selectAll().execute()).length, 1, `${name} holds only its good row`)
})

t.test(`${EVALUATION}: a single-column key refuses NULL on SQLite too`, async (t) => {
  const db = openDatabase(testConfig(t))
  t.teardown(async () => { await db.destroy() })
  t.equal((await migrateTo(db, EVALUATION)).error, undefined)
  await db.insertInto('users').values({ id: 'u1', email: 'u1@example.org', email_normalized: 'u1@example.org', display_name: 'u1', is_admin: 0, created_at: 'x' }).execute()
  await t.rejects(db.insertInto('price_openings').values({ rfp_id: null as never, opened_by: 'u1', opened_at: 'x' }).execute(), /NOT NULL constraint failed: price_openings\.rfp_id/)
  await t.rejects(db.insertInto('proposal_prices').values({ proposal_id: null as never, rfp_id: null as never, amount: '1', currency: 'EUR', notes: '' }).execute(), /NOT NULL constraint failed: proposal_prices\.(proposal_id|rfp_id)/)
  await t.rejects(db.insertInto('decisions').values({ rfp_id: null as never, rationale: 'r', rounds_used: 1, decided_by: 'u1', decided_at: 'x' }).execute(), /NOT NULL constraint failed: decisions\.rfp_id/)
  await t.rejects(db.insertInto('vendor_naming').values({ proposal_id: null as never, may_be_named: 1, chosen_by: 'u1', chosen_at: 'x' }).execute(), /NOT NULL constraint failed: vendor_naming\.proposal_id/)
})

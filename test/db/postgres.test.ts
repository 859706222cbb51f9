// The same migrations on PostgreSQL (the PostgreSQL pass of the suite): up from empty, all the way down, up again.
import { readdirSync } from 'node:fs'
import { sql } from 'kysely'
import t from 'tap'
import { kindOf } from '../../src/db/database.js'
import { appliedMigrationNames, migrateDown, migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { migrationsDir } from '../../src/paths.js'
import { appendAuditEvent } from '../../src/services/audit.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { createOwner, createVendorContact, onPostgres, T0, testContext } from '../helpers/app.js'

const MIGRATIONS = readdirSync(migrationsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort()
const skip = onPostgres ? false : 'runs in the PostgreSQL pass'

t.test('every migration runs up, down and up again on PostgreSQL; the audit log refuses changes there too', { skip }, async (t) => {
  const ctx = await testContext(t)
  t.equal(kindOf(ctx.db), 'postgres')
  t.same(await appliedMigrationNames(ctx.db), MIGRATIONS)
  await ctx.db.transaction().execute(async (trx) => {
    await appendAuditEvent(trx, { at: ctx.clock.now().toISOString(), type: 'test.event', actorId: null, rfpId: null, public: false, data: {} })
  })
  await t.rejects(sql`update audit_events set type = 'forged'`.execute(ctx.db), /append-only/)
  await t.rejects(sql`delete from audit_events`.execute(ctx.db), /append-only/)
  await t.rejects(sql`truncate audit_events`.execute(ctx.db), /append-only/)
  for (let i = MIGRATIONS.length - 1; i >= 0; i--) {
    const { applied, error } = await migrateDown(ctx.db)
    t.equal(error, undefined)
    t.same(applied.map((m) => m.name), [MIGRATIONS[i]])
  }
  t.same(await appliedMigrationNames(ctx.db), [])
  const again = await migrateToLatest(ctx.db)
  t.equal(again.error, undefined)
  t.same(again.applied.map((m) => m.name), MIGRATIONS)
})

t.test('2026_11_29_090000_create_proposals on PostgreSQL: its keys and constraints hold, and it goes down with proposals in it and up again', { skip }, async (t) => {
  const LIFECYCLE = '2026_11_29_080000_create_rfp_lifecycle'
  const PROPOSALS = '2026_11_29_090000_create_proposals'
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const { id: rfpId, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, rfpId)
  const alpha = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const beta = await createVendorContact(ctx, 'Beta Labs', 'bo@beta.example')
  const keys = await ctx.db.selectFrom('rfp_opening_keys').select(['purpose', 'custody']).where('rfp_id', '=', rfpId).orderBy('purpose').execute()
  t.same(keys, [{ purpose: 'price', custody: 'instance' }, { purpose: 'proposals', custody: 'instance' }], 'publication makes the opening keys')

  const proposal = { rfp_id: rfpId, organisation_id: alpha.organisationId, status: 'submitted', current_version: 1, status_reason: null, created_at: 'x', updated_at: 'x' }
  await ctx.db.insertInto('proposals').values({ id: 'p1', ...proposal }).execute()
  await t.rejects(ctx.db.insertInto('proposals').values({ id: 'p2', ...proposal }).execute(), /unique constraint "proposals_rfp_organisation"/, 'one proposal per vendor and RFP')
  const version = { proposal_id: 'p1', rfp_version: 1, submitted_by: alpha.actor.userId, submitted_at: 'x', manifest: '{}', sealed_content: 'sealed', sealed_price: null }
  await ctx.db.insertInto('proposal_versions').values({ ...version, number: 1, receipt_hash: 'a'.repeat(64) }).execute()
  await t.rejects(ctx.db.insertInto('proposal_versions').values({ ...version, number: 2, receipt_hash: 'a'.repeat(64) }).execute(), /unique constraint "proposal_versions_receipt_hash_key"/, 'a receipt hash names one submission')
  await ctx.db.insertInto('stored_files').values([
    { id: 'f1', backend: 'database', size: 3, sha256: null, created_at: 'x', committed_at: 'x' },
    { id: 'f2', backend: 'database', size: 3, sha256: null, created_at: 'x', committed_at: 'x' }
  ]).execute()
  // Sizes are bigint: a file past 4 GiB fits (and, as every bigint on PostgreSQL, reads back as a string).
  const file = { proposal_id: 'p1', version: 1, n: 0, part: 'plan', stored_file_id: 'f1', original_name: 'plan.pdf', file_type: 'pdf', size: 5_000_000_000, sha256: 'd'.repeat(64) }
  await ctx.db.insertInto('proposal_files').values(file).execute()
  t.equal(Number((await ctx.db.selectFrom('proposal_files').select('size').executeTakeFirstOrThrow()).size), 5_000_000_000)
  await t.rejects(ctx.db.insertInto('proposal_files').values({ ...file, version: 2, stored_file_id: 'f2' }).execute(), /foreign key constraint "proposal_files_version"/, 'a file of a version that does not exist is refused')
  const partner = { proposal_id: 'p1', version: 1, organisation_id: beta.organisationId, confirm_token_hash: 'e'.repeat(64), confirmed_by: null, confirmed_at: null }
  await ctx.db.insertInto('proposal_partners').values(partner).execute()
  await t.rejects(ctx.db.insertInto('proposal_partners').values({ ...partner, version: 2, confirm_token_hash: 'f'.repeat(64) }).execute(), /foreign key constraint "proposal_partners_version"/, 'so is a partner of one')
  await ctx.db.insertInto('rfp_openings').values({ rfp_id: rfpId, started_by: owner.userId, started_at: 'x', confirmed_by: null, opened_at: null }).execute()

  const down = await migrateTo(ctx.db, LIFECYCLE)
  t.equal(down.error, undefined)
  t.same(down.applied.at(-1), { name: PROPOSALS, direction: 'Down' }, 'down, with a proposal, its file, partner and opening in it')
  t.same(await ctx.db.selectFrom('rfps').select(['slug', 'state']).execute(), [{ slug, state: 'published' }], 'the RFP is kept')
  const up = await migrateToLatest(ctx.db)
  t.equal(up.error, undefined)
  t.equal(up.applied[0]?.name, PROPOSALS, 'and up again')
  t.same(await ctx.db.selectFrom('proposals').selectAll().execute(), [])
})

// The same migrations on PostgreSQL (the PostgreSQL pass of the suite): up from empty, all the way down, up again.
import { readdirSync } from 'node:fs'
import { Readable } from 'node:stream'
import { sql } from 'kysely'
import t from 'tap'
import { kindOf, type Db } from '../../src/db/database.js'
import { appliedMigrationNames, migrateDown, migrateTo, migrateToLatest } from '../../src/db/migrator.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { migrationsDir } from '../../src/paths.js'
import { appendAuditEvent } from '../../src/services/audit.js'
import { attest } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { getScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { createCommitteeMember, createOwner, createVendorContact, onPostgres, T0, testContext } from '../helpers/app.js'

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

const PROPOSALS = '2026_11_29_090000_create_proposals'
const EVALUATION = '2026_11_29_100000_create_evaluation'
const EVALUATION_TABLES = ['consensus_scores', 'decisions', 'evaluator_attestations', 'evaluator_conflicts', 'gate_results', 'price_openings', 'proposal_prices',
  'round_proposals', 'score_history', 'score_sheets', 'scores', 'scoring_rounds', 'sealed_score_sheets', 'vendor_naming']

async function tableNames (db: Db): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).sort()
}

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

t.test(`${EVALUATION} on PostgreSQL: from the previous schema with an opened RFP (which gets its round 1), down with rows in every table, up again`, { skip }, async (t) => {
  const ctx = await testContext(t)
  const owner = (await createCommitteeMember(ctx, 'chair@example.org')).actor
  const evaluator = (await createCommitteeMember(ctx, 'eve@example.org')).actor
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await addRfpMember(ctx, owner, slug, 'eve@example.org', 'evaluator')
  await publishRfp(ctx, owner, id)
  const proposals: string[] = []
  for (const [name, email] of [['Alpha Audits', 'ada@alpha.example'], ['Beta Labs', 'bo@beta.example']] as const) {
    ctx.clock.advance(60_000)
    const vendor = await createVendorContact(ctx, name, email)
    const files = []
    for (const part of ['plan', 'cvs', 'example-reports']) files.push(await sealUpload(ctx, vendor.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([Buffer.from(`%PDF-1.4\n% ${name}\n`)]), maxBytes: 10_000 }))
    await submitProposal(ctx, vendor.actor, slug, { content: { summary: `${name} audits.`, personnel: [] }, partners: [] }, files)
    proposals.push((await ctx.db.selectFrom('proposals').select('id').where('organisation_id', '=', vendor.organisationId).executeTakeFirstOrThrow()).id)
  }
  proposals.sort()
  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  const fresh = <A extends { secondFactorAt: string | null }>(actor: A): A => ({ ...actor, secondFactorAt: ctx.clock.now().toISOString() })
  await startOpening(ctx, fresh(owner), slug)
  await confirmOpening(ctx, fresh(evaluator), slug)

  // Down to 090000: the RFP stays opened, with no evaluation tables: as if opened before 100000 existed.
  const down = await migrateTo(ctx.db, PROPOSALS)
  t.equal(down.error, undefined)
  // Later migrations go down first: EVALUATION is the last one undone.
  t.same(down.applied.at(-1), { name: EVALUATION, direction: 'Down' })
  for (const name of EVALUATION_TABLES) t.notOk((await tableNames(ctx.db)).includes(name), `${name} dropped`)
  t.same(await ctx.db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id, state: 'opened' }])

  const up = await migrateToLatest(ctx.db)
  t.equal(up.error, undefined)
  t.equal(up.applied[0]?.name, EVALUATION)
  for (const name of EVALUATION_TABLES) t.ok((await tableNames(ctx.db)).includes(name), `${name} made`)
  const openedAt = (await ctx.db.selectFrom('rfp_openings').select('opened_at').executeTakeFirstOrThrow()).opened_at
  t.same(await ctx.db.selectFrom('scoring_rounds').selectAll().execute(), [{ rfp_id: id, round: 1, started_at: openedAt, closed_by: null, closed_at: null }], 'the opened RFP gets round 1, started at its opening')
  t.same((await ctx.db.selectFrom('round_proposals').select(['round', 'proposal_id']).orderBy('proposal_id').execute()).map((r) => [r.round, r.proposal_id]), proposals.map((p) => [1, p]), 'with its standing proposals')
  await attest(ctx, evaluator, slug, { mayBeNamed: false })
  t.match(await getScoreSheet(ctx, evaluator, slug, 1, proposals[0]!), { status: 'not started' }, 'it can be scored')
  t.same(await closeScoringRound(ctx, fresh(owner), slug, 1), { sheets: 0 }, 'and closed')

  await fillEvaluationTables(ctx.db, { rfpId: id, proposalId: proposals[0]!, userId: owner.userId, round: 2 })
  const again = await migrateTo(ctx.db, PROPOSALS)
  t.equal(again.error, undefined)
  t.same(again.applied.at(-1), { name: EVALUATION, direction: 'Down' }, 'down, with rows in every table')
  t.same(await ctx.db.selectFrom('rfps').select(['id', 'state']).execute(), [{ id, state: 'scoring_closed' }], 'the RFP is kept')
  t.equal((await ctx.db.selectFrom('proposals').selectAll().execute()).length, 2, 'and its proposals')
  t.equal((await migrateToLatest(ctx.db)).error, undefined, 'and up again')
  t.same(await ctx.db.selectFrom('evaluator_attestations').selectAll().execute(), [], 'empty')
  t.equal((await ctx.db.selectFrom('scoring_rounds').selectAll().execute()).length, 1, 'but for round 1 of the opened RFP')
})

t.test(`${EVALUATION} on PostgreSQL: every key, reference, uniqueness and NOT NULL refuses a bad row, by its name`, { skip }, async (t) => {
  const ctx = await testContext(t)
  const db = ctx.db
  await db.insertInto('users').values(['u1', 'u2'].map((id) => ({ id, email: `${id}@example.org`, email_normalized: `${id}@example.org`, display_name: id, is_admin: 0, created_at: 'x' }))).execute()
  await db.insertInto('vendor_organisations').values(['o1', 'o2'].map((id) => ({ id, name: id, name_normalized: id, website: null, created_at: 'x' }))).execute()
  await db.insertInto('rfps').values(['r1', 'r2'].map((id) => ({ id, slug: `rfp-${id}`, state: 'opened', current_version: 1, created_by: 'u1', created_at: 'x', updated_at: 'x', published_at: 'x', cancelled_at: null, cancel_reason: null }))).execute()
  await db.insertInto('proposals').values([['p1', 'o1'], ['p2', 'o2']].map(([id, org]) => ({ id: id!, rfp_id: 'r1', organisation_id: org!, status: 'submitted', current_version: 1, status_reason: null, created_at: 'x', updated_at: 'x' }))).execute()
  await fillEvaluationTables(db, { rfpId: 'r1', proposalId: 'p1', userId: 'u1' })

  const unique = (name: string): RegExp => new RegExp(`duplicate key value violates unique constraint "${name}"`)
  const foreignKey = (name: string): RegExp => new RegExp(`violates foreign key constraint "${name}"`)
  const notNull = (table: string, column: string): RegExp => new RegExp(`null value in column "${column}" of relation "${table}" violates not-null constraint`)
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
    ['an attestation twice', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, user_id: 'u1' }).execute(), unique('evaluator_attestations_pk')],
    ['an attestation on no RFP', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, rfp_id: 'nope' }).execute(), foreignKey('evaluator_attestations_rfp_id_fkey')],
    ['an attestation by no user', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, user_id: 'nope' }).execute(), foreignKey('evaluator_attestations_user_id_fkey')],
    ['an attestation without its text', async () => await db.insertInto('evaluator_attestations').values({ ...attestation, text: null as never }).execute(), notNull('evaluator_attestations', 'text')],
    ['a conflict twice', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, user_id: 'u1' }).execute(), unique('evaluator_conflicts_pk')],
    ['a conflict with no organisation', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, organisation_id: 'nope' }).execute(), foreignKey('evaluator_conflicts_organisation_id_fkey')],
    ['a conflict of no user', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, user_id: 'nope' }).execute(), foreignKey('evaluator_conflicts_user_id_fkey')],
    ['a conflict on no RFP', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, rfp_id: 'nope' }).execute(), foreignKey('evaluator_conflicts_rfp_id_fkey')],
    ['a conflict without a note', async () => await db.insertInto('evaluator_conflicts').values({ ...conflict, note: null as never }).execute(), notNull('evaluator_conflicts', 'note')],
    ['a round twice', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'r1', round: 1, started_at: 'x', closed_by: null, closed_at: null }).execute(), unique('scoring_rounds_pk')],
    ['a round of no RFP', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'nope', round: 1, started_at: 'x', closed_by: null, closed_at: null }).execute(), foreignKey('scoring_rounds_rfp_id_fkey')],
    ['a round closed by no user', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'r2', round: 1, started_at: 'x', closed_by: 'nope', closed_at: 'x' }).execute(), foreignKey('scoring_rounds_closed_by_fkey')],
    ['a round without its start', async () => await db.insertInto('scoring_rounds').values({ rfp_id: 'r2', round: 1, started_at: null as never, closed_by: null, closed_at: null }).execute(), notNull('scoring_rounds', 'started_at')],
    ['a proposal twice in a round', async () => await db.insertInto('round_proposals').values({ rfp_id: 'r1', round: 1, proposal_id: 'p1' }).execute(), unique('round_proposals_pk')],
    ['a proposal in a round that has not started', async () => await db.insertInto('round_proposals').values({ rfp_id: 'r1', round: 2, proposal_id: 'p2' }).execute(), foreignKey('round_proposals_round')],
    ['no proposal in a round', async () => await db.insertInto('round_proposals').values({ rfp_id: 'r1', round: 1, proposal_id: 'nope' }).execute(), foreignKey('round_proposals_proposal_id_fkey')],
    ['a sheet twice', async () => await db.insertInto('score_sheets').values({ ...sheet, user_id: 'u1' }).execute(), unique('score_sheets_pk')],
    ['a sheet in a round that has not started', async () => await db.insertInto('score_sheets').values({ ...sheet, round: 2 }).execute(), foreignKey('score_sheets_round')],
    ['a sheet of no proposal', async () => await db.insertInto('score_sheets').values({ ...sheet, proposal_id: 'nope' }).execute(), foreignKey('score_sheets_proposal_id_fkey')],
    ['a sheet of no user', async () => await db.insertInto('score_sheets').values({ ...sheet, user_id: 'nope' }).execute(), foreignKey('score_sheets_user_id_fkey')],
    ['a score twice', async () => await db.insertInto('scores').values(cell).execute(), unique('scores_pk')],
    ['a score without its sheet', async () => await db.insertInto('scores').values({ ...cell, user_id: 'u2' }).execute(), foreignKey('scores_sheet')],
    ['a score without a comment', async () => await db.insertInto('scores').values({ ...cell, criterion_id: 'other', comment: null as never }).execute(), notNull('scores', 'comment')],
    ['a save numbered twice', async () => await db.insertInto('score_history').values(saved).execute(), unique('score_history_pk')],
    ['a save without its sheet', async () => await db.insertInto('score_history').values({ ...saved, user_id: 'u2' }).execute(), foreignKey('score_history_sheet')],
    ['a save without its time', async () => await db.insertInto('score_history').values({ ...saved, seq: 2, saved_at: null as never }).execute(), notNull('score_history', 'saved_at')],
    ['a sealed sheet twice', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, user_id: 'u1' }).execute(), unique('sealed_score_sheets_pk')],
    ['two sealed sheets with one hash', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, hash: 'a'.repeat(64) }).execute(), unique('sealed_score_sheets_hash_key')],
    ['a sealed sheet in a round that has not started', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, round: 2 }).execute(), foreignKey('sealed_score_sheets_round')],
    ['a sealed sheet of no user', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, user_id: 'nope' }).execute(), foreignKey('sealed_score_sheets_user_id_fkey')],
    ['a sealed sheet without its hash', async () => await db.insertInto('sealed_score_sheets').values({ ...sealed, hash: null as never }).execute(), notNull('sealed_score_sheets', 'hash')],
    ['a consensus twice', async () => await db.insertInto('consensus_scores').values({ ...consensus, proposal_id: 'p1' }).execute(), unique('consensus_scores_pk')],
    ['a consensus in a round that has not started', async () => await db.insertInto('consensus_scores').values({ ...consensus, round: 2 }).execute(), foreignKey('consensus_scores_round')],
    ['a consensus on no proposal', async () => await db.insertInto('consensus_scores').values({ ...consensus, proposal_id: 'nope' }).execute(), foreignKey('consensus_scores_proposal_id_fkey')],
    ['a consensus recorded by no user', async () => await db.insertInto('consensus_scores').values({ ...consensus, recorded_by: 'nope' }).execute(), foreignKey('consensus_scores_recorded_by_fkey')],
    ['a consensus without its reason', async () => await db.insertInto('consensus_scores').values({ ...consensus, reason: null as never }).execute(), notNull('consensus_scores', 'reason')],
    ['a gate outcome twice', async () => await db.insertInto('gate_results').values({ ...gate, proposal_id: 'p1' }).execute(), unique('gate_results_pk')],
    ['a gate outcome in a round that has not started', async () => await db.insertInto('gate_results').values({ ...gate, round: 2 }).execute(), foreignKey('gate_results_round')],
    ['a gate outcome on no proposal', async () => await db.insertInto('gate_results').values({ ...gate, proposal_id: 'nope' }).execute(), foreignKey('gate_results_proposal_id_fkey')],
    ['a gate outcome recorded by no user', async () => await db.insertInto('gate_results').values({ ...gate, recorded_by: 'nope' }).execute(), foreignKey('gate_results_recorded_by_fkey')],
    ['a gate outcome without its reason', async () => await db.insertInto('gate_results').values({ ...gate, reason: null as never }).execute(), notNull('gate_results', 'reason')],
    ['the price envelope opened twice', async () => await db.insertInto('price_openings').values({ rfp_id: 'r1', opened_by: 'u2', opened_at: 'y' }).execute(), unique('price_openings_pkey')],
    ['the price envelope of no RFP', async () => await db.insertInto('price_openings').values({ rfp_id: 'nope', opened_by: 'u1', opened_at: 'x' }).execute(), foreignKey('price_openings_rfp_id_fkey')],
    ['the price envelope opened by no user', async () => await db.insertInto('price_openings').values({ rfp_id: 'r2', opened_by: 'nope', opened_at: 'x' }).execute(), foreignKey('price_openings_opened_by_fkey')],
    ['the price envelope of a NULL RFP', async () => await db.insertInto('price_openings').values({ rfp_id: null as never, opened_by: 'u1', opened_at: 'x' }).execute(), notNull('price_openings', 'rfp_id')],
    ['a price twice', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'p1', rfp_id: 'r1', amount: '2', currency: 'EUR', notes: '' }).execute(), unique('proposal_prices_pkey')],
    ['a price from an envelope not opened', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'p2', rfp_id: 'r2', amount: '2', currency: 'EUR', notes: '' }).execute(), foreignKey('proposal_prices_rfp_id_fkey')],
    ['a price of no proposal', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'nope', rfp_id: 'r1', amount: '2', currency: 'EUR', notes: '' }).execute(), foreignKey('proposal_prices_proposal_id_fkey')],
    ['a price without its amount', async () => await db.insertInto('proposal_prices').values({ proposal_id: 'p2', rfp_id: 'r1', amount: null as never, currency: 'EUR', notes: '' }).execute(), notNull('proposal_prices', 'amount')],
    ['a decision twice', async () => await db.insertInto('decisions').values({ rfp_id: 'r1', rationale: 'again', rounds_used: 1, decided_by: 'u1', decided_at: 'y' }).execute(), unique('decisions_pkey')],
    ['a decision on no RFP', async () => await db.insertInto('decisions').values({ rfp_id: 'nope', rationale: 'r', rounds_used: 1, decided_by: 'u1', decided_at: 'x' }).execute(), foreignKey('decisions_rfp_id_fkey')],
    ['a decision by no user', async () => await db.insertInto('decisions').values({ rfp_id: 'r2', rationale: 'r', rounds_used: 1, decided_by: 'nope', decided_at: 'x' }).execute(), foreignKey('decisions_decided_by_fkey')],
    ['a decision without a rationale', async () => await db.insertInto('decisions').values({ rfp_id: 'r2', rationale: null as never, rounds_used: 1, decided_by: 'u1', decided_at: 'x' }).execute(), notNull('decisions', 'rationale')],
    ['a naming choice twice', async () => await db.insertInto('vendor_naming').values({ proposal_id: 'p1', may_be_named: 0, chosen_by: 'u1', chosen_at: 'y' }).execute(), unique('vendor_naming_pkey')],
    ['a naming choice for no proposal', async () => await db.insertInto('vendor_naming').values({ proposal_id: 'nope', may_be_named: 0, chosen_by: 'u1', chosen_at: 'x' }).execute(), foreignKey('vendor_naming_proposal_id_fkey')],
    ['a naming choice by no user', async () => await db.insertInto('vendor_naming').values({ proposal_id: 'p2', may_be_named: 0, chosen_by: 'nope', chosen_at: 'x' }).execute(), foreignKey('vendor_naming_chosen_by_fkey')]
  ]
  for (const [name, insert, error] of cases) await t.rejects(insert(), error, name)
  for (const name of EVALUATION_TABLES) t.equal((await db.selectFrom(name as 'scores').selectAll().execute()).length, 1, `${name} holds only its good row`)
})

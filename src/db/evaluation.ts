// Evaluation: attestations, conflicts, scoring rounds and their proposals, score sheets with history, sealed
// sheets, consensus scores, gate outcomes, the price envelope, the decision and vendors' naming choices.
import type { Executor } from './database.js'
import type { ConsensusScoresTable, GateResultsTable, ProposalPricesTable, SealedScoreSheetsTable } from './schema.js'

export async function listAttestations (db: Executor, rfpId: string) {
  return await db.selectFrom('evaluator_attestations').selectAll().where('rfp_id', '=', rfpId).orderBy('attested_at').orderBy('user_id').execute()
}

export async function insertAttestation (db: Executor, row: { rfpId: string, userId: string, text: string, mayBeNamed: boolean, at: string }): Promise<boolean> {
  const result = await db.insertInto('evaluator_attestations')
    .values({ rfp_id: row.rfpId, user_id: row.userId, text: row.text, may_be_named: row.mayBeNamed ? 1 : 0, attested_at: row.at })
    .onConflict((oc) => oc.columns(['rfp_id', 'user_id']).doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

export async function listConflicts (db: Executor, rfpId: string) {
  return await db.selectFrom('evaluator_conflicts')
    .innerJoin('users', 'users.id', 'evaluator_conflicts.user_id')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'evaluator_conflicts.organisation_id')
    .selectAll('evaluator_conflicts').select(['users.display_name', 'vendor_organisations.name as organisation_name'])
    .where('evaluator_conflicts.rfp_id', '=', rfpId).orderBy('evaluator_conflicts.declared_at').orderBy('evaluator_conflicts.user_id').execute()
}

export async function insertConflict (db: Executor, row: { rfpId: string, userId: string, organisationId: string, kind: string, note: string, at: string }): Promise<boolean> {
  const result = await db.insertInto('evaluator_conflicts')
    .values({ rfp_id: row.rfpId, user_id: row.userId, organisation_id: row.organisationId, kind: row.kind, note: row.note, declared_at: row.at })
    .onConflict((oc) => oc.columns(['rfp_id', 'user_id', 'organisation_id']).doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

export async function listRounds (db: Executor, rfpId: string) {
  return await db.selectFrom('scoring_rounds').selectAll().where('rfp_id', '=', rfpId).orderBy('round').execute()
}

export async function insertRound (db: Executor, row: { rfpId: string, round: number, at: string, proposalIds: readonly string[] }): Promise<void> {
  await db.insertInto('scoring_rounds').values({ rfp_id: row.rfpId, round: row.round, started_at: row.at, closed_by: null, closed_at: null }).execute()
  if (row.proposalIds.length === 0) return
  await db.insertInto('round_proposals').values(row.proposalIds.map((id) => ({ rfp_id: row.rfpId, round: row.round, proposal_id: id }))).execute()
}

/** Closes an open round; false when it was closed meanwhile. */
export async function closeRound (db: Executor, rfpId: string, round: number, userId: string, at: string): Promise<boolean> {
  const result = await db.updateTable('scoring_rounds').set({ closed_by: userId, closed_at: at })
    .where('rfp_id', '=', rfpId).where('round', '=', round).where('closed_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** The proposals a round scores, with their vendor and receipt, oldest submission first. */
export async function listRoundProposals (db: Executor, rfpId: string, round: number) {
  return await db.selectFrom('round_proposals')
    .innerJoin('proposals', 'proposals.id', 'round_proposals.proposal_id')
    .innerJoin('proposal_versions', (join) => join.onRef('proposal_versions.proposal_id', '=', 'proposals.id').onRef('proposal_versions.number', '=', 'proposals.current_version'))
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['proposals.id', 'proposals.organisation_id', 'vendor_organisations.name as organisation_name', 'proposals.status', 'proposals.status_reason',
      'proposal_versions.receipt_hash', 'proposal_versions.submitted_at', 'proposal_versions.sealed_price', 'proposal_versions.manifest'])
    .where('round_proposals.rfp_id', '=', rfpId).where('round_proposals.round', '=', round)
    .orderBy('proposal_versions.submitted_at').orderBy('proposals.id').execute()
}

export async function findSheet (db: Executor, key: SheetKey) {
  return await db.selectFrom('score_sheets').selectAll()
    .where('rfp_id', '=', key.rfpId).where('round', '=', key.round).where('proposal_id', '=', key.proposalId).where('user_id', '=', key.userId).executeTakeFirst()
}

export interface SheetKey { rfpId: string, round: number, proposalId: string, userId: string }

export async function upsertSheet (db: Executor, key: SheetKey, submittedAt: string | null, at: string): Promise<void> {
  await db.insertInto('score_sheets')
    .values({ rfp_id: key.rfpId, round: key.round, proposal_id: key.proposalId, user_id: key.userId, submitted_at: submittedAt, updated_at: at })
    .onConflict((oc) => oc.columns(['rfp_id', 'round', 'proposal_id', 'user_id']).doUpdateSet({ submitted_at: submittedAt, updated_at: at })).execute()
}

export async function listSheetScores (db: Executor, key: SheetKey) {
  return await db.selectFrom('scores').selectAll()
    .where('rfp_id', '=', key.rfpId).where('round', '=', key.round).where('proposal_id', '=', key.proposalId).where('user_id', '=', key.userId).execute()
}

/** Saves one cell and appends it to the history, which keeps every save. */
export async function saveScore (db: Executor, key: SheetKey, cell: { criterionId: string, score: number | null, comment: string }, submitted: boolean, at: string): Promise<void> {
  await db.insertInto('scores')
    .values({ rfp_id: key.rfpId, round: key.round, proposal_id: key.proposalId, user_id: key.userId, criterion_id: cell.criterionId, score: cell.score, comment: cell.comment, updated_at: at })
    .onConflict((oc) => oc.columns(['rfp_id', 'round', 'proposal_id', 'user_id', 'criterion_id']).doUpdateSet({ score: cell.score, comment: cell.comment, updated_at: at })).execute()
  const last = await db.selectFrom('score_history').select((eb) => eb.fn.max('seq').as('seq'))
    .where('rfp_id', '=', key.rfpId).where('round', '=', key.round).where('proposal_id', '=', key.proposalId).where('user_id', '=', key.userId).where('criterion_id', '=', cell.criterionId)
    .executeTakeFirst()
  await db.insertInto('score_history').values({
    rfp_id: key.rfpId,
    round: key.round,
    proposal_id: key.proposalId,
    user_id: key.userId,
    criterion_id: cell.criterionId,
    seq: Number(last?.seq ?? 0) + 1,
    score: cell.score,
    comment: cell.comment,
    saved_at: at,
    submitted: submitted ? 1 : 0
  }).execute()
}

export async function listSheetHistory (db: Executor, key: SheetKey, limit: number) {
  return await db.selectFrom('score_history').selectAll()
    .where('rfp_id', '=', key.rfpId).where('round', '=', key.round).where('proposal_id', '=', key.proposalId).where('user_id', '=', key.userId)
    .orderBy('saved_at', 'desc').orderBy('criterion_id').orderBy('seq', 'desc').limit(limit).execute()
}

/** One member's sheets in a round: which proposals they have drafted or submitted. */
export async function listSheetsOf (db: Executor, rfpId: string, round: number, userId: string) {
  return await db.selectFrom('score_sheets').selectAll().where('rfp_id', '=', rfpId).where('round', '=', round).where('user_id', '=', userId).execute()
}

export async function listSheets (db: Executor, rfpId: string, round: number) {
  return await db.selectFrom('score_sheets').selectAll().where('rfp_id', '=', rfpId).where('round', '=', round).execute()
}

/** Every score of the submitted sheets of a round: what counts once it closes. */
export async function listSubmittedScores (db: Executor, rfpId: string, round: number) {
  return await db.selectFrom('scores')
    .innerJoin('score_sheets', (join) => join.onRef('score_sheets.rfp_id', '=', 'scores.rfp_id').onRef('score_sheets.round', '=', 'scores.round')
      .onRef('score_sheets.proposal_id', '=', 'scores.proposal_id').onRef('score_sheets.user_id', '=', 'scores.user_id'))
    .select(['scores.proposal_id', 'scores.user_id', 'scores.criterion_id', 'scores.score', 'scores.comment'])
    .where('scores.rfp_id', '=', rfpId).where('scores.round', '=', round).where('score_sheets.submitted_at', 'is not', null)
    .orderBy('scores.user_id').orderBy('scores.proposal_id').orderBy('scores.criterion_id').execute()
}

export async function insertSealedSheet (db: Executor, row: SealedScoreSheetsTable): Promise<void> {
  await db.insertInto('sealed_score_sheets').values(row).execute()
}

export async function listSealedSheets (db: Executor, rfpId: string, round: number) {
  return await db.selectFrom('sealed_score_sheets').selectAll().where('rfp_id', '=', rfpId).where('round', '=', round).orderBy('label').execute()
}

export async function listConsensus (db: Executor, rfpId: string, round: number) {
  return await db.selectFrom('consensus_scores').selectAll().where('rfp_id', '=', rfpId).where('round', '=', round).execute()
}

export async function upsertConsensus (db: Executor, row: ConsensusScoresTable): Promise<void> {
  await db.insertInto('consensus_scores').values(row)
    .onConflict((oc) => oc.columns(['rfp_id', 'round', 'proposal_id', 'criterion_id']).doUpdateSet({ score: row.score, reason: row.reason, recorded_by: row.recorded_by, recorded_at: row.recorded_at })).execute()
}

export async function listGateResults (db: Executor, rfpId: string, round: number) {
  return await db.selectFrom('gate_results').selectAll().where('rfp_id', '=', rfpId).where('round', '=', round).execute()
}

export async function upsertGateResult (db: Executor, row: GateResultsTable): Promise<void> {
  await db.insertInto('gate_results').values(row)
    .onConflict((oc) => oc.columns(['rfp_id', 'round', 'proposal_id', 'criterion_id']).doUpdateSet({ passed: row.passed, reason: row.reason, recorded_by: row.recorded_by, recorded_at: row.recorded_at })).execute()
}

export async function findPriceOpening (db: Executor, rfpId: string) {
  return await db.selectFrom('price_openings').selectAll().where('rfp_id', '=', rfpId).executeTakeFirst()
}

export async function insertPriceOpening (db: Executor, row: { rfpId: string, userId: string, at: string, prices: readonly ProposalPricesTable[] }): Promise<void> {
  await db.insertInto('price_openings').values({ rfp_id: row.rfpId, opened_by: row.userId, opened_at: row.at }).execute()
  if (row.prices.length > 0) await db.insertInto('proposal_prices').values([...row.prices]).execute()
}

export async function listPrices (db: Executor, rfpId: string) {
  return await db.selectFrom('proposal_prices').selectAll().where('rfp_id', '=', rfpId).execute()
}

export async function findDecision (db: Executor, rfpId: string) {
  return await db.selectFrom('decisions').selectAll().where('rfp_id', '=', rfpId).executeTakeFirst()
}

export async function insertDecision (db: Executor, row: { rfpId: string, rationale: string, roundsUsed: number, userId: string, at: string }): Promise<void> {
  await db.insertInto('decisions').values({ rfp_id: row.rfpId, rationale: row.rationale, rounds_used: row.roundsUsed, decided_by: row.userId, decided_at: row.at }).execute()
}

/** Moves the RFP between evaluation states; false when it was not in `from` (changed meanwhile). */
export async function moveRfpState (db: Executor, rfpId: string, from: string, to: string, at: string): Promise<boolean> {
  const result = await db.updateTable('rfps').set({ state: to, updated_at: at }).where('id', '=', rfpId).where('state', '=', from).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function setProposalStatus (db: Executor, proposalId: string, status: string, reason: string | null, at: string): Promise<void> {
  await db.updateTable('proposals').set({ status, status_reason: reason, updated_at: at }).where('id', '=', proposalId).execute()
}

export async function findNaming (db: Executor, proposalId: string) {
  return await db.selectFrom('vendor_naming').selectAll().where('proposal_id', '=', proposalId).executeTakeFirst()
}

export async function upsertNaming (db: Executor, row: { proposalId: string, mayBeNamed: boolean, userId: string, at: string }): Promise<void> {
  const values = { proposal_id: row.proposalId, may_be_named: row.mayBeNamed ? 1 : 0, chosen_by: row.userId, chosen_at: row.at }
  await db.insertInto('vendor_naming').values(values)
    .onConflict((oc) => oc.column('proposal_id').doUpdateSet({ may_be_named: values.may_be_named, chosen_by: row.userId, chosen_at: row.at })).execute()
}

/** The consortium partners of every proposal's current version on an RFP: a conflict with one recuses from the bid. */
export async function listCurrentPartners (db: Executor, rfpId: string): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('proposal_partners')
    .innerJoin('proposals', (join) => join.onRef('proposals.id', '=', 'proposal_partners.proposal_id').onRef('proposals.current_version', '=', 'proposal_partners.version'))
    .select(['proposal_partners.proposal_id', 'proposal_partners.organisation_id'])
    .where('proposals.rfp_id', '=', rfpId).execute()
  const partners = new Map<string, string[]>()
  for (const row of rows) partners.set(row.proposal_id, [...partners.get(row.proposal_id) ?? [], row.organisation_id])
  return partners
}

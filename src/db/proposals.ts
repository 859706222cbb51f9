// Proposals, their versions and files, consortium partners, opening keys and the opening ceremony.
import type { Insertable } from 'kysely'
import type { Executor } from './database.js'
import type { ProposalFilesTable, ProposalVersionsTable, RfpOpeningKeysTable } from './schema.js'

export type OpeningKeyPurpose = 'proposals' | 'price'

export async function insertOpeningKey (db: Executor, row: RfpOpeningKeysTable): Promise<void> {
  await db.insertInto('rfp_opening_keys').values(row).execute()
}

export async function findOpeningKey (db: Executor, rfpId: string, purpose: OpeningKeyPurpose) {
  return await db.selectFrom('rfp_opening_keys').selectAll().where('rfp_id', '=', rfpId).where('purpose', '=', purpose).executeTakeFirst()
}

export async function findOpening (db: Executor, rfpId: string) {
  return await db.selectFrom('rfp_openings').selectAll().where('rfp_id', '=', rfpId).executeTakeFirst()
}

export async function insertOpening (db: Executor, row: { rfpId: string, startedBy: string, at: string }): Promise<void> {
  await db.insertInto('rfp_openings').values({ rfp_id: row.rfpId, started_by: row.startedBy, started_at: row.at, confirmed_by: null, opened_at: null }).execute()
}

/** Completes the ceremony and moves the RFP to `opened`; false when it was not waiting (opened or cancelled meanwhile). */
export async function completeOpening (db: Executor, rfpId: string, confirmedBy: string | null, at: string): Promise<boolean> {
  const moved = await db.updateTable('rfps').set({ state: 'opened', updated_at: at }).where('id', '=', rfpId).where('state', '=', 'published').executeTakeFirst()
  if (moved.numUpdatedRows !== 1n) return false
  await db.updateTable('rfp_openings').set({ confirmed_by: confirmedBy, opened_at: at }).where('rfp_id', '=', rfpId).execute()
  return true
}

export async function findProposalOf (db: Executor, rfpId: string, organisationId: string) {
  return await db.selectFrom('proposals').selectAll().where('rfp_id', '=', rfpId).where('organisation_id', '=', organisationId).executeTakeFirst()
}

export async function insertProposal (db: Executor, row: { id: string, rfpId: string, organisationId: string, at: string }): Promise<void> {
  await db.insertInto('proposals').values({
    id: row.id, rfp_id: row.rfpId, organisation_id: row.organisationId, status: 'submitted', current_version: 0, status_reason: null, created_at: row.at, updated_at: row.at
  }).execute()
}

/** Makes `version` current and the proposal submitted again; false when another submission took that number first. */
export async function advanceProposal (db: Executor, id: string, version: number, at: string): Promise<boolean> {
  const result = await db.updateTable('proposals').set({ current_version: version, status: 'submitted', status_reason: null, updated_at: at })
    .where('id', '=', id).where('current_version', '=', version - 1).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function markWithdrawn (db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('proposals').set({ status: 'withdrawn', updated_at: at }).where('id', '=', id).where('status', '=', 'submitted').executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function insertProposalVersion (db: Executor, row: Insertable<ProposalVersionsTable>): Promise<void> {
  await db.insertInto('proposal_versions').values(row).execute()
}

export async function insertProposalFile (db: Executor, row: ProposalFilesTable): Promise<void> {
  await db.insertInto('proposal_files').values(row).execute()
}

export async function insertPartner (db: Executor, row: { proposalId: string, version: number, organisationId: string, tokenHash: string }): Promise<void> {
  await db.insertInto('proposal_partners').values({
    proposal_id: row.proposalId, version: row.version, organisation_id: row.organisationId, confirm_token_hash: row.tokenHash, confirmed_by: null, confirmed_at: null
  }).execute()
}

/** A proposal's versions, newest first, without their sealed content. */
export async function listProposalVersions (db: Executor, proposalId: string) {
  return await db.selectFrom('proposal_versions').select(['number', 'rfp_version', 'submitted_at', 'receipt_hash'])
    .where('proposal_id', '=', proposalId).orderBy('number', 'desc').execute()
}

export async function findProposalVersion (db: Executor, proposalId: string, number: number) {
  return await db.selectFrom('proposal_versions').selectAll().where('proposal_id', '=', proposalId).where('number', '=', number).executeTakeFirst()
}

export async function listProposalFiles (db: Executor, proposalId: string, version: number) {
  return await db.selectFrom('proposal_files').selectAll().where('proposal_id', '=', proposalId).where('version', '=', version).orderBy('n').execute()
}

export async function listPartners (db: Executor, proposalId: string, version: number) {
  return await db.selectFrom('proposal_partners')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposal_partners.organisation_id')
    .select(['proposal_partners.organisation_id', 'vendor_organisations.name', 'proposal_partners.confirmed_at'])
    .where('proposal_id', '=', proposalId).where('version', '=', version).orderBy('vendor_organisations.name').execute()
}

export async function findPartnerByToken (db: Executor, tokenHash: string) {
  return await db.selectFrom('proposal_partners')
    .innerJoin('proposals', 'proposals.id', 'proposal_partners.proposal_id')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .innerJoin('rfps', 'rfps.id', 'proposals.rfp_id')
    .select(['proposal_partners.proposal_id', 'proposal_partners.version', 'proposal_partners.organisation_id', 'proposal_partners.confirmed_at',
      'proposals.rfp_id', 'rfps.slug as rfp_slug', 'proposals.current_version', 'proposals.status', 'vendor_organisations.name as lead_name'])
    .where('proposal_partners.confirm_token_hash', '=', tokenHash).executeTakeFirst()
}

export async function confirmPartner (db: Executor, tokenHash: string, userId: string, at: string): Promise<boolean> {
  const result = await db.updateTable('proposal_partners').set({ confirmed_by: userId, confirmed_at: at })
    .where('confirm_token_hash', '=', tokenHash).where('confirmed_at', 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** The current version of every proposal still standing (not withdrawn), oldest submission first. */
export async function listStandingProposals (db: Executor, rfpId: string, limit: number) {
  return await db.selectFrom('proposals')
    .innerJoin('proposal_versions', (join) => join.onRef('proposal_versions.proposal_id', '=', 'proposals.id').onRef('proposal_versions.number', '=', 'proposals.current_version'))
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['proposals.id', 'proposals.organisation_id', 'vendor_organisations.name as organisation_name', 'proposals.status', 'proposals.status_reason', 'proposals.current_version',
      'proposal_versions.receipt_hash', 'proposal_versions.submitted_at', 'proposal_versions.sealed_content', 'proposal_versions.manifest'])
    .where('proposals.rfp_id', '=', rfpId).where('proposals.status', '!=', 'withdrawn')
    .orderBy('proposal_versions.submitted_at').orderBy('proposals.id').limit(limit).execute()
}

/** Every receipt ever given on an RFP, with whether it is the one that counts. */
export async function listReceipts (db: Executor, rfpId: string, limit: number) {
  return await db.selectFrom('proposal_versions')
    .innerJoin('proposals', 'proposals.id', 'proposal_versions.proposal_id')
    .select(['proposal_versions.receipt_hash', 'proposal_versions.number', 'proposals.current_version', 'proposals.status'])
    .where('proposals.rfp_id', '=', rfpId)
    .orderBy('proposal_versions.receipt_hash').limit(limit).execute()
}

export async function findReceipt (db: Executor, rfpId: string, receiptHash: string) {
  return await db.selectFrom('proposal_versions')
    .innerJoin('proposals', 'proposals.id', 'proposal_versions.proposal_id')
    .select(['proposal_versions.proposal_id', 'proposal_versions.number', 'proposal_versions.manifest', 'proposal_versions.receipt_hash', 'proposal_versions.submitted_at',
      'proposals.organisation_id', 'proposals.current_version', 'proposals.status'])
    .where('proposals.rfp_id', '=', rfpId).where('proposal_versions.receipt_hash', '=', receiptHash).executeTakeFirst()
}

export async function findProposal (db: Executor, rfpId: string, proposalId: string) {
  return await db.selectFrom('proposals')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .selectAll('proposals').select('vendor_organisations.name as organisation_name')
    .where('proposals.rfp_id', '=', rfpId).where('proposals.id', '=', proposalId).executeTakeFirst()
}

/** An organisation's proposals with their RFPs, newest first: the vendor portal's list. */
export async function listProposalsOfOrganisation (db: Executor, organisationId: string, limit: number) {
  return await db.selectFrom('proposals')
    .innerJoin('rfps', 'rfps.id', 'proposals.rfp_id')
    .innerJoin('rfp_versions', (join) => join.onRef('rfp_versions.rfp_id', '=', 'rfps.id').onRef('rfp_versions.number', '=', 'rfps.current_version'))
    .select(['rfps.slug', 'rfp_versions.title', 'rfps.state', 'proposals.status', 'proposals.current_version', 'proposals.updated_at'])
    .where('proposals.organisation_id', '=', organisationId)
    .orderBy('proposals.updated_at', 'desc').limit(limit).execute()
}

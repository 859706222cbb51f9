// What open data reads: published RFPs, their frozen versions, public events and counted bids. Each query covers
// one RFP or every published one at once, so the bulk package costs the same few queries however many RFPs exist.
import type { Eligibility, Round, Schedule } from '../domain/rfp-document.js'
import type { Executor } from './database.js'

/** One RFP (by id) or, with null, every RFP that has been published. */
export type Scope = string | null

function publishedIds (db: Executor) {
  return db.selectFrom('rfps').select('id').where('published_at', 'is not', null)
}

/** Every published RFP's id and slug, by slug. */
export async function listPublishedRfpSlugs (db: Executor): Promise<Array<{ id: string, slug: string }>> {
  return await db.selectFrom('rfps').select(['id', 'slug']).where('published_at', 'is not', null).orderBy('slug').execute()
}

/** Public events of the given types, oldest first, with their data parsed. */
export async function listPublicEventsOf (db: Executor, scope: Scope, types: readonly string[]) {
  let query = db.selectFrom('audit_events').select(['seq', 'at', 'type', 'rfp_id', 'data']).where('is_public', '=', 1).where('type', 'in', types)
  query = scope === null ? query.where('rfp_id', 'in', publishedIds(db)) : query.where('rfp_id', '=', scope)
  const rows = await query.orderBy('seq').execute()
  return rows.map((row) => ({ seq: Number(row.seq), at: row.at, type: row.type, rfpId: row.rfp_id as string, data: JSON.parse(row.data) as Record<string, unknown> }))
}

export interface FrozenVersion {
  rfpId: string
  number: number
  title: string
  summary: string
  schedule: Schedule
  rounds: Round[]
  eligibility: Eligibility
}

/** Every frozen (published) version, by RFP and number: a draft's unfrozen text never leaves here. */
export async function listFrozenVersions (db: Executor, scope: Scope): Promise<FrozenVersion[]> {
  let query = db.selectFrom('rfp_versions')
    .select(['rfp_id', 'number', 'title', 'summary', 'questions_close_at', 'proposals_due_at', 'decision_expected_at', 'content'])
    .where('frozen_at', 'is not', null)
  query = scope === null ? query.where('rfp_id', 'in', publishedIds(db)) : query.where('rfp_id', '=', scope)
  const rows = await query.orderBy('rfp_id').orderBy('number').execute()
  return rows.map((row) => {
    // The content column holds the rest of the document; RFPs stored before eligibility existed were open.
    const content = JSON.parse(row.content) as { rounds: Round[], eligibility?: Eligibility }
    return {
      rfpId: row.rfp_id,
      number: row.number,
      title: row.title,
      summary: row.summary,
      schedule: { questionsCloseAt: row.questions_close_at, proposalsDueAt: row.proposals_due_at, decisionExpectedAt: row.decision_expected_at },
      rounds: content.rounds,
      eligibility: content.eligibility ?? { mode: 'open' }
    }
  })
}

/**
 * The counted version of every proposal still standing on the RFPs in `rfpIds`: receipt, submission time,
 * status, the organisation's name and whether it agreed to be named. Never the sealed content.
 */
export async function listCountedBids (db: Executor, rfpIds: readonly string[]) {
  if (rfpIds.length === 0) return []
  const rows = await db.selectFrom('proposals')
    .innerJoin('proposal_versions', (join) => join.onRef('proposal_versions.proposal_id', '=', 'proposals.id').onRef('proposal_versions.number', '=', 'proposals.current_version'))
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .leftJoin('vendor_naming', 'vendor_naming.proposal_id', 'proposals.id')
    .select(['proposals.rfp_id', 'proposals.status', 'proposal_versions.receipt_hash', 'proposal_versions.submitted_at', 'vendor_organisations.name', 'vendor_naming.may_be_named'])
    .where('proposals.rfp_id', 'in', rfpIds).where('proposals.status', '!=', 'withdrawn')
    .orderBy('proposals.rfp_id').orderBy('proposal_versions.submitted_at').orderBy('proposal_versions.receipt_hash')
    .execute()
  return rows.map((row) => ({
    rfpId: row.rfp_id,
    status: row.status,
    receiptHash: row.receipt_hash,
    submittedAt: row.submitted_at,
    organisationName: row.name,
    mayBeNamed: Number(row.may_be_named) === 1
  }))
}

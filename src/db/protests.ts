// Protests against a decision: filing, the owners' one answer, and the listings for the bidder, the committee and
// the public decision record.
import type { Executor } from './database.js'

/** Protests an RFP can gather at most: each bidder files one at a time within a window of at most 90 days. */
const LIMIT = 1000

export type ProtestResolution = 'upheld' | 'dismissed'

export async function insertProtest (db: Executor, row: { id: string, rfpId: string, proposalId: string, grounds: string, userId: string, at: string }): Promise<void> {
  await db.insertInto('protests').values({
    id: row.id,
    rfp_id: row.rfpId,
    proposal_id: row.proposalId,
    grounds: row.grounds,
    filed_by: row.userId,
    filed_at: row.at,
    resolution: null,
    response: null,
    responded_by: null,
    responded_at: null
  }).execute()
}

/** The bidder's protest still awaiting an answer, if any. */
export async function findOpenProtestOf (db: Executor, proposalId: string) {
  return await db.selectFrom('protests').selectAll().where('proposal_id', '=', proposalId).where('resolution', 'is', null).executeTakeFirst()
}

/** One bidder's protests, oldest first: what its debrief shows. */
export async function listProtestsOfProposal (db: Executor, proposalId: string) {
  return await db.selectFrom('protests').selectAll().where('proposal_id', '=', proposalId).orderBy('filed_at').orderBy('id').limit(LIMIT).execute()
}

/** A protest on the RFP with the bidder it came from and the receipt that counted. */
export async function findProtest (db: Executor, rfpId: string, id: string) {
  return await withBidder(db).selectAll('protests')
    .where('protests.rfp_id', '=', rfpId).where('protests.id', '=', id).executeTakeFirst()
}

/** Records the answer; false when the protest was answered meanwhile (it is answered once). */
export async function resolveProtest (db: Executor, id: string, answer: { resolution: ProtestResolution, response: string, userId: string, at: string }): Promise<boolean> {
  const result = await db.updateTable('protests')
    .set({ resolution: answer.resolution, response: answer.response, responded_by: answer.userId, responded_at: answer.at })
    .where('id', '=', id).where('resolution', 'is', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Protests joined to their bidder (by name, as the committee knows it) and its current receipt. */
function withBidder (db: Executor) {
  return db.selectFrom('protests')
    .innerJoin('proposals', 'proposals.id', 'protests.proposal_id')
    .innerJoin('proposal_versions', (join) => join.onRef('proposal_versions.proposal_id', '=', 'proposals.id').onRef('proposal_versions.number', '=', 'proposals.current_version'))
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['proposals.organisation_id', 'proposals.status as proposal_status', 'vendor_organisations.name as organisation_name', 'proposal_versions.receipt_hash'])
}

/** Every protest on the RFP for its owners: the bidder by name, whether it agreed to be named, who filed and who answered. */
export async function listProtestsForCommittee (db: Executor, rfpId: string) {
  return await withBidder(db)
    .leftJoin('vendor_naming', 'vendor_naming.proposal_id', 'protests.proposal_id')
    .innerJoin('users as filer', 'filer.id', 'protests.filed_by')
    .leftJoin('users as responder', 'responder.id', 'protests.responded_by')
    .selectAll('protests')
    .select(['vendor_naming.may_be_named', 'filer.display_name as filed_by_name', 'responder.display_name as responded_by_name'])
    .where('protests.rfp_id', '=', rfpId).orderBy('protests.filed_at').orderBy('protests.id').limit(LIMIT).execute()
}

export interface PublicProtest {
  id: string
  proposal_id: string
  /** The bidder's current receipt: how the public record refers to a bidder that has not agreed to be named. */
  receipt_hash: string
  /** Null until the protest is answered: the grounds become public with the response (DESIGN §5). */
  grounds: string | null
  filed_at: string
  resolution: ProtestResolution | null
  response: string | null
  responded_at: string | null
}

/**
 * What the public decision record shows of the RFP's protests, oldest first. It names no bidder and no person;
 * a protest still awaiting its answer shows only that it was filed, when, and by which receipt.
 */
export async function listProtests (db: Executor, rfpId: string): Promise<PublicProtest[]> {
  const rows = await withBidder(db)
    .select(['protests.id', 'protests.proposal_id', 'protests.grounds', 'protests.filed_at', 'protests.resolution', 'protests.response', 'protests.responded_at'])
    .where('protests.rfp_id', '=', rfpId).orderBy('protests.filed_at').orderBy('protests.id').limit(LIMIT).execute()
  return rows.map((row) => ({
    id: row.id,
    proposal_id: row.proposal_id,
    receipt_hash: row.receipt_hash,
    grounds: row.resolution === null ? null : row.grounds,
    filed_at: row.filed_at,
    resolution: row.resolution as ProtestResolution | null,
    response: row.resolution === null ? null : row.response,
    responded_at: row.resolution === null ? null : row.responded_at
  }))
}

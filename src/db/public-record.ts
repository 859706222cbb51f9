// What the public decision record reads beyond the evaluation tables: every proposal with its receipt and
// naming choice, the evaluators who agreed to be named, how many vendors registered, and the RFP's public events.
import type { Executor } from './database.js'

/** Every proposal ever submitted on the RFP (withdrawn ones too), with its current receipt and naming choice. */
export async function listRecordProposals (db: Executor, rfpId: string, limit: number) {
  return await db.selectFrom('proposals')
    .innerJoin('proposal_versions', (join) => join.onRef('proposal_versions.proposal_id', '=', 'proposals.id').onRef('proposal_versions.number', '=', 'proposals.current_version'))
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .leftJoin('vendor_naming', 'vendor_naming.proposal_id', 'proposals.id')
    .select(['proposals.id', 'proposals.status', 'proposals.status_reason', 'vendor_organisations.name as organisation_name',
      'proposal_versions.receipt_hash', 'vendor_naming.may_be_named'])
    .where('proposals.rfp_id', '=', rfpId)
    .orderBy('proposal_versions.receipt_hash').limit(limit).execute()
}

/** The names of the evaluators who agreed, at their attestation, to be named on the public record. */
export async function namedEvaluators (db: Executor, rfpId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('evaluator_attestations')
    .innerJoin('users', 'users.id', 'evaluator_attestations.user_id')
    .select(['users.id', 'users.display_name'])
    .where('evaluator_attestations.rfp_id', '=', rfpId).where('evaluator_attestations.may_be_named', '=', 1).execute()
  return new Map(rows.map((row) => [row.id, row.display_name]))
}

export async function countRegistrations (db: Executor, rfpId: string): Promise<number> {
  const row = await db.selectFrom('rfp_interests').select((eb) => eb.fn.countAll<string | number>().as('count')).where('rfp_id', '=', rfpId).executeTakeFirstOrThrow()
  return Number(row.count)
}

/** An RFP's public audit events in the order they happened: its timeline. */
export async function listPublicEventsOf (db: Executor, rfpId: string, limit: number) {
  const rows = await db.selectFrom('audit_events').select(['seq', 'at', 'type', 'data'])
    .where('rfp_id', '=', rfpId).where('is_public', '=', 1).orderBy('seq').limit(limit).execute()
  return rows.map((row) => ({ seq: row.seq, at: row.at, type: row.type, data: JSON.parse(row.data) as Record<string, unknown> }))
}

// What the sealing guard decides by, read in one place: whether the envelopes are open, who attested and
// which conflicts recuse whom. Every read of proposal content builds its request from this.
import type { Executor } from '../db/database.js'
import { findPriceOpening, listAttestations, listConflicts, listCurrentPartners } from '../db/evaluation.js'
import { findOpening } from '../db/proposals.js'
import type { ProposalRef, SealedRfp } from '../domain/policy.js'
import type { RfpRecord } from '../domain/rfp.js'

export type EvaluatedRfp = SealedRfp & RfpRecord

export async function sealedRfpOf (db: Executor, rfp: RfpRecord) {
  const opening = await findOpening(db, rfp.id)
  const priceOpening = await findPriceOpening(db, rfp.id)
  const attestations = await listAttestations(db, rfp.id)
  const conflicts = await listConflicts(db, rfp.id)
  const sealed: EvaluatedRfp = {
    ...rfp,
    openedAt: opening?.opened_at ?? null,
    priceOpenedAt: priceOpening?.opened_at ?? null,
    attested: attestations.map((a) => a.user_id),
    conflicts: conflicts.map((c) => ({ userId: c.user_id, organisationId: c.organisation_id }))
  }
  const partners = await listCurrentPartners(db, rfp.id)
  /** A proposal as the policy sees it: its lead and its consortium partners. */
  const refOf = (proposal: { id: string, organisation_id: string }): ProposalRef => ({ organisationIds: [proposal.organisation_id, ...partners.get(proposal.id) ?? []] })
  return { rfp: sealed, opening, attestations, conflicts, refOf }
}

/** An RFP as the sealing guard and the scoring method read it. */
export type SealedView = Awaited<ReturnType<typeof sealedRfpOf>>

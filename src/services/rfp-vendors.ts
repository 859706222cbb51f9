// Vendors and one RFP: registering interest (to be mailed its news) and acknowledging its amendments.
import { acknowledgedVersions, acknowledgementsByOrganisation, hasInterest, insertAcknowledgement, insertInterest, listInterests } from '../db/rfp-vendors.js'
import type { Executor } from '../db/database.js'
import { findContact } from '../db/vendors.js'
import type { UserActor } from '../domain/policy.js'
import type { RfpRecord } from '../domain/rfp.js'
import { ForbiddenError, InvalidStateError, NotFoundError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { findVisibleRfp, getRfp } from './rfps.js'

/** Vendors registered on one RFP, shown to its committee; at most this many. */
const INTEREST_LIST_LIMIT = 500

/** Whether the organisation may bid: the RFP is open, or invites it. */
export function isEligible (rfp: RfpRecord, organisationId: string): boolean {
  return rfp.document.eligibility.mode === 'open' || rfp.document.eligibility.vendors.includes(organisationId)
}

/** The vendor contact's organisation, or a 403 that says why there is none. */
export async function organisationOf (db: Executor, actor: UserActor): Promise<{ organisationId: string, organisationName: string }> {
  const contact = await findContact(db, actor.userId)
  if (contact === undefined) throw new ForbiddenError('this is for vendor contacts')
  return contact
}

/** Registers the actor's organisation as interested: it is mailed amendments, answers and cancellation. */
export async function registerInterest (ctx: ServiceContext, actor: UserActor, slug: string): Promise<{ registered: boolean }> {
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findVisibleRfp(trx, ctx, actor, slug)
    authorize(ctx, actor, { action: 'rfp.interest', rfp })
    const { organisationId } = await organisationOf(trx, actor)
    if (rfp.state !== 'published') throw new InvalidStateError(`the RFP is ${rfp.state}: it takes no new interest`)
    if (!isEligible(rfp, organisationId)) throw new ForbiddenError('this RFP is open to invited vendors only, and your organisation is not one of them')
    const registered = await insertInterest(trx, { rfpId: rfp.id, organisationId, userId: actor.userId, at })
    if (registered) await appendAuditEvent(trx, { at, type: 'rfp.interest.registered', actorId: actor.userId, rfpId: rfp.id, public: false, data: { organisationId } })
    return { registered }
  })
}

export interface VendorStanding {
  registered: boolean
  eligible: boolean
  organisationName: string
  /** Amendments (versions 2 and up) the organisation has not yet acknowledged. */
  unacknowledged: number[]
}

/** Where the actor's organisation stands on one RFP: what the RFP page shows a signed-in vendor. */
export async function getVendorStanding (ctx: ServiceContext, actor: UserActor, slug: string): Promise<VendorStanding> {
  const rfp = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.interest', rfp })
  const { organisationId, organisationName } = await organisationOf(ctx.db, actor)
  return {
    registered: await hasInterest(ctx.db, rfp.id, organisationId),
    eligible: isEligible(rfp, organisationId),
    organisationName,
    unacknowledged: await unacknowledgedOf(ctx.db, rfp, organisationId)
  }
}

/** Amendments the organisation has yet to acknowledge: a proposal is made against the RFP as it now stands. */
export async function unacknowledgedOf (db: Executor, rfp: RfpRecord, organisationId: string): Promise<number[]> {
  const done = new Set(await acknowledgedVersions(db, rfp.id, organisationId))
  return Array.from({ length: rfp.currentVersion - 1 }, (_, i) => i + 2).filter((v) => !done.has(v))
}

/** Records that the actor's organisation has read amendment `version`; doing it twice changes nothing. */
export async function acknowledgeAmendment (ctx: ServiceContext, actor: UserActor, slug: string, version: number): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findVisibleRfp(trx, ctx, actor, slug)
    authorize(ctx, actor, { action: 'rfp.interest', rfp })
    const { organisationId } = await organisationOf(trx, actor)
    if (version < 2 || version > rfp.currentVersion) throw new NotFoundError(`there is no amendment ${version}: amendments are versions 2 to ${rfp.currentVersion}`)
    if (await insertAcknowledgement(trx, { rfpId: rfp.id, version, organisationId, userId: actor.userId, at })) {
      await appendAuditEvent(trx, { at, type: 'rfp.amendment.acknowledged', actorId: actor.userId, rfpId: rfp.id, public: false, data: { organisationId, version } })
    }
  })
}

/** The vendors registered on an RFP with the amendments each acknowledged, for its committee. */
export async function listRegisteredVendors (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.committee.view', rfp })
  const acknowledgements = await acknowledgementsByOrganisation(ctx.db, rfp.id)
  const amendments = Array.from({ length: rfp.currentVersion - 1 }, (_, i) => i + 2)
  return (await listInterests(ctx.db, rfp.id, INTEREST_LIST_LIMIT)).map((vendor) => {
    const acknowledged = acknowledgements.get(vendor.id) ?? []
    return { ...vendor, acknowledged, unacknowledged: amendments.filter((v) => !acknowledged.includes(v)) }
  })
}

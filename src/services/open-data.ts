// OCDS open data of published RFPs, read as the public sees them: a draft is missing, nothing sealed is read,
// and bidders are named only from the decision on, as the decision record names them.
import {
  bulkReleasePackage, recordPackage, releasePackage, releasePackages, type BidOutcome, type OcdsSettings, type PublicBid, type PublicEvent, type PublicProcess,
  type RecordPackage, type ReleasePackage
} from '../archive/ocds.js'
import { listCountedBids, listFrozenVersions, listPublicEventsOf, listPublishedRfpSlugs, type Scope } from '../db/open-data.js'
import { lastRfpEventSeq } from '../db/audit-events.js'
import { organisationNames } from '../db/rfp-vendors.js'
import { isNamedOnRecord } from '../domain/decision-record.js'
import { ANONYMOUS } from '../domain/policy.js'
import { NotFoundError } from '../errors.js'
import type { ServiceContext } from './context.js'
import { cachedAtHead } from './record-cache.js'
import { getRfp } from './rfps.js'

/** The public events that make releases. */
export const OPEN_DATA_EVENT_TYPES = ['rfp.published', 'rfp.amended', 'rfp.question.answered', 'rfp.answer.revised', 'rfp.opened', 'rfp.decided', 'rfp.cancelled'] as const

/** Invited vendors whose organisation has since gone, as the public page shows them. */
const UNKNOWN_VENDOR = 'a vendor no longer registered'

const text = (value: unknown): string => typeof value === 'string' ? value : ''

function toEvent (row: { seq: number, at: string, type: string, data: Record<string, unknown> }): PublicEvent | undefined {
  const { seq, at, data } = row
  switch (row.type) {
    case 'rfp.published':
      return { type: 'published', seq, at }
    case 'rfp.amended':
      return { type: 'amended', seq, at, version: Number(data.version), reason: text(data.reason) }
    case 'rfp.question.answered':
    case 'rfp.answer.revised':
      return { type: 'answered', seq, at, number: Number(data.number), question: text(data.question), answer: text(data.answer) }
    case 'rfp.opened':
      return { type: 'opened', seq, at, receipts: Array.isArray(data.receipts) ? data.receipts.map(text) : [] }
    case 'rfp.decided':
      return { type: 'decided', seq, at, rationale: text(data.rationale) }
    case 'rfp.cancelled':
      return { type: 'cancelled', seq, at, reason: text(data.reason) }
    default:
      return undefined
  }
}

/** A proposal's final status as open data knows it; statuses before the decision mean nothing here. */
function outcomeOf (status: string): BidOutcome {
  return status === 'selected' || status === 'non_responsive' || status === 'disqualified' ? status : 'not_selected'
}

/** Reads the public facts of the given RFPs (one, or every published one with scope null) in a few queries. */
async function loadProcesses (ctx: ServiceContext, rfps: ReadonlyArray<{ id: string, slug: string }>, scope: Scope): Promise<PublicProcess[]> {
  const [eventRows, versions] = await Promise.all([listPublicEventsOf(ctx.db, scope, OPEN_DATA_EVENT_TYPES), listFrozenVersions(ctx.db, scope)])
  const events = new Map<string, PublicEvent[]>()
  for (const row of eventRows) {
    const event = toEvent(row)
    if (event === undefined) continue
    const list = events.get(row.rfpId)
    if (list === undefined) events.set(row.rfpId, [event])
    else list.push(event)
  }
  // Bids are read only where the proposals were opened: before that the public knows receipt hashes alone.
  const opened = rfps.filter((rfp) => events.get(rfp.id)?.some((e) => e.type === 'opened') === true).map((rfp) => rfp.id)
  const invitedIds = [...new Set(versions.flatMap((v) => v.eligibility.mode === 'invited' ? v.eligibility.vendors : []))]
  const [bidRows, names] = await Promise.all([listCountedBids(ctx.db, opened), organisationNames(ctx.db, invitedIds)])

  return rfps.map((rfp) => {
    const own = events.get(rfp.id) ?? []
    const decided = own.some((e) => e.type === 'decided')
    const bids: PublicBid[] = bidRows.filter((b) => b.rfpId === rfp.id).map((b) => {
      const outcome = decided ? outcomeOf(b.status) : null
      // Nobody is named before the decision; after it, as on the decision record.
      const named = decided && isNamedOnRecord(b.status, b.mayBeNamed)
      return { receiptHash: b.receiptHash, submittedAt: b.submittedAt, outcome, name: named ? b.organisationName : null }
    })
    return {
      slug: rfp.slug,
      versions: versions.filter((v) => v.rfpId === rfp.id).map((v) => ({
        number: v.number,
        title: v.title,
        summary: v.summary,
        schedule: v.schedule,
        rounds: v.rounds,
        invitedVendors: v.eligibility.mode === 'invited' ? v.eligibility.vendors.map((id) => names.get(id) ?? UNKNOWN_VENDOR) : null
      })),
      events: own,
      bids
    }
  })
}

/** The public facts of one published RFP; a draft or an unknown slug is missing. */
async function publicProcess (ctx: ServiceContext, slug: string): Promise<PublicProcess> {
  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  const head = await lastRfpEventSeq(ctx.db, rfp.id)
  return await cachedAtHead(ctx.db, `ocds-process|${rfp.id}`, head, async () => (await loadProcesses(ctx, [{ id: rfp.id, slug: rfp.slug }], rfp.id))[0]!)
}

/** `/rfps/:slug/ocds.json`: the RFP's record package. */
export async function getRecordPackage (ctx: ServiceContext, slug: string, settings: OcdsSettings): Promise<RecordPackage> {
  return recordPackage(settings, await publicProcess(ctx, slug))
}

/** `/rfps/:slug/ocds/releases/:id.json`: one release in its own package. */
export async function getReleasePackage (ctx: ServiceContext, slug: string, releaseId: string, settings: OcdsSettings): Promise<ReleasePackage> {
  const found = releasePackage(settings, await publicProcess(ctx, slug), releaseId)
  if (found === undefined) throw new NotFoundError(`the open data of /rfps/${slug} has no release ${releaseId}`)
  return found
}

/** `/ocds/releases.json`: every release of every published RFP; missing while nothing is published. */
export async function getBulkReleasePackage (ctx: ServiceContext, settings: OcdsSettings): Promise<ReleasePackage> {
  // Every release of every RFP: built once per change to any RFP, not once per request.
  const head = await lastRfpEventSeq(ctx.db, null)
  const bulk = await cachedAtHead(ctx.db, `ocds-bulk|${settings.ocidPrefix}|${settings.publicUrl}`, head,
    async () => bulkReleasePackage(settings, await loadProcesses(ctx, await listPublishedRfpSlugs(ctx.db), null)))
  if (bulk === undefined) throw new NotFoundError('no RFP has been published yet, so there is no open data')
  return bulk
}

export interface OpenDataFiles {
  /** Undefined while nothing is published. */
  bulk: ReleasePackage | undefined
  rfps: Array<{ slug: string, record: RecordPackage, releases: ReleasePackage[] }>
}

/** Every open data file at once, for the static archive: the same few queries however many RFPs there are. */
export async function getOpenDataFiles (ctx: ServiceContext, settings: OcdsSettings): Promise<OpenDataFiles> {
  const processes = await loadProcesses(ctx, await listPublishedRfpSlugs(ctx.db), null)
  return {
    bulk: bulkReleasePackage(settings, processes),
    rfps: processes.map((process) => ({ slug: process.slug, record: recordPackage(settings, process), releases: releasePackages(settings, process) }))
  }
}

// OCDS 1.1.5 open data for published RFPs: one release per public event, each RFP's record package, one release
// package per release and the bulk release package. Pure: everything comes from the input, so the live site and
// the static archive give byte-identical files for the same data (no clock, no randomness, fixed key order).
import type { Config } from '../config.js'
import { recordVendorLabels } from '../domain/decision-record.js'
import { DEFAULT_SCALE, weightShares, type Round, type Schedule } from '../domain/rfp-document.js'
import { ocidOf } from '../domain/rfp.js'
import { compareIds } from '../domain/scoring-math.js'

export const OCDS_VERSION = '1.1'

/** The extensions every package uses, by the URLs of the versions whose schemas the data follows. */
export const OCDS_EXTENSIONS = [
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json',
  // Never tagged: the extension registry lists its master branch only.
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_awardCriteria_extension/master/extension.json'
] as const

export interface OcdsSettings {
  /** The registered prefix (ocds-xxxxxx); an RFP's ocid is the prefix, a hyphen and its slug. */
  ocidPrefix: string
  /** Who publishes the data: the package publisher, and the buyer of every process. */
  publisher: string
  /** The absolute URL the public reaches, which every package URI and link is built on. */
  publicUrl: string
}

export function ocdsSettingsOf (config: Pick<Config, 'publicUrl' | 'publicRecord'>): OcdsSettings {
  return { ocidPrefix: config.publicRecord.ocidPrefix, publisher: config.publicRecord.publisher, publicUrl: config.publicUrl.replace(/\/+$/, '') }
}

/** One version of the RFP as published: the fields open data carries. */
export interface PublicVersion {
  number: number
  title: string
  summary: string
  schedule: Schedule
  rounds: Round[]
  /** The invited vendors by name (the public page names them); null when any vendor may bid. */
  invitedVendors: string[] | null
}

/**
 * A public audit event that makes a release, with its permanent sequence number and time: a release's id and
 * date come from these and nothing else. Answers carry their text as published at that moment.
 */
export type PublicEvent =
  | { type: 'published', seq: number, at: string }
  | { type: 'amended', seq: number, at: string, version: number, reason: string }
  | { type: 'answered', seq: number, at: string, number: number, question: string, answer: string }
  | { type: 'opened', seq: number, at: string, receipts: string[] }
  | { type: 'decided', seq: number, at: string, rationale: string }
  | { type: 'cancelled', seq: number, at: string, reason: string }

export type BidOutcome = 'selected' | 'not_selected' | 'non_responsive' | 'disqualified'

/** A proposal counted at the opening, with what is public of it and nothing of its content. */
export interface PublicBid {
  receiptHash: string
  /** When the counted version was submitted: published for named bidders only. */
  submittedAt: string
  /** Its final status once the decision is recorded; null until then. */
  outcome: BidOutcome | null
  /**
   * The organisation's name where the record may name it (selected, or an unsuccessful bidder that agreed to be
   * named); null otherwise. Ignored until the decision: before it nobody is named.
   */
  name: string | null
}

/** What Shortlist publicly knows of one published RFP. */
export interface PublicProcess {
  slug: string
  /** Every version, version 1 first. */
  versions: PublicVersion[]
  /** Its public events in sequence order, the publication first. */
  events: PublicEvent[]
  /** The bids counted at the opening; empty before it. */
  bids: PublicBid[]
}

export interface OrganizationReference { id: string, name: string }

export interface Release {
  ocid: string
  id: string
  date: string
  tag: string[]
  initiationType: 'tender'
  language: 'en'
  parties: Array<OrganizationReference & { roles: string[] }>
  buyer: OrganizationReference
  tender: Record<string, unknown>
  bids?: Record<string, unknown>
  awards?: Array<Record<string, unknown>>
}

interface Publisher { name: string, uri: string }

export interface ReleasePackage {
  uri: string
  version: string
  extensions: string[]
  publisher: Publisher
  publishedDate: string
  releases: Release[]
}

export interface RecordPackage {
  uri: string
  version: string
  extensions: string[]
  publisher: Publisher
  publishedDate: string
  packages: string[]
  records: Array<{ ocid: string, releases: Array<{ url: string, date: string, tag: string[] }>, compiledRelease: Release }>
}

const TAGS: Record<PublicEvent['type'], string> = {
  published: 'tender',
  amended: 'tenderAmendment',
  answered: 'tenderUpdate',
  opened: 'tenderUpdate',
  decided: 'award',
  cancelled: 'tenderCancellation'
}

const BUYER_ID = 'buyer'

const ocidFor = (settings: OcdsSettings, slug: string): string => ocidOf(settings.ocidPrefix, slug)
export const recordPackageUri = (settings: OcdsSettings, slug: string): string => `${settings.publicUrl}/rfps/${slug}/ocds.json`
export const releasePackageUri = (settings: OcdsSettings, slug: string, releaseId: string): string => `${settings.publicUrl}/rfps/${slug}/ocds/releases/${releaseId}.json`
export const bulkPackageUri = (settings: OcdsSettings): string => `${settings.publicUrl}/ocds/releases.json`

/** A bid as the record shows it, with the party that made it. */
interface ShownBid { bid: PublicBid, party: OrganizationReference }

/**
 * Bids in receipt-hash order, each with its party, named as the decision record names it (recordVendorLabels):
 * the selected and those that agreed by name, the others "Vendor A, B…". Neither the order nor the party id
 * says anything of rank or of who bid first, so a label cannot be traced back to a vendor.
 */
export function showBids (bids: readonly PublicBid[]): ShownBid[] {
  const ordered = [...bids].sort((a, b) => compareIds(a.receiptHash, b.receiptHash))
  const labels = recordVendorLabels(ordered.map((b) => ({
    id: b.receiptHash, receipt: b.receiptHash, name: b.name ?? '', named: b.name !== null, status: b.outcome ?? 'submitted', statusReason: null
  })))
  return ordered.map((bid, i) => ({ bid, party: { id: `tenderer-${i + 1}`, name: labels.get(bid.receiptHash) ?? 'Vendor' } }))
}

const BID_STATUS: Record<BidOutcome, string> = {
  selected: 'valid',
  not_selected: 'valid',
  // A failed pass/fail criterion: the bid did not qualify to be ranked.
  non_responsive: 'disqualified',
  disqualified: 'disqualified'
}

/** The state of the process after each event so far. */
interface State {
  version: number
  amendments: Array<{ version: number, at: string, reason: string, releaseId: string, previousReleaseId: string }>
  /** Per version, the release that published it: what an amendment says it amends. */
  versionRelease: Map<number, string>
  enquiries: Map<number, { question: string, answer: string, firstAt: string, lastAt: string }>
  publishedAt: string
  opened: { at: string, receipts: Set<string> } | null
  decided: { at: string, rationale: string } | null
  cancelled: { at: string, reason: string } | null
}

function describeWeights (rounds: readonly Round[]): string {
  return rounds.map((round, r) => {
    const shares = weightShares(round)
    const criteria = round.criteria.map((c) => c.kind === 'gate' ? `${c.name} (pass/fail)` : `${c.name} ${shares.get(c.id) ?? ''}%`)
    return `Round ${r + 1}, ${round.name}: ${criteria.join('; ')}.`
  }).join(' ')
}

const SCORING_METHOD = 'Weights are points, normalised to sum to 1 within each round. A proposal\'s score in a round is ' +
  '100 × Σ weight × (mean score − lo) ÷ (hi − lo) over the scored criteria, with lowest price ÷ price for price; ' +
  'a proposal that fails a pass/fail criterion is not ranked.'

function awardCriteria (rounds: readonly Round[]) {
  return {
    weightingDescription: SCORING_METHOD,
    criteria: rounds.flatMap((round, r) => round.criteria.map((c) => {
      const where = rounds.length > 1 ? `Round ${r + 1} (${round.name}).` : ''
      const scale = c.kind === 'scored' ? `Scored from ${c.lo ?? DEFAULT_SCALE.lo} to ${c.hi ?? DEFAULT_SCALE.hi}.` : c.kind === 'gate' ? 'Pass/fail.' : ''
      return {
        type: c.kind === 'price' ? 'price' : 'quality',
        name: rounds.length > 1 ? `${c.name} (round ${r + 1})` : c.name,
        // Never empty (the schema asks for a character at least), even for a criterion described by its name alone.
        description: [where, c.description.trim(), scale].filter((part) => part !== '').join(' ') || c.name,
        ...(c.weight === undefined ? {} : { numbers: [{ number: Number(c.weight), weight: 'pointsExact' }] })
      }
    }))
  }
}

function tenderOf (settings: OcdsSettings, process: PublicProcess, state: State, shown: ShownBid[]): Record<string, unknown> {
  const version = process.versions.find((v) => v.number === state.version)
  if (version === undefined) throw new Error(`${process.slug} has no version ${state.version}`)
  const base = `${settings.publicUrl}/rfps/${process.slug}`
  const status = state.cancelled !== null ? 'cancelled' : state.decided !== null ? 'complete' : 'active'
  const buyer = { id: BUYER_ID, name: settings.publisher }
  const versionDate = (n: number): string => n === 1 ? state.publishedAt : state.amendments.find((a) => a.version === n)?.at ?? state.publishedAt
  const documents: Array<Record<string, unknown>> = process.versions.filter((v) => v.number <= state.version).map((v) => ({
    id: `version-${v.number}`,
    documentType: 'tenderNotice',
    title: `Version ${v.number}: ${v.title}`,
    url: `${base}/versions/${v.number}`,
    datePublished: versionDate(v.number),
    format: 'text/html',
    language: 'en'
  }))
  if (state.cancelled !== null) {
    documents.push({ id: 'cancellation', documentType: 'cancellationDetails', title: 'Why the RFP was cancelled', description: state.cancelled.reason, url: base, datePublished: state.cancelled.at, format: 'text/html', language: 'en' })
  }
  const enquiries = [...state.enquiries.entries()].sort(([a], [b]) => a - b).map(([number, e]) => ({
    id: String(number), date: e.firstAt, title: `Question ${number}`, description: e.question, answer: e.answer, dateAnswered: e.lastAt
  }))
  return {
    id: ocidFor(settings, process.slug),
    title: version.title,
    description: version.summary,
    status,
    procuringEntity: buyer,
    procurementMethod: version.invitedVendors === null ? 'open' : 'limited',
    procurementMethodDetails: version.invitedVendors === null ? 'Request for proposals open to any vendor' : 'Request for proposals to invited vendors',
    mainProcurementCategory: 'services',
    awardCriteria: 'ratedCriteria',
    awardCriteriaDetails: describeWeights(version.rounds),
    submissionMethod: ['electronicSubmission'],
    submissionMethodDetails: `Sealed proposals through ${base}: each is encrypted on arrival and opened only after the deadline.`,
    tenderPeriod: { startDate: state.publishedAt, endDate: version.schedule.proposalsDueAt },
    enquiryPeriod: { startDate: state.publishedAt, endDate: version.schedule.questionsCloseAt },
    ...(enquiries.length > 0 ? { hasEnquiries: true } : {}),
    eligibilityCriteria: version.invitedVendors === null ? 'Any vendor may bid.' : `Only invited vendors may bid: ${version.invitedVendors.join(', ')}.`,
    awardPeriod: { startDate: version.schedule.proposalsDueAt, endDate: version.schedule.decisionExpectedAt },
    ...(state.opened !== null ? { numberOfTenderers: shown.length } : {}),
    ...(state.decided !== null ? { tenderers: shown.map((s) => s.party) } : {}),
    documents,
    ...(state.amendments.length > 0
      ? {
          amendments: state.amendments.map((a) => ({
            id: `version-${a.version}`,
            date: a.at,
            rationale: a.reason,
            description: `Version ${a.version} of the RFP: ${base}/versions/${a.version}`,
            amendsReleaseID: a.previousReleaseId,
            releaseID: a.releaseId
          }))
        }
      : {}),
    lots: [{ id: '1', title: version.title, description: version.summary, status, awardCriteria: awardCriteria(version.rounds) }],
    ...(enquiries.length > 0 ? { enquiries } : {})
  }
}

function bidsOf (state: State, shown: ShownBid[]): Record<string, unknown> | undefined {
  if (state.opened === null) return undefined
  const decided = state.decided
  const statistics: Array<Record<string, unknown>> = [{ id: 'bids', measure: 'bids', value: shown.length, date: state.opened.at }]
  if (decided !== null) {
    const valid = shown.filter((s) => s.bid.outcome !== null && BID_STATUS[s.bid.outcome] === 'valid').length
    statistics.push({ id: 'validBids', measure: 'validBids', value: valid, date: decided.at })
  }
  return {
    statistics,
    details: shown.map(({ bid, party }) => ({
      id: bid.receiptHash,
      // When an unnamed bidder submitted would single it out to whoever knows when each vendor sent its bid.
      ...(decided !== null && bid.name !== null ? { date: bid.submittedAt } : {}),
      status: decided !== null && bid.outcome !== null ? BID_STATUS[bid.outcome] : 'pending',
      ...(decided !== null ? { tenderers: [party] } : {})
    }))
  }
}

function awardsOf (settings: OcdsSettings, process: PublicProcess, state: State, shown: ShownBid[]): Array<Record<string, unknown>> | undefined {
  if (state.decided === null) return undefined
  const selected = shown.filter((s) => s.bid.outcome === 'selected')
  const title = process.versions.find((v) => v.number === state.version)?.title ?? process.slug
  const base = `${settings.publicUrl}/rfps/${process.slug}`
  return [{
    id: 'decision',
    title: `Decision: ${title}`,
    description: state.decided.rationale,
    status: 'active',
    date: state.decided.at,
    suppliers: selected.map((s) => s.party),
    ...(selected.length === 1 ? { relatedBid: selected[0]!.bid.receiptHash } : {}),
    documents: [
      { id: 'decision', documentType: 'awardNotice', title: 'Decision record', url: `${base}/decision`, datePublished: state.decided.at, format: 'text/html', language: 'en' },
      { id: 'decision-json', documentType: 'evaluationReports', title: 'Scores and results, to recompute the decision', url: `${base}/decision.json`, datePublished: state.decided.at, format: 'application/json', language: 'en' }
    ]
  }]
}

/** The state after one more event; `releaseId` is the id of the release this event makes. */
function advance (state: State | undefined, event: PublicEvent, releaseId: string): State {
  if (state === undefined) {
    if (event.type !== 'published') throw new Error(`the first public event must be the publication, not ${event.type}`)
    return { version: 1, amendments: [], versionRelease: new Map([[1, releaseId]]), enquiries: new Map(), publishedAt: event.at, opened: null, decided: null, cancelled: null }
  }
  switch (event.type) {
    case 'published':
      return state
    case 'amended': {
      const previousReleaseId = state.versionRelease.get(event.version - 1) ?? state.versionRelease.get(state.version) ?? releaseId
      return {
        ...state,
        version: event.version,
        amendments: [...state.amendments, { version: event.version, at: event.at, reason: event.reason, releaseId, previousReleaseId }],
        versionRelease: new Map([...state.versionRelease, [event.version, releaseId]])
      }
    }
    case 'answered': {
      const enquiries = new Map(state.enquiries)
      const known = enquiries.get(event.number)
      enquiries.set(event.number, { question: event.question, answer: event.answer, firstAt: known?.firstAt ?? event.at, lastAt: event.at })
      return { ...state, enquiries }
    }
    case 'opened':
      return { ...state, opened: { at: event.at, receipts: new Set(event.receipts) } }
    case 'decided':
      return { ...state, decided: { at: event.at, rationale: event.rationale } }
    case 'cancelled':
      return { ...state, cancelled: { at: event.at, reason: event.reason } }
  }
}

/** One release per public event, oldest first: each a full picture of the process as of its event. */
export function ocdsReleases (settings: OcdsSettings, process: PublicProcess): Release[] {
  const ocid = ocidFor(settings, process.slug)
  const buyer = { id: BUYER_ID, name: settings.publisher }
  const events = [...process.events].sort((a, b) => a.seq - b.seq)
  let state: State | undefined
  return events.map((event) => {
    const id = String(event.seq)
    state = advance(state, event, id)
    const opened = state.opened
    // Names only from the decision on: before it, a bid is its receipt hash and nothing more.
    const counted = opened === null ? [] : process.bids.filter((b) => opened.receipts.has(b.receiptHash))
    const shown = showBids(state.decided === null ? counted.map((b) => ({ ...b, outcome: null, name: null })) : counted)
    const bids = bidsOf(state, shown)
    const awards = awardsOf(settings, process, state, shown)
    return {
      ocid,
      id,
      date: event.at,
      tag: [TAGS[event.type]],
      initiationType: 'tender',
      language: 'en',
      parties: [
        { ...buyer, roles: ['buyer', 'procuringEntity'] },
        ...(state.decided === null ? [] : shown.map((s) => ({ ...s.party, roles: s.bid.outcome === 'selected' ? ['tenderer', 'supplier'] : ['tenderer'] })))
      ],
      buyer,
      tender: tenderOf(settings, process, state, shown),
      ...(bids !== undefined ? { bids } : {}),
      ...(awards !== undefined ? { awards } : {})
    }
  })
}

function publisherOf (settings: OcdsSettings): Publisher {
  return { name: settings.publisher, uri: settings.publicUrl }
}

function newestDate (releases: readonly Release[]): string {
  return releases.reduce((newest, r) => r.date > newest ? r.date : newest, releases[0]?.date ?? '')
}

function releasesOrThrow (settings: OcdsSettings, process: PublicProcess): Release[] {
  const releases = ocdsReleases(settings, process)
  if (releases.length === 0) throw new Error(`${process.slug} has no public event: it was never published`)
  return releases
}

/**
 * The record package of one RFP: its releases linked by URL (each in its own release package) and the compiled
 * release, which, as every release is a full picture, is the newest release with the `compiled` tag.
 */
export function recordPackage (settings: OcdsSettings, process: PublicProcess): RecordPackage {
  const releases = releasesOrThrow(settings, process)
  const newest = releases.at(-1)!
  const ocid = ocidFor(settings, process.slug)
  return {
    uri: recordPackageUri(settings, process.slug),
    version: OCDS_VERSION,
    extensions: [...OCDS_EXTENSIONS],
    publisher: publisherOf(settings),
    publishedDate: newestDate(releases),
    packages: releases.map((r) => releasePackageUri(settings, process.slug, r.id)),
    records: [{
      ocid,
      releases: releases.map((r) => ({ url: `${releasePackageUri(settings, process.slug, r.id)}#${r.id}`, date: r.date, tag: r.tag })),
      compiledRelease: { ...newest, id: `${ocid}-${newest.date}`, tag: ['compiled'] }
    }]
  }
}

/** One package per release, oldest first: each release is published on its own too. */
export function releasePackages (settings: OcdsSettings, process: PublicProcess): ReleasePackage[] {
  return ocdsReleases(settings, process).map((release) => ({
    uri: releasePackageUri(settings, process.slug, release.id),
    version: OCDS_VERSION,
    extensions: [...OCDS_EXTENSIONS],
    publisher: publisherOf(settings),
    publishedDate: release.date,
    releases: [release]
  }))
}

/** The package of one release, by id; undefined when the RFP has no such release. */
export function releasePackage (settings: OcdsSettings, process: PublicProcess, releaseId: string): ReleasePackage | undefined {
  return releasePackages(settings, process).find((p) => p.releases[0]?.id === releaseId)
}

/** Every release of every published RFP in the order their events happened; undefined when nothing is published. */
export function bulkReleasePackage (settings: OcdsSettings, processes: readonly PublicProcess[]): ReleasePackage | undefined {
  // A release's id is its event's sequence number: the order of the whole instance's history.
  const releases = processes.flatMap((p) => ocdsReleases(settings, p)).sort((a, b) => Number(a.id) - Number(b.id))
  if (releases.length === 0) return undefined
  return {
    uri: bulkPackageUri(settings),
    version: OCDS_VERSION,
    extensions: [...OCDS_EXTENSIONS],
    publisher: publisherOf(settings),
    publishedDate: newestDate(releases),
    releases
  }
}

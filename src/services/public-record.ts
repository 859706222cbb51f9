// The public decision record of a decided RFP (DESIGN §5): the page, decision.json and decision.md all come
// from here, so the three always say the same thing.
import { lastRfpEventSeq } from '../db/audit-events.js'
import { findDecision, listRounds, listSealedSheets } from '../db/evaluation.js'
import { listProtests } from '../db/protests.js'
import { countRegistrations, listPublicEventsOf, listRecordProposals, namedEvaluators } from '../db/public-record.js'
import { decisionDocument, isNamedOnRecord, type DecisionDocument, type RecordProposal, type RecordRound } from '../domain/decision-record.js'
import { ANONYMOUS } from '../domain/policy.js'
import { ocidOf, type RfpRecord } from '../domain/rfp.js'
import { computeRobustness } from '../domain/scoring.js'
import { NotFoundError } from '../errors.js'
import type { ServiceContext } from './context.js'
import { getProtestWindow } from './protests.js'
import { getRfp } from './rfps.js'
import { roundScoringOf } from './round-scoring.js'
import { cachedAtHead } from './record-cache.js'
import { sealedRfpOf } from './sealed-rfp.js'

const PROPOSAL_LIMIT = 1000
const EVENT_LIMIT = 5000

export interface DecisionRecord {
  rfp: RfpRecord
  document: DecisionDocument
  timeline: TimelineEntry[]
  /** Null before the decision; else until when bidders may protest. */
  protestWindow: Awaited<ReturnType<typeof getProtestWindow>>
}

export interface TimelineEntry { at: string, what: string }

/** The record of a decided RFP; a published RFP not yet decided has none (404, saying so). */
export async function getDecisionRecord (ctx: ServiceContext, slug: string, ocidPrefix: string): Promise<DecisionRecord> {
  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  // The robustness figures are costly: computed once per change to the RFP, not once per visitor. The protest
  // window depends on the clock, so it is the one part never cached.
  const head = await lastRfpEventSeq(ctx.db, rfp.id)
  const record = await cachedAtHead(ctx.db, `decision|${ocidPrefix}|${rfp.id}`, head, async () => await computeDecisionRecord(ctx, rfp, ocidPrefix))
  return { ...record, protestWindow: await getProtestWindow(ctx, rfp) }
}

async function computeDecisionRecord (ctx: ServiceContext, rfp: RfpRecord, ocidPrefix: string): Promise<Omit<DecisionRecord, 'protestWindow'>> {
  const decision = rfp.state === 'decided' ? await findDecision(ctx.db, rfp.id) : undefined
  if (decision === undefined) throw new NotFoundError(`the decision on "${rfp.title}" has not been recorded yet`)
  const view = await sealedRfpOf(ctx.db, rfp)
  const rounds: RecordRound[] = []
  for (const round of await listRounds(ctx.db, rfp.id)) {
    const scoring = await roundScoringOf(ctx.db, view, round.round)
    const documentRound = rfp.document.rounds[round.round - 1]
    rounds.push({
      number: round.round,
      name: documentRound?.name ?? `Round ${round.round}`,
      criteria: (documentRound?.criteria ?? []).map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
      input: scoring.input,
      results: scoring.results,
      robustness: computeRobustness(scoring.input),
      prices: new Map([...scoring.prices].map(([id, p]) => [id, { amount: p.amount, currency: p.currency }])),
      consensusReasons: new Map(scoring.consensus.map((c) => [`${c.proposal_id}|${c.criterion_id}`, c.reason])),
      sheets: (await listSealedSheets(ctx.db, rfp.id, round.round)).map((s) => ({ evaluator: s.user_id, label: s.label, hash: s.hash, sheet: s.sheet }))
    })
  }
  const rows = await listRecordProposals(ctx.db, rfp.id, PROPOSAL_LIMIT)
  // A withdrawn proposal is in no round: it is counted, but takes no letter.
  const proposals: RecordProposal[] = rows.filter((row) => row.status !== 'withdrawn').map((row) => ({
    id: row.id,
    receipt: row.receipt_hash,
    name: row.organisation_name,
    named: isNamedOnRecord(row.status, row.may_be_named === 1),
    status: row.status,
    statusReason: row.status_reason
  }))
  const events = await listPublicEventsOf(ctx.db, rfp.id, EVENT_LIMIT)
  const document = decisionDocument({
    rfp: { slug: rfp.slug, title: rfp.title, ocid: ocidOf(ocidPrefix, rfp.slug) },
    proposals,
    evaluatorNames: await namedEvaluators(ctx.db, rfp.id),
    rounds,
    selected: proposals.filter((p) => p.status === 'selected').map((p) => p.id),
    rationale: decision.rationale,
    decidedAt: decision.decided_at,
    vendors: {
      invited: rfp.document.eligibility.mode === 'invited' ? rfp.document.eligibility.vendors.length : null,
      registered: await countRegistrations(ctx.db, rfp.id),
      submitted: rows.length,
      withdrawn: rows.filter((row) => row.status === 'withdrawn').length
    },
    protests: (await listProtests(ctx.db, rfp.id)).map((p) => ({
      receipt: p.receipt_hash, filedAt: p.filed_at, grounds: p.grounds, resolution: p.resolution, response: p.response, respondedAt: p.responded_at
    }))
  })
  return { rfp, document, timeline: events.map(describeEvent).filter((e): e is TimelineEntry => e !== null) }
}

const count = (n: unknown, one: string, many: string): string => `${Number(n)} ${Number(n) === 1 ? one : many}`

/** A public event in a sentence for the record's timeline; events the record says elsewhere are left out. */
export function describeEvent (event: { at: string, type: string, data: Record<string, unknown> }): TimelineEntry | null {
  const { at, data } = event
  switch (event.type) {
    case 'rfp.published': return { at, what: 'Published' }
    case 'rfp.amended': return { at, what: `Amended (version ${String(data.version)})` }
    case 'rfp.question.answered': return { at, what: `Question ${String(data.number)} answered` }
    case 'rfp.answer.revised': return { at, what: `The answer to question ${String(data.number)} revised` }
    case 'rfp.opened': return { at, what: `Proposals opened: ${count(data.count, 'proposal', 'proposals')}` }
    case 'scoring.closed': return { at, what: `Individual scoring of round ${String(data.round)} closed: ${count(Array.isArray(data.sheets) ? data.sheets.length : 0, 'score sheet', 'score sheets')} sealed` }
    case 'rfp.shortlisted': return { at, what: `Shortlist made: ${count(Array.isArray(data.receipts) ? data.receipts.length : 0, 'proposal goes', 'proposals go')} to round 2` }
    case 'prices.opened': return { at, what: 'Price envelope opened' }
    case 'rfp.decided': return { at, what: 'Decision recorded' }
    case 'protest.filed': return { at, what: 'Protest filed' }
    case 'protest.resolved': return { at, what: 'Protest resolved' }
    default: return null
  }
}

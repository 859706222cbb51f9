// One round's scoring as the method (DESIGN §4) sees it, read from the database: the one place that decides
// which scores count, who is recused and what each evaluator is called — for the committee's results, the
// shortlist, the decision, the debrief and the public record alike.
import type { Executor } from '../db/database.js'
import { listAttestations, listConsensus, listGateResults, listPrices, listRoundProposals, listRounds, listSealedSheets, listSubmittedScores } from '../db/evaluation.js'
import { UNRANKED_STATUSES } from '../domain/decision-record.js'
import { evaluatorLabels, scaleOf, type SheetScore } from '../domain/evaluation.js'
import { recuses } from '../domain/policy.js'
import type { RfpRecord } from '../domain/rfp.js'
import { computeResults, type ScoringInput } from '../domain/scoring.js'
import { NotFoundError } from '../errors.js'
import type { SealedView } from './sealed-rfp.js'

/**
 * The evaluators who attested, in the order they did: what gives each their public label. A label a closed
 * round already published is kept, so an evaluator is the same "Evaluator n" in every round; one who joined
 * later is numbered after them.
 */
export async function labelsOf (db: Executor, rfp: RfpRecord): Promise<Map<string, string>> {
  const isEvaluator = (id: string): boolean => rfp.members.some((m) => m.userId === id && m.role === 'evaluator')
  const evaluators = (await listAttestations(db, rfp.id)).map((a) => a.user_id).filter(isEvaluator)
  const published = new Map<string, string>()
  for (const round of await listRounds(db, rfp.id)) {
    for (const sheet of await listSealedSheets(db, rfp.id, round.round)) published.set(sheet.user_id, sheet.label)
  }
  // Only current evaluators seal sheets; the published labels still decide who is numbered what.
  return new Map([...evaluatorLabels(evaluators, published)].filter(([id]) => evaluators.includes(id)))
}

export async function findRoundOf (db: Executor, rfpId: string, round: number) {
  const found = (await listRounds(db, rfpId)).find((r) => r.round === round)
  if (found === undefined) throw new NotFoundError(`round ${round} has not started`)
  return found
}

/** Statuses that keep a proposal listed but never ranked. */
const EXCLUDED_STATUSES = new Set(UNRANKED_STATUSES)

/**
 * Everything the scoring method needs for one round, read from the database (DESIGN §4). Once the round is
 * closed, what counts is what its sealed sheets hold — their evaluators, labels and scores — and only the
 * conflicts declared before the closing recuse: nothing done afterwards (a role given or taken, a late
 * declaration) changes a closed round's figures away from the hashes it published.
 */
export async function roundScoringOf (db: Executor, view: SealedView, round: number, options: { disqualified?: ReadonlySet<string> } = {}) {
  const { rfp, refOf } = view
  const found = await findRoundOf(db, rfp.id, round)
  const criteria = rfp.document.rounds[round - 1]?.criteria ?? []
  const proposals = await listRoundProposals(db, rfp.id, round)
  const wentOn = new Set((await listRoundProposals(db, rfp.id, round + 1)).map((p) => p.id))
  const scores = await listSubmittedScores(db, rfp.id, round)
  const consensus = await listConsensus(db, rfp.id, round)
  const gates = await listGateResults(db, rfp.id, round)
  const prices = new Map((await listPrices(db, rfp.id)).map((p) => [p.proposal_id, p]))
  // Price points compare amounts: prices in different currencies cannot be scored against each other.
  const currencies = new Set([...prices.values()].map((p) => p.currency))
  const comparablePrices = currencies.size <= 1
  const sealed = found.closed_at === null ? null : await listSealedSheets(db, rfp.id, round)
  const labels = sealed === null ? await labelsOf(db, rfp) : new Map(sealed.map((s) => [s.user_id, s.label]))
  const evaluators = sealed === null ? [...new Set(rfp.members.filter((m) => m.role === 'evaluator').map((m) => m.userId))] : sealed.map((s) => s.user_id)
  const receiptOf = new Map(proposals.map((p) => [p.id, p.receipt_hash]))
  const counted = sealed === null
    ? null
    : new Set(sealed.flatMap((s) => (JSON.parse(s.sheet) as { scores: SheetScore[] }).scores.map((x) => `${s.user_id}|${x.proposal}|${x.criterion}|${x.score}`)))
  const conflicts = view.conflicts.filter((c) => found.closed_at === null || c.declared_at <= found.closed_at)
    .map((c) => ({ userId: c.user_id, organisationId: c.organisation_id }))
  const inRound = new Set(proposals.map((p) => p.id))
  const scoredIds = new Set(criteria.filter((c) => c.kind === 'scored').map((c) => c.id))
  const input: ScoringInput = {
    criteria: criteria.map((c) => ({ id: c.id, kind: c.kind, weight: c.weight ?? '0', ...(c.kind === 'scored' ? scaleOf(c) : { lo: 0, hi: 1 }) })),
    proposals: proposals.map((p) => ({
      id: p.id,
      // One that went on to the next round stays in this round's figures whatever became of it there: they are
      // the standings the shortlist was made from.
      excluded: (EXCLUDED_STATUSES.has(p.status) && !wentOn.has(p.id)) || (options.disqualified?.has(p.id) ?? false),
      price: comparablePrices ? prices.get(p.id)?.amount ?? null : null,
      gates: gates.filter((g) => g.proposal_id === p.id).map((g) => ({ criterion: g.criterion_id, passed: g.passed === 1 }))
    })),
    evaluators,
    // Open round: evaluators' submitted scores on the round's scored criteria. Closed: exactly the sealed ones.
    scores: scores.filter((s) => s.score !== null && inRound.has(s.proposal_id) && scoredIds.has(s.criterion_id) && evaluators.includes(s.user_id) &&
      (counted === null || counted.has(`${s.user_id}|${receiptOf.get(s.proposal_id) ?? ''}|${s.criterion_id}|${s.score}`)))
      .map((s) => ({ evaluator: s.user_id, proposal: s.proposal_id, criterion: s.criterion_id, score: s.score! })),
    consensus: consensus.filter((c) => inRound.has(c.proposal_id)).map((c) => ({ proposal: c.proposal_id, criterion: c.criterion_id, score: c.score })),
    recusals: proposals.flatMap((p) => evaluators.filter((e) => recuses(conflicts, e, refOf(p))).map((e) => ({ evaluator: e, proposal: p.id }))),
    nearTieMargin: rfp.document.procedure.nearTieMargin,
    consensusTolerance: rfp.document.procedure.consensusTolerance
  }
  return { input, results: computeResults(input), proposals, scores, consensus, gates, prices, labels, mixedCurrencies: !comparablePrices }
}

// The results of a closed round for the committee: the comparison (proposal × criterion with spread), the
// cells listed for discussion, consensus and gate outcomes recorded beside the individual scores, each
// evaluator's sheet for owners, and a CSV. Nothing of it is shown while individual scoring is open.
import type { Trx } from '../db/database.js'
import { listRounds, listRoundProposals, listSealedSheets, upsertConsensus, upsertGateResult } from '../db/evaluation.js'
import { findUserById } from '../db/users.js'
import { REASON_MAX_LENGTH, scaleOf } from '../domain/evaluation.js'
import { isRecused, type UserActor } from '../domain/policy.js'
import { computeRobustness, type Results, type Robustness } from '../domain/scoring.js'
import { textProblems } from '../domain/questions.js'
import { ForbiddenError, InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize, isAllowed } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { findRoundOf, roundScoringOf } from './round-scoring.js'
import { sealedRfpOf } from './sealed-rfp.js'

async function closedRound (ctx: ServiceContext, actor: UserActor, slug: string, round: number) {
  const view = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  authorize(ctx, actor, { action: 'results.view', rfp: view.rfp })
  const found = await findRoundOf(ctx.db, view.rfp.id, round)
  // DESIGN §3.3: nobody — owners included — sees another evaluator's scores before the round is closed.
  if (found.closed_at === null) throw new ForbiddenError(`individual scoring of round ${round} is still open: the results are shown once an owner closes it`)
  return { view, rfp: view.rfp, found, refOf: view.refOf }
}

export async function getRoundResults (ctx: ServiceContext, actor: UserActor, slug: string, round: number) {
  const { view, rfp, found, refOf } = await closedRound(ctx, actor, slug, round)
  const scoring = await roundScoringOf(ctx.db, view, round)
  const { labels } = scoring
  // A member recused from a proposal sees its figures, which the record publishes anyway, but neither its
  // price nor the evaluators' comments on it.
  const refs = new Map(scoring.proposals.map((p) => [p.id, refOf(p)]))
  const mayReadPrice = (id: string): boolean => isAllowed(ctx, actor, { action: 'proposal.price.read', rfp, proposal: refs.get(id)! })
  const names = new Map(scoring.proposals.map((p) => [p.id, p.organisation_name]))
  const criteria = rfp.document.rounds[round - 1]?.criteria ?? []
  const scored = criteria.filter((c) => c.kind === 'scored')
  const label = (id: string): string => labels.get(id) ?? 'Evaluator (no attestation)'
  const owner = isAllowed(ctx, actor, { action: 'results.evaluators.view', rfp })
  const { results } = scoring
  const discussion = results.proposals.flatMap((p) => p.cells.filter((cell) => cell.flagged).map((cell) => ({
    proposalId: p.proposal,
    vendor: names.get(p.proposal) ?? '',
    criterion: cell.criterion,
    criterionName: scored.find((c) => c.id === cell.criterion)?.name ?? cell.criterion,
    range: cell.range,
    scores: cell.scores.map((s) => ({ evaluator: label(s.evaluator), score: s.score })).sort((a, b) => a.evaluator.localeCompare(b.evaluator, 'en', { numeric: true })),
    consensus: cell.consensus,
    reason: scoring.consensus.find((c) => c.proposal_id === p.proposal && c.criterion_id === cell.criterion)?.reason ?? null,
    scale: scaleOf(scored.find((c) => c.id === cell.criterion)!)
  })))
  const closedBy = found.closed_by === null ? undefined : await findUserById(ctx.db, found.closed_by)
  return {
    rfp,
    round: { number: round, name: rfp.document.rounds[round - 1]?.name ?? `Round ${round}`, closedAt: found.closed_at, closedBy: closedBy?.display_name ?? null },
    criteria: scored.map((c) => ({ id: c.id, name: c.name, ...scaleOf(c), share: results.weights.find((w) => w.criterion === c.id)?.shareText ?? null })),
    priceCriterion: criteria.find((c) => c.kind === 'price')?.name ?? null,
    gates: criteria.filter((c) => c.kind === 'gate').map((c) => ({ id: c.id, name: c.name })),
    rows: results.proposals.map((p) => ({
      id: p.proposal,
      vendor: names.get(p.proposal) ?? '',
      rank: p.rank,
      score: p.scoreText,
      tie: p.tie,
      nearTie: p.nearTie,
      rawTotal: p.rawTotal,
      reason: p.reason?.message ?? null,
      price: mayReadPrice(p.proposal) ? scoring.prices.get(p.proposal)?.amount ?? null : null,
      currency: mayReadPrice(p.proposal) ? scoring.prices.get(p.proposal)?.currency ?? null : null,
      recusedCount: p.recused.length,
      gates: criteria.filter((c) => c.kind === 'gate').map((c) => {
        const outcome = scoring.gates.find((g) => g.proposal_id === p.proposal && g.criterion_id === c.id)
        return { id: c.id, passed: outcome === undefined ? null : outcome.passed === 1, reason: outcome?.reason ?? '' }
      }),
      // In the RFP's order of criteria, as the page's columns are: the scoring method keeps its cells by id.
      cells: scored.flatMap((c) => p.cells.filter((cell) => cell.criterion === c.id)).map((cell) => ({
        criterion: cell.criterion,
        mean: cell.meanText,
        used: cell.usedText,
        consensus: cell.consensus,
        range: cell.range,
        standardDeviation: cell.standardDeviation,
        flagged: cell.flagged,
        count: cell.scores.length
      }))
    })),
    provisional: results.provisional,
    mixedCurrencies: scoring.mixedCurrencies,
    rawTotalComparable: results.rawTotalComparable,
    rawTotalReason: results.rawTotalReason === null ? null : describeRawTotalReason(results, label, names),
    kendallW: results.kendallW.text,
    kendallWReason: results.kendallW.reason?.message ?? null,
    nearTieMargin: rfp.document.procedure.nearTieMargin,
    discussion,
    isOwner: owner,
    mayRecord: rfp.state === 'scoring_closed' && isAllowed(ctx, actor, { action: 'consensus.record', rfp }),
    // Round 2 starts from round 1's standings, once, where the RFP has a second round.
    mayShortlist: rfp.state === 'scoring_closed' && isAllowed(ctx, actor, { action: 'shortlist.create', rfp }) && round === 1 && rfp.document.rounds.length > 1 && (await listRounds(ctx.db, rfp.id)).length === 1,
    shortlistRule: rfp.document.procedure.shortlist,
    // Owners see each evaluator's counted scores with comments once scoring is closed, except on a proposal they are recused from.
    evaluators: owner ? evaluatorSheets(scoring, (id) => !isRecused(actor, rfp, refs.get(id)!), names, scored.map((c) => c.id)) : [],
    sealedSheets: (await listSealedSheets(ctx.db, rfp.id, round)).map((s) => ({ label: s.label, hash: s.hash })),
    robustness: robustnessView(computeRobustness(scoring.input), label, (id) => names.get(id) ?? '', (id) => criteria.find((c) => c.id === id)?.name ?? id)
  }
}

/** DESIGN §4's robustness figures in words: would the leader change without one evaluator, on z-scores, or with one weight moved? */
function robustnessView (robustness: Robustness, label: (id: string) => string, vendor: (id: string) => string, criterion: (id: string) => string) {
  const { weightSensitivity: sensitivity, zScores } = robustness
  const change = sensitivity.smallest
  return {
    leaders: robustness.leaders.map(vendor),
    leaveOneOut: robustness.leaveOneOut.map((l) => ({ evaluator: label(l.evaluator), leaders: l.leaders.map(vendor), changed: l.leaderChanged })),
    zScores: { leaders: zScores.leaders.map(vendor), changed: zScores.leaderChanged, priceIncluded: zScores.priceIncluded, ranking: zScores.ranking.map((z) => ({ vendor: vendor(z.proposal), rank: z.rank, z: z.zText })) },
    weightChange: change === null
      ? { message: sensitivity.message ?? 'no change of a single criterion\'s weight changes the leader' }
      : { criterion: criterion(change.criterion), challenger: vendor(change.challenger), direction: change.direction, from: change.weight.toFixed(2), to: change.newWeight.toFixed(2), shareBefore: change.shareBefore, shareAfter: change.shareAfter, message: null }
  }
}

function describeRawTotalReason (results: Results, label: (id: string) => string, names: Map<string, string>): string {
  const reason = results.rawTotalReason!
  switch (reason.kind) {
    case 'recused': return `${label(reason.evaluator)} was recused from ${names.get(reason.proposal) ?? 'a proposal'}, so not every proposal had the same evaluators`
    case 'missing_score': return `${label(reason.evaluator)} did not score ${names.get(reason.proposal) ?? 'a proposal'} on ${reason.criterion}, so not every proposal had the same evaluators`
    default: return reason.message
  }
}

function evaluatorSheets (scoring: Awaited<ReturnType<typeof roundScoringOf>>, visible: (proposalId: string) => boolean, names: Map<string, string>, criteria: string[]) {
  const counted = new Map(scoring.results.proposals.map((p) => [p.proposal, p]))
  return [...scoring.labels].map(([userId, label]) => ({
    label,
    proposals: scoring.proposals.filter((p) => visible(p.id)).map((p) => ({
      vendor: names.get(p.id) ?? '',
      cells: criteria.map((criterion) => {
        // Only scores that count: none from an evaluator recused from this proposal.
        const score = counted.get(p.id)?.cells.find((c) => c.criterion === criterion)?.scores.find((x) => x.evaluator === userId)?.score ?? null
        const comment = score === null ? '' : scoring.scores.find((x) => x.user_id === userId && x.proposal_id === p.id && x.criterion_id === criterion)?.comment ?? ''
        return { criterion, score, comment }
      })
    }))
  }))
}

/** The comparison as CSV: one row per proposal, per criterion the value used, the mean and the range. */
export async function getRoundResultsCsv (ctx: ServiceContext, actor: UserActor, slug: string, round: number): Promise<{ fileName: string, body: string }> {
  const page = await getRoundResults(ctx, actor, slug, round)
  const header = ['rank', 'vendor', 'score', 'status', ...page.criteria.flatMap((c) => [`${c.id} used`, `${c.id} mean`, `${c.id} consensus`, `${c.id} range`, `${c.id} sd`]), 'price', 'currency']
  const lines = page.rows.map((row) => [
    row.rank ?? '', row.vendor, row.score ?? '', row.reason ?? 'ranked',
    ...page.criteria.flatMap((c) => {
      const cell = row.cells.find((x) => x.criterion === c.id)
      return [cell?.used ?? '', cell?.mean ?? '', cell?.consensus ?? '', cell?.range ?? '', cell?.standardDeviation ?? '']
    }),
    row.price ?? '', row.currency ?? ''
  ])
  return { fileName: `${page.rfp.slug}-round-${round}-results.csv`, body: [header, ...lines].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n' }
}

/**
 * RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula (=, +, -, @, tab,
 * carriage return): vendor names are typed by vendors.
 */
export function csvCell (value: string | number): string {
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

async function roundForRecording (trx: Trx, ctx: ServiceContext, actor: UserActor, slug: string, round: number) {
  const { rfp } = await sealedRfpOf(trx, await findRfpForChange(trx, ctx, actor, { slug }))
  authorize(ctx, actor, { action: 'consensus.record', rfp })
  const found = await findRoundOf(trx, rfp.id, round)
  if (found.closed_at === null) throw new InvalidStateError(`round ${round} is still being scored: consensus and gates are recorded after it closes`)
  // A later round was started from this one's standings: changing them now would rewrite what it was based on.
  if ((await listRounds(trx, rfp.id)).some((r) => r.round > round)) throw new InvalidStateError(`round ${round}'s record is final: round ${round + 1} was started from it`)
  if (rfp.state !== 'scoring_closed') throw new InvalidStateError(`the RFP is ${rfp.state}: the record of round ${round} can no longer change`)
  return rfp
}

function reasonProblems (reason: string): void {
  const problems = textProblems('reason', reason, 1, REASON_MAX_LENGTH)
  if (problems.length > 0) throw invalidInput(problems.map((p) => ({ ...p, message: p.message === 'cannot be empty' ? 'give the reason: it is part of the record' : p.message })))
}

/** A consensus score beside the individual scores of a cell (DESIGN §3.3), with its reason. */
export async function recordConsensus (ctx: ServiceContext, actor: UserActor, slug: string, round: number, input: { proposalId: string, criterion: string, score: number, reason: string }): Promise<void> {
  reasonProblems(input.reason)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await roundForRecording(trx, ctx, actor, slug, round)
    const criterion = rfp.document.rounds[round - 1]?.criteria.find((c) => c.id === input.criterion && c.kind === 'scored')
    if (criterion === undefined) throw invalidInput([{ path: 'criterion', message: `is not a scored criterion of round ${round}` }])
    const { lo, hi } = scaleOf(criterion)
    if (input.score < lo || input.score > hi) throw invalidInput([{ path: 'score', message: `must be a whole number from ${lo} to ${hi}` }])
    if (!(await listRoundProposals(trx, rfp.id, round)).some((p) => p.id === input.proposalId)) throw new NotFoundError(`round ${round} has no such proposal`)
    const at = nowIso(ctx)
    await upsertConsensus(trx, { rfp_id: rfp.id, round, proposal_id: input.proposalId, criterion_id: criterion.id, score: input.score, reason: input.reason.trim(), recorded_by: actor.userId, recorded_at: at })
    await appendAuditEvent(trx, { at, type: 'consensus.recorded', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug, round, proposalId: input.proposalId, criterion: criterion.id, score: input.score, reason: input.reason.trim() } })
  })
}

/** A pass/fail gate judged for one proposal; a failed gate makes the proposal non-responsive (DESIGN §4). */
export async function recordGate (ctx: ServiceContext, actor: UserActor, slug: string, round: number, input: { proposalId: string, criterion: string, passed: boolean, reason: string }): Promise<void> {
  reasonProblems(input.reason)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await roundForRecording(trx, ctx, actor, slug, round)
    const criterion = rfp.document.rounds[round - 1]?.criteria.find((c) => c.id === input.criterion && c.kind === 'gate')
    if (criterion === undefined) throw invalidInput([{ path: 'criterion', message: `is not a pass/fail criterion of round ${round}` }])
    if (!(await listRoundProposals(trx, rfp.id, round)).some((p) => p.id === input.proposalId)) throw new NotFoundError(`round ${round} has no such proposal`)
    const at = nowIso(ctx)
    await upsertGateResult(trx, { rfp_id: rfp.id, round, proposal_id: input.proposalId, criterion_id: criterion.id, passed: input.passed ? 1 : 0, reason: input.reason.trim(), recorded_by: actor.userId, recorded_at: at })
    await appendAuditEvent(trx, { at, type: 'gate.recorded', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug, round, proposalId: input.proposalId, criterion: criterion.id, passed: input.passed, reason: input.reason.trim() } })
  })
}

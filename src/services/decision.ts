// The decision (an owner, with the second factor): the selected vendor(s), the rationale, and every proposal's
// final status with a reason where it was not scored. Every bidder is told; the others get a private debrief
// and choose whether the public record may name them.
import { contactAddressesOf } from '../db/rfp-vendors.js'
import { findDecision, findNaming, insertDecision, listRounds, moveRfpState, setProposalStatus, upsertNaming } from '../db/evaluation.js'
import { findProposalOf, listStandingProposals } from '../db/proposals.js'
import { RATIONALE_MAX_LENGTH, REASON_MAX_LENGTH, type DecisionInput } from '../domain/evaluation.js'
import type { UserActor } from '../domain/policy.js'
import { scoresPrice } from '../domain/proposal.js'
import { textProblems } from '../domain/questions.js'
import { InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { roundScoringOf } from './round-scoring.js'
import { organisationOf } from './rfp-vendors.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { sealedRfpOf } from './sealed-rfp.js'

const PROPOSAL_LIMIT = 1000

/** What the decision form offers: the last closed round's standings. */
export async function getDecisionForm (ctx: ServiceContext, actor: UserActor, slug: string) {
  const view = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  const { rfp } = view
  authorize(ctx, actor, { action: 'decision.view', rfp })
  const rounds = await listRounds(ctx.db, rfp.id)
  const last = rounds.at(-1)
  const decision = await findDecision(ctx.db, rfp.id)
  if (last === undefined || last.closed_at === null) return { rfp, ready: false, decision, rows: [] }
  const scoring = await roundScoringOf(ctx.db, view, last.round)
  const names = new Map(scoring.proposals.map((p) => [p.id, p.organisation_name]))
  return {
    rfp,
    ready: rfp.state === 'scoring_closed',
    decision,
    round: last.round,
    rows: scoring.results.proposals.map((p) => ({ id: p.proposal, vendor: names.get(p.proposal) ?? '', rank: p.rank, score: p.scoreText, ranked: p.ranked, reason: p.reason?.message ?? null, tie: p.tie, nearTie: p.nearTie }))
  }
}

export async function recordDecision (ctx: ServiceContext, actor: UserActor, slug: string, input: DecisionInput): Promise<void> {
  const rationale = input.rationale.trim()
  const problems = textProblems('rationale', rationale, 1, RATIONALE_MAX_LENGTH)
  input.disqualified.forEach((d, i) => problems.push(...textProblems(`disqualified.${i}.reason`, d.reason, 1, REASON_MAX_LENGTH)))
  if (problems.length > 0) throw invalidInput(problems)
  await ctx.db.transaction().execute(async (trx) => {
    const view = await sealedRfpOf(trx, await findRfpForChange(trx, ctx, actor, { slug }))
    const { rfp } = view
    authorize(ctx, actor, { action: 'decision.record', rfp })
    authorize(ctx, actor, { action: 'results.view', rfp })
    const rounds = await listRounds(trx, rfp.id)
    const last = rounds.at(-1)
    if (rfp.state !== 'scoring_closed' || last === undefined || rounds.some((r) => r.closed_at === null)) {
      throw new InvalidStateError(rfp.state === 'decided' ? 'the decision has been recorded already' : `the RFP is ${rfp.state}: the decision is recorded after individual scoring is closed`)
    }
    if (scoresPrice(rfp.document) && rfp.priceOpenedAt === null) throw new InvalidStateError('this RFP scores price: open the price envelope before deciding')
    const disqualified = new Map(input.disqualified.map((d) => [d.proposal, d.reason.trim()]))
    // Disqualified proposals are listed, never ranked: the standings are computed without them.
    const scoring = await roundScoringOf(trx, view, last.round, { disqualified: new Set(disqualified.keys()) })
    const inRound = new Set(scoring.proposals.map((p) => p.id))
    for (const id of [...disqualified.keys(), ...input.selected]) {
      if (!inRound.has(id)) throw invalidInput([{ path: 'selected', message: `names a proposal that is not in round ${last.round}` }])
    }
    const { results } = scoring
    if (results.provisional) {
      throw new InvalidStateError(scoring.mixedCurrencies
        ? 'the prices are in different currencies, so the price criterion cannot be scored: the standings cannot decide'
        : 'the price criterion is not scored yet: open the price envelope first')
    }
    const byId = new Map(results.proposals.map((p) => [p.proposal, p]))
    const gates = rfp.document.rounds[last.round - 1]?.criteria.filter((c) => c.kind === 'gate') ?? []
    for (const id of input.selected) {
      if (byId.get(id)?.ranked !== true) throw invalidInput([{ path: 'selected', message: 'only a ranked proposal can be selected: it was disqualified, failed a gate or was not scored' }])
      // A gate with no outcome yet is no failure for the standings, but nobody is selected without it judged.
      const unjudged = gates.filter((g) => !scoring.gates.some((x) => x.proposal_id === id && x.criterion_id === g.id))
      if (unjudged.length > 0) throw invalidInput([{ path: 'selected', message: `record whether the selected proposal passes "${unjudged.map((g) => g.name).join('", "')}" first` }])
    }
    const at = nowIso(ctx)
    const standing = await listStandingProposals(trx, rfp.id, PROPOSAL_LIMIT)
    const statuses: Array<{ id: string, organisationId: string, name: string, status: string, reason: string | null }> = standing.map((p) => {
      const result = byId.get(p.id)
      if (input.selected.includes(p.id)) return { id: p.id, organisationId: p.organisation_id, name: p.organisation_name, status: 'selected', reason: null }
      if (disqualified.has(p.id)) return { id: p.id, organisationId: p.organisation_id, name: p.organisation_name, status: 'disqualified', reason: disqualified.get(p.id)! }
      // Not in the last round: round 1's outcome stands where it was non-responsive or disqualified.
      if (result === undefined && (p.status === 'non_responsive' || p.status === 'disqualified')) return { id: p.id, organisationId: p.organisation_id, name: p.organisation_name, status: p.status, reason: p.status_reason }
      if (result === undefined) return { id: p.id, organisationId: p.organisation_id, name: p.organisation_name, status: 'not_selected', reason: `not shortlisted for round ${last.round}` }
      if (result.nonResponsive) return { id: p.id, organisationId: p.organisation_id, name: p.organisation_name, status: 'non_responsive', reason: result.reason?.message ?? 'failed a pass/fail criterion' }
      return { id: p.id, organisationId: p.organisation_id, name: p.organisation_name, status: 'not_selected', reason: result.ranked ? null : result.reason?.message ?? 'not scored' }
    })
    for (const s of statuses) await setProposalStatus(trx, s.id, s.status, s.reason, at)
    await insertDecision(trx, { rfpId: rfp.id, rationale, roundsUsed: last.round, userId: actor.userId, at })
    if (!await moveRfpState(trx, rfp.id, 'scoring_closed', 'decided', at)) throw new InvalidStateError('the RFP changed meanwhile')
    const selected = statuses.filter((s) => s.status === 'selected')
    await appendAuditEvent(trx, {
      at,
      type: 'rfp.decided',
      actorId: actor.userId,
      rfpId: rfp.id,
      public: true,
      // The selected are named; the others stay unnamed until the record is built with their choices.
      data: { slug: rfp.slug, title: rfp.title, selected: selected.map((s) => s.name).sort(), rationale, roundsUsed: last.round, bidders: statuses.length }
    })
    for (const s of statuses) {
      for (const contact of await contactAddressesOf(trx, [s.organisationId])) {
        await queueMail(trx, ctx, {
          template: s.status === 'selected' ? 'decision-selected' : 'decision-not-selected',
          to: contact.email,
          data: { title: rfp.title, organisationName: s.name, rationale, path: `/rfps/${rfp.slug}`, debriefPath: `/vendor/rfps/${rfp.slug}/debrief`, selected: selected.map((x) => x.name) }
        })
      }
    }
  })
}

/**
 * A bidder's private debrief (DESIGN §5): its own scores and comments by anonymised evaluator, its rank, the
 * anonymised totals and the number of bidders — of every round it took part in.
 */
export async function getDebrief (ctx: ServiceContext, actor: UserActor, slug: string) {
  const view = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  const { rfp } = view
  const { organisationId } = await organisationOf(ctx.db, actor)
  authorize(ctx, actor, { action: 'debrief.read', organisationId })
  const proposal = await findProposalOf(ctx.db, rfp.id, organisationId)
  if (proposal === undefined || proposal.status === 'withdrawn' || proposal.current_version === 0) throw new NotFoundError('your organisation has no proposal standing in this RFP')
  if (rfp.state !== 'decided') throw new InvalidStateError('the debrief is available once the decision is recorded')
  const decision = (await findDecision(ctx.db, rfp.id))!
  const bidders = (await listStandingProposals(ctx.db, rfp.id, PROPOSAL_LIMIT)).length
  const rounds = []
  for (const round of await listRounds(ctx.db, rfp.id)) {
    const scoring = await roundScoringOf(ctx.db, view, round.round)
    const mine = scoring.results.proposals.find((p) => p.proposal === proposal.id)
    if (mine === undefined) continue
    const criteria = rfp.document.rounds[round.round - 1]?.criteria.filter((c) => c.kind === 'scored') ?? []
    rounds.push({
      number: round.round,
      name: rfp.document.rounds[round.round - 1]?.name ?? `Round ${round.round}`,
      score: mine.scoreText,
      rank: mine.rank,
      reason: mine.reason?.message ?? null,
      criteria: criteria.map((c) => {
        const cell = mine.cells.find((x) => x.criterion === c.id)
        return {
          name: c.name,
          used: cell?.usedText ?? null,
          consensus: cell?.consensus ?? null,
          scores: scoring.scores.filter((s) => s.proposal_id === proposal.id && s.criterion_id === c.id && s.score !== null && (cell?.scores.some((x) => x.evaluator === s.user_id) ?? false))
            .map((s) => ({ evaluator: scoring.labels.get(s.user_id) ?? 'Evaluator', score: s.score, comment: s.comment }))
            .sort((a, b) => a.evaluator.localeCompare(b.evaluator, 'en', { numeric: true }))
        }
      }),
      // Anonymised: the scores alone, best first, with the bidder's own marked.
      totals: scoring.results.proposals.filter((p) => p.ranked).map((p) => ({ score: p.scoreText, rank: p.rank, own: p.proposal === proposal.id })),
      provisional: scoring.results.provisional
    })
  }
  const naming = await findNaming(ctx.db, proposal.id)
  return {
    // What the page needs of the RFP, and no more: the committee's ids and conflicts are not the bidder's to see.
    rfp: { slug: rfp.slug, title: rfp.title, timeZone: rfp.timeZone },
    status: proposal.status,
    statusReason: proposal.status_reason,
    selected: proposal.status === 'selected',
    rationale: decision.rationale,
    decidedAt: decision.decided_at,
    bidders,
    rounds,
    mayBeNamed: naming === undefined ? null : naming.may_be_named === 1
  }
}

/** Whether the public record may name the bidder rather than call it "Vendor A"; it may change its mind. */
export async function chooseNaming (ctx: ServiceContext, actor: UserActor, slug: string, mayBeNamed: boolean): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    const { organisationId } = await organisationOf(trx, actor)
    authorize(ctx, actor, { action: 'naming.choose', organisationId })
    const proposal = await findProposalOf(trx, rfp.id, organisationId)
    if (proposal === undefined || proposal.status === 'withdrawn' || proposal.current_version === 0) throw new NotFoundError('your organisation has no proposal standing in this RFP')
    if (rfp.state !== 'decided') throw new InvalidStateError('the choice is offered once the decision is recorded')
    const at = nowIso(ctx)
    await upsertNaming(trx, { proposalId: proposal.id, mayBeNamed, userId: actor.userId, at })
    await appendAuditEvent(trx, { at, type: 'vendor.naming.chosen', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug, proposalId: proposal.id, mayBeNamed } })
  })
}

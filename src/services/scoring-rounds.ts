// Scoring rounds: round 1 starts at the opening with every standing proposal; closing a round (an owner, with
// the second factor) locks its sheets and publishes the hash of each evaluator's sheet (DESIGN §3.3).
import type { Trx } from '../db/database.js'
import { closeRound, insertRound, insertSealedSheet, listRoundProposals, listRounds, listSheets, listSubmittedScores, moveRfpState, setProposalStatus } from '../db/evaluation.js'
import { Rational } from '../domain/rational.js'
import type { Procedure } from '../domain/rfp-document.js'
import { scoreSheet } from '../domain/evaluation.js'
import { recuses, type UserActor } from '../domain/policy.js'
import { InvalidStateError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { findRoundOf, labelsOf, roundScoringOf } from './round-scoring.js'
import { findRfpForChange } from './rfps.js'
import { sealedRfpOf } from './sealed-rfp.js'

export async function startFirstRound (trx: Trx, rfpId: string, proposalIds: readonly string[], at: string): Promise<void> {
  await insertRound(trx, { rfpId, round: 1, at, proposalIds })
}

/**
 * Closes a round: the submitted sheets are sealed (canonical JSON with a salt) and their hashes published;
 * drafts never submitted do not count. Individual scores can no longer change, and the committee sees them.
 */
export async function closeScoringRound (ctx: ServiceContext, actor: UserActor, slug: string, round: number): Promise<{ sheets: number }> {
  return await ctx.db.transaction().execute(async (trx) => {
    const { rfp, refOf } = await sealedRfpOf(trx, await findRfpForChange(trx, ctx, actor, { slug }))
    authorize(ctx, actor, { action: 'scoring.close', rfp })
    const found = await findRoundOf(trx, rfp.id, round)
    if (found.closed_at !== null) throw new InvalidStateError(`round ${round} was closed already`)
    if (rfp.state !== 'opened') throw new InvalidStateError(`the RFP is ${rfp.state}: there is no scoring to close`)
    const at = nowIso(ctx)
    const labels = await labelsOf(trx, rfp)
    const proposals = await listRoundProposals(trx, rfp.id, round)
    const receipts = new Map(proposals.map((p) => [p.id, p.receipt_hash]))
    const refs = new Map(proposals.map((p) => [p.id, refOf(p)]))
    const scores = await listSubmittedScores(trx, rfp.id, round)
    const sheets: Array<{ evaluator: string, hash: string }> = []
    for (const [userId, label] of labels) {
      // The sheet holds the scores that count: none on a proposal its evaluator is recused from.
      const mine = scores.filter((s) => s.user_id === userId && s.score !== null && refs.has(s.proposal_id) && !recuses(rfp.conflicts, userId, refs.get(s.proposal_id)!))
      if (mine.length === 0) continue
      const { json, hash } = scoreSheet({
        rfp: rfp.slug,
        round,
        evaluator: label,
        salt: Buffer.from(ctx.random.bytes(16)).toString('hex'),
        scores: mine.map((s) => ({ proposal: receipts.get(s.proposal_id)!, criterion: s.criterion_id, score: s.score! }))
      })
      await insertSealedSheet(trx, { rfp_id: rfp.id, round, user_id: userId, label, sheet: json, hash })
      sheets.push({ evaluator: label, hash })
    }
    const unsubmitted = (await listSheets(trx, rfp.id, round)).filter((s) => s.submitted_at === null).length
    if (!await closeRound(trx, rfp.id, round, actor.userId, at)) throw new InvalidStateError(`round ${round} was closed meanwhile`)
    if (!await moveRfpState(trx, rfp.id, 'opened', 'scoring_closed', at)) throw new InvalidStateError('the RFP changed meanwhile')
    await appendAuditEvent(trx, { at, type: 'scoring.closed', actorId: actor.userId, rfpId: rfp.id, public: true, data: { slug: rfp.slug, title: rfp.title, round, sheets, unsubmittedDrafts: unsubmitted } })
    return { sheets: sheets.length }
  })
}

/**
 * The shortlist (an owner, after round 1 closes): the proposals the RFP's rule picks from round 1's
 * standings — the top N (an exact tie at the cut takes everyone tied) or every score at or above the minimum —
 * become round 2, scored the same way on its own criteria. Their status becomes `shortlisted`.
 */
export async function createShortlist (ctx: ServiceContext, actor: UserActor, slug: string): Promise<{ shortlisted: number }> {
  return await ctx.db.transaction().execute(async (trx) => {
    const view = await sealedRfpOf(trx, await findRfpForChange(trx, ctx, actor, { slug }))
    const { rfp } = view
    authorize(ctx, actor, { action: 'shortlist.create', rfp })
    const rounds = await listRounds(trx, rfp.id)
    if (rfp.document.rounds.length < 2) throw new InvalidStateError('this RFP has one round: there is no shortlist to make')
    if (rounds.length !== 1 || rounds[0]!.closed_at === null || rfp.state !== 'scoring_closed') {
      throw new InvalidStateError(rounds.length > 1 ? 'the shortlist has been made already' : 'the shortlist is made once round 1 is closed')
    }
    const { results } = await roundScoringOf(trx, view, 1)
    if (results.provisional) throw new InvalidStateError('round 1 scores price: open the price envelope before making the shortlist')
    const picked = shortlistOf(results.proposals, rfp.document.procedure.shortlist)
    if (picked.length === 0) throw new InvalidStateError('no proposal meets the shortlist rule')
    const at = nowIso(ctx)
    await insertRound(trx, { rfpId: rfp.id, round: 2, at, proposalIds: picked })
    // Round 1's outcome is kept on every proposal: shortlisted, scored, or non-responsive with the failed gate.
    for (const p of results.proposals) {
      if (picked.includes(p.proposal)) await setProposalStatus(trx, p.proposal, 'shortlisted', null, at)
      else if (p.nonResponsive) await setProposalStatus(trx, p.proposal, 'non_responsive', p.reason?.message ?? 'failed a pass/fail criterion', at)
      else if (p.ranked) await setProposalStatus(trx, p.proposal, 'scored', null, at)
    }
    if (!await moveRfpState(trx, rfp.id, 'scoring_closed', 'opened', at)) throw new InvalidStateError('the RFP changed meanwhile')
    const receipts = new Map((await listRoundProposals(trx, rfp.id, 2)).map((p) => [p.id, p.receipt_hash]))
    await appendAuditEvent(trx, { at, type: 'rfp.shortlisted', actorId: actor.userId, rfpId: rfp.id, public: true, data: { slug: rfp.slug, title: rfp.title, rule: rfp.document.procedure.shortlist, receipts: picked.map((id) => receipts.get(id)!).sort() } })
    return { shortlisted: picked.length }
  })
}

function shortlistOf (standings: ReadonlyArray<{ proposal: string, ranked: boolean, rank: number | null, score: Rational | null }>, rule: Procedure['shortlist']): string[] {
  const ranked = standings.filter((p) => p.ranked)
  if (rule.rule === 'top') return ranked.filter((p) => p.rank! <= rule.count).map((p) => p.proposal)
  const minimum = Rational.parseDecimal(rule.score)
  return ranked.filter((p) => p.score!.compare(minimum) >= 0).map((p) => p.proposal)
}

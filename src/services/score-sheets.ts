// An evaluator's sheet for one proposal: drafts saved, then submitted, every save kept in the history. An
// evaluator sees only their own sheet; the others' come into view when an owner closes the round.
import { findSheet, listRoundProposals, listSheetHistory, listSheetScores, saveScore, upsertSheet, type SheetKey } from '../db/evaluation.js'
import { scaleOf, scoredCriteria, sheetProblems, type ScoreSheetInput } from '../domain/evaluation.js'
import type { UserActor } from '../domain/policy.js'
import { InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { findRoundOf } from './round-scoring.js'
import { sealedRfpOf, type EvaluatedRfp } from './sealed-rfp.js'
import type { Executor } from '../db/database.js'

/** Saves of one sheet shown as its history: the newest first. */
const HISTORY_LIMIT = 200

async function scorableProposal (db: Executor, rfp: EvaluatedRfp, round: number, proposalId: string) {
  const proposal = (await listRoundProposals(db, rfp.id, round)).find((p) => p.id === proposalId)
  if (proposal === undefined) throw new NotFoundError(`round ${round} has no such proposal`)
  return proposal
}

export async function getScoreSheet (ctx: ServiceContext, actor: UserActor, slug: string, round: number, proposalId: string) {
  const { rfp, refOf } = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  const found = await findRoundOf(ctx.db, rfp.id, round)
  const proposal = await scorableProposal(ctx.db, rfp, round, proposalId)
  authorize(ctx, actor, { action: 'proposal.score', rfp, proposal: refOf(proposal) })
  const key: SheetKey = { rfpId: rfp.id, round, proposalId, userId: actor.userId }
  const sheet = await findSheet(ctx.db, key)
  const scores = new Map((await listSheetScores(ctx.db, key)).map((s) => [s.criterion_id, s]))
  const criteria = scoredCriteria(rfp.document, round)
  return {
    rfp,
    round: { number: round, name: rfp.document.rounds[round - 1]?.name ?? `Round ${round}`, closed: found.closed_at !== null },
    proposal: { id: proposal.id, organisationName: proposal.organisation_name, receiptHash: proposal.receipt_hash },
    status: sheetStatus(sheet),
    submittedAt: sheet?.submitted_at ?? null,
    criteria: criteria.map((c) => {
      const { lo, hi } = scaleOf(c)
      const saved = scores.get(c.id)
      return { id: c.id, name: c.name, description: c.description, lo, hi, options: range(lo, hi), score: saved?.score ?? null, comment: saved?.comment ?? '' }
    }),
    history: (await listSheetHistory(ctx.db, key, HISTORY_LIMIT)).map((h) => ({ criterion: h.criterion_id, score: h.score, comment: h.comment, at: h.saved_at, submitted: h.submitted === 1 }))
  }
}

export type SheetStatus = 'not started' | 'draft' | 'submitted'

export function sheetStatus (sheet: { submitted_at: string | null } | undefined): SheetStatus {
  return sheet === undefined ? 'not started' : sheet.submitted_at === null ? 'draft' : 'submitted'
}

function range (lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
}

/**
 * Saves the sheet as a draft, or submits it. A submitted sheet may still be changed until the round closes;
 * a change makes it a draft again until it is submitted again. The recusal and the round's state are checked
 * inside the transaction, so a conflict declared or a round closed a moment earlier wins.
 */
export async function saveScoreSheet (ctx: ServiceContext, actor: UserActor, slug: string, round: number, proposalId: string, input: ScoreSheetInput): Promise<{ submitted: boolean }> {
  return await ctx.db.transaction().execute(async (trx) => {
    const { rfp, refOf } = await sealedRfpOf(trx, await findRfpForChange(trx, ctx, actor, { slug }))
    const found = await findRoundOf(trx, rfp.id, round)
    const proposal = await scorableProposal(trx, rfp, round, proposalId)
    authorize(ctx, actor, { action: 'proposal.score', rfp, proposal: refOf(proposal) })
    if (found.closed_at !== null || rfp.state !== 'opened') throw new InvalidStateError(`scoring of round ${round} is closed: the scores are locked`)
    const criteria = scoredCriteria(rfp.document, round)
    const problems = sheetProblems(criteria, input)
    if (problems.length > 0) throw invalidInput(problems)
    const at = nowIso(ctx)
    const key: SheetKey = { rfpId: rfp.id, round, proposalId, userId: actor.userId }
    await upsertSheet(trx, key, input.submit ? at : null, at)
    const saved = new Map((await listSheetScores(trx, key)).map((s) => [s.criterion_id, s]))
    for (const cell of input.cells) {
      const comment = cell.comment.trim()
      const before = saved.get(cell.criterion)
      // Unchanged cells are not saved again unless the sheet is submitted: the history shows changes.
      if (before !== undefined && before.score === cell.score && before.comment === comment && !input.submit) continue
      await saveScore(trx, key, { criterionId: cell.criterion, score: cell.score, comment }, input.submit, at)
    }
    // The audit log records that a sheet moved, not what it says: scores stay unseen until the round closes.
    await appendAuditEvent(trx, { at, type: input.submit ? 'scores.submitted' : 'scores.saved', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug, round, proposalId } })
    return { submitted: input.submit }
  })
}

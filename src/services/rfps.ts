// Use cases on RFPs: drafting and publishing (the lifecycle issue adds editing and amendments), and reading them.
import { lockForTransaction } from '../db/database.js'
import { countPublishedRfps, encodeContent, findRfp, insertRfp, insertRfpVersion, listPublishedRfps, markPublished, slugExists } from '../db/rfps.js'
import { insertRfpRole } from '../db/rfp-roles.js'
import { findUserById } from '../db/users.js'
import { canonicalHash, type JsonValue } from '../domain/canonical-json.js'
import type { Actor, UserActor } from '../domain/policy.js'
import { checkRfpDraft, DEFAULT_SCALE, weightShares, type Criterion, type RfpDraft } from '../domain/rfp-document.js'
import { phaseOf, type RfpListing, type RfpPhase, type RfpRecord } from '../domain/rfp.js'
import { ConflictError, InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize, isAllowed } from './authorize.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'

export async function createRfpDraft (ctx: ServiceContext, actor: UserActor, input: RfpDraft): Promise<{ id: string, slug: string }> {
  authorize(ctx, actor, { action: 'rfp.draft' })
  const problems = checkRfpDraft(input)
  if (problems.length > 0) throw invalidInput(problems)
  const id = newId(ctx)
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    // Check and insert take turns per slug on PostgreSQL too, so a race gives the 409, not a constraint error.
    await lockForTransaction(trx, `rfps.slug:${input.slug}`)
    if (await slugExists(trx, input.slug)) throw new ConflictError(`slug: "${input.slug}" is taken by another RFP`)
    await insertRfp(trx, { id, slug: input.slug, state: 'draft', current_version: 1, created_by: actor.userId, created_at: at, updated_at: at, published_at: null })
    await insertRfpVersion(trx, {
      rfp_id: id,
      number: 1,
      title: input.title,
      summary: input.summary,
      time_zone: input.timeZone,
      questions_close_at: new Date(input.schedule.questionsCloseAt).toISOString(),
      proposals_due_at: new Date(input.schedule.proposalsDueAt).toISOString(),
      decision_expected_at: new Date(input.schedule.decisionExpectedAt).toISOString(),
      content: encodeContent(input),
      reason: null,
      created_by: actor.userId,
      created_at: at,
      frozen_at: null
    })
    // Its author is its first owner; admins add owners and evaluators.
    await insertRfpRole(trx, { rfpId: id, userId: actor.userId, role: 'owner', grantedBy: actor.userId, at })
    await appendAuditEvent(trx, { at, type: 'rfp.drafted', actorId: actor.userId, rfpId: id, public: false, data: { slug: input.slug } })
    return { id, slug: input.slug }
  })
}

/** The document a version publishes, in the form its hash is taken over. */
function publishedDocument (rfp: RfpRecord): JsonValue {
  return JSON.parse(JSON.stringify({
    slug: rfp.slug,
    version: rfp.currentVersion,
    title: rfp.title,
    summary: rfp.summary,
    timeZone: rfp.timeZone,
    schedule: rfp.schedule,
    sections: rfp.sections,
    rounds: rfp.rounds
  })) as JsonValue
}

/**
 * Freezes version 1 and opens the question period; the owner is mailed the published hash.
 * The clock must be before the questions close.
 */
export async function publishRfp (ctx: ServiceContext, actor: UserActor, rfpId: string): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfp(trx, { id: rfpId })
    if (rfp === undefined || !isAllowed(ctx, actor, { action: 'rfp.view', rfp })) throw new NotFoundError('no such RFP')
    authorize(ctx, actor, { action: 'rfp.publish', rfp })
    if (rfp.state !== 'draft') throw new InvalidStateError(`the RFP is ${rfp.state}, not a draft`)
    if (Date.parse(rfp.schedule.questionsCloseAt) <= Date.parse(at)) {
      throw invalidInput([{ path: 'schedule.questionsCloseAt', message: 'has passed: move the schedule later before publishing' }])
    }
    const documentHash = canonicalHash(publishedDocument(rfp))
    if (!await markPublished(trx, rfpId, at)) throw new InvalidStateError('the RFP was published meanwhile')
    await appendAuditEvent(trx, { at, type: 'rfp.published', actorId: actor.userId, rfpId, public: true, data: { slug: rfp.slug, version: 1, documentHash } })
    const owner = await findUserById(trx, rfp.createdBy)
    if (owner !== undefined) {
      await queueMail(trx, ctx, {
        template: 'rfp-published',
        to: owner.email,
        data: { title: rfp.title, path: `/rfps/${rfp.slug}`, documentHash, timeZone: rfp.timeZone, schedule: rfp.schedule }
      })
    }
  })
}

export interface RfpWithPhase extends RfpListing { phase: RfpPhase }

export interface RfpListPage {
  items: RfpWithPhase[]
  page: number
  pageCount: number
  total: number
}

/** A page of published RFPs; a page past the last one is missing, except the first page of an empty list. */
export async function listPublicRfps (ctx: ServiceContext, page: number, pageSize: number): Promise<RfpListPage> {
  const now = ctx.clock.now()
  const total = await countPublishedRfps(ctx.db)
  const pageCount = Math.max(1, Math.ceil(total / pageSize))
  if (page > pageCount) throw new NotFoundError(`there is no page ${page}; the list has ${pageCount}`)
  const rows = await listPublishedRfps(ctx.db, { limit: pageSize, offset: (page - 1) * pageSize })
  return { items: rows.map((rfp) => ({ ...rfp, phase: phaseOf(rfp.state, rfp.schedule, now) })), page, pageCount, total }
}

/** An RFP the actor may see; one it may not see is reported as missing, so drafts do not leak their slugs. */
export async function getRfp (ctx: ServiceContext, actor: Actor, slug: string): Promise<RfpRecord & { phase: RfpPhase }> {
  const rfp = await findRfp(ctx.db, { slug })
  if (rfp === undefined || !isAllowed(ctx, actor, { action: 'rfp.view', rfp })) throw new NotFoundError(`no RFP is published at /rfps/${slug}`)
  return { ...rfp, phase: phaseOf(rfp.state, rfp.schedule, ctx.clock.now()) }
}

export interface CriterionView extends Criterion {
  /** Share of the round's weight as a percentage with one decimal; undefined for gates. */
  share: string | undefined
}

/** getRfp with what the page shows beside the stored text: weight shares and each criterion's scale. */
export async function getRfpView (ctx: ServiceContext, actor: Actor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  const rounds = rfp.rounds.map((round) => {
    const shares = weightShares(round)
    return {
      name: round.name,
      criteria: round.criteria.map((criterion): CriterionView => ({
        ...criterion,
        share: shares.get(criterion.id),
        lo: criterion.kind === 'scored' ? criterion.lo ?? DEFAULT_SCALE.lo : undefined,
        hi: criterion.kind === 'scored' ? criterion.hi ?? DEFAULT_SCALE.hi : undefined
      }))
    }
  })
  return { ...rfp, rounds }
}

// Use cases on RFPs: drafting and publishing (the lifecycle issue adds editing and amendments), and reading them.
import { countRfps, encodeContent, findRfp, insertRfp, insertRfpVersion, listRfps, markPublished, slugExists } from '../db/rfps.js'
import { canonicalHash, type JsonValue } from '../domain/canonical-json.js'
import { decide, type Actor } from '../domain/policy.js'
import { checkRfpDraft, type RfpDraft } from '../domain/rfp-document.js'
import { phaseOf, RFP_STATES, isPublicState, type RfpListing, type RfpPhase, type RfpRecord } from '../domain/rfp.js'
import { ConflictError, InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { newId, nowIso, type ServiceContext } from './context.js'

export async function createRfpDraft (ctx: ServiceContext, actorId: string, input: RfpDraft): Promise<{ id: string, slug: string }> {
  const problems = checkRfpDraft(input)
  if (problems.length > 0) throw invalidInput(problems)
  const id = newId(ctx)
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    if (await slugExists(trx, input.slug)) throw new ConflictError(`slug: "${input.slug}" is taken by another RFP`)
    await insertRfp(trx, { id, slug: input.slug, state: 'draft', current_version: 1, created_by: actorId, created_at: at, updated_at: at, published_at: null })
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
      created_by: actorId,
      created_at: at,
      frozen_at: null
    })
    await appendAuditEvent(trx, { at, type: 'rfp.drafted', actorId, rfpId: id, public: false, data: { slug: input.slug } })
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

/** Freezes version 1 and opens the question period. The clock must be before the questions close. */
export async function publishRfp (ctx: ServiceContext, actorId: string, rfpId: string): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfp(trx, { id: rfpId })
    if (rfp === undefined) throw new NotFoundError('no such RFP')
    if (rfp.state !== 'draft') throw new InvalidStateError(`the RFP is ${rfp.state}, not a draft`)
    if (Date.parse(rfp.schedule.questionsCloseAt) <= Date.parse(at)) {
      throw invalidInput([{ path: 'schedule.questionsCloseAt', message: 'has passed: move the schedule later before publishing' }])
    }
    await markPublished(trx, rfpId, at)
    await appendAuditEvent(trx, {
      at,
      type: 'rfp.published',
      actorId,
      rfpId,
      public: true,
      data: { slug: rfp.slug, version: 1, documentHash: canonicalHash(publishedDocument(rfp)) }
    })
  })
}

export interface RfpWithPhase extends RfpListing { phase: RfpPhase }

export interface RfpListPage {
  items: RfpWithPhase[]
  page: number
  pageCount: number
  total: number
}

const PUBLIC_STATES = RFP_STATES.filter(isPublicState)

export async function listPublicRfps (ctx: ServiceContext, page: number, pageSize: number): Promise<RfpListPage> {
  const now = ctx.clock.now()
  const total = await countRfps(ctx.db, PUBLIC_STATES)
  const rows = await listRfps(ctx.db, PUBLIC_STATES, { limit: pageSize, offset: (page - 1) * pageSize })
  return {
    items: rows.map((rfp) => ({ ...rfp, phase: phaseOf(rfp.state, rfp.schedule, now) })),
    page,
    pageCount: Math.max(1, Math.ceil(total / pageSize)),
    total
  }
}

/** An RFP the actor may see; one it may not see is reported as missing, so drafts do not leak their slugs. */
export async function getRfp (ctx: ServiceContext, actor: Actor, slug: string): Promise<RfpRecord & { phase: RfpPhase }> {
  const rfp = await findRfp(ctx.db, { slug })
  if (rfp === undefined || !decide(actor, 'rfp.view', rfp).allowed) throw new NotFoundError(`no RFP is published at /rfps/${slug}`)
  return { ...rfp, phase: phaseOf(rfp.state, rfp.schedule, ctx.clock.now()) }
}

export async function isEmpty (ctx: ServiceContext): Promise<boolean> {
  return await countRfps(ctx.db) === 0
}

// Use cases on an RFP as a whole: drafting, publishing, cancelling, and reading it as its viewer may.
import { lockForTransaction, type Executor, type Trx } from '../db/database.js'
import {
  countPublishedRfps, findRfp, findRfpIdBySlug, insertRfp, insertRfpVersion, listPublishedRfps, listRfpsOfMember, listVersionSummaries, markCancelled, markPublished,
  setRfpSlug, slugExists, updateDraftVersion
} from '../db/rfps.js'
import { listAnswered } from '../db/rfp-questions.js'
import { insertRfpRole } from '../db/rfp-roles.js'
import { contactAddressesOf, listOrganisations, organisationNames, vendorAddresses } from '../db/rfp-vendors.js'
import { findUserById } from '../db/users.js'
import { canonicalHash, type JsonValue } from '../domain/canonical-json.js'
import { ANONYMOUS, type Actor, type UserActor } from '../domain/policy.js'
import { textProblems } from '../domain/questions.js'
import { checkRfpDraft, DEFAULT_SCALE, weightShares, withDefaults, type Criterion, type RfpDocument, type RfpDraft } from '../domain/rfp-document.js'
import { phaseOf, type RfpListing, type RfpPhase, type RfpRecord } from '../domain/rfp.js'
import { ConflictError, InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize, isAllowed } from './authorize.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { ensureOpeningKeys } from './opening-keys.js'

export const CANCEL_REASON_MAX_LENGTH = 2000
/** Answers on the public page: more than any RFP has had. */
const PUBLIC_ANSWERS_LIMIT = 1000
/** Organisations offered to an owner choosing whom to invite. */
const ORGANISATION_CHOICES = 500

/** The checked, filled-in document a draft stands for; invited vendors must exist. */
export async function acceptDocument (trx: Trx, input: RfpDraft): Promise<RfpDocument> {
  const problems = checkRfpDraft(input)
  if (problems.length > 0) throw invalidInput(problems)
  const document = withDefaults(input)
  if (document.eligibility.mode === 'invited') {
    const names = await organisationNames(trx, document.eligibility.vendors)
    const unknown = document.eligibility.vendors.findIndex((id) => !names.has(id))
    if (unknown >= 0) throw invalidInput([{ path: `eligibility.vendors.${unknown}`, message: 'is not a registered vendor organisation' }])
  }
  return document
}

/** An RFP the actor may see, read inside `trx`; one it may not see is reported as missing, so drafts do not leak. */
export async function findVisibleRfp (trx: Executor, ctx: ServiceContext, actor: Actor, slug: string): Promise<RfpRecord> {
  const rfp = await findRfp(trx, { slug })
  if (rfp === undefined || !isAllowed(ctx, actor, { action: 'rfp.view', rfp })) throw new NotFoundError(`no RFP is published at /rfps/${slug}`)
  return rfp
}

/**
 * An RFP the actor may see, locked for a change until the transaction ends: on PostgreSQL two changes to one
 * RFP (publish and edit, amend and amend, cancel and publish) take turns and each sees the other's result.
 */
export async function findRfpForChange (trx: Trx, ctx: ServiceContext, actor: Actor, by: { slug: string } | { id: string }): Promise<RfpRecord> {
  const id = 'id' in by ? by.id : await findRfpIdBySlug(trx, by.slug)
  const rfp = id === undefined ? undefined : (await lockForTransaction(trx, `rfp:${id}`), await findRfp(trx, { id }))
  if (rfp === undefined || !isAllowed(ctx, actor, { action: 'rfp.view', rfp })) throw new NotFoundError('slug' in by ? `no RFP is published at /rfps/${by.slug}` : 'no such RFP')
  return rfp
}

export async function createRfpDraft (ctx: ServiceContext, actor: UserActor, input: RfpDraft): Promise<{ id: string, slug: string }> {
  authorize(ctx, actor, { action: 'rfp.draft' })
  const id = newId(ctx)
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    const document = await acceptDocument(trx, input)
    // Check and insert take turns per slug on PostgreSQL too, so a race gives the 409, not a constraint error.
    await lockForTransaction(trx, `rfps.slug:${input.slug}`)
    if (await slugExists(trx, input.slug)) throw new ConflictError(`slug: "${input.slug}" is taken by another RFP`)
    await insertRfp(trx, { id, slug: input.slug, state: 'draft', current_version: 1, created_by: actor.userId, created_at: at, updated_at: at, published_at: null })
    await insertRfpVersion(trx, { rfpId: id, number: 1, document, reason: null, createdBy: actor.userId, at, frozen: false })
    // Its author is its first owner; owners and admins add co-owners and evaluators.
    await insertRfpRole(trx, { rfpId: id, userId: actor.userId, role: 'owner', grantedBy: actor.userId, at })
    await appendAuditEvent(trx, { at, type: 'rfp.drafted', actorId: actor.userId, rfpId: id, public: false, data: { slug: input.slug } })
    return { id, slug: input.slug }
  })
}

/** Rewrites a draft. The slug may change until publication, when links to it start to matter. */
export async function updateRfpDraft (ctx: ServiceContext, actor: UserActor, slug: string, input: RfpDraft): Promise<{ slug: string }> {
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'rfp.edit', rfp })
    if (rfp.state !== 'draft') throw new InvalidStateError(rfp.state === 'cancelled' ? 'the RFP is cancelled and can no longer be changed' : 'the RFP is published: change it with an amendment')
    const document = await acceptDocument(trx, input)
    if (document.slug !== rfp.slug) {
      await lockForTransaction(trx, `rfps.slug:${document.slug}`)
      if (await slugExists(trx, document.slug)) throw new ConflictError(`slug: "${document.slug}" is taken by another RFP`)
      await setRfpSlug(trx, rfp.id, document.slug)
    }
    if (!await updateDraftVersion(trx, rfp.id, document, at)) throw new InvalidStateError('the RFP was published meanwhile: change it with an amendment')
    await appendAuditEvent(trx, { at, type: 'rfp.draft.updated', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: document.slug } })
    return { slug: document.slug }
  })
}

/** The document a version publishes, in the form its hash is taken over. */
export function documentHash (document: RfpDocument, version: number): string {
  return canonicalHash(JSON.parse(JSON.stringify({ ...document, version })) as JsonValue)
}

/** Mails each contact of the given organisations an invitation to bid. */
export async function mailInvitations (trx: Trx, ctx: ServiceContext, rfp: { slug: string, title: string, timeZone: string, schedule: RfpDocument['schedule'] }, organisationIds: readonly string[]): Promise<void> {
  for (const contact of await contactAddressesOf(trx, organisationIds)) {
    await queueMail(trx, ctx, { template: 'rfp-invitation', to: contact.email, data: { title: rfp.title, path: `/rfps/${rfp.slug}`, timeZone: rfp.timeZone, schedule: rfp.schedule } })
  }
}

/**
 * Freezes version 1 and opens the question period; the author is mailed the published hash and invited
 * vendors an invitation. The clock must be before the questions close.
 */
export async function publishRfp (ctx: ServiceContext, actor: UserActor, rfpId: string): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { id: rfpId })
    authorize(ctx, actor, { action: 'rfp.publish', rfp })
    if (rfp.state !== 'draft') throw new InvalidStateError(`the RFP is ${rfp.state}, not a draft`)
    if (Date.parse(rfp.schedule.questionsCloseAt) <= Date.parse(at)) {
      throw invalidInput([{ path: 'schedule.questionsCloseAt', message: 'has passed: move the schedule later before publishing' }])
    }
    const hash = documentHash(rfp.document, 1)
    if (!await markPublished(trx, rfpId, at)) throw new InvalidStateError('the RFP was published meanwhile')
    // Made now so that every proposal is sealed on arrival to a key that existed before it (DESIGN §3.1).
    await ensureOpeningKeys(trx, ctx, rfpId, at)
    await appendAuditEvent(trx, { at, type: 'rfp.published', actorId: actor.userId, rfpId, public: true, data: { slug: rfp.slug, title: rfp.title, version: 1, documentHash: hash } })
    const author = await findUserById(trx, rfp.createdBy)
    if (author !== undefined) {
      await queueMail(trx, ctx, {
        template: 'rfp-published',
        to: author.email,
        data: { title: rfp.title, path: `/rfps/${rfp.slug}`, documentHash: hash, timeZone: rfp.timeZone, schedule: rfp.schedule }
      })
    }
    if (rfp.document.eligibility.mode === 'invited') await mailInvitations(trx, ctx, rfp, rfp.document.eligibility.vendors)
  })
}

/**
 * Cancels an RFP before its decision, with a reason that is published. A draft is cancelled quietly; a
 * published RFP's registered and invited vendors are mailed.
 */
export async function cancelRfp (ctx: ServiceContext, actor: UserActor, slug: string, reason: string): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'rfp.cancel', rfp })
    const problems = textProblems('reason', reason, 1, CANCEL_REASON_MAX_LENGTH)
    if (problems.length > 0) throw invalidInput(problems.map((p) => ({ ...p, message: p.message === 'cannot be empty' ? 'say why the RFP is cancelled: the reason is published' : p.message })))
    if (!await markCancelled(trx, rfp.id, reason.trim(), at)) throw new InvalidStateError(`the RFP is ${rfp.state} and cannot be cancelled`)
    const published = rfp.publishedAt !== null
    await appendAuditEvent(trx, { at, type: 'rfp.cancelled', actorId: actor.userId, rfpId: rfp.id, public: published, data: { slug: rfp.slug, title: rfp.title, reason: reason.trim() } })
    if (!published) return
    const invited = rfp.document.eligibility.mode === 'invited' ? rfp.document.eligibility.vendors : []
    for (const to of await vendorAddresses(trx, rfp.id, invited)) {
      await queueMail(trx, ctx, { template: 'rfp-cancelled', to, data: { title: rfp.title, path: `/rfps/${rfp.slug}`, reason: reason.trim() } })
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

/** The RFPs a committee member works on, with their roles: the committee's home page. */
export async function listMyRfps (ctx: ServiceContext, actor: UserActor, limit: number) {
  authorize(ctx, actor, { action: 'committee.view' })
  const now = ctx.clock.now()
  const rows = await listRfpsOfMember(ctx.db, actor.userId, limit)
  // Drafts are their owners' alone (DESIGN §2): an evaluator meets the RFP when it is published.
  return rows.filter((rfp) => rfp.publishedAt !== null || rfp.roles.includes('owner')).map((rfp) => ({ ...rfp, phase: phaseOf(rfp.state, rfp.schedule, now) }))
}

/** An RFP the actor may see; one it may not see is reported as missing, so drafts do not leak their slugs. */
export async function getRfp (ctx: ServiceContext, actor: Actor, slug: string): Promise<RfpRecord & { phase: RfpPhase }> {
  const rfp = await findVisibleRfp(ctx.db, ctx, actor, slug)
  return { ...rfp, phase: phaseOf(rfp.state, rfp.schedule, ctx.clock.now()) }
}

export interface CriterionView extends Criterion {
  /** Share of the round's weight as a percentage with one decimal; undefined for gates. */
  share: string | undefined
}

/** What the public page shows of a document: weight shares, each criterion's scale, invited vendors by name. */
export async function describeDocument (ctx: ServiceContext, document: RfpDocument) {
  const rounds = document.rounds.map((round) => {
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
  const invited = document.eligibility.mode === 'invited' ? document.eligibility.vendors : []
  const names = await organisationNames(ctx.db, invited)
  return { ...document, rounds, invitedVendors: invited.map((id) => names.get(id) ?? 'a vendor no longer registered'), hasPrice: rounds.some((r) => r.criteria.some((c) => c.kind === 'price')) }
}

/** getRfp with its document described for the page. */
export async function getRfpView (ctx: ServiceContext, actor: Actor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  return { ...rfp, document: await describeDocument(ctx, rfp.document) }
}

/** Everything the public page of an RFP shows, read once: the RFP, its published answers and its amendments. */
export async function getPublicRfpPage (ctx: ServiceContext, slug: string) {
  const rfp = await getRfpView(ctx, ANONYMOUS, slug)
  const [answers, history] = await Promise.all([listAnswered(ctx.db, rfp.id, PUBLIC_ANSWERS_LIMIT), listVersionSummaries(ctx.db, rfp.id)])
  return { rfp, answers, amendments: history.slice(1).reverse() }
}

/** Refuses whoever may not draft RFPs: checked before a drafting form is even read. */
export function checkMayDraft (ctx: ServiceContext, actor: UserActor): void {
  authorize(ctx, actor, { action: 'rfp.draft' })
}

/** The organisations an owner may invite, by name, always including those already invited. */
export async function listInvitableVendors (ctx: ServiceContext, actor: UserActor, invited: readonly string[] = []): Promise<{ id: string, name: string }[]> {
  checkMayDraft(ctx, actor)
  const listed = await listOrganisations(ctx.db, ORGANISATION_CHOICES)
  const missing = invited.filter((id) => !listed.some((o) => o.id === id))
  const names = await organisationNames(ctx.db, missing)
  return [...listed, ...missing.flatMap((id) => names.has(id) ? [{ id, name: names.get(id) as string }] : [])]
}

/** An RFP for its edit or amendment form: owners only. */
export async function getRfpForEditing (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.edit', rfp })
  return rfp
}

/** The public page of a draft, as it will look once published: for the RFP's committee. */
export async function getRfpPreview (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await getRfpView(ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.committee.view', rfp })
  return rfp
}

// Protests (DESIGN §2, §5): within the RFP's protest window after the decision, a bidder objects in writing; an
// owner answers once, upholding or dismissing it with a written response, and both join the public record.
//
// The rules, as decided here:
// - The window is the one the RFP published in its procedure (frozen at publication, DESIGN §2), counted from
//   the instant the decision was recorded: `protestWindowDays` × 24 hours. At exactly its end it has closed, as a
//   deadline in the schedule has. A procedure of 0 days allows no protest.
// - The bidder is the organisation whose proposal stood at the decision (not withdrawn): any of its contacts
//   files for it, whatever its outcome (selected, not selected, non-responsive, disqualified). A consortium
//   partner speaks through the lead, whose debrief it is.
// - One protest awaits an answer at a time per bidder: the owners answer one text, not a stream of them. Once
//   it is answered the bidder may file another while the window is open.
// - The answer is final. Upholding records that the objection holds; it does not change the decision, the
//   statuses or the scores (nothing here re-runs the evaluation), and the response must say what follows.
// - The public events name no bidder: they carry the proposal's receipt hash. The grounds are published with the
//   answer, not before.
import { findDecision } from '../db/evaluation.js'
import { findOpenProtestOf, findProtest, insertProtest, listProtestsForCommittee, listProtestsOfProposal, resolveProtest, type ProtestResolution } from '../db/protests.js'
import { findProposalOf, findProposalVersion } from '../db/proposals.js'
import type { Executor, Trx } from '../db/database.js'
import { contactAddressesOf } from '../db/rfp-vendors.js'
import { findUserById } from '../db/users.js'
import { isRecused, type UserActor } from '../domain/policy.js'
import { textProblems } from '../domain/questions.js'
import type { RfpDocument } from '../domain/rfp-document.js'
import type { RfpRecord } from '../domain/rfp.js'
import { DAY_MS, formatInstant } from '../domain/time.js'
import { isNamedOnRecord } from '../domain/decision-record.js'
import { InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { newId, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { organisationOf } from './rfp-vendors.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { sealedRfpOf } from './sealed-rfp.js'

export const PROTEST_TEXT_MAX_LENGTH = 10_000
export const PROTEST_RESOLUTIONS = ['upheld', 'dismissed'] as const satisfies readonly ProtestResolution[]
export type { ProtestResolution }

export interface ProtestWindow {
  /** The RFP's published protest window in days; 0 when its procedure allows none. */
  days: number
  /** When the decision was recorded. */
  opensAt: string
  /** The first instant at which a protest is refused. */
  closesAt: string
}

/** The window of an RFP decided at `decidedAt`. */
export function protestWindowOf (rfp: { document: Pick<RfpDocument, 'procedure'> }, decidedAt: string): ProtestWindow {
  const days = rfp.document.procedure.protestWindowDays
  return { days, opensAt: decidedAt, closesAt: new Date(Date.parse(decidedAt) + days * DAY_MS).toISOString() }
}

export function isProtestWindowOpen (window: ProtestWindow, now: Date): boolean {
  return window.days > 0 && now.getTime() >= Date.parse(window.opensAt) && now.getTime() < Date.parse(window.closesAt)
}

/** The RFP's protest window with whether it is open now; null until the decision is recorded. For the RFP's pages. */
export async function getProtestWindow (ctx: ServiceContext, rfp: Pick<RfpRecord, 'id' | 'state' | 'document'>): Promise<(ProtestWindow & { open: boolean }) | null> {
  const decision = rfp.state === 'decided' ? await findDecision(ctx.db, rfp.id) : undefined
  if (decision === undefined) return null
  const window = protestWindowOf(rfp, decision.decided_at)
  return { ...window, open: isProtestWindowOpen(window, ctx.clock.now()) }
}

/** A browser sends each line break as CRLF; the text is kept (and its length counted) with LF, trimmed. */
function normalised (text: string): string {
  return text.replace(/\r\n?/g, '\n').trim()
}

/** The proposal of the actor's organisation that stood at the decision; a withdrawn one never did. */
async function standingProposalOf (db: Executor, rfpId: string, organisationId: string) {
  const proposal = await findProposalOf(db, rfpId, organisationId)
  if (proposal === undefined || proposal.status === 'withdrawn' || proposal.current_version === 0) throw new NotFoundError('your organisation has no proposal standing in this RFP')
  return proposal
}

async function decisionOf (db: Executor, rfp: RfpRecord) {
  const decision = rfp.state === 'decided' ? await findDecision(db, rfp.id) : undefined
  if (decision === undefined) throw new InvalidStateError('a protest is filed once the decision is recorded')
  return decision
}

/**
 * The protest section of a bidder's debrief: the window, the organisation's own protests with their answers,
 * and whether it may file one now.
 */
export async function getProtestPanel (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  const { organisationId } = await organisationOf(ctx.db, actor)
  authorize(ctx, actor, { action: 'protest.file', organisationId })
  const proposal = await standingProposalOf(ctx.db, rfp.id, organisationId)
  const window = protestWindowOf(rfp, (await decisionOf(ctx.db, rfp)).decided_at)
  const open = isProtestWindowOpen(window, ctx.clock.now())
  const protests = await listProtestsOfProposal(ctx.db, proposal.id)
  return {
    window: { ...window, open },
    protests: protests.map((p) => ({ id: p.id, grounds: p.grounds, filedAt: p.filed_at, resolution: p.resolution, response: p.response, respondedAt: p.responded_at })),
    mayFile: open && protests.every((p) => p.resolution !== null),
    maxLength: PROTEST_TEXT_MAX_LENGTH
  }
}

export async function fileProtest (ctx: ServiceContext, actor: UserActor, slug: string, input: { grounds: string }): Promise<{ id: string }> {
  return await ctx.db.transaction().execute(async (trx) => {
    // The RFP's lock makes two contacts of one bidder take turns; the partial unique index backs it up.
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    const { organisationId, organisationName } = await organisationOf(trx, actor)
    authorize(ctx, actor, { action: 'protest.file', organisationId })
    const proposal = await standingProposalOf(trx, rfp.id, organisationId)
    const window = protestWindowOf(rfp, (await decisionOf(trx, rfp)).decided_at)
    const now = ctx.clock.now()
    if (window.days === 0) throw new InvalidStateError('this RFP\'s published procedure allows no protest')
    if (!isProtestWindowOpen(window, now)) {
      throw new InvalidStateError(`the protest window closed ${formatInstant(window.closesAt, rfp.timeZone)}, ${window.days} day${window.days === 1 ? '' : 's'} after the decision`)
    }
    const awaiting = await findOpenProtestOf(trx, proposal.id)
    if (awaiting !== undefined) {
      throw new InvalidStateError(`your organisation's protest of ${formatInstant(awaiting.filed_at, rfp.timeZone)} awaits the owners' answer: one protest is open at a time`)
    }
    const grounds = normalised(input.grounds)
    const problems = textProblems('grounds', grounds, 1, PROTEST_TEXT_MAX_LENGTH)
    if (problems.length > 0) throw invalidInput(problems)

    const id = newId(ctx)
    const at = now.toISOString()
    const receiptHash = (await findProposalVersion(trx, proposal.id, proposal.current_version))!.receipt_hash
    await insertProtest(trx, { id, rfpId: rfp.id, proposalId: proposal.id, grounds, userId: actor.userId, at })
    // That a protest was filed, when and by which receipt: public at once. What it says waits for the answer.
    await appendAuditEvent(trx, { at, type: 'protest.filed', actorId: actor.userId, rfpId: rfp.id, public: true, data: { slug: rfp.slug, protestId: id, receiptHash } })
    await mailOwners(trx, ctx, rfp, { title: rfp.title, organisationName, grounds, filedAt: formatInstant(at, rfp.timeZone), path: `/committee/rfps/${rfp.slug}/protests` })
    return { id }
  })
}

async function mailOwners (trx: Trx, ctx: ServiceContext, rfp: RfpRecord, data: Record<string, unknown>): Promise<void> {
  for (const member of rfp.members.filter((m) => m.role === 'owner')) {
    const owner = await findUserById(trx, member.userId)
    if (owner !== undefined && owner.disabled_at === null) await queueMail(trx, ctx, { template: 'protest-filed', to: owner.email, data })
  }
}

/** The RFP's protests for its owners (as the decision form: an owner who attested), the bidders by name. */
export async function getCommitteeProtests (ctx: ServiceContext, actor: UserActor, slug: string) {
  const { rfp, refOf } = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  authorize(ctx, actor, { action: 'decision.view', rfp })
  const decision = await findDecision(ctx.db, rfp.id)
  const window = decision === undefined ? null : protestWindowOf(rfp, decision.decided_at)
  const rows = await listProtestsForCommittee(ctx.db, rfp.id)
  return {
    rfp: { slug: rfp.slug, title: rfp.title, timeZone: rfp.timeZone },
    decidedAt: decision?.decided_at ?? null,
    window: window === null ? null : { ...window, open: isProtestWindowOpen(window, ctx.clock.now()) },
    protests: rows.map((p) => {
      const recused = isRecused(actor, rfp, refOf({ id: p.proposal_id, organisation_id: p.organisation_id }))
      return {
        id: p.id,
        organisationName: p.organisation_name,
        // The public record names the selected and those that agreed; the response should name no one else.
        named: isNamedOnRecord(p.proposal_status, p.may_be_named === 1),
        receiptHash: p.receipt_hash,
        grounds: p.grounds,
        filedAt: p.filed_at,
        filedByName: p.filed_by_name,
        resolution: p.resolution,
        response: p.response,
        respondedAt: p.responded_at,
        respondedByName: p.responded_by_name,
        recused,
        mayRespond: p.resolution === null && !recused
      }
    }),
    maxLength: PROTEST_TEXT_MAX_LENGTH
  }
}

function isResolution (value: string): value is ProtestResolution {
  return (PROTEST_RESOLUTIONS as readonly string[]).includes(value)
}

/** An owner's answer to a protest: once, final, public with the grounds, and mailed to the bidder's contacts. */
export async function respondToProtest (ctx: ServiceContext, actor: UserActor, slug: string, protestId: string, input: { resolution: string, response: string }): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const { rfp, refOf } = await sealedRfpOf(trx, await findRfpForChange(trx, ctx, actor, { slug }))
    const protest = await findProtest(trx, rfp.id, protestId)
    if (protest === undefined) throw new NotFoundError('no such protest on this RFP')
    authorize(ctx, actor, { action: 'protest.respond', rfp, proposal: refOf({ id: protest.proposal_id, organisation_id: protest.organisation_id }) })
    if (protest.resolution !== null) throw new InvalidStateError(`this protest was ${protest.resolution} already: a protest is answered once`)
    const resolution = isResolution(input.resolution) ? input.resolution : undefined
    const response = normalised(input.response)
    const problems = [
      ...(resolution === undefined ? [{ path: 'resolution', message: `must be one of ${PROTEST_RESOLUTIONS.join(', ')}` }] : []),
      ...textProblems('response', response, 1, PROTEST_TEXT_MAX_LENGTH)
    ]
    if (resolution === undefined || problems.length > 0) throw invalidInput(problems)

    const at = ctx.clock.now().toISOString()
    if (!await resolveProtest(trx, protest.id, { resolution, response, userId: actor.userId, at })) throw new InvalidStateError('the protest was answered meanwhile')
    await appendAuditEvent(trx, {
      at,
      type: 'protest.resolved',
      actorId: actor.userId,
      rfpId: rfp.id,
      public: true,
      // The receipt, never the bidder's name; the grounds go public with the answer. The recorded decision stands
      // whatever the resolution: the event says so, for readers of the log alone.
      data: { slug: rfp.slug, protestId: protest.id, receiptHash: protest.receipt_hash, filedAt: protest.filed_at, grounds: protest.grounds, resolution, response, decisionChanged: false }
    })
    for (const contact of await contactAddressesOf(trx, [protest.organisation_id])) {
      await queueMail(trx, ctx, {
        template: 'protest-resolved',
        to: contact.email,
        data: {
          title: rfp.title,
          organisationName: protest.organisation_name,
          upheld: resolution === 'upheld',
          filedAt: formatInstant(protest.filed_at, rfp.timeZone),
          response,
          debriefPath: `/vendor/rfps/${rfp.slug}/debrief`
        }
      })
    }
  })
}

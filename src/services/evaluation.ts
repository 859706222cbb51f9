// The committee's evaluation page, attestations and conflicts (DESIGN §3.4). An attestation comes before any
// proposal is read; a conflict recuses its member from that vendor's proposal at once and for good.
import { insertAttestation, insertConflict, listRoundProposals, listRounds, listSheets } from '../db/evaluation.js'
import { listOrganisations, organisationNames } from '../db/rfp-vendors.js'
import { CONFLICT_KINDS, CONFLICT_LABELS, type ConflictInput } from '../domain/evaluation.js'
import { hasRole, isMember, isRecused, type UserActor } from '../domain/policy.js'
import { ConflictError, InvalidStateError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize, isAllowed, isAllowedAfterStepUp } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { sheetStatus } from './score-sheets.js'
import { sealedRfpOf } from './sealed-rfp.js'

/** Vendors a member may declare a conflict with: more than any instance registers. */
const VENDOR_LIST_LIMIT = 2000
const CLOSED_STATES = new Set(['decided', 'cancelled', 'draft'])

export function attestationTextOf (ctx: ServiceContext, rfp: { document: { attestation?: string | undefined } }): string {
  return rfp.document.attestation ?? ctx.attestation
}

export async function attest (ctx: ServiceContext, actor: UserActor, slug: string, input: { mayBeNamed: boolean }): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'evaluation.attest', rfp })
    if (CLOSED_STATES.has(rfp.state)) throw new InvalidStateError(`the RFP is ${rfp.state}: there is nothing to attest to`)
    const at = nowIso(ctx)
    const text = attestationTextOf(ctx, rfp)
    if (!await insertAttestation(trx, { rfpId: rfp.id, userId: actor.userId, text, mayBeNamed: input.mayBeNamed, at })) throw new ConflictError('you have attested already')
    await appendAuditEvent(trx, { at, type: 'evaluation.attested', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug, text, mayBeNamed: input.mayBeNamed } })
  })
}

export async function declareConflict (ctx: ServiceContext, actor: UserActor, slug: string, input: ConflictInput): Promise<void> {
  const note = input.note.trim()
  if (input.kind === 'other' && note === '') throw invalidInput([{ path: 'note', message: 'say what the conflict is' }])
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'evaluation.conflict.declare', rfp })
    if (CLOSED_STATES.has(rfp.state)) throw new InvalidStateError(`the RFP is ${rfp.state}: conflicts are declared while it runs`)
    const name = (await organisationNames(trx, [input.organisationId])).get(input.organisationId)
    if (name === undefined) throw invalidInput([{ path: 'organisationId', message: 'is not a registered vendor' }])
    const organisation = { id: input.organisationId, name }
    const at = nowIso(ctx)
    if (!await insertConflict(trx, { rfpId: rfp.id, userId: actor.userId, organisationId: organisation.id, kind: input.kind, note, at })) {
      throw new ConflictError(`you have declared a conflict with ${organisation.name} already`)
    }
    await appendAuditEvent(trx, { at, type: 'evaluation.conflict.declared', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug, organisationId: organisation.id, kind: input.kind, note } })
  })
}

/**
 * The committee's evaluation page: the attestation to give, the member's conflicts, the proposals of each
 * round with where the member's own sheet stands — never anyone else's scores — and for owners the
 * declarations, who has submitted how many sheets, and the buttons that move the evaluation on.
 */
export async function getEvaluationPage (ctx: ServiceContext, actor: UserActor, slug: string) {
  const base = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.committee.view', rfp: base })
  const { rfp, attestations, conflicts, refOf } = await sealedRfpOf(ctx.db, base)
  const attestation = attestations.find((a) => a.user_id === actor.userId)
  const isOwner = hasRole(actor, rfp, 'owner')
  const isEvaluator = hasRole(actor, rfp, 'evaluator')
  const rounds = []
  for (const round of await listRounds(ctx.db, rfp.id)) {
    const proposals = await listRoundProposals(ctx.db, rfp.id, round.round)
    const sheets = await listSheets(ctx.db, rfp.id, round.round)
    const mine = new Map(sheets.filter((s) => s.user_id === actor.userId).map((s) => [s.proposal_id, s]))
    rounds.push({
      number: round.round,
      name: rfp.document.rounds[round.round - 1]?.name ?? `Round ${round.round}`,
      closed: round.closed_at !== null,
      closedAt: round.closed_at,
      // Who bid is part of what the attestation covers: before it, a member sees how many proposals there are.
      count: proposals.length,
      proposals: attestation === undefined
        ? []
        : proposals.map((p) => {
          const sheet = mine.get(p.id)
          const recused = isRecused(actor, rfp, refOf(p))
          return {
            id: p.id,
            organisationName: p.organisation_name,
            recused,
            mayScore: isAllowed(ctx, actor, { action: 'proposal.score', rfp, proposal: refOf(p) }),
            sheet: sheetStatus(sheet)
          }
        }),
      // Counts only: who has finished, never what they gave.
      progress: isOwner
        ? [...new Set(rfp.members.filter((m) => m.role === 'evaluator').map((m) => m.userId))].map((userId) => ({
            userId,
            submitted: sheets.filter((s) => s.user_id === userId && s.submitted_at !== null).length,
            drafts: sheets.filter((s) => s.user_id === userId && s.submitted_at === null).length,
            attested: attestations.some((a) => a.user_id === userId)
          }))
        : [],
      mayClose: round.closed_at === null && rfp.state === 'opened' && isAllowedAfterStepUp(ctx, actor, { action: 'scoring.close', rfp })
    })
  }
  const vendors = isMember(actor, rfp) && !CLOSED_STATES.has(rfp.state) ? await listOrganisations(ctx.db, VENDOR_LIST_LIMIT) : []
  return {
    rfp,
    isOwner,
    isEvaluator,
    opened: rfp.openedAt !== null,
    attestation: attestation === undefined ? null : { text: attestation.text, at: attestation.attested_at, mayBeNamed: attestation.may_be_named === 1 },
    attestationText: attestationTextOf(ctx, rfp),
    mayAttest: attestation === undefined && !CLOSED_STATES.has(rfp.state),
    conflictKinds: CONFLICT_KINDS.map((kind) => ({ kind, label: CONFLICT_LABELS[kind] })),
    vendors: vendors.map((v) => ({ id: v.id, name: v.name })),
    myConflicts: conflicts.filter((c) => c.user_id === actor.userId).map(conflictView),
    allConflicts: isAllowed(ctx, actor, { action: 'evaluation.conflicts.list', rfp }) ? conflicts.map(conflictView) : [],
    rounds,
    mayDecide: rfp.state === 'scoring_closed' && isAllowed(ctx, actor, { action: 'decision.view', rfp }) && isAllowedAfterStepUp(ctx, actor, { action: 'decision.record', rfp })
  }
}

function conflictView (c: { display_name: string, organisation_name: string, kind: string, note: string, declared_at: string }) {
  return { member: c.display_name, vendor: c.organisation_name, kind: CONFLICT_LABELS[c.kind as keyof typeof CONFLICT_LABELS] ?? c.kind, note: c.note, at: c.declared_at }
}

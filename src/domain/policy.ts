// The one place that decides who may do what, from the actor, the action, the resource and the time.
// Services ask it; routes never decide access themselves.

export const RFP_ROLES = ['owner', 'evaluator'] as const
export type RfpRole = typeof RFP_ROLES[number]

export type Actor =
  | { kind: 'anonymous' }
  | {
    kind: 'user'
    userId: string
    isAdmin: boolean
    /** The vendor organisation the user speaks for; null for committee members and admins. */
    organisationId: string | null
    /** Whether the account has a second factor (committee members and admins do once enrolled). */
    hasSecondFactor: boolean
    /** When this session last proved the second factor: at sign-in, and again at each step-up. */
    secondFactorAt: string | null
  }

export type UserActor = Extract<Actor, { kind: 'user' }>

export const ANONYMOUS: Actor = { kind: 'anonymous' }

/** A session that proved its second factor longer ago than this proves it again before a sensitive action. */
export const STEP_UP_MAX_AGE_MS = 10 * 60 * 1000

export interface RfpMember { userId: string, role: RfpRole }

/** What the policy needs to know of an RFP. */
export interface RfpResource {
  /** Null until published; a draft cancelled before publication stays private. */
  publishedAt: string | null
  members: readonly RfpMember[]
}

export type Request =
  | { action: 'rfp.draft' }
  | { action: 'vendor.portal' }
  | { action: 'account.view' }
  | { action: 'account.token.create' }
  | { action: 'account.own', ownerId: string }
  | { action: 'user.list' }
  | { action: 'user.manage' }
  | { action: 'rfp.view', rfp: RfpResource }
  | { action: 'rfp.publish', rfp: RfpResource }
  | { action: 'rfp.edit', rfp: RfpResource }
  | { action: 'rfp.cancel', rfp: RfpResource }
  | { action: 'rfp.members.manage', rfp: RfpResource }
  | { action: 'rfp.committee.view', rfp: RfpResource }
  | { action: 'rfp.questions.answer', rfp: RfpResource }
  | { action: 'rfp.question.ask', rfp: RfpResource }
  | { action: 'rfp.interest', rfp: RfpResource }
  | { action: 'committee.view' }
  | { action: 'proposal.submit', rfp: RfpResource }
  | { action: 'proposals.list', rfp: RfpResource }
  | { action: 'proposals.open', rfp: RfpResource }
  | { action: 'proposals.open.confirm', rfp: RfpResource, startedBy: string }
  /** `proposal` null: the list of opened proposals, which needs the attestation but no particular vendor. */
  | { action: 'proposal.content.read', rfp: SealedRfp, proposal: ProposalRef | null }
  | { action: 'proposal.price.read', rfp: SealedRfp, proposal: ProposalRef }
  | { action: 'evaluation.attest', rfp: RfpResource }
  | { action: 'evaluation.conflict.declare', rfp: RfpResource }
  | { action: 'evaluation.conflicts.list', rfp: RfpResource }
  | { action: 'proposal.score', rfp: SealedRfp, proposal: ProposalRef }
  | { action: 'scoring.close', rfp: RfpResource }
  | { action: 'results.view', rfp: SealedRfp }
  | { action: 'results.evaluators.view', rfp: RfpResource }
  | { action: 'consensus.record', rfp: RfpResource }
  | { action: 'price.open', rfp: RfpResource }
  | { action: 'shortlist.create', rfp: RfpResource }
  | { action: 'decision.record', rfp: RfpResource }
  /** The decision form: the standings with vendor names, for an owner who attested. */
  | { action: 'decision.view', rfp: SealedRfp }
  | { action: 'debrief.read', organisationId: string }
  | { action: 'naming.choose', organisationId: string }
  /** Filing a protest against the decision, and reading the bidder's own protests. */
  | { action: 'protest.file', organisationId: string }
  /** Answering a bidder's protest, once, on the public record. */
  | { action: 'protest.respond', rfp: SealedRfp, proposal: ProposalRef }

/** An RFP with what the sealing guard needs: whether its envelopes are open, who attested, who is recused. */
export interface SealedRfp extends RfpResource {
  /** When the opening ceremony completed; null while the proposals are sealed. */
  openedAt: string | null
  /** When the price envelope was opened, after technical scoring closed; null while sealed. */
  priceOpenedAt: string | null
  /** Members who recorded the attestation (DESIGN §3.4): nobody else reads a proposal. */
  attested: readonly string[]
  /** Declared conflicts: each recuses its member from that vendor's proposal, at once and for good. */
  conflicts: readonly Conflict[]
}

export interface Conflict { userId: string, organisationId: string }

/** The proposal a request is about, by the vendors that made it — the lead and any consortium partners: what a recusal is decided by. */
export interface ProposalRef { organisationIds: readonly string[] }

export type Decision =
  | { allowed: true }
  | { allowed: false, reason: string, stepUp: boolean }

const allow: Decision = { allowed: true }
const refuse = (reason: string): Decision => ({ allowed: false, reason, stepUp: false })

export function hasRole (actor: Actor, rfp: RfpResource, role: RfpRole): boolean {
  return actor.kind === 'user' && rfp.members.some((m) => m.userId === actor.userId && m.role === role)
}

/**
 * Sensitive actions ask a user who has a second factor to have proved it within STEP_UP_MAX_AGE_MS.
 * Vendor contacts have none: their magic link is their only factor.
 */
function recentSecondFactor (actor: UserActor, now: Date): Decision {
  if (!actor.hasSecondFactor) return allow
  const at = actor.secondFactorAt === null ? Number.NaN : Date.parse(actor.secondFactorAt)
  if (now.getTime() - at < STEP_UP_MAX_AGE_MS) return allow
  return { allowed: false, reason: 'confirm with your second factor first', stepUp: true }
}

export function decide (actor: Actor, request: Request, now: Date): Decision {
  switch (request.action) {
    case 'rfp.view':
      // DESIGN §2: a draft is visible only to its owners; evaluators see the RFP once it is published.
      if (request.rfp.publishedAt !== null || hasRole(actor, request.rfp, 'owner')) return allow
      return refuse('a draft is visible to its owners only')
    case 'rfp.publish':
      return hasRole(actor, request.rfp, 'owner') ? allow : refuse('only an owner of the RFP may publish it')
    case 'rfp.edit':
      return hasRole(actor, request.rfp, 'owner') ? allow : refuse('only an owner of the RFP may change it')
    case 'rfp.cancel':
      return hasRole(actor, request.rfp, 'owner') ? allow : refuse('only an owner of the RFP may cancel it')
    case 'rfp.questions.answer':
      return hasRole(actor, request.rfp, 'owner') ? allow : refuse('only an owner of the RFP answers its questions')
    case 'rfp.members.manage':
      if (hasRole(actor, request.rfp, 'owner')) return allow
      // As on the admin pages: an admin changing roles proves the second factor again.
      return actor.kind === 'user' && actor.isAdmin ? recentSecondFactor(actor, now) : refuse('only an owner of the RFP or an admin chooses its committee')
    case 'rfp.committee.view':
      return hasRole(actor, request.rfp, 'owner') || hasRole(actor, request.rfp, 'evaluator') ? allow : refuse('this page is for the RFP\'s committee')
    case 'rfp.question.ask':
      // The public asks too, once it confirms an address; the committee answers rather than asks.
      if (request.rfp.publishedAt === null) return refuse('the RFP is not published')
      return hasRole(actor, request.rfp, 'owner') || hasRole(actor, request.rfp, 'evaluator') ? refuse('the committee answers questions rather than asking them') : allow
    case 'proposal.content.read':
    case 'proposal.price.read':
      return readSealed(actor, request)
    case 'debrief.read':
    case 'naming.choose':
      // Only the bidder itself: its debrief holds its own scores and comments.
      return actor.kind === 'user' && actor.organisationId === request.organisationId ? allow : refuse('this is for the vendor that made the proposal')
    case 'protest.file':
      // The bidder itself, any of its contacts: a protest speaks for the organisation that made the proposal.
      return actor.kind === 'user' && actor.organisationId === request.organisationId ? allow : refuse('a protest is filed by the vendor that made the proposal')
    case 'rfp.interest':
      if (actor.kind === 'anonymous') return refuse('sign in as a vendor first')
      if (request.rfp.publishedAt === null) return refuse('the RFP is not published')
      return actor.organisationId !== null ? allow : refuse('interest is registered by vendor contacts')
  }
  if (actor.kind === 'anonymous') return refuse('sign in first')
  switch (request.action) {
    case 'rfp.draft':
      return actor.organisationId === null ? allow : refuse('vendor contacts cannot draft RFPs')
    case 'vendor.portal':
      return actor.organisationId !== null ? allow : refuse('the vendor portal is for vendor contacts')
    case 'account.view':
      return allow
    case 'committee.view':
      return actor.organisationId === null ? allow : refuse('the committee pages are for committee members')
    case 'account.token.create':
      return recentSecondFactor(actor, now)
    case 'account.own':
      return actor.userId === request.ownerId ? allow : refuse('that belongs to another account')
    case 'user.list':
      return actor.isAdmin ? allow : refuse('only admins manage users')
    case 'user.manage':
      return actor.isAdmin ? recentSecondFactor(actor, now) : refuse('only admins manage users')
    case 'proposal.submit':
      if (request.rfp.publishedAt === null) return refuse('the RFP is not published')
      return actor.organisationId !== null ? allow : refuse('proposals are submitted by vendor contacts')
    case 'proposals.list':
      return hasRole(actor, request.rfp, 'owner') || hasRole(actor, request.rfp, 'evaluator') ? allow : refuse('the proposals are for the RFP\'s committee')
    case 'proposals.open':
      return hasRole(actor, request.rfp, 'owner') ? recentSecondFactor(actor, now) : refuse('only an owner of the RFP starts the opening of its proposals')
    case 'proposals.open.confirm':
      if (!hasRole(actor, request.rfp, 'owner') && !hasRole(actor, request.rfp, 'evaluator')) return refuse('only a member of the RFP\'s committee confirms the opening')
      if (actor.userId === request.startedBy) return refuse('a second committee member confirms the opening: not the one who started it')
      return recentSecondFactor(actor, now)
    case 'evaluation.attest':
    case 'evaluation.conflict.declare':
      if (request.rfp.publishedAt === null) return refuse('the RFP is not published')
      return isMember(actor, request.rfp) ? allow : refuse('attestations and conflicts are recorded by the RFP\'s committee')
    case 'evaluation.conflicts.list':
    case 'results.evaluators.view':
    case 'consensus.record':
    case 'shortlist.create':
      return hasRole(actor, request.rfp, 'owner') ? allow : refuse('only an owner of the RFP does this')
    case 'proposal.score': {
      if (!hasRole(actor, request.rfp, 'evaluator')) return refuse('only the RFP\'s evaluators score proposals')
      const sealed = readSealed(actor, { action: 'proposal.content.read', rfp: request.rfp, proposal: request.proposal })
      return sealed.allowed ? allow : refuse(sealed.reason)
    }
    case 'results.view':
      if (!isMember(actor, request.rfp)) return refuse('the results are for the RFP\'s committee')
      // The results name the vendors and quote the committee's reasons: what the attestation covers.
      return request.rfp.attested.includes(actor.userId) ? allow : refuse('record your attestation (embargo and no conflict of interest) before seeing the results')
    case 'scoring.close':
      return hasRole(actor, request.rfp, 'owner') ? recentSecondFactor(actor, now) : refuse('only an owner of the RFP closes scoring')
    case 'price.open':
      return hasRole(actor, request.rfp, 'owner') ? recentSecondFactor(actor, now) : refuse('only an owner of the RFP opens the price envelope')
    case 'decision.record':
      return hasRole(actor, request.rfp, 'owner') ? recentSecondFactor(actor, now) : refuse('only an owner of the RFP records the decision')
    case 'decision.view':
      if (!hasRole(actor, request.rfp, 'owner')) return refuse('only an owner of the RFP records the decision')
      return request.rfp.attested.includes(actor.userId) ? allow : refuse('record your attestation (embargo and no conflict of interest) before seeing the results')
    case 'protest.respond':
      // The answer is final and public, as the decision is: an owner who attested, proving the second factor
      // again; one conflicted with the protesting vendor leaves it to another owner.
      if (!hasRole(actor, request.rfp, 'owner')) return refuse('only an owner of the RFP responds to a protest')
      if (!request.rfp.attested.includes(actor.userId)) return refuse('record your attestation (embargo and no conflict of interest) before answering a protest')
      if (isRecused(actor, request.rfp, request.proposal)) return refuse('you declared a conflict of interest with this vendor: another owner responds to its protest')
      return recentSecondFactor(actor, now)
  }
}

export function isMember (actor: Actor, rfp: RfpResource): boolean {
  return hasRole(actor, rfp, 'owner') || hasRole(actor, rfp, 'evaluator')
}

/** Whether one of the conflicts recuses the member from the proposal: a conflict with its lead or any partner. */
export function recuses (conflicts: readonly Conflict[], userId: string, proposal: ProposalRef): boolean {
  return conflicts.some((c) => c.userId === userId && proposal.organisationIds.includes(c.organisationId))
}

/** Whether a declared conflict recuses the actor from the vendor's proposal. */
export function isRecused (actor: Actor, rfp: SealedRfp, proposal: ProposalRef): boolean {
  return actor.kind === 'user' && recuses(rfp.conflicts, actor.userId, proposal)
}

/**
 * The sealing guard (DESIGN §3.1, §3.4): every read of a proposal's content, files or price asks it. Nobody —
 * owner, evaluator, admin or the vendor itself — reads before the opening ceremony; after it, the committee
 * members who have attested do, except where a declared conflict recuses them. The price envelope stays
 * sealed until technical scoring closes and the owner opens it.
 */
function readSealed (actor: Actor, request: Extract<Request, { action: 'proposal.content.read' | 'proposal.price.read' }>): Decision {
  if (request.rfp.openedAt === null) return refuse('the proposals are sealed until the deadline has passed and the committee has opened them')
  if (actor.kind !== 'user' || !isMember(actor, request.rfp)) return refuse('proposals are read by the RFP\'s committee only')
  if (!request.rfp.attested.includes(actor.userId)) return refuse('record your attestation (embargo and no conflict of interest) before reading any proposal')
  if (request.proposal !== null && isRecused(actor, request.rfp, request.proposal)) return refuse('you declared a conflict of interest with this vendor: you are recused from its proposal')
  if (request.action === 'proposal.price.read' && request.rfp.priceOpenedAt === null) return refuse('the price envelope stays sealed until technical scoring is closed and an owner opens it')
  return allow
}

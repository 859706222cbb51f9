// The one place that decides who may do what. Services ask it; routes never decide access themselves.

export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user', userId: string, isAdmin: boolean, organisationId: string | null }

export type UserActor = Extract<Actor, { kind: 'user' }>

export const ANONYMOUS: Actor = { kind: 'anonymous' }

/** What the policy needs to know of an RFP. */
export interface RfpResource {
  createdBy: string
  /** Null until published; a draft cancelled before publication stays private. */
  publishedAt: string | null
}

export type Request =
  | { action: 'rfp.draft' }
  | { action: 'vendor.portal' }
  | { action: 'rfp.view', rfp: RfpResource }
  | { action: 'rfp.publish', rfp: RfpResource }

export type Decision = { allowed: true } | { allowed: false, reason: string }

const allow: Decision = { allowed: true }
const refuse = (reason: string): Decision => ({ allowed: false, reason })

function isOwner (actor: Actor, rfp: RfpResource): boolean {
  return actor.kind === 'user' && actor.userId === rfp.createdBy
}

export function decide (actor: Actor, request: Request): Decision {
  switch (request.action) {
    case 'rfp.draft':
      // Narrowed further (to people with a committee role) when roles arrive; vendors never draft.
      if (actor.kind === 'anonymous') return refuse('sign in to draft an RFP')
      return actor.organisationId === null ? allow : refuse('vendor contacts cannot draft RFPs')
    case 'vendor.portal':
      if (actor.kind === 'anonymous') return refuse('sign in to use the vendor portal')
      return actor.organisationId !== null ? allow : refuse('the vendor portal is for vendor contacts')
    case 'rfp.view':
      if (request.rfp.publishedAt !== null || isOwner(actor, request.rfp)) return allow
      return refuse('a draft is visible to its owners only')
    case 'rfp.publish':
      return isOwner(actor, request.rfp) ? allow : refuse('only an owner of the RFP may publish it')
  }
}

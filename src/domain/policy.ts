// The one place that decides who may do what. Services ask it; routes never decide access themselves.
import { isPublicState, type RfpState } from './rfp.js'

export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user', userId: string, isAdmin: boolean }

export const ANONYMOUS: Actor = { kind: 'anonymous' }

export interface RfpResource {
  state: RfpState
  createdBy: string
}

export type Action = 'rfp.view'

export type Decision = { allowed: true } | { allowed: false, reason: string }

const allow: Decision = { allowed: true }

export function decide (actor: Actor, action: Action, rfp: RfpResource): Decision {
  switch (action) {
    case 'rfp.view':
      if (isPublicState(rfp.state)) return allow
      if (actor.kind === 'user' && actor.userId === rfp.createdBy) return allow
      return { allowed: false, reason: 'a draft is visible to its owners only' }
  }
}

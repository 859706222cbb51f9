// An RFP's stored states and the phase the public sees, computed from state and clock alone.
import type { RfpDocument } from './rfp-document.js'
import type { RfpMember } from './policy.js'

export const RFP_STATES = ['draft', 'published', 'opened', 'scoring_closed', 'decided', 'cancelled'] as const
export type RfpState = typeof RFP_STATES[number]

export type RfpPhase = 'draft' | 'questions_open' | 'questions_closed' | 'closed' | 'opened' | 'scoring_closed' | 'decided' | 'cancelled'

export interface RfpSchedule {
  questionsCloseAt: string
  proposalsDueAt: string
  decisionExpectedAt: string
}

export const PHASE_LABELS: Record<RfpPhase, string> = {
  draft: 'Draft',
  questions_open: 'Open for questions',
  questions_closed: 'Questions closed, proposals open',
  closed: 'Deadline passed, proposals sealed',
  opened: 'Proposals opened, under evaluation',
  scoring_closed: 'Scoring closed',
  decided: 'Decided',
  cancelled: 'Cancelled'
}

/**
 * The phase at `now`. A date is the first instant of the next phase: at exactly
 * `proposalsDueAt` the deadline has passed.
 */
export function phaseOf (state: RfpState, schedule: RfpSchedule, now: Date): RfpPhase {
  if (state !== 'published') return state
  const t = now.getTime()
  if (t < Date.parse(schedule.questionsCloseAt)) return 'questions_open'
  if (t < Date.parse(schedule.proposalsDueAt)) return 'questions_closed'
  return 'closed'
}

/** An RFP as the rest of the code sees it, with its current version's fields. */
export interface RfpListing {
  id: string
  slug: string
  state: RfpState
  currentVersion: number
  createdBy: string
  publishedAt: string | null
  cancelledAt: string | null
  title: string
  summary: string
  timeZone: string
  schedule: RfpSchedule
}

export interface RfpRecord extends RfpListing {
  /** The current version's full text, schedule and criteria. */
  document: RfpDocument
  cancelReason: string | null
  /** Who holds which role on it: what the policy decides access by. */
  members: RfpMember[]
}

/** One version as the history shows it. */
export interface RfpVersion {
  number: number
  document: RfpDocument
  /** Null for version 1; the published reason of each amendment. */
  reason: string | null
  createdAt: string
  frozenAt: string | null
}

/** The RFP's OCDS ocid: the publisher's registered prefix and the slug, which never changes once published. */
export function ocidOf (prefix: string, slug: string): string {
  return `${prefix}-${slug}`
}

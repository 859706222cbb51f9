// The rules an amendment must meet (DESIGN §2), and the automatic extension of a deadline it brings.
import { canonicalJson, type JsonValue } from './canonical-json.js'
import { checkRfpDraft, type Problem, type RfpDocument } from './rfp-document.js'
import { DAY_MS } from './time.js'

export const REASON_MAX_LENGTH = 2000

export interface AmendmentOutcome {
  problems: Problem[]
  /** The document to publish: `next`, with the deadline moved when the notice rule asks for it. */
  document: RfpDocument
  /** Set when the deadline was moved to keep the RFP's notice period. */
  extension: { from: string, to: string } | null
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a as JsonValue) === canonicalJson(b as JsonValue)

const SCHEDULE_LABELS = {
  questionsCloseAt: 'the question period',
  proposalsDueAt: 'the proposal deadline',
  decisionExpectedAt: 'the expected decision'
} as const

/** Whole minutes, rounded up: an extended deadline reads as a time people write down. */
function ceilToMinute (ms: number): number {
  return Math.ceil(ms / 60000) * 60000
}

/**
 * Checks `next` as amendment of the published `previous` at `now`. Deadlines only move later; the slug, the
 * procedure and who may bid stay as published (more vendors may be invited); criteria and weights freeze once
 * proposals are due. An amendment issued less than `procedure.amendmentNoticeDays` before the deadline moves
 * the deadline to keep that notice, and the expected decision with it when it would fall before.
 */
export function checkAmendment (previous: RfpDocument, next: RfpDocument, reason: string, now: Date): AmendmentOutcome {
  const problems: Problem[] = checkRfpDraft(next)
  const none = { problems, document: next, extension: null }
  if (problems.length > 0) return none

  if (reason.trim().length === 0) problems.push({ path: 'reason', message: 'say why the RFP is amended: the reason is published with it' })
  if (reason.length > REASON_MAX_LENGTH) problems.push({ path: 'reason', message: `must be at most ${REASON_MAX_LENGTH} characters` })
  if (next.slug !== previous.slug) problems.push({ path: 'slug', message: `cannot change after publication (it is ${previous.slug})` })

  for (const key of Object.keys(SCHEDULE_LABELS) as (keyof typeof SCHEDULE_LABELS)[]) {
    const was = Date.parse(previous.schedule[key])
    const is = Date.parse(next.schedule[key])
    if (is < was) {
      problems.push({ path: `schedule.${key}`, message: `${SCHEDULE_LABELS[key]} can only move later after publication (it is ${new Date(was).toISOString()})` })
    } else if (is !== was && now.getTime() >= was && key !== 'decisionExpectedAt') {
      // Reopening a period that has ended would let whoever knew first ask or bid late.
      problems.push({ path: `schedule.${key}`, message: `${SCHEDULE_LABELS[key]} ended at ${new Date(was).toISOString()}: it cannot be reopened` })
    }
  }
  if (now.getTime() >= Date.parse(previous.schedule.proposalsDueAt) && !same(next.rounds, previous.rounds)) {
    problems.push({ path: 'rounds', message: 'criteria and weights are frozen: proposals were due' })
  }
  if (!same(next.procedure, previous.procedure)) problems.push({ path: 'procedure', message: 'the procedure is frozen at publication' })

  const before = previous.eligibility
  const after = next.eligibility
  if (before.mode === 'open' && after.mode === 'invited') {
    problems.push({ path: 'eligibility', message: 'an open RFP cannot be restricted to invited vendors after publication' })
  } else if (before.mode === 'invited' && after.mode === 'invited' && before.vendors.some((id) => !after.vendors.includes(id))) {
    problems.push({ path: 'eligibility.vendors', message: 'invited vendors cannot be removed after publication' })
  }
  if (same(next, previous)) problems.push({ path: '', message: 'nothing changed: an amendment changes the text, dates, criteria or deliverables' })
  if (problems.length > 0) return none

  const due = Date.parse(next.schedule.proposalsDueAt)
  const notice = previous.procedure.amendmentNoticeDays * DAY_MS
  if (now.getTime() >= due || due - now.getTime() >= notice) return none
  const extended = ceilToMinute(now.getTime() + notice)
  const decision = Date.parse(next.schedule.decisionExpectedAt)
  const schedule = {
    ...next.schedule,
    proposalsDueAt: new Date(extended).toISOString(),
    decisionExpectedAt: new Date(decision > extended ? decision : decision + (extended - due)).toISOString()
  }
  return { problems, document: { ...next, schedule }, extension: { from: new Date(due).toISOString(), to: schedule.proposalsDueAt } }
}

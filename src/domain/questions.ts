// The rules for questions on an RFP: when they may be asked, how long they may be, how many one asker may send.
import type { RfpSchedule, RfpState } from './rfp.js'
import { formatInstant } from './time.js'
import type { Problem } from './schema-problems.js'

export const QUESTION_MIN_LENGTH = 10
export const QUESTION_MAX_LENGTH = 5000
export const ANSWER_MAX_LENGTH = 20000
/** Per asker and RFP, over a rolling day: enough for any real bidder, too few to flood the committee. */
export const QUESTIONS_PER_ASKER_PER_DAY = 10
/** Confirmation mails waiting at once per address and RFP: a stranger typing someone's address sends at most this many. */
export const UNCONFIRMED_PER_ADDRESS = 3
/** How long a member of the public has to open the confirmation link. */
export const QUESTION_CONFIRM_TTL_MS = 24 * 60 * 60 * 1000

export const QUESTION_STATUSES = ['unconfirmed', 'open', 'answered', 'rejected', 'merged'] as const
export type QuestionStatus = typeof QUESTION_STATUSES[number]

/** Why a question cannot be asked now, worded for the asker; undefined while the question period is open. */
export function questionPeriodProblem (state: RfpState, schedule: RfpSchedule, timeZone: string, now: Date): Problem | undefined {
  if (state === 'cancelled') return { path: 'body', message: 'the RFP was cancelled: it takes no more questions' }
  if (state !== 'published') return { path: 'body', message: 'the RFP takes no questions now' }
  if (now.getTime() >= Date.parse(schedule.questionsCloseAt)) {
    return { path: 'body', message: `the question period closed on ${formatInstant(schedule.questionsCloseAt, timeZone)}` }
  }
  return undefined
}

export function textProblems (path: string, text: string, min: number, max: number): Problem[] {
  const length = text.trim().length
  if (length < min) return [{ path, message: min <= 1 ? 'cannot be empty' : `must be at least ${min} characters` }]
  if (text.length > max) return [{ path, message: `must be at most ${max} characters (it has ${text.length})` }]
  return []
}

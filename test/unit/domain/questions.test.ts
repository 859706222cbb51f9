import t from 'tap'
import {
  ANSWER_MAX_LENGTH, QUESTION_CONFIRM_TTL_MS, QUESTION_MAX_LENGTH, QUESTION_MIN_LENGTH, QUESTION_STATUSES, QUESTIONS_PER_ASKER_PER_DAY,
  questionPeriodProblem, textProblems, UNCONFIRMED_PER_ADDRESS
} from '../../../src/domain/questions.js'
import { RFP_STATES, type RfpSchedule } from '../../../src/domain/rfp.js'
import { formatInstant } from '../../../src/domain/time.js'

const schedule: RfpSchedule = {
  questionsCloseAt: '2026-12-12T17:00:00.000Z',
  proposalsDueAt: '2026-12-26T17:00:00.000Z',
  decisionExpectedAt: '2027-01-15T17:00:00.000Z'
}
const ZONE = 'Europe/Amsterdam'
const at = (iso: string, seconds: number): Date => new Date(Date.parse(iso) + seconds * 1000)

t.test('the constants', async (t) => {
  t.equal(QUESTION_MIN_LENGTH, 10)
  t.equal(QUESTION_MAX_LENGTH, 5000)
  t.equal(ANSWER_MAX_LENGTH, 20000)
  t.equal(QUESTIONS_PER_ASKER_PER_DAY, 10)
  t.equal(UNCONFIRMED_PER_ADDRESS, 3)
  t.equal(QUESTION_CONFIRM_TTL_MS, 24 * 60 * 60 * 1000)
  t.same([...QUESTION_STATUSES], ['unconfirmed', 'open', 'answered', 'rejected', 'merged'])
})

t.test('a published RFP takes questions until questionsCloseAt, one second either side', async (t) => {
  const closed = { path: 'body', message: `the question period closed on ${formatInstant(schedule.questionsCloseAt, ZONE)}` }
  t.match(closed.message, /^the question period closed on Sat,? 12 Dec 2026, 18:00 CET$/, 'in the RFP\'s zone')
  t.equal(questionPeriodProblem('published', schedule, ZONE, new Date('2026-12-01T09:00:00.000Z')), undefined, 'well before')
  t.equal(questionPeriodProblem('published', schedule, ZONE, at(schedule.questionsCloseAt, -1)), undefined, '1 s before')
  t.same(questionPeriodProblem('published', schedule, ZONE, at(schedule.questionsCloseAt, 0)), closed, 'at the closing instant')
  t.same(questionPeriodProblem('published', schedule, ZONE, at(schedule.questionsCloseAt, 1)), closed, '1 s after')
  t.same(questionPeriodProblem('published', schedule, ZONE, at(schedule.proposalsDueAt, 1)), closed, 'after the deadline')
  t.same(questionPeriodProblem('published', schedule, 'UTC', at(schedule.questionsCloseAt, 1)),
    { path: 'body', message: `the question period closed on ${formatInstant(schedule.questionsCloseAt, 'UTC')}` }, 'another zone')
  t.equal(questionPeriodProblem('published', schedule, ZONE, at(schedule.questionsCloseAt, -0.001)), undefined, '1 ms before')
})

t.test('a cancelled RFP takes no questions, whatever the clock says', async (t) => {
  const cancelled = { path: 'body', message: 'the RFP was cancelled: it takes no more questions' }
  t.same(questionPeriodProblem('cancelled', schedule, ZONE, at(schedule.questionsCloseAt, -1)), cancelled)
  t.same(questionPeriodProblem('cancelled', schedule, ZONE, at(schedule.questionsCloseAt, 1)), cancelled)
})

t.test('a draft, and every state after publication, takes no questions', async (t) => {
  const notNow = { path: 'body', message: 'the RFP takes no questions now' }
  t.same(questionPeriodProblem('draft', schedule, ZONE, at(schedule.questionsCloseAt, -1)), notNow, 'a draft, before the date')
  for (const state of RFP_STATES.filter((s) => s !== 'published' && s !== 'cancelled')) {
    t.same(questionPeriodProblem(state, schedule, ZONE, at(schedule.questionsCloseAt, -1)), notNow, state)
  }
})

t.test('textProblems: length after trimming at least min, raw length at most max', async (t) => {
  const check = (text: string): unknown => textProblems('body', text, QUESTION_MIN_LENGTH, QUESTION_MAX_LENGTH)
  const tooShort = [{ path: 'body', message: 'must be at least 10 characters' }]
  t.same(check(''), tooShort, 'empty')
  t.same(check('123456789'), tooShort, '9 characters')
  t.same(check('1234567890'), [], 'exactly 10')
  t.same(check('   123456789   '), tooShort, 'surrounding spaces do not count')
  t.same(check('\n\t123456789\n'), tooShort, 'nor do tabs and newlines')
  t.same(check('  1234567890  '), [], '10 with spaces around')
  t.same(check('x'.repeat(QUESTION_MAX_LENGTH)), [], 'exactly the maximum')
  t.same(check('x'.repeat(QUESTION_MAX_LENGTH + 1)), [{ path: 'body', message: 'must be at most 5000 characters (it has 5001)' }], 'one over')
  t.same(check(`${'x'.repeat(QUESTION_MAX_LENGTH)}  `), [{ path: 'body', message: 'must be at most 5000 characters (it has 5002)' }], 'the maximum counts the spaces')
})

t.test('textProblems: a minimum of 0 or 1 reads "cannot be empty"', async (t) => {
  t.same(textProblems('answer', '', 1, ANSWER_MAX_LENGTH), [{ path: 'answer', message: 'cannot be empty' }])
  t.same(textProblems('answer', '   ', 1, ANSWER_MAX_LENGTH), [{ path: 'answer', message: 'cannot be empty' }], 'blank is empty')
  t.same(textProblems('answer', 'y', 1, ANSWER_MAX_LENGTH), [])
  t.same(textProblems('note', '', 0, 10), [], 'min 0 takes an empty text')
  t.same(textProblems('note', '12', 2, 10), [])
  t.same(textProblems('note', '1', 2, 10), [{ path: 'note', message: 'must be at least 2 characters' }], 'min 2 counts')
  t.same(textProblems('answer', 'x'.repeat(ANSWER_MAX_LENGTH + 1), 1, ANSWER_MAX_LENGTH),
    [{ path: 'answer', message: 'must be at most 20000 characters (it has 20001)' }])
})

t.test('textProblems reports one problem at a time, the minimum first', async (t) => {
  // A text of spaces longer than the maximum is both too short (trimmed) and too long (raw).
  t.same(textProblems('body', ' '.repeat(20), 10, 15), [{ path: 'body', message: 'must be at least 10 characters' }])
})

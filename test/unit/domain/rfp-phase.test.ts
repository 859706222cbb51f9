import t from 'tap'
import { phaseOf, type RfpSchedule } from '../../../src/domain/rfp.js'

const schedule: RfpSchedule = {
  questionsCloseAt: '2026-12-10T17:00:00.000Z',
  proposalsDueAt: '2026-12-24T17:00:00.000Z',
  decisionExpectedAt: '2027-01-15T17:00:00.000Z'
}
const at = (iso: string, seconds: number): Date => new Date(Date.parse(iso) + seconds * 1000)

t.test('a published RFP moves through its phases on the clock, one second either side of each date', async (t) => {
  t.equal(phaseOf('published', schedule, at(schedule.questionsCloseAt, -1)), 'questions_open')
  t.equal(phaseOf('published', schedule, at(schedule.questionsCloseAt, 0)), 'questions_closed', 'the closing instant itself is closed')
  t.equal(phaseOf('published', schedule, at(schedule.questionsCloseAt, 1)), 'questions_closed')
  t.equal(phaseOf('published', schedule, at(schedule.proposalsDueAt, -1)), 'questions_closed')
  t.equal(phaseOf('published', schedule, at(schedule.proposalsDueAt, 0)), 'closed', 'a proposal at the deadline is late')
  t.equal(phaseOf('published', schedule, at(schedule.proposalsDueAt, 1)), 'closed')
  t.equal(phaseOf('published', schedule, at(schedule.decisionExpectedAt, 1)), 'closed', 'the decision date moves nothing by itself')
})

t.test('the other states are their own phase whatever the clock says', async (t) => {
  for (const state of ['draft', 'opened', 'scoring_closed', 'decided', 'cancelled'] as const) {
    t.equal(phaseOf(state, schedule, at(schedule.questionsCloseAt, -1)), state)
    t.equal(phaseOf(state, schedule, at(schedule.proposalsDueAt, 1)), state)
  }
})

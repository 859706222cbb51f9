import t from 'tap'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { checkAmendment, REASON_MAX_LENGTH } from '../../../src/domain/amendment.js'
import { withDefaults, type RfpDocument } from '../../../src/domain/rfp-document.js'
import { DAY_MS } from '../../../src/domain/time.js'

// The demo RFP seeded on T: questions close 2026-12-12T17:00Z, proposals are due 2026-12-26T17:00Z, the
// decision is expected 2027-01-15T17:00Z, and an amendment keeps 7 days' notice.
const T = new Date('2026-12-01T09:00:00.000Z')
const published = (): RfpDocument => withDefaults(securityAuditRfp(T))
const DUE = '2026-12-26T17:00:00.000Z'
const REASON = 'The scope now includes the new bundle format.'
const at = (iso: string, ms: number): Date => new Date(Date.parse(iso) + ms)
const iso = (ms: number): string => new Date(ms).toISOString()

/** The published document with a changed summary: the smallest real amendment. */
function amended (previous = published(), more: Partial<RfpDocument> = {}): RfpDocument {
  return { ...structuredClone(previous), summary: `${previous.summary} Amended.`, ...more }
}
const withSchedule = (doc: RfpDocument, schedule: Partial<RfpDocument['schedule']>): RfpDocument =>
  ({ ...doc, schedule: { ...doc.schedule, ...schedule } })

t.test('the demo RFP has the dates these tests are written against', async (t) => {
  const doc = published()
  t.same(doc.schedule, { questionsCloseAt: '2026-12-12T17:00:00.000Z', proposalsDueAt: DUE, decisionExpectedAt: '2027-01-15T17:00:00.000Z' })
  t.equal(doc.procedure.amendmentNoticeDays, 7)
})

t.test('a valid amendment passes with no problems, no extension, and publishes `next` as it is', async (t) => {
  const previous = published()
  const next = amended(previous)
  const outcome = checkAmendment(previous, next, REASON, T)
  t.same(outcome.problems, [])
  t.equal(outcome.extension, null)
  t.equal(outcome.document, next, 'the very document given')
})

t.test('the reason is required and bounded', async (t) => {
  const previous = published()
  const next = amended(previous)
  const missing = [{ path: 'reason', message: 'say why the RFP is amended: the reason is published with it' }]
  t.same(checkAmendment(previous, next, '', T).problems, missing, 'empty')
  t.same(checkAmendment(previous, next, '  \n\t ', T).problems, missing, 'whitespace only')
  t.same(checkAmendment(previous, next, 'x'.repeat(REASON_MAX_LENGTH), T).problems, [], 'exactly the maximum')
  t.same(checkAmendment(previous, next, 'x'.repeat(REASON_MAX_LENGTH + 1), T).problems,
    [{ path: 'reason', message: 'must be at most 2000 characters' }], 'one character over')
  t.equal(REASON_MAX_LENGTH, 2000)
})

t.test('the slug cannot change', async (t) => {
  const previous = published()
  t.same(checkAmendment(previous, amended(previous, { slug: 'another-audit' }), REASON, T).problems,
    [{ path: 'slug', message: 'cannot change after publication (it is driftwood-security-audit-2027)' }])
})

t.test('each date may move later or stay, never earlier', async (t) => {
  const previous = published()
  const cases = [
    ['questionsCloseAt', 'the question period'],
    ['proposalsDueAt', 'the proposal deadline'],
    ['decisionExpectedAt', 'the expected decision']
  ] as const
  for (const [key, label] of cases) {
    const was = previous.schedule[key]
    const earlier = withSchedule(amended(previous), { [key]: iso(Date.parse(was) - 1000) })
    t.same(checkAmendment(previous, earlier, REASON, T).problems,
      [{ path: `schedule.${key}`, message: `${label} can only move later after publication (it is ${was})` }], `${key} 1 s earlier`)
    const same = withSchedule(amended(previous), { [key]: was })
    t.same(checkAmendment(previous, same, REASON, T).problems, [], `${key} unchanged`)
    const later = withSchedule(previous, { [key]: iso(Date.parse(was) + 1000) })
    const outcome = checkAmendment(previous, later, REASON, T)
    t.same(outcome.problems, [], `${key} 1 s later is an amendment by itself`)
    t.equal(outcome.extension, null, `${key} 1 s later, far from the deadline: no extension`)
  }
})

t.test('a period that has ended cannot be reopened, one second either side', async (t) => {
  const previous = published()
  const cases = [
    ['questionsCloseAt', 'the question period'],
    ['proposalsDueAt', 'the proposal deadline']
  ] as const
  for (const [key, label] of cases) {
    const was = previous.schedule[key]
    const later = withSchedule(previous, { [key]: iso(Date.parse(was) + DAY_MS) })
    const reopened = [{ path: `schedule.${key}`, message: `${label} ended at ${was}: it cannot be reopened` }]
    t.same(checkAmendment(previous, later, REASON, at(was, -1000)).problems, [], `${key}: moved later 1 s before it ends`)
    t.same(checkAmendment(previous, later, REASON, at(was, 0)).problems, reopened, `${key}: at the instant it ends`)
    t.same(checkAmendment(previous, later, REASON, at(was, 1000)).problems, reopened, `${key}: 1 s after it ended`)
    const unchanged = withSchedule(amended(previous), { [key]: was })
    t.same(checkAmendment(previous, unchanged, REASON, at(was, 1000)).problems, [], `${key}: left as it was, after it ended`)
  }
  const decision = previous.schedule.decisionExpectedAt
  const laterDecision = withSchedule(previous, { decisionExpectedAt: iso(Date.parse(decision) + DAY_MS) })
  t.same(checkAmendment(previous, laterDecision, REASON, at(decision, 1000)).problems, [], 'the expected decision may move later once passed')
  const earlierQuestions = withSchedule(amended(previous), { questionsCloseAt: iso(Date.parse(previous.schedule.questionsCloseAt) - 1000) })
  t.same(checkAmendment(previous, earlierQuestions, REASON, at(previous.schedule.questionsCloseAt, 1000)).problems.map((p) => p.message),
    ['the question period can only move later after publication (it is 2026-12-12T17:00:00.000Z)'], 'moving earlier is named as such, not as a reopening')
})

t.test('the published date the message names is in UTC, however the stored one was written', async (t) => {
  const previous = withSchedule(published(), { questionsCloseAt: '2026-12-12T18:00:00+01:00' })
  const next = withSchedule(amended(previous), { questionsCloseAt: '2026-12-12T17:59:59+01:00' })
  t.same(checkAmendment(previous, next, REASON, T).problems,
    [{ path: 'schedule.questionsCloseAt', message: 'the question period can only move later after publication (it is 2026-12-12T17:00:00.000Z)' }])
})

t.test('criteria and weights change until proposals are due, and are frozen from the deadline on', async (t) => {
  const previous = published()
  const [round] = previous.rounds
  if (round === undefined) throw new Error('the demo RFP has a round')
  const reweighted = amended(previous, {
    rounds: [{ ...round, criteria: round.criteria.map((c) => c.id === 'value' ? { ...c, weight: '20' } : c) }]
  })
  const frozen = [{ path: 'rounds', message: 'criteria and weights are frozen: proposals were due' }]
  t.same(checkAmendment(previous, reweighted, REASON, at(DUE, -1000)).problems, [], '1 s before the deadline')
  t.same(checkAmendment(previous, reweighted, REASON, at(DUE, 0)).problems, frozen, 'at the deadline')
  t.same(checkAmendment(previous, reweighted, REASON, at(DUE, 1000)).problems, frozen, '1 s after the deadline')

  const renamed = amended(previous, { rounds: [{ ...round, name: 'Technical review' }] })
  t.same(checkAmendment(previous, renamed, REASON, at(DUE, 1000)).problems, frozen, 'any change to the rounds counts')

  // The freeze follows the published deadline: moving the deadline later does not thaw the criteria.
  const both = withSchedule(reweighted, { proposalsDueAt: '2027-01-05T17:00:00.000Z' })
  t.same(checkAmendment(previous, both, REASON, at(DUE, 1000)).problems, [
    { path: 'schedule.proposalsDueAt', message: 'the proposal deadline ended at 2026-12-26T17:00:00.000Z: it cannot be reopened' },
    ...frozen
  ], 'moving the deadline does not thaw the criteria')
  t.same(checkAmendment(previous, amended(previous), REASON, at(DUE, 1000)).problems, [], 'a text change after the deadline is fine')
})

t.test('the procedure is frozen at publication', async (t) => {
  const previous = published()
  const frozen = [{ path: 'procedure', message: 'the procedure is frozen at publication' }]
  t.same(checkAmendment(previous, amended(previous, { procedure: { ...previous.procedure, nearTieMargin: '3' } }), REASON, T).problems, frozen)
  t.same(checkAmendment(previous, amended(previous, { procedure: { ...previous.procedure, amendmentNoticeDays: 0 } }), REASON, T).problems, frozen)
  t.same(checkAmendment(previous, amended(previous, { procedure: { ...previous.procedure, shortlist: { rule: 'min_score', score: '60' } } }), REASON, T).problems, frozen)
})

t.test('who may bid: more vendors may be invited, none removed, and an open RFP stays open', async (t) => {
  const A = '0f8b6f7c-1d2e-4a5b-9c8d-000000000001'
  const B = '0f8b6f7c-1d2e-4a5b-9c8d-000000000002'
  const C = '0f8b6f7c-1d2e-4a5b-9c8d-000000000003'
  const open = published()
  const invited = { ...published(), eligibility: { mode: 'invited' as const, vendors: [A, B] } }

  t.same(checkAmendment(open, amended(open, { eligibility: { mode: 'invited', vendors: [A] } }), REASON, T).problems,
    [{ path: 'eligibility', message: 'an open RFP cannot be restricted to invited vendors after publication' }], 'open → invited')
  t.same(checkAmendment(invited, amended(invited, { eligibility: { mode: 'open' } }), REASON, T).problems, [], 'invited → open')
  t.same(checkAmendment(invited, amended(invited, { eligibility: { mode: 'invited', vendors: [A] } }), REASON, T).problems,
    [{ path: 'eligibility.vendors', message: 'invited vendors cannot be removed after publication' }], 'one removed')
  t.same(checkAmendment(invited, amended(invited, { eligibility: { mode: 'invited', vendors: [A, C] } }), REASON, T).problems,
    [{ path: 'eligibility.vendors', message: 'invited vendors cannot be removed after publication' }], 'one swapped for another')
  t.same(checkAmendment(invited, { ...invited, eligibility: { mode: 'invited', vendors: [A, B, C] } }, REASON, T).problems, [], 'one added (an amendment by itself)')
})

t.test('an amendment that changes nothing is refused', async (t) => {
  const previous = published()
  t.same(checkAmendment(previous, structuredClone(previous), REASON, T).problems,
    [{ path: '', message: 'nothing changed: an amendment changes the text, dates, criteria or deliverables' }])
  t.same(checkAmendment(previous, structuredClone(previous), '', T).problems.map((p) => p.path), ['reason', ''], 'alongside the other problems')
})

t.test('the schema and draft rules of `next` come first, and alone', async (t) => {
  const previous = published()
  const badSlug = checkAmendment(previous, amended(previous, { slug: 'Not A Slug' }), '', T)
  t.same(badSlug.problems, [{ path: 'slug', message: 'must match pattern "^[a-z0-9]+(-[a-z0-9]+)*$"' }], 'no amendment rule is checked (not even the reason)')
  t.equal(badSlug.extension, null)

  const disordered = withSchedule(amended(previous), { questionsCloseAt: DUE })
  t.same(checkAmendment(previous, disordered, REASON, T).problems,
    [{ path: 'schedule.proposalsDueAt', message: 'must be after the question period closes' }], 'a rule between fields')
})

t.test('problems stop the automatic extension', async (t) => {
  const previous = published()
  const outcome = checkAmendment(previous, amended(previous), '', at(DUE, -3 * DAY_MS))
  t.same(outcome.problems.map((p) => p.path), ['reason'])
  t.equal(outcome.extension, null)
  t.equal(outcome.document.schedule.proposalsDueAt, DUE)
})

t.test('an amendment issued within the notice period moves the deadline to keep it', async (t) => {
  const previous = published()

  t.test('3 days before, on a whole minute: the deadline moves to now + 7 days exactly', async (t) => {
    const next = amended(previous)
    const outcome = checkAmendment(previous, next, REASON, at(DUE, -3 * DAY_MS))
    t.same(outcome.problems, [])
    t.same(outcome.extension, { from: DUE, to: '2026-12-30T17:00:00.000Z' })
    t.equal(outcome.document.schedule.proposalsDueAt, '2026-12-30T17:00:00.000Z')
    t.equal(outcome.document.schedule.decisionExpectedAt, '2027-01-15T17:00:00.000Z', 'a later decision date is left alone')
    t.equal(outcome.document.schedule.questionsCloseAt, next.schedule.questionsCloseAt, 'the question period is left alone')
    t.same({ ...outcome.document, schedule: next.schedule }, next, 'nothing else changes')
    t.equal(next.schedule.proposalsDueAt, DUE, '`next` itself is not modified')
  })

  t.test('3 days before, plus a second: rounded up to the whole minute', async (t) => {
    const outcome = checkAmendment(previous, amended(previous), REASON, at(DUE, -3 * DAY_MS + 1000))
    t.same(outcome.extension, { from: DUE, to: '2026-12-30T17:01:00.000Z' })
    t.equal(outcome.document.schedule.proposalsDueAt, '2026-12-30T17:01:00.000Z')
  })

  t.test('3 days before, plus a millisecond: still rounded up, never down', async (t) => {
    const outcome = checkAmendment(previous, amended(previous), REASON, at(DUE, -3 * DAY_MS + 1))
    t.equal(outcome.document.schedule.proposalsDueAt, '2026-12-30T17:01:00.000Z')
  })

  t.test('the expected decision moves by the same delta when it would not be after the new deadline', async (t) => {
    const now = at(DUE, -3 * DAY_MS) // new deadline 2026-12-30T17:00Z, a delta of 4 days
    const decide = (decisionExpectedAt: string): string => {
      const early = withSchedule(previous, { decisionExpectedAt })
      const outcome = checkAmendment(early, amended(early), REASON, now)
      t.same(outcome.problems, [])
      return outcome.document.schedule.decisionExpectedAt
    }
    t.equal(decide('2026-12-28T17:00:00.000Z'), '2027-01-01T17:00:00.000Z', 'before the new deadline')
    t.equal(decide('2026-12-30T16:59:59.000Z'), '2027-01-03T16:59:59.000Z', '1 s before the new deadline')
    t.equal(decide('2026-12-30T17:00:00.000Z'), '2027-01-03T17:00:00.000Z', 'at the new deadline')
    t.equal(decide('2026-12-30T17:00:01.000Z'), '2026-12-30T17:00:01.000Z', '1 s after the new deadline: left alone')
  })

  t.test('the delta includes the rounding', async (t) => {
    const early = withSchedule(previous, { decisionExpectedAt: '2026-12-28T17:00:00.000Z' })
    const outcome = checkAmendment(early, amended(early), REASON, at(DUE, -3 * DAY_MS + 1000))
    t.same(outcome.extension, { from: DUE, to: '2026-12-30T17:01:00.000Z' })
    t.equal(outcome.document.schedule.decisionExpectedAt, '2027-01-01T17:01:00.000Z')
  })

  t.test('the notice boundary, a second either side', async (t) => {
    const exactly = checkAmendment(previous, amended(previous), REASON, at(DUE, -7 * DAY_MS))
    t.equal(exactly.extension, null, 'exactly 7 days before: notice kept')
    t.equal(exactly.document.schedule.proposalsDueAt, DUE)
    t.equal(checkAmendment(previous, amended(previous), REASON, at(DUE, -7 * DAY_MS - 1000)).extension, null, '7 days and 1 s before')
    t.same(checkAmendment(previous, amended(previous), REASON, at(DUE, -7 * DAY_MS + 1000)).extension,
      { from: DUE, to: '2026-12-26T17:01:00.000Z' }, '1 s short of 7 days: extended (by a rounded-up minute)')
  })

  t.test('at the last second before the deadline', async (t) => {
    const outcome = checkAmendment(previous, amended(previous), REASON, at(DUE, -1000))
    t.same(outcome.extension, { from: DUE, to: '2027-01-02T17:00:00.000Z' })
  })

  t.test('not once the deadline has passed', async (t) => {
    for (const ms of [0, 1000, 2 * DAY_MS]) {
      const outcome = checkAmendment(previous, amended(previous), REASON, at(DUE, ms))
      t.same(outcome.problems, [])
      t.equal(outcome.extension, null, `${ms} ms after the deadline`)
      t.equal(outcome.document.schedule.proposalsDueAt, DUE)
    }
  })

  t.test('the deadline the amendment itself sets is the one kept', async (t) => {
    const now = at(DUE, -3 * DAY_MS)
    const far = withSchedule(previous, { proposalsDueAt: '2026-12-30T17:00:00.000Z' })
    t.equal(checkAmendment(previous, far, REASON, now).extension, null, 'moved to exactly 7 days after now by hand')
    const near = withSchedule(previous, { proposalsDueAt: '2026-12-27T17:00:00.000Z' })
    t.same(checkAmendment(previous, near, REASON, now).extension, { from: '2026-12-27T17:00:00.000Z', to: '2026-12-30T17:00:00.000Z' }, 'moved, but not enough')
  })

  t.test('a notice of 0 days never extends', async (t) => {
    const noNotice = { ...published(), procedure: { ...published().procedure, amendmentNoticeDays: 0 } }
    for (const ms of [-3 * DAY_MS, -1000, -1]) {
      const outcome = checkAmendment(noNotice, amended(noNotice), REASON, at(DUE, ms))
      t.same(outcome.problems, [])
      t.equal(outcome.extension, null, `${ms} ms before the deadline`)
    }
  })
})

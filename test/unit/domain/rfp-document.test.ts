import t from 'tap'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { checkRfpDraft, DEFAULT_PROCEDURE, weightShares, withDefaults, type Criterion, type RfpDraft } from '../../../src/domain/rfp-document.js'

const valid = (): RfpDraft => securityAuditRfp(new Date('2026-12-01T09:00:00Z'))
const withCriteria = (criteria: Criterion[]): RfpDraft => ({ ...valid(), rounds: [{ name: 'Round', criteria }] })
const paths = (draft: unknown): string[] => checkRfpDraft(draft).map((p) => p.path)

t.test('the demo RFP is a valid draft', async (t) => {
  t.same(checkRfpDraft(valid()), [])
})

t.test('schema problems name the field', async (t) => {
  t.same(paths({ ...valid(), slug: 'Not A Slug' }), ['slug'])
  t.same(paths({ ...valid(), title: '' }), ['title'])
  t.same(paths({ ...valid(), schedule: { ...valid().schedule, proposalsDueAt: 'next week' } }), ['schedule.proposalsDueAt'])
  t.same(paths({ ...valid(), surprise: 1 }), ['surprise'])
  t.ok(paths({ ...valid(), rounds: [] }).includes('rounds'))
  t.same(paths('not an object'), ['(document)'])
})

t.test('dates must be in order', async (t) => {
  const draft = valid()
  t.same(paths({ ...draft, schedule: { ...draft.schedule, questionsCloseAt: draft.schedule.proposalsDueAt } }), ['schedule.proposalsDueAt'])
  t.same(paths({ ...draft, schedule: { ...draft.schedule, decisionExpectedAt: draft.schedule.proposalsDueAt } }), ['schedule.decisionExpectedAt'])
})

t.test('an instant the format accepts but the calendar does not is refused', async (t) => {
  const draft = valid()
  t.same(checkRfpDraft({ ...draft, schedule: { ...draft.schedule, proposalsDueAt: '2026-12-31T23:59:60Z' } }), [{ path: 'schedule.proposalsDueAt', message: 'is not a real instant' }])
})

t.test('time zones must be IANA names', async (t) => {
  t.same(paths({ ...valid(), timeZone: 'Mars/Olympus_Mons' }), ['timeZone'])
  t.same(paths({ ...valid(), timeZone: 'America/Argentina/Buenos_Aires' }), [])
})

t.test('criteria rules', async (t) => {
  const scored = (over: Partial<Criterion> = {}): Criterion => ({ id: 'a', name: 'A', description: '', kind: 'scored', weight: '1', ...over })
  t.same(paths(withCriteria([scored({ weight: '0' })])), ['rounds.0.criteria.0.weight'], 'weight must be positive')
  t.same(paths(withCriteria([scored({ weight: undefined })])), ['rounds.0.criteria.0.weight'], 'weight is required')
  t.same(paths(withCriteria([scored(), scored({ name: 'B' })])), ['rounds.0.criteria.1.id'], 'ids are unique in a round')
  t.same(paths(withCriteria([scored({ lo: 5, hi: 5 })])), ['rounds.0.criteria.0.hi'], 'a scale runs upwards')
  t.same(paths(withCriteria([scored(), { id: 'g', name: 'G', description: '', kind: 'gate', weight: '1' }])), ['rounds.0.criteria.1.weight'], 'gates have no weight')
  t.same(paths(withCriteria([{ id: 'g', name: 'G', description: '', kind: 'gate' }])), ['rounds.0.criteria'], 'a round needs a weighted criterion')
  t.same(paths(withCriteria([scored(), { id: 'p', name: 'Price', description: '', kind: 'price', weight: '1', lo: 1 }])), ['rounds.0.criteria.1.lo'], 'price has no scale')
})

t.test('a section kind appears once, except "other"', async (t) => {
  const draft = valid()
  const again = { ...draft, sections: [...draft.sections, { kind: 'scope' as const, heading: 'More scope', body: 'x' }] }
  t.same(paths(again), [`sections.${draft.sections.length}.kind`])
  const others = { ...draft, sections: [...draft.sections, { kind: 'other' as const, heading: 'A', body: 'x' }, { kind: 'other' as const, heading: 'B', body: 'y' }] }
  t.same(paths(others), [])
})

t.test('weight shares are exact percentages of the round', async (t) => {
  const shares = weightShares({
    name: 'R',
    criteria: [
      { id: 'a', name: 'A', description: '', kind: 'scored', weight: '1' },
      { id: 'b', name: 'B', description: '', kind: 'scored', weight: '2' },
      { id: 'g', name: 'G', description: '', kind: 'gate' }
    ]
  })
  t.same([...shares], [['a', '33.3'], ['b', '66.7']])
})

// Eligibility, requirements and procedure: optional in a draft, filled in by withDefaults.

const VENDOR_A = '0f8b6f7c-1d2e-4a5b-9c8d-000000000001'
const VENDOR_B = '0f8b6f7c-1d2e-4a5b-9c8d-000000000002'
const bare = (): RfpDraft => {
  const { eligibility, requirements, procedure, ...rest } = valid()
  return rest
}

t.test('eligibility, requirements and procedure are optional', async (t) => {
  t.same(checkRfpDraft(bare()), [])
  t.same(Object.keys(bare()).sort(), ['rounds', 'schedule', 'sections', 'slug', 'summary', 'timeZone', 'title'])
})

t.test('a round has at most one price criterion', async (t) => {
  const scored: Criterion = { id: 'a', name: 'A', description: '', kind: 'scored', weight: '1' }
  const price = (id: string): Criterion => ({ id, name: id, description: '', kind: 'price', weight: '1' })
  t.same(checkRfpDraft(withCriteria([scored, price('p')])), [], 'one')
  t.same(checkRfpDraft(withCriteria([price('p')])), [], 'a price criterion alone is a weighted round')
  t.same(checkRfpDraft(withCriteria([scored, price('p'), price('q')])), [{ path: 'rounds.0.criteria', message: 'a round has at most one price criterion' }], 'two')
  const twoRounds = { ...valid(), rounds: [{ name: 'One', criteria: [scored, price('p')] }, { name: 'Two', criteria: [price('p')] }] }
  t.same(checkRfpDraft(twoRounds), [], 'one in each of two rounds')
})

t.test('requirement ids are unique', async (t) => {
  const draft = valid()
  const requirements = [...(draft.requirements ?? []), { id: 'cvs', name: 'More CVs', description: '', required: false }]
  t.same(checkRfpDraft({ ...draft, requirements }), [{ path: `requirements.${requirements.length - 1}.id`, message: 'repeats the id cvs' }])
  t.same(checkRfpDraft({ ...draft, requirements: [] }), [], 'none at all')
  t.same(paths({ ...draft, requirements: [{ id: 'Not An Id', name: 'X', description: '', required: true }] }), ['requirements.0.id'], 'the id pattern')
  t.same(paths({ ...draft, requirements: [{ id: 'x', name: '', description: '', required: true }] }), ['requirements.0.name'], 'a name is required')
  t.same(paths({ ...draft, requirements: [{ id: 'x', name: 'X', description: '', required: 'yes' }] }), ['requirements.0.required'], 'required is a boolean')
  t.same(paths({ ...draft, requirements: Array.from({ length: 21 }, (_, i) => ({ id: `r${i}`, name: 'R', description: '', required: true })) }), ['requirements'], 'at most 20')
})

t.test('the procedure: scores and margins are out of 100', async (t) => {
  const draft = valid()
  const procedure = draft.procedure ?? DEFAULT_PROCEDURE
  const withProcedure = (more: Partial<typeof procedure>) => checkRfpDraft({ ...draft, procedure: { ...procedure, ...more } })
  t.same(withProcedure({ shortlist: { rule: 'min_score', score: '100' } }), [], 'a minimum score of 100')
  t.same(withProcedure({ shortlist: { rule: 'min_score', score: '100.000001' } }),
    [{ path: 'procedure.shortlist.score', message: 'is a score out of 100: it cannot be above 100' }], 'just above 100')
  t.same(withProcedure({ shortlist: { rule: 'min_score', score: '101' } }),
    [{ path: 'procedure.shortlist.score', message: 'is a score out of 100: it cannot be above 100' }])
  t.same(withProcedure({ shortlist: { rule: 'min_score', score: '0' } }), [], 'a minimum score of 0')
  t.same(withProcedure({ nearTieMargin: '100' }), [], 'a margin of 100')
  t.same(withProcedure({ nearTieMargin: '100.5' }), [{ path: 'procedure.nearTieMargin', message: 'is in points out of 100: it cannot be above 100' }])
  t.same(withProcedure({ nearTieMargin: '250' }), [{ path: 'procedure.nearTieMargin', message: 'is in points out of 100: it cannot be above 100' }])
  t.same(withProcedure({ nearTieMargin: '0' }), [], 'a margin of 0')
  t.same(withProcedure({ nearTieMargin: '150', shortlist: { rule: 'min_score', score: '150' } }).map((p) => p.path), ['procedure.shortlist.score', 'procedure.nearTieMargin'], 'both')
})

t.test('the procedure: the schema bounds each setting', async (t) => {
  const draft = valid()
  const procedure = draft.procedure ?? DEFAULT_PROCEDURE
  const at = (more: Record<string, unknown>) => paths({ ...draft, procedure: { ...procedure, ...more } })
  t.same(at({ minimumProposals: 0 }), ['procedure.minimumProposals'])
  t.same(at({ minimumProposals: 101 }), ['procedure.minimumProposals'])
  t.same(at({ consensusTolerance: -1 }), ['procedure.consensusTolerance'])
  t.same(at({ protestWindowDays: 91 }), ['procedure.protestWindowDays'])
  t.same(at({ amendmentNoticeDays: 61 }), ['procedure.amendmentNoticeDays'])
  t.same(at({ amendmentNoticeDays: 60, protestWindowDays: 90, consensusTolerance: 100, minimumProposals: 100 }), [], 'each maximum')
  t.same(at({ nearTieMargin: '-1' }), ['procedure.nearTieMargin'], 'a decimal without a sign')
  t.same(at({ tieBreak: 'coin_toss' }), ['procedure.tieBreak'])
  t.same(checkRfpDraft({ ...draft, procedure: { ...procedure, tieBreak: 'coin_toss' } }),
    [{ path: 'procedure.tieBreak', message: 'must be one of lower_price, committee_vote, earlier_submission' }], 'an enum names its values')
  t.ok(at({ shortlist: { rule: 'top', count: 0 } }).includes('procedure.shortlist.count'))
  t.ok(at({ shortlist: { rule: 'top', count: 51 } }).includes('procedure.shortlist.count'))
  t.same(at({ shortlist: { rule: 'top', count: 50 } }), [])
  t.ok(at({ surprise: true }).includes('procedure.surprise'), 'no other settings')
})

t.test('eligibility: open, or invited with real vendor ids', async (t) => {
  const draft = valid()
  t.same(checkRfpDraft({ ...draft, eligibility: { mode: 'open' } }), [])
  t.same(checkRfpDraft({ ...draft, eligibility: { mode: 'invited', vendors: [VENDOR_A, VENDOR_B] } }), [])
  const none = checkRfpDraft({ ...draft, eligibility: { mode: 'invited', vendors: [] } })
  t.ok(none.length > 0, 'no vendors is refused')
  t.ok(none.some((p) => p.path === 'eligibility.vendors' && p.message === 'must not have fewer than 1 items'), JSON.stringify(none))
  const notUuid = checkRfpDraft({ ...draft, eligibility: { mode: 'invited', vendors: [VENDOR_A, 'acme'] } })
  t.ok(notUuid.some((p) => p.path === 'eligibility.vendors.1' && p.message === 'must match format "uuid"'), JSON.stringify(notUuid))
  const twice = checkRfpDraft({ ...draft, eligibility: { mode: 'invited', vendors: [VENDOR_A, VENDOR_A] } })
  t.ok(twice.some((p) => p.path === 'eligibility.vendors'), 'the same vendor twice is refused')
  t.ok(paths({ ...draft, eligibility: { mode: 'everyone' } }).includes('eligibility'), 'an unknown mode')
  t.ok(paths({ ...draft, eligibility: { mode: 'invited' } }).length > 0, 'invited without a list')
  t.ok(paths({ ...draft, eligibility: { mode: 'open', vendors: [VENDOR_A] } }).length > 0, 'open with a list')
})

t.test('an impossible calendar date is refused by the instant format', async (t) => {
  const draft = valid()
  t.same(checkRfpDraft({ ...draft, schedule: { ...draft.schedule, questionsCloseAt: '2026-02-30T10:00:00Z' } }),
    [{ path: 'schedule.questionsCloseAt', message: 'must match format "date-time"' }])
  t.same(paths({ ...draft, schedule: { ...draft.schedule, questionsCloseAt: '2026-12-01T10:00' } }), ['schedule.questionsCloseAt'], 'an offset is required')
  t.same(paths({ ...draft, schedule: { ...draft.schedule, questionsCloseAt: '2026-12-01T10:00:00+01:00' } }), [], 'any offset will do')
})

t.test('withDefaults fills in what a draft leaves out', async (t) => {
  const doc = withDefaults(bare())
  t.same(doc.eligibility, { mode: 'open' })
  t.same(doc.requirements, [])
  t.same(doc.procedure, DEFAULT_PROCEDURE)
  t.same(DEFAULT_PROCEDURE, {
    minimumProposals: 1,
    shortlist: { rule: 'top', count: 3 },
    tieBreak: 'committee_vote',
    priceEnvelope: 'after_scoring',
    consensusTolerance: 2,
    nearTieMargin: '1',
    protestWindowDays: 10,
    amendmentNoticeDays: 7
  })
  t.same(checkRfpDraft(doc), [], 'the defaults are valid')
  const { eligibility, requirements, procedure, ...rest } = doc
  t.same(rest, bare(), 'and nothing else changes')
})

t.test('withDefaults keeps what a draft says', async (t) => {
  const draft: RfpDraft = {
    ...valid(),
    eligibility: { mode: 'invited', vendors: [VENDOR_A] },
    requirements: [{ id: 'cvs', name: 'CVs', description: '', required: false }],
    procedure: { ...DEFAULT_PROCEDURE, minimumProposals: 4, shortlist: { rule: 'min_score', score: '70' } }
  }
  const doc = withDefaults(draft)
  t.same(doc.eligibility, draft.eligibility)
  t.same(doc.requirements, draft.requirements)
  t.same(doc.procedure, draft.procedure)
  t.same(withDefaults(doc), doc, 'idempotent')
})

t.test('withDefaults writes instants as UTC with milliseconds', async (t) => {
  const draft = valid()
  const doc = withDefaults({
    ...draft,
    schedule: { questionsCloseAt: '2026-12-01T10:00:00+01:00', proposalsDueAt: '2026-12-24T17:00:00Z', decisionExpectedAt: '2027-01-15T12:30:00-05:00' }
  })
  t.same(doc.schedule, { questionsCloseAt: '2026-12-01T09:00:00.000Z', proposalsDueAt: '2026-12-24T17:00:00.000Z', decisionExpectedAt: '2027-01-15T17:30:00.000Z' })
  const odd = withDefaults({ ...draft, schedule: { ...draft.schedule, proposalsDueAt: 'next week' } })
  t.equal(odd.schedule.proposalsDueAt, 'next week', 'text that is no instant is left for the check to name')
  t.same(withDefaults(draft).schedule, draft.schedule, 'the demo is already in that form')
})

t.test('withDefaults writes the time zone in its canonical spelling, and keeps current IANA names', async (t) => {
  t.equal(withDefaults({ ...valid(), timeZone: 'europe/amsterdam' }).timeZone, 'Europe/Amsterdam')
  t.equal(withDefaults({ ...valid(), timeZone: 'Europe/Amsterdam' }).timeZone, 'Europe/Amsterdam')
  t.equal(withDefaults({ ...valid(), timeZone: 'Mars/Olympus_Mons' }).timeZone, 'Mars/Olympus_Mons', 'an unknown zone is left for the check to name')
  // Renamed by IANA: the old names are only links kept for compatibility.
  t.equal(withDefaults({ ...valid(), timeZone: 'Europe/Kyiv' }).timeZone, 'Europe/Kyiv')
  t.equal(withDefaults({ ...valid(), timeZone: 'Asia/Kolkata' }).timeZone, 'Asia/Kolkata')
})

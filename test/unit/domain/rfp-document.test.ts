import t from 'tap'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { checkRfpDraft, weightShares, type Criterion, type RfpDraft } from '../../../src/domain/rfp-document.js'

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

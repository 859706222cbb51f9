import t from 'tap'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { withDefaults, type RfpDocument } from '../../../src/domain/rfp-document.js'
import { documentText, MAX_DIFF_EDITS, wordDiff as diffOf, type DiffPart } from '../../../src/domain/rfp-text.js'

const T = new Date('2026-12-01T09:00:00.000Z')
const demo = (): RfpDocument => withDefaults(securityAuditRfp(T))
const NO_NAMES: ReadonlyMap<string, string> = new Map()
const A = '0f8b6f7c-1d2e-4a5b-9c8d-000000000001'
const B = '0f8b6f7c-1d2e-4a5b-9c8d-000000000002'

const lines = (doc: RfpDocument, names = NO_NAMES): string[] => documentText(doc, names).split('\n')
/** The parts of a diff small enough to be marked word by word. */
function wordDiff (before: string, after: string): DiffPart[] {
  const { parts, complete } = diffOf(before, after)
  if (!complete) throw new Error('expected a word-by-word diff')
  return parts
}
const rebuild = (parts: DiffPart[], keep: DiffPart['change']): string => parts.filter((p) => p.change === 'same' || p.change === keep).map((p) => p.text).join('')

t.test('the text opens with the title, the summary and the schedule in the RFP\'s time zone', async (t) => {
  const doc = demo()
  t.same(lines(doc).slice(0, 9), [
    'Independent security audit of Driftwood 2.0',
    '',
    doc.summary,
    '',
    'Schedule',
    'Questions close: Saturday, 12 December 2026 at 18:00 (Europe/Amsterdam)',
    'Proposals due: Saturday, 26 December 2026 at 18:00 (Europe/Amsterdam)',
    'Decision expected: Friday, 15 January 2027 at 18:00 (Europe/Amsterdam)',
    ''
  ])
})

t.test('the schedule follows the document\'s zone', async (t) => {
  const text = documentText({ ...demo(), timeZone: 'America/New_York' }, NO_NAMES)
  t.match(text, 'Proposals due: Saturday, 26 December 2026 at 12:00 (America/New_York)')
  const utc = documentText({ ...demo(), timeZone: 'UTC' }, NO_NAMES)
  t.match(utc, 'Proposals due: Saturday, 26 December 2026 at 17:00 (UTC)')
  const summer = documentText({ ...demo(), schedule: { ...demo().schedule, questionsCloseAt: '2026-07-01T15:00:00.000Z' } }, NO_NAMES)
  t.match(summer, 'Questions close: Wednesday, 1 July 2026 at 17:00 (Europe/Amsterdam)', 'summer time')
})

t.test('who may bid: open, or the invited vendors by name (their id when the name is unknown)', async (t) => {
  const open = lines(demo())
  t.equal(open[open.indexOf('Who may bid') + 1], 'Open to any vendor')
  const invited = { ...demo(), eligibility: { mode: 'invited' as const, vendors: [A, B] } }
  const named = lines(invited, new Map([[A, 'Acme Security'], [B, 'Brightline Labs']]))
  t.equal(named[named.indexOf('Who may bid') + 1], 'Invited vendors: Acme Security, Brightline Labs')
  const partly = lines(invited, new Map([[B, 'Brightline Labs']]))
  t.equal(partly[partly.indexOf('Who may bid') + 1], `Invited vendors: ${A}, Brightline Labs`)
})

t.test('sections, each a heading and its body, in order', async (t) => {
  const doc = demo()
  const text = documentText(doc, NO_NAMES)
  let from = 0
  for (const section of doc.sections) {
    const at = text.indexOf(`\n${section.heading}\n\n${section.body}\n`, from)
    t.ok(at > from, `${section.heading}, after the one before`)
    from = at
  }
})

t.test('what a proposal contains: name, required or optional, description', async (t) => {
  const doc = demo()
  const text = lines(doc)
  const start = text.indexOf('A proposal contains')
  t.same(text.slice(start, start + 6), [
    'A proposal contains',
    'Approach and plan (required): Your approach and a week-by-week plan.',
    'CVs of the proposed team (required): Short CVs of the people who will do the work.',
    'Example reports (required): One or two earlier reports; public ones are fine.',
    'Conflicts of interest (optional): Any with Open Harbor Foundation projects.',
    ''
  ])
  const bare = lines({ ...doc, requirements: [{ id: 'x', name: 'Insurance certificate', description: '', required: false }] })
  t.ok(bare.includes('Insurance certificate (optional)'), 'no colon without a description')
  t.notOk(lines({ ...doc, requirements: [] }).includes('A proposal contains'), 'no heading without requirements')
})

t.test('criteria: each round with weights, scales, gates and price', async (t) => {
  const doc = {
    ...demo(),
    rounds: [
      {
        name: 'Technical evaluation',
        criteria: [
          { id: 'team', name: 'Team experience', description: 'Named people.', kind: 'scored' as const, weight: '20', lo: 0, hi: 10 },
          { id: 'method', name: 'Methodology', description: '', kind: 'scored' as const, weight: '12.5' },
          { id: 'open-report', name: 'Agrees to publication', description: 'Or it is not ranked.', kind: 'gate' as const }
        ]
      },
      { name: 'Price', criteria: [{ id: 'price', name: 'Fixed fee', description: 'Lowest is best.', kind: 'price' as const, weight: '30' }] }
    ]
  }
  const text = lines(doc)
  const start = text.indexOf('Criteria: Technical evaluation')
  t.same(text.slice(start, start + 8), [
    'Criteria: Technical evaluation',
    'Team experience (weight 20, scale 0 to 10): Named people.',
    'Methodology (weight 12.5, scale 1 to 5)',
    'Agrees to publication (pass/fail gate): Or it is not ranked.',
    '',
    'Criteria: Price',
    'Fixed fee (price, weight 30): Lowest is best.',
    ''
  ])
})

t.test('the procedure, last', async (t) => {
  const text = lines(demo())
  t.same(text.slice(text.indexOf('Procedure')), [
    'Procedure',
    'Minimum number of proposals: 2',
    'Shortlist: the top 2',
    'Ties broken by: committee vote',
    'Price envelope opened: after scoring',
    'Consensus tolerance: 2 points',
    'Near-tie margin: 2 points',
    'Protest window: 10 days',
    'Notice kept after an amendment: 7 days'
  ])
  const other = lines({
    ...demo(),
    procedure: { ...demo().procedure, shortlist: { rule: 'min_score', score: '62.5' }, tieBreak: 'earlier_submission', priceEnvelope: 'after_shortlist' }
  })
  t.ok(other.includes('Shortlist: every proposal scoring at least 62.5'))
  t.ok(other.includes('Ties broken by: earlier submission'))
  t.ok(other.includes('Price envelope opened: after shortlist'))
})

t.test('the text does not depend on anything but the document and the names', async (t) => {
  t.equal(documentText(demo(), NO_NAMES), documentText(demo(), NO_NAMES))
})

t.test('wordDiff marks only the changed words', async (t) => {
  // Thursday 24 and Thursday 31 December 2026: only the day of the month differs.
  const before = { ...demo(), schedule: { ...demo().schedule, proposalsDueAt: '2026-12-24T16:00:00.000Z' } }
  const after = { ...demo(), schedule: { ...demo().schedule, proposalsDueAt: '2026-12-31T16:00:00.000Z' } }
  const oldText = documentText(before, NO_NAMES)
  const newText = documentText(after, NO_NAMES)
  t.match(oldText, 'Proposals due: Thursday, 24 December 2026 at 17:00 (Europe/Amsterdam)')
  const parts = wordDiff(oldText, newText)
  t.same(parts.filter((p) => p.change !== 'same'), [{ change: 'removed', text: '24' }, { change: 'added', text: '31' }])
  t.equal(rebuild(parts, 'removed'), oldText, 'same + removed is the old text')
  t.equal(rebuild(parts, 'added'), newText, 'same + added is the new text')
})

t.test('wordDiff on small texts', async (t) => {
  t.same(wordDiff('a b c', 'a x c'), [
    { change: 'same', text: 'a ' },
    { change: 'removed', text: 'b' },
    { change: 'added', text: 'x' },
    { change: 'same', text: ' c' }
  ])
  t.same(wordDiff('same text', 'same text'), [{ change: 'same', text: 'same text' }], 'no change: one same part')
  const added = wordDiff('Scope', 'Scope and focus')
  t.same(added.map((p) => p.change), ['same', 'added'], 'only added')
  t.equal(rebuild(added, 'added'), 'Scope and focus')
  const removed = wordDiff('Scope and focus', 'Scope')
  t.same(removed.map((p) => p.change), ['same', 'removed'], 'only removed')
  t.equal(rebuild(removed, 'removed'), 'Scope and focus')
})

t.test('wordDiff reconstructs both sides of a real amendment', async (t) => {
  const before = demo()
  const after: RfpDocument = {
    ...before,
    summary: `${before.summary} A retest is included.`,
    requirements: [...before.requirements, { id: 'insurance', name: 'Insurance certificate', description: '', required: false }],
    eligibility: { mode: 'invited', vendors: [A] }
  }
  const oldText = documentText(before, NO_NAMES)
  const newText = documentText(after, new Map([[A, 'Acme Security']]))
  const parts = wordDiff(oldText, newText)
  t.equal(rebuild(parts, 'removed'), oldText)
  t.equal(rebuild(parts, 'added'), newText)
  const added = parts.filter((p) => p.change === 'added').map((p) => p.text).join('|')
  t.match(added, 'retest')
  t.match(added, 'Insurance')
  t.match(added, 'Acme')
  t.notMatch(parts.filter((p) => p.change !== 'same').map((p) => p.text).join(''), 'Driftwood', 'the unchanged title is not marked')
  for (const p of parts) t.ok(p.text.length > 0, 'no empty parts')
})

t.test('a change in line breaks alone is marked, and both sides still rebuild', async (t) => {
  // An amendment that only splits a paragraph in two is still an amendment: its diff must show it.
  const before = 'Scope\n\nThe tool. The library.'
  const after = 'Scope\n\nThe tool.\n\nThe library.'
  const parts = wordDiff(before, after)
  t.equal(rebuild(parts, 'removed'), before)
  t.equal(rebuild(parts, 'added'), after)
  t.ok(parts.some((p) => p.change !== 'same'), 'something is marked')
})

t.test('versions too different to mark word by word are shown whole', async (t) => {
  t.equal(MAX_DIFF_EDITS, 500)
  const words = (n: number, prefix: string): string => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ')
  const small = diffOf(words(100, 'old'), words(100, 'new'))
  t.equal(small.complete, true, '100 words replaced: marked word by word')
  const before = words(1000, 'old')
  const after = words(1000, 'new')
  t.same(diffOf(before, after), { parts: [{ change: 'removed', text: before }, { change: 'added', text: after }], complete: false }, '1000 words replaced')
  const before2 = documentText(demo(), NO_NAMES)
  t.equal(diffOf(before2, `${before2}\n${words(50, 'extra')}`).complete, true, 'a long text with a short addition')
})

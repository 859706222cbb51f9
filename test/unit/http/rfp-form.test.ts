import t from 'tap'
import { Value } from 'typebox/value'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { checkRfpDraft, DEFAULT_PROCEDURE, withDefaults, type RfpDocument, type RfpDraft } from '../../../src/domain/rfp-document.js'
import { draftFromForm, formFromDocument, identifierFor, problemLabel, RfpFormSchema, type RfpForm } from '../../../src/http/forms/rfp-form.js'

const T = new Date('2026-12-01T09:00:00.000Z')
const demo = (): RfpDocument => withDefaults(securityAuditRfp(T))
const A = '0f8b6f7c-1d2e-4a5b-9c8d-000000000001'
const B = '0f8b6f7c-1d2e-4a5b-9c8d-000000000002'

/** How @fastify/formbody delivers a field sent `values.length` times: absent, a plain string, or an array. */
function field (values: string[]): string | string[] | undefined {
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values
}
const text = (value: unknown): string => value === undefined || value === null ? '' : String(value)

/**
 * The body the browser posts for the form as templates/pages/committee/rfp-form.hbs shows it: every input's
 * value as text (Handlebars renders undefined as ''), the chosen options of the invited-vendors list only.
 */
function submitted (values: ReturnType<typeof formFromDocument>): RfpForm {
  const body: Record<string, string | string[] | undefined> = {
    _csrf: 'csrf-token',
    title: values.title,
    slug: values.slug,
    summary: values.summary,
    timeZone: values.timeZone,
    questionsCloseAt: values.questionsCloseAt,
    proposalsDueAt: values.proposalsDueAt,
    decisionExpectedAt: values.decisionExpectedAt,
    eligibility: values.eligibility,
    invited: field(values.invited),
    section_order: field(values.sections.map((s) => text(s.order))),
    section_kind: field(values.sections.map((s) => s.kind)),
    section_heading: field(values.sections.map((s) => s.heading)),
    section_body: field(values.sections.map((s) => s.body)),
    requirement_id: field(values.requirements.map((r) => r.id)),
    requirement_name: field(values.requirements.map((r) => r.name)),
    requirement_description: field(values.requirements.map((r) => r.description)),
    requirement_required: field(values.requirements.map((r) => r.required ? 'required' : 'optional')),
    criterion_id: field(values.criteria.map((c) => c.id)),
    criterion_round: field(values.criteria.map((c) => c.round)),
    criterion_name: field(values.criteria.map((c) => c.name)),
    criterion_kind: field(values.criteria.map((c) => c.kind)),
    criterion_weight: field(values.criteria.map((c) => text(c.weight))),
    criterion_lo: field(values.criteria.map((c) => text(c.lo))),
    criterion_hi: field(values.criteria.map((c) => text(c.hi))),
    criterion_description: field(values.criteria.map((c) => c.description)),
    minimumProposals: text(values.procedure.minimumProposals),
    tieBreak: values.procedure.tieBreak,
    shortlistRule: values.procedure.shortlistRule,
    shortlistCount: text(values.procedure.shortlistCount),
    shortlistScore: text(values.procedure.shortlistScore),
    priceEnvelope: values.procedure.priceEnvelope,
    consensusTolerance: text(values.procedure.consensusTolerance),
    nearTieMargin: values.procedure.nearTieMargin,
    protestWindowDays: text(values.procedure.protestWindowDays),
    amendmentNoticeDays: text(values.procedure.amendmentNoticeDays)
  }
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key]
  return body as RfpForm
}

/** A minimal valid body typed by hand: one criterion, every other row field left out. */
const minimal = (more: Partial<RfpForm> = {}): RfpForm => ({
  _csrf: 'csrf-token',
  title: 'An audit',
  slug: 'an-audit',
  summary: 'An audit of the tool.',
  timeZone: 'Europe/Amsterdam',
  questionsCloseAt: '2026-12-10T17:00',
  proposalsDueAt: '2026-12-24T17:00',
  decisionExpectedAt: '2027-01-15T17:00',
  criterion_name: 'Quality',
  criterion_weight: '1',
  minimumProposals: '1',
  shortlistRule: 'top',
  shortlistCount: '3',
  tieBreak: 'committee_vote',
  priceEnvelope: 'after_scoring',
  consensusTolerance: '2',
  nearTieMargin: '1',
  protestWindowDays: '10',
  amendmentNoticeDays: '7',
  ...more
})

const roundTrip = (doc: RfpDocument): { draft: RfpDraft, problems: unknown[], body: RfpForm } => {
  const body = submitted(formFromDocument(doc))
  return { ...draftFromForm(body), body }
}

t.test('the demo RFP survives the form: shown, submitted unchanged, read back equal', async (t) => {
  const doc = demo()
  const { draft, problems, body } = roundTrip(doc)
  t.ok(Value.Check(RfpFormSchema, body), 'the body passes the route\'s schema')
  t.same(problems, [])
  t.same(checkRfpDraft(draft), [], 'a valid draft')
  t.same(withDefaults(draft), doc)
  t.equal(draft.schedule.proposalsDueAt, '2026-12-26T17:00:00.000Z', 'dates come back in UTC')
})

t.test('a document using every kind of field survives the form too', async (t) => {
  const base = demo()
  const doc: RfpDocument = withDefaults({
    ...base,
    timeZone: 'America/New_York',
    schedule: { questionsCloseAt: '2026-07-01T16:00:00.000Z', proposalsDueAt: '2026-12-24T22:00:00.000Z', decisionExpectedAt: '2027-01-15T22:30:00.000Z' },
    sections: [
      { kind: 'scope', heading: 'Scope', body: 'Only the library.' },
      { kind: 'other', heading: 'A note', body: 'One.' },
      { kind: 'other', heading: 'Another note', body: 'Two.' }
    ],
    eligibility: { mode: 'invited', vendors: [A, B] },
    requirements: [{ id: 'cvs', name: 'CVs', description: '', required: false }],
    rounds: [
      {
        name: 'Technical',
        criteria: [
          { id: 'team', name: 'Team', description: '', kind: 'scored', weight: '12.5' },
          { id: 'method', name: 'Method', description: 'How.', kind: 'scored', weight: '20', lo: 0, hi: 10 },
          { id: 'publish', name: 'Publication', description: '', kind: 'gate' }
        ]
      },
      { name: 'Commercial', criteria: [{ id: 'price', name: 'Fee', description: 'Fixed.', kind: 'price', weight: '30' }] }
    ],
    procedure: {
      minimumProposals: 3,
      shortlist: { rule: 'min_score', score: '62.5' },
      tieBreak: 'lower_price',
      priceEnvelope: 'after_shortlist',
      consensusTolerance: 0,
      nearTieMargin: '0.5',
      protestWindowDays: 0,
      amendmentNoticeDays: 0
    }
  })
  t.same(checkRfpDraft(doc), [], 'the document itself is valid')
  const { draft, problems, body } = roundTrip(doc)
  t.ok(Value.Check(RfpFormSchema, body))
  t.same(problems, [])
  t.same(checkRfpDraft(draft), [])
  t.same(withDefaults(draft), doc)
})

t.test('a single vendor or row arrives as a plain string and is read as one row', async (t) => {
  const doc = { ...demo(), eligibility: { mode: 'invited' as const, vendors: [A] } }
  const { draft, body } = roundTrip(doc)
  t.equal(body.invited, A, 'one chosen option is a string')
  t.same(draft.eligibility, { mode: 'invited', vendors: [A] })

  const one = draftFromForm(minimal({
    section_order: '1',
    section_kind: 'scope',
    section_heading: 'Scope',
    section_body: 'Only the library.',
    requirement_id: '',
    requirement_name: 'CVs',
    requirement_description: 'Short ones.',
    requirement_required: 'optional',
    criterion_round: 'Technical',
    criterion_id: '',
    criterion_kind: 'scored',
    criterion_lo: '0',
    criterion_hi: '10',
    criterion_description: 'Good.'
  }))
  t.same(one.problems, [])
  t.same(one.draft.sections, [{ kind: 'scope', heading: 'Scope', body: 'Only the library.' }])
  t.same(one.draft.requirements, [{ id: 'cvs', name: 'CVs', description: 'Short ones.', required: false }])
  t.same(one.draft.rounds, [{ name: 'Technical', criteria: [{ id: 'quality', name: 'Quality', description: 'Good.', kind: 'scored', weight: '1', lo: 0, hi: 10 }] }])
  t.same(checkRfpDraft(one.draft), [])
})

t.test('the blank form', async (t) => {
  const values = formFromDocument(undefined)
  t.equal(values.timeZone, 'UTC')
  t.same([values.questionsCloseAt, values.proposalsDueAt, values.decisionExpectedAt], ['', '', ''])
  t.equal(values.eligibility, 'open')
  t.same(values.sections, [{ kind: 'other', heading: '', body: '', order: 1 }], 'one blank section row')
  t.same(values.requirements, [{ id: '', name: '', description: '', required: true }], 'one blank requirement row')
  t.equal(values.criteria.length, 2, 'two blank criterion rows')
  t.same(values.criteria.map((c) => c.round), ['Round 1', 'Round 1'])
  t.same(values.procedure, { ...DEFAULT_PROCEDURE, shortlistRule: 'top', shortlistCount: 3, shortlistScore: '' })

  const body = submitted(values)
  t.ok(Value.Check(RfpFormSchema, body))
  t.equal(typeof body.section_heading, 'string', 'the lone blank row is sent as a string')
  const { draft, problems } = draftFromForm(body)
  t.same(problems, [
    { path: 'schedule.questionsCloseAt', message: 'is required' },
    { path: 'schedule.proposalsDueAt', message: 'is required' },
    { path: 'schedule.decisionExpectedAt', message: 'is required' }
  ])
  t.same(draft.sections, [])
  t.same(draft.requirements, [])
  t.same(draft.rounds, [])
  t.same(draft.eligibility, { mode: 'open' })
  t.same(draft.procedure, DEFAULT_PROCEDURE, 'the default procedure reads back as itself')
})

t.test('formFromDocument adds one blank section and requirement row and two criterion rows to a document', async (t) => {
  const doc = demo()
  const values = formFromDocument(doc)
  t.equal(values.sections.length, doc.sections.length + 1)
  t.same(values.sections.map((s) => s.order), doc.sections.map((_, i) => i + 1).concat(doc.sections.length + 1), 'numbered in order')
  t.same(values.sections.at(-1), { kind: 'other', heading: '', body: '', order: doc.sections.length + 1 })
  t.equal(values.requirements.length, doc.requirements.length + 1)
  t.equal(values.criteria.length, 6 + 2)
  t.same(values.criteria.slice(-2).map((c) => [c.round, c.name]), [['Technical evaluation', ''], ['Technical evaluation', '']], 'blank rows join the first round')
  t.same([values.questionsCloseAt, values.proposalsDueAt, values.decisionExpectedAt], ['2026-12-12T18:00', '2026-12-26T18:00', '2027-01-15T18:00'], 'in Amsterdam time')
  t.same(values.procedure.shortlistCount, 2)
  t.equal(values.procedure.shortlistScore, '')
  const minScore = formFromDocument({ ...doc, procedure: { ...doc.procedure, shortlist: { rule: 'min_score', score: '70' } } })
  t.same([minScore.procedure.shortlistRule, minScore.procedure.shortlistCount, minScore.procedure.shortlistScore], ['min_score', '', '70'])
})

t.test('blank rows are dropped; text is trimmed', async (t) => {
  const { draft, problems } = draftFromForm(minimal({
    title: '  An audit  ',
    slug: ' an-audit ',
    section_order: ['1', '2', '3'],
    section_kind: ['scope', 'other', 'background'],
    section_heading: ['  Scope ', '', '   '],
    section_body: [' Only the library. ', '', ' \n '],
    requirement_id: ['', '', ''],
    requirement_name: ['', ' CVs ', '  '],
    requirement_description: ['ignored', ' Short. ', 'ignored'],
    requirement_required: ['required', 'required', 'optional'],
    criterion_round: ['R', 'R', 'R'],
    criterion_id: ['', '', ''],
    criterion_name: ['', ' Quality ', '   '],
    criterion_kind: ['scored', 'scored', 'scored'],
    criterion_weight: ['9', ' 2 ', '9'],
    criterion_lo: ['', '', ''],
    criterion_hi: ['', '', ''],
    criterion_description: ['', ' Good. ', '']
  }))
  t.same(problems, [])
  t.equal(draft.title, 'An audit')
  t.equal(draft.slug, 'an-audit')
  t.same(draft.sections, [{ kind: 'scope', heading: 'Scope', body: 'Only the library.' }], 'rows with neither heading nor body are dropped')
  t.same(draft.requirements, [{ id: 'cvs', name: 'CVs', description: 'Short.', required: true }], 'rows without a name are dropped')
  t.same(draft.rounds, [{ name: 'R', criteria: [{ id: 'quality', name: 'Quality', description: 'Good.', kind: 'scored', weight: '2' }] }], 'rows without a name are dropped')
})

t.test('a section with a heading but no text is kept, for the draft check to name', async (t) => {
  const { draft } = draftFromForm(minimal({ section_kind: ['scope', 'other'], section_heading: ['Scope', ''], section_body: ['', 'Just text'] }))
  t.same(draft.sections, [{ kind: 'scope', heading: 'Scope', body: '' }, { kind: 'other', heading: '', body: 'Just text' }])
  const problems = checkRfpDraft(draft)
  t.same(problems.map((p) => p.path), ['sections.0.body', 'sections.1.heading'])
  t.same(problems.map((p) => problemLabel(p.path)), ['Section 1, body', 'Section 2, heading'])
})

t.test('sections are ordered by their numbers; ties keep the form\'s order', async (t) => {
  const sections = (orders: string[]) => draftFromForm(minimal({
    section_order: orders,
    section_kind: ['other', 'other', 'other', 'other'],
    section_heading: ['A', 'B', 'C', 'D'],
    section_body: ['a', 'b', 'c', 'd']
  })).draft.sections.map((s) => s.heading).join('')
  t.equal(sections(['1', '2', '3', '4']), 'ABCD')
  t.equal(sections(['4', '3', '2', '1']), 'DCBA')
  t.equal(sections(['2', '1', '2', '1']), 'BDAC', 'ties keep form order')
  t.equal(sections(['10', '9', '1', '2']), 'CDBA', 'numerically, not as text')
  t.equal(sections(['', '', '', '']), 'ABCD', 'a blank number is the row\'s position')
  t.equal(sections(['', '1', '', '']), 'ABCD', 'the row\'s position, counted from 1')
  t.equal(sections(['x', '1', '2', '3']), 'BCDA', 'a number that is not one sorts last')

  // Moving the demo's last section first: give it order 0.
  const values = formFromDocument(demo())
  const body = submitted({ ...values, sections: values.sections.map((s, i) => i === demo().sections.length - 1 ? { ...s, order: 0 } : s) })
  const { draft } = draftFromForm(body)
  t.same(draft.sections.map((s) => s.kind), ['proposal_contents', 'background', 'scope', 'focus_areas', 'out_of_scope', 'methodology', 'confidentiality', 'deliverables'])
})

t.test('a section emptied in the form is removed', async (t) => {
  const values = formFromDocument(demo())
  const body = submitted({ ...values, sections: values.sections.map((s) => s.kind === 'methodology' ? { ...s, heading: '', body: '' } : s) })
  const { draft, problems } = draftFromForm(body)
  t.same(problems, [])
  t.same(draft.sections, demo().sections.filter((s) => s.kind !== 'methodology'))
  t.same(checkRfpDraft(draft), [])
})

t.test('requirement ids: made from names when blank, unique, existing ones kept', async (t) => {
  const { draft } = draftFromForm(minimal({
    requirement_id: ['', '', 'relevant-experience', 'cvs', ''],
    requirement_name: ['Relevant experience', 'Relevant experience', 'Earlier work', 'Curricula', 'Relevant  experience!'],
    requirement_description: ['', '', '', '', ''],
    requirement_required: ['required', 'optional', 'required', 'required', 'required']
  }))
  t.same(draft.requirements?.map((r) => r.id), ['relevant-experience-2', 'relevant-experience-3', 'relevant-experience', 'cvs', 'relevant-experience-4'],
    'a typed id keeps its value; generated ones go around it')
  t.same(draft.requirements?.map((r) => r.required), [true, false, true, true, true])
  t.same(checkRfpDraft(draft), [])

  const two = draftFromForm(minimal({ requirement_name: ['Relevant experience', 'Relevant experience'] })).draft
  t.same(two.requirements?.map((r) => r.id), ['relevant-experience', 'relevant-experience-2'])
  t.same(two.requirements?.map((r) => r.required), [true, true], 'required unless said optional (or the field is missing)')
})

t.test('criterion ids: made from names when blank, unique within a round, existing ones kept', async (t) => {
  const { draft } = draftFromForm(minimal({
    criterion_round: ['Technical', 'Technical', 'Commercial', 'Technical'],
    criterion_id: ['', '', '', 'relevant-experience'],
    criterion_name: ['Relevant experience', 'Relevant experience', 'Relevant experience', 'Earlier work'],
    criterion_kind: ['scored', 'scored', 'scored', 'scored'],
    criterion_weight: ['1', '1', '1', '1']
  }))
  t.same(draft.rounds.map((r) => [r.name, r.criteria.map((c) => c.id)]), [
    ['Technical', ['relevant-experience-2', 'relevant-experience-3', 'relevant-experience']],
    ['Commercial', ['relevant-experience']]
  ], 'an id is unique in its round; other rounds may repeat it')
  t.same(checkRfpDraft(draft), [])
  const plain = draftFromForm(minimal({ criterion_name: ['Relevant experience', 'Relevant experience'], criterion_weight: ['1', '1'] })).draft
  t.same(plain.rounds[0]?.criteria.map((c) => c.id), ['relevant-experience', 'relevant-experience-2'])
})

t.test('identifierFor', async (t) => {
  t.equal(identifierFor('Relevant experience', new Set()), 'relevant-experience')
  t.equal(identifierFor('  CVs & references (2 max)  ', new Set()), 'cvs-references-2-max')
  t.equal(identifierFor('', new Set()), 'item', 'nothing usable')
  t.equal(identifierFor('!!!', new Set()), 'item')
  const taken = new Set(['team'])
  t.equal(identifierFor('Team', taken), 'team-2')
  t.equal(identifierFor('Team', taken), 'team-3', 'each id given is taken')
  t.same([...taken], ['team', 'team-2', 'team-3'])
  t.equal(identifierFor('x'.repeat(50), new Set()), 'x'.repeat(32), 'at most 32 characters before a suffix')
  t.match(identifierFor('x'.repeat(50), new Set(['x'.repeat(32)])), /^[a-z0-9][a-z0-9-]{0,39}$/, 'still a valid id with a suffix')
  t.equal(identifierFor('Sécurité et crème brûlée', new Set()), 'securite-et-creme-brulee', 'accents are dropped, not made hyphens')
  t.equal(identifierFor(`${'x'.repeat(31)} y`, new Set()), 'x'.repeat(31), 'no hyphen left dangling where the name is cut')
})

t.test('criteria group into rounds by round name, in order of first appearance', async (t) => {
  const { draft } = draftFromForm(minimal({
    criterion_round: ['Technical', 'Commercial', ' Technical ', '', 'Commercial', '  '],
    criterion_id: ['a', 'b', 'c', 'd', 'e', 'f'],
    criterion_name: ['A', 'B', 'C', 'D', 'E', 'F'],
    criterion_kind: ['scored', 'price', 'scored', 'scored', 'gate', 'scored'],
    criterion_weight: ['1', '1', '1', '1', '', '1']
  }))
  t.same(draft.rounds.map((r) => [r.name, r.criteria.map((c) => c.id).join('')]), [['Technical', 'ac'], ['Commercial', 'be'], ['Round 1', 'df']],
    'names are trimmed; a blank name is "Round 1"')
  t.same(checkRfpDraft(draft), [])
  const unnamed = draftFromForm(minimal()).draft
  t.same(unnamed.rounds.map((r) => r.name), ['Round 1'], 'without the round field at all')
})

t.test('kinds, weights and scales', async (t) => {
  const { draft } = draftFromForm(minimal({
    criterion_round: ['R', 'R', 'R', 'R', 'R'],
    criterion_id: ['a', 'b', 'c', 'd', 'e'],
    criterion_name: ['A', 'B', 'C', 'D', 'E'],
    criterion_kind: ['', 'scored', 'gate', 'price', 'scored'],
    criterion_weight: ['1', '2', '', '3', ''],
    criterion_lo: ['0', ' 2 ', '1', '1', ''],
    criterion_hi: ['10', '', '5', '5', '']
  }))
  const [a, b, c, d, e] = draft.rounds[0]?.criteria ?? []
  t.same(a, { id: 'a', name: 'A', description: '', kind: 'scored', weight: '1', lo: 0, hi: 10 }, 'a blank kind is scored; 0 is a scale end')
  t.same(b, { id: 'b', name: 'B', description: '', kind: 'scored', weight: '2', lo: 2 }, 'a blank scale end is left out')
  t.same(c, { id: 'c', name: 'C', description: '', kind: 'gate' }, 'a gate\'s scale fields are ignored')
  t.same(d, { id: 'd', name: 'D', description: '', kind: 'price', weight: '3' }, 'so are a price criterion\'s')
  t.same(e, { id: 'e', name: 'E', description: '', kind: 'scored' }, 'a blank weight is left out, for the draft check to name')
  t.same(checkRfpDraft(draft), [{ path: 'rounds.0.criteria.4.weight', message: 'must be greater than 0' }])
})

t.test('local times are read in the form\'s time zone', async (t) => {
  const read = (timeZone: string, questionsCloseAt: string) => draftFromForm(minimal({ timeZone, questionsCloseAt })).draft.schedule.questionsCloseAt
  t.equal(read('Europe/Amsterdam', '2026-12-10T17:00'), '2026-12-10T16:00:00.000Z', 'winter')
  t.equal(read('Europe/Amsterdam', '2026-07-10T17:00'), '2026-07-10T15:00:00.000Z', 'summer')
  t.equal(read('America/New_York', '2026-12-10T17:00'), '2026-12-10T22:00:00.000Z')
  t.equal(read('UTC', '2026-12-10T17:00'), '2026-12-10T17:00:00.000Z')
  t.equal(read(' Asia/Kolkata ', ' 2026-12-10T17:00 '), '2026-12-10T11:30:00.000Z', 'zone and time are trimmed')
  t.equal(read('Europe/Amsterdam', '2026-10-25T02:30'), '2026-10-25T00:30:00.000Z', 'the repeated hour: the earlier instant')
  const { draft } = draftFromForm(minimal({ timeZone: ' Asia/Kolkata ' }))
  t.same(checkRfpDraft(draft), [])
})

t.test('the time zone is stored in its canonical spelling, and as its current IANA name', async (t) => {
  const zone = (timeZone: string): string => draftFromForm(minimal({ timeZone })).draft.timeZone
  t.equal(zone('europe/amsterdam'), 'Europe/Amsterdam', 'letter case is corrected')
  t.equal(zone(' America/New_York '), 'America/New_York', 'trimmed')
  t.equal(zone('utc'), 'UTC')
  t.equal(draftFromForm(minimal({ timeZone: 'europe/amsterdam', questionsCloseAt: '2026-12-10T17:00' })).draft.schedule.questionsCloseAt, '2026-12-10T16:00:00.000Z')
  // IANA renamed these; the old names are only links. A zone typed as its current name must not come back as the old one.
  t.equal(zone('Asia/Kolkata'), 'Asia/Kolkata')
  t.equal(zone('Europe/Kyiv'), 'Europe/Kyiv')
  t.equal(zone('America/Argentina/Buenos_Aires'), 'America/Argentina/Buenos_Aires')
})

t.test('editing: a date left as shown keeps the stored instant, seconds and all', async (t) => {
  // Set through the API with seconds; the form shows minutes only.
  const stored = { ...demo(), schedule: { ...demo().schedule, proposalsDueAt: '2026-12-26T17:00:30.000Z' } }
  const body = submitted(formFromDocument(stored))
  t.equal(body.proposalsDueAt, '2026-12-26T18:00')
  t.equal(draftFromForm(body, stored).draft.schedule.proposalsDueAt, '2026-12-26T17:00:30.000Z', 'unchanged: kept')
  t.same(withDefaults(draftFromForm(body, stored).draft), stored, 'the whole document comes back equal')
  t.equal(draftFromForm(body).draft.schedule.proposalsDueAt, '2026-12-26T17:00:00.000Z', 'without the previous document: the minute typed')
  t.equal(draftFromForm({ ...body, proposalsDueAt: '2026-12-27T18:00' }, stored).draft.schedule.proposalsDueAt, '2026-12-27T17:00:00.000Z', 'changed: read as typed')
  t.equal(draftFromForm({ ...body, proposalsDueAt: '2026-12-26T18:01' }, stored).draft.schedule.proposalsDueAt, '2026-12-26T17:01:00.000Z', 'changed by a minute')
  t.equal(draftFromForm({ ...body, timeZone: 'UTC' }, stored).draft.schedule.proposalsDueAt, '2026-12-26T18:00:00.000Z',
    'the zone changed: the wall-clock time typed is read in the new zone')
  t.same(draftFromForm({ ...body, proposalsDueAt: '' }, stored).problems, [{ path: 'schedule.proposalsDueAt', message: 'is required' }], 'emptied: still required')
})

t.test('a time that does not exist, or no time, is a problem of the form', async (t) => {
  const gap = draftFromForm(minimal({ questionsCloseAt: '2026-03-29T02:30', proposalsDueAt: '2026-02-30T17:00', decisionExpectedAt: '  ' }))
  t.same(gap.problems, [
    { path: 'schedule.questionsCloseAt', message: '2026-03-29T02:30 is not a time that exists in Europe/Amsterdam (a mistyped date, or the hour skipped when clocks go forward)' },
    { path: 'schedule.proposalsDueAt', message: '2026-02-30T17:00 is not a time that exists in Europe/Amsterdam (a mistyped date, or the hour skipped when clocks go forward)' },
    { path: 'schedule.decisionExpectedAt', message: 'is required' }
  ])
  t.same(gap.draft.schedule, { questionsCloseAt: '', proposalsDueAt: '', decisionExpectedAt: '' })
  t.same(gap.problems.map((p) => problemLabel(p.path)), ['Questions close', 'Proposals due', 'Decision expected'])
  const missing = draftFromForm(minimal({ proposalsDueAt: undefined }))
  t.same(missing.problems, [{ path: 'schedule.proposalsDueAt', message: 'is required' }], 'a field not sent at all')
})

t.test('an unknown time zone is named, not hidden behind the dates', async (t) => {
  // The route shows the form's problems, or else the draft check's: what the person sees must name the zone.
  for (const timeZone of ['Mars/Olympus_Mons', '']) {
    const { draft, problems } = draftFromForm(minimal({ timeZone }))
    const shown = problems.length > 0 ? problems : checkRfpDraft(draft)
    t.ok(shown.some((p) => p.path === 'timeZone'), `${JSON.stringify(timeZone)}: ${JSON.stringify(shown)}`)
  }
})

t.test('text that is not an integer goes through as text, so the draft check names the field', async (t) => {
  const { draft, problems } = draftFromForm(minimal({
    criterion_lo: 'one', minimumProposals: 'two', consensusTolerance: '1.5', protestWindowDays: ' 14 ', amendmentNoticeDays: '-1', shortlistCount: '9999999999'
  }))
  t.same(problems, [], 'not a problem of the form')
  t.equal(draft.rounds[0]?.criteria[0]?.lo, 'one' as unknown as number)
  t.same(draft.procedure, {
    ...draft.procedure,
    minimumProposals: 'two' as unknown as number,
    consensusTolerance: '1.5' as unknown as number,
    protestWindowDays: 14,
    amendmentNoticeDays: -1,
    shortlist: { rule: 'top', count: '9999999999' as unknown as number }
  }, 'integers read; anything else (even ten digits) kept as typed')

  const named = (more: Partial<RfpForm>): unknown => checkRfpDraft(draftFromForm(minimal(more)).draft)
  t.same(named({ criterion_lo: 'one' }), [{ path: 'rounds.0.criteria.0.lo', message: 'must be integer' }])
  t.same(named({ minimumProposals: 'two' }), [{ path: 'procedure.minimumProposals', message: 'must be integer' }])
  t.same(named({ consensusTolerance: '1.5' }), [{ path: 'procedure.consensusTolerance', message: 'must be integer' }])
  t.same(named({ amendmentNoticeDays: '-1' }), [{ path: 'procedure.amendmentNoticeDays', message: 'must be >= 0' }])
  t.same(named({ minimumProposals: '' }), [{ path: 'procedure.minimumProposals', message: 'must be integer' }], 'a blank number is named too')
  t.ok((named({ shortlistCount: 'x' }) as { path: string }[]).some((p) => p.path === 'procedure.shortlist.count'))
})

t.test('the procedure fields', async (t) => {
  const top = draftFromForm(minimal({ shortlistRule: 'top', shortlistCount: '4', shortlistScore: '70' })).draft
  t.same(top.procedure?.shortlist, { rule: 'top', count: 4 }, 'the score is ignored for the top-N rule')
  const min = draftFromForm(minimal({ shortlistRule: 'min_score', shortlistCount: '4', shortlistScore: ' 62.5 ' })).draft
  t.same(min.procedure?.shortlist, { rule: 'min_score', score: '62.5' }, 'the count is ignored for the minimum-score rule')
  const none = draftFromForm(minimal({ shortlistRule: undefined })).draft
  t.same(none.procedure?.shortlist, { rule: 'top', count: 3 }, 'top N when no rule is sent')
  t.same(draftFromForm(minimal({ nearTieMargin: ' 0.5 ' })).draft.procedure?.nearTieMargin, '0.5')
  const tooHigh = draftFromForm(minimal({ shortlistRule: 'min_score', shortlistScore: '101' })).draft
  t.same(checkRfpDraft(tooHigh), [{ path: 'procedure.shortlist.score', message: 'is a score out of 100: it cannot be above 100' }])
})

t.test('eligibility', async (t) => {
  t.same(draftFromForm(minimal()).draft.eligibility, { mode: 'open' }, 'open when not sent')
  t.same(draftFromForm(minimal({ eligibility: 'open', invited: [A, B] })).draft.eligibility, { mode: 'open' }, 'vendors chosen under "open" are ignored')
  t.same(draftFromForm(minimal({ eligibility: 'invited', invited: [A, B] })).draft.eligibility, { mode: 'invited', vendors: [A, B] })
  const nobody = draftFromForm(minimal({ eligibility: 'invited' })).draft
  t.same(nobody.eligibility, { mode: 'invited', vendors: [] })
  t.ok(checkRfpDraft(nobody).some((p) => p.path === 'eligibility.vendors' && p.message === 'must not have fewer than 1 items'), 'the draft check refuses it')
})

t.test('the form schema', async (t) => {
  t.ok(Value.Check(RfpFormSchema, minimal()))
  t.notOk(Value.Check(RfpFormSchema, { ...minimal(), _csrf: undefined }), 'the CSRF token is required')
  t.notOk(Value.Check(RfpFormSchema, { ...minimal(), surprise: 'x' }), 'no other fields')
  t.notOk(Value.Check(RfpFormSchema, { ...minimal(), eligibility: 'everyone' }))
  t.notOk(Value.Check(RfpFormSchema, { ...minimal(), shortlistRule: 'best' }))
  t.notOk(Value.Check(RfpFormSchema, { ...minimal(), criterion_name: Array.from({ length: 61 }, () => 'x') }), 'at most 60 rows')
  t.ok(Value.Check(RfpFormSchema, { ...minimal(), criterion_name: Array.from({ length: 60 }, () => 'x') }))
  t.notOk(Value.Check(RfpFormSchema, { ...minimal(), title: 'x'.repeat(401) }))
  t.ok(Value.Check(RfpFormSchema, { ...minimal(), reason: 'Because.' }), 'an amendment sends its reason')
})

t.test('problemLabel: where a problem is, in the form\'s words', async (t) => {
  const labels: [string, string][] = [
    ['title', 'Title'],
    ['slug', 'Address (slug)'],
    ['summary', 'Summary'],
    ['timeZone', 'Time zone'],
    ['schedule.questionsCloseAt', 'Questions close'],
    ['schedule.proposalsDueAt', 'Proposals due'],
    ['schedule.decisionExpectedAt', 'Decision expected'],
    ['eligibility', 'Who may bid'],
    ['eligibility.vendors', 'Invited vendors'],
    ['eligibility.vendors.2', 'Invited vendors'],
    ['eligibility.mode', 'Invited vendors'],
    ['rounds', 'Criteria'],
    ['procedure', 'Procedure'],
    ['reason', 'Reason for the amendment'],
    ['', 'The amendment'],
    ['sections.1.heading', 'Section 2, heading'],
    ['sections.0', 'Section 1'],
    ['requirements.0.id', 'Proposal contents, row 1, id'],
    ['requirements.3', 'Proposal contents, row 4'],
    ['rounds.0.criteria.2.weight', 'Criteria: round 1, criterion 3, weight'],
    ['rounds.1.criteria.0', 'Criteria: round 2, criterion 1'],
    ['rounds.1.criteria', 'Criteria: round 2'],
    ['rounds.0.name', 'Criteria: round 1'],
    ['procedure.nearTieMargin', 'Procedure: nearTieMargin'],
    ['procedure.shortlist.score', 'Procedure: shortlist score'],
    ['surprise', 'surprise'],
    ['(document)', '(document)'],
    ['something.else.1', 'something.else.1']
  ]
  for (const [path, label] of labels) t.equal(problemLabel(path), label, JSON.stringify(path))
})

t.test('problemLabel for a problem with a whole list (too many sections or requirements)', async (t) => {
  // 31 sections or 21 requirements fit in the form (60 rows) and the draft check reports them at the list itself.
  const doc = demo()
  const tooMany = checkRfpDraft({ ...doc, sections: Array.from({ length: 31 }, () => ({ kind: 'other', heading: 'H', body: 'B' })) })
  t.same(tooMany.map((p) => p.path), ['sections'])
  for (const path of ['sections', 'requirements']) {
    t.notMatch(problemLabel(path), /NaN/, `${path}: no "NaN" shown to the user (got ${JSON.stringify(problemLabel(path))})`)
  }
})

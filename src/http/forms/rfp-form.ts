// The RFP editing form, which works without JavaScript: repeated fields (one per section, requirement or
// criterion, plus blank rows to add one) in, an RfpDraft out; and the other way for showing the form.
// Dates are typed as wall-clock times in the RFP's time zone and stored in UTC.
import { Type, type Static } from 'typebox'
import { checkRfpDraft, DEFAULT_PROCEDURE, SECTION_KINDS, type RfpDocument, type RfpDraft } from '../../domain/rfp-document.js'
import type { Problem } from '../../domain/schema-problems.js'
import { canonicalTimeZone, fromZonedLocal, isTimeZone, toZonedLocal } from '../../domain/time.js'
import { CsrfField } from '../routes/public/sign-in.js'

const MAX_ROWS = 60
const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }))
const Rows = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Array(Type.String({ maxLength }), { maxItems: MAX_ROWS })]))

export const RfpFormSchema = Type.Object({
  _csrf: CsrfField,
  title: Text(400),
  slug: Text(200),
  summary: Text(4000),
  timeZone: Text(100),
  questionsCloseAt: Text(40),
  proposalsDueAt: Text(40),
  decisionExpectedAt: Text(40),
  eligibility: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('invited')])),
  invited: Rows(40),
  section_kind: Rows(40),
  section_heading: Rows(400),
  section_body: Rows(60000),
  section_order: Rows(10),
  requirement_id: Rows(80),
  requirement_name: Rows(400),
  requirement_description: Rows(4000),
  requirement_required: Rows(10),
  criterion_round: Rows(240),
  criterion_id: Rows(80),
  criterion_name: Rows(400),
  criterion_description: Rows(8000),
  criterion_kind: Rows(10),
  criterion_weight: Rows(20),
  criterion_lo: Rows(10),
  criterion_hi: Rows(10),
  minimumProposals: Text(10),
  shortlistRule: Type.Optional(Type.Union([Type.Literal('top'), Type.Literal('min_score')])),
  shortlistCount: Text(10),
  shortlistScore: Text(20),
  tieBreak: Text(40),
  priceEnvelope: Text(40),
  consensusTolerance: Text(10),
  nearTieMargin: Text(20),
  protestWindowDays: Text(10),
  amendmentNoticeDays: Text(10),
  reason: Text(4000)
}, { additionalProperties: false })

export type RfpForm = Static<typeof RfpFormSchema>

const rows = (value: string | string[] | undefined): string[] => value === undefined ? [] : Array.isArray(value) ? value : [value]
const at = (list: string[], i: number): string => list[i] ?? ''

/** An integer when the text is one; the text otherwise, so the schema check names the field. */
function integer (text: string | undefined): number | string | undefined {
  const trimmed = (text ?? '').trim()
  if (trimmed === '') return undefined
  return /^-?\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed
}

/** A stable identifier from a name: "Relevant experience" → "relevant-experience"; unique within `taken`. */
export function identifierFor (name: string, taken: Set<string>): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '') || 'item'
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  taken.add(id)
  return id
}

function instant (path: string, local: string | undefined, zone: string, problems: Problem[], stored: string | undefined): string {
  const text = (local ?? '').trim()
  if (text === '') {
    problems.push({ path, message: 'is required' })
    return ''
  }
  if (!isTimeZone(zone)) return text
  // The form shows minutes: an unchanged field keeps the stored instant, seconds and all (set through the API).
  if (stored !== undefined && toZonedLocal(stored, zone) === text) return stored
  const utc = fromZonedLocal(text, zone)
  if (utc === undefined) problems.push({ path, message: `${text} is not a time that exists in ${zone} (a mistyped date, or the hour skipped when clocks go forward)` })
  return utc ?? ''
}

/**
 * The draft a submitted form stands for, with the problems only the form can have (dates that do not exist).
 * `previous` is the document the form was filled from, when it edits one.
 */
export function draftFromForm (form: RfpForm, previous?: RfpDocument): { draft: RfpDraft, problems: Problem[] } {
  const problems: Problem[] = []
  // Canonical from here on ("europe/berlin" → "Europe/Berlin"): the zone is stored, shown and cached by it.
  const typedZone = (form.timeZone ?? '').trim()
  const zone = canonicalTimeZone(typedZone) ?? typedZone
  // Named once here: the dates cannot be read without a zone, and three date errors would hide the cause.
  if (!isTimeZone(zone)) problems.push({ path: 'timeZone', message: typedZone === '' ? 'is required' : 'is not an IANA time zone (e.g. Europe/Berlin)' })
  const schedule = {
    questionsCloseAt: instant('schedule.questionsCloseAt', form.questionsCloseAt, zone, problems, previous?.schedule.questionsCloseAt),
    proposalsDueAt: instant('schedule.proposalsDueAt', form.proposalsDueAt, zone, problems, previous?.schedule.proposalsDueAt),
    decisionExpectedAt: instant('schedule.decisionExpectedAt', form.decisionExpectedAt, zone, problems, previous?.schedule.decisionExpectedAt)
  }

  // Sections: a row with neither heading nor body is a blank row left unused, or one emptied to remove it.
  const kinds = rows(form.section_kind)
  const headings = rows(form.section_heading)
  const bodies = rows(form.section_body)
  const orders = rows(form.section_order)
  const sections = headings.map((heading, i) => ({ heading: heading.trim(), body: at(bodies, i).trim(), kind: at(kinds, i), order: Number(at(orders, i) || i + 1), i }))
    .filter((s) => s.heading !== '' || s.body !== '')
    .sort((a, b) => (Number.isFinite(a.order) ? a.order : Infinity) - (Number.isFinite(b.order) ? b.order : Infinity) || a.i - b.i)
    .map(({ heading, body, kind }) => ({ kind: kind as typeof SECTION_KINDS[number], heading, body }))

  const requirementIds = new Set<string>()
  const reqIds = rows(form.requirement_id)
  const reqDescriptions = rows(form.requirement_description)
  const reqRequired = rows(form.requirement_required)
  const requirements = rows(form.requirement_name).map((name, i) => ({ name: name.trim(), id: at(reqIds, i).trim(), description: at(reqDescriptions, i).trim(), required: at(reqRequired, i) !== 'optional' }))
    .filter((r) => r.name !== '')
  for (const r of requirements) if (r.id !== '') requirementIds.add(r.id)
  for (const r of requirements) if (r.id === '') r.id = identifierFor(r.name, requirementIds)

  // Criteria are grouped into rounds by the round name typed on each row, in the order rounds first appear.
  const roundNames = rows(form.criterion_round)
  const criterionIds = rows(form.criterion_id)
  const descriptions = rows(form.criterion_description)
  const criterionKinds = rows(form.criterion_kind)
  const weights = rows(form.criterion_weight)
  const los = rows(form.criterion_lo)
  const his = rows(form.criterion_hi)
  const rounds: { name: string, criteria: RfpDraft['rounds'][number]['criteria'] }[] = []
  const taken = new Map<string, Set<string>>()
  rows(form.criterion_name).forEach((rawName, i) => {
    const name = rawName.trim()
    if (name === '') return
    const roundName = at(roundNames, i).trim() || 'Round 1'
    let round = rounds.find((r) => r.name === roundName)
    if (round === undefined) {
      round = { name: roundName, criteria: [] }
      rounds.push(round)
      taken.set(roundName, new Set(rows(form.criterion_id).filter((id, j) => id.trim() !== '' && (at(roundNames, j).trim() || 'Round 1') === roundName)))
    }
    const kind = at(criterionKinds, i) || 'scored'
    const id = at(criterionIds, i).trim() || identifierFor(name, taken.get(roundName) ?? new Set())
    const weight = at(weights, i).trim()
    round.criteria.push({
      id,
      name,
      description: at(descriptions, i).trim(),
      kind: kind as 'scored' | 'price' | 'gate',
      ...(weight !== '' ? { weight } : {}),
      ...(kind === 'scored' && integer(at(los, i)) !== undefined ? { lo: integer(at(los, i)) as number } : {}),
      ...(kind === 'scored' && integer(at(his, i)) !== undefined ? { hi: integer(at(his, i)) as number } : {})
    })
  })

  const shortlist = form.shortlistRule === 'min_score'
    ? { rule: 'min_score' as const, score: (form.shortlistScore ?? '').trim() }
    : { rule: 'top' as const, count: integer(form.shortlistCount) as number }
  const procedure = {
    minimumProposals: integer(form.minimumProposals) as number,
    shortlist,
    tieBreak: form.tieBreak as RfpDocument['procedure']['tieBreak'],
    priceEnvelope: form.priceEnvelope as RfpDocument['procedure']['priceEnvelope'],
    consensusTolerance: integer(form.consensusTolerance) as number,
    nearTieMargin: (form.nearTieMargin ?? '').trim(),
    protestWindowDays: integer(form.protestWindowDays) as number,
    amendmentNoticeDays: integer(form.amendmentNoticeDays) as number
  }

  const draft: RfpDraft = {
    slug: (form.slug ?? '').trim(),
    title: (form.title ?? '').trim(),
    summary: (form.summary ?? '').trim(),
    timeZone: zone,
    schedule,
    sections,
    rounds,
    eligibility: form.eligibility === 'invited' ? { mode: 'invited', vendors: rows(form.invited) } : { mode: 'open' },
    requirements,
    procedure
  }
  return { draft, problems }
}

/**
 * Everything wrong with a submitted form at once: its own problems, then the document's rules for the
 * fields it had no problem with (the schema's view of an unreadable date would only repeat it).
 */
export function allProblems (draft: RfpDraft, formProblems: Problem[]): Problem[] {
  if (formProblems.length === 0) return []
  return [...formProblems, ...checkRfpDraft(draft).filter((p) => !formProblems.some((f) => f.path === p.path))]
}

/** The form's values for a document (or a blank one), with blank rows to add sections, requirements and criteria. */
export function formFromDocument (doc: RfpDocument | undefined) {
  const zone = doc?.timeZone ?? 'UTC'
  const local = (iso: string | undefined): string => iso === undefined || iso === '' ? '' : toZonedLocal(iso, zone)
  const procedure = doc?.procedure ?? DEFAULT_PROCEDURE
  return {
    title: doc?.title ?? '',
    slug: doc?.slug ?? '',
    summary: doc?.summary ?? '',
    timeZone: zone,
    questionsCloseAt: local(doc?.schedule.questionsCloseAt),
    proposalsDueAt: local(doc?.schedule.proposalsDueAt),
    decisionExpectedAt: local(doc?.schedule.decisionExpectedAt),
    eligibility: doc?.eligibility.mode ?? 'open',
    invited: doc?.eligibility.mode === 'invited' ? doc.eligibility.vendors : [],
    sections: [...(doc?.sections ?? []), { kind: 'other', heading: '', body: '' }].map((s, i) => ({ ...s, order: i + 1 })),
    requirements: [...(doc?.requirements ?? []), { id: '', name: '', description: '', required: true }],
    criteria: [
      ...(doc?.rounds ?? []).flatMap((round) => round.criteria.map((c) => ({ ...c, round: round.name }))),
      { round: doc?.rounds[0]?.name ?? 'Round 1', id: '', name: '', description: '', kind: 'scored', weight: '', lo: undefined, hi: undefined },
      { round: doc?.rounds[0]?.name ?? 'Round 1', id: '', name: '', description: '', kind: 'scored', weight: '', lo: undefined, hi: undefined }
    ],
    procedure: {
      ...procedure,
      shortlistRule: procedure.shortlist.rule,
      shortlistCount: procedure.shortlist.rule === 'top' ? procedure.shortlist.count : '',
      shortlistScore: procedure.shortlist.rule === 'min_score' ? procedure.shortlist.score : ''
    }
  }
}

const PATH_LABELS: Record<string, string> = {
  title: 'Title',
  slug: 'Address (slug)',
  summary: 'Summary',
  timeZone: 'Time zone',
  'schedule.questionsCloseAt': 'Questions close',
  'schedule.proposalsDueAt': 'Proposals due',
  'schedule.decisionExpectedAt': 'Decision expected',
  eligibility: 'Who may bid',
  'eligibility.vendors': 'Invited vendors',
  rounds: 'Criteria',
  procedure: 'Procedure',
  reason: 'Reason for the amendment',
  '': 'The amendment'
}

/** "Section 2, heading" for "sections.1.heading": where a problem is, in the form's own words. */
export function problemLabel (path: string): string {
  const known = PATH_LABELS[path]
  if (known !== undefined) return known
  const parts = path.split('.')
  const ordinal = (n: string | undefined): number => Number(n) + 1
  if (parts[0] === 'sections' && parts[1] === undefined) return 'Sections'
  if (parts[0] === 'requirements' && parts[1] === undefined) return 'Proposal contents'
  if (parts[0] === 'sections') return `Section ${ordinal(parts[1])}${parts[2] === undefined ? '' : `, ${parts[2]}`}`
  if (parts[0] === 'requirements') return `Proposal contents, row ${ordinal(parts[1])}${parts[2] === undefined ? '' : `, ${parts[2]}`}`
  if (parts[0] === 'rounds' && parts[2] === 'criteria' && parts[3] !== undefined) return `Criteria: round ${ordinal(parts[1])}, criterion ${ordinal(parts[3])}${parts[4] === undefined ? '' : `, ${parts[4]}`}`
  if (parts[0] === 'rounds') return `Criteria: round ${ordinal(parts[1])}`
  if (parts[0] === 'procedure') return `Procedure: ${parts.slice(1).join(' ')}`
  if (parts[0] === 'eligibility') return 'Invited vendors'
  return path
}

// What an RFP says: its text, schedule and criteria, with the rules a draft must meet.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { Rational } from './rational.js'
import { schemaProblems, type Problem } from './schema-problems.js'
import { isInstant, isTimeZone } from './time.js'

export type { Problem }

export const SECTION_KINDS = [
  'background', 'scope', 'focus_areas', 'out_of_scope', 'methodology', 'expectations',
  'confidentiality', 'deliverables', 'proposal_contents', 'other'
] as const

const Instant = Type.String({ format: 'date-time', maxLength: 40, description: 'An instant in ISO 8601 with an offset, e.g. 2026-12-01T17:00:00Z' })
const DecimalWeight = Type.String({ pattern: '^\\d{1,6}(\\.\\d{1,6})?$', description: 'A positive decimal, e.g. "25" or "12.5"' })

export const SectionSchema = Type.Object({
  kind: Type.Enum(SECTION_KINDS),
  heading: Type.String({ minLength: 1, maxLength: 120 }),
  body: Type.String({ minLength: 1, maxLength: 50000, description: 'Markdown; raw HTML is shown as text' })
}, { additionalProperties: false })

export const CriterionSchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'Stable identifier used in scores and decision.json' }),
  name: Type.String({ minLength: 1, maxLength: 160 }),
  description: Type.String({ maxLength: 4000 }),
  kind: Type.Enum(['scored', 'price', 'gate']),
  weight: Type.Optional(DecimalWeight),
  lo: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  hi: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 }))
}, { additionalProperties: false })

export const RoundSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  criteria: Type.Array(CriterionSchema, { minItems: 1, maxItems: 40 })
}, { additionalProperties: false })

export const ScheduleSchema = Type.Object({
  questionsCloseAt: Instant,
  proposalsDueAt: Instant,
  decisionExpectedAt: Instant
}, { additionalProperties: false })

export const RfpDraftSchema = Type.Object({
  slug: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 3, maxLength: 80 }),
  title: Type.String({ minLength: 3, maxLength: 200 }),
  summary: Type.String({ minLength: 1, maxLength: 2000 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  schedule: ScheduleSchema,
  sections: Type.Array(SectionSchema, { maxItems: 30 }),
  rounds: Type.Array(RoundSchema, { minItems: 1, maxItems: 5 })
}, { additionalProperties: false })

export type Section = Static<typeof SectionSchema>
export type Criterion = Static<typeof CriterionSchema>
export type Round = Static<typeof RoundSchema>
export type Schedule = Static<typeof ScheduleSchema>
export type RfpDraft = Static<typeof RfpDraftSchema>

export const DEFAULT_SCALE = { lo: 1, hi: 5 } as const

function checkCriterion (criterion: Criterion, path: string): Problem[] {
  const problems: Problem[] = []
  if (criterion.kind === 'gate') {
    if (criterion.weight !== undefined) problems.push({ path: `${path}.weight`, message: 'a pass/fail gate has no weight' })
  } else if (criterion.weight === undefined || !Rational.parseDecimal(criterion.weight).isPositive()) {
    problems.push({ path: `${path}.weight`, message: 'must be greater than 0' })
  }
  if (criterion.kind === 'scored') {
    const lo = criterion.lo ?? DEFAULT_SCALE.lo
    const hi = criterion.hi ?? DEFAULT_SCALE.hi
    if (lo >= hi) problems.push({ path: `${path}.hi`, message: `the scale must run upwards (lo ${lo}, hi ${hi})` })
  } else if (criterion.lo !== undefined || criterion.hi !== undefined) {
    problems.push({ path: `${path}.lo`, message: `a ${criterion.kind} criterion has no scale` })
  }
  return problems
}

/** Every problem with a draft, schema first, then the rules between fields. Empty when it is valid. */
export function checkRfpDraft (input: unknown): Problem[] {
  if (!Value.Check(RfpDraftSchema, input)) return schemaProblems(RfpDraftSchema, input)
  const draft = input
  const problems: Problem[] = []
  if (!isTimeZone(draft.timeZone)) problems.push({ path: 'timeZone', message: 'is not an IANA time zone (e.g. Europe/Berlin)' })

  const { questionsCloseAt, proposalsDueAt, decisionExpectedAt } = draft.schedule
  const unreal = Object.entries(draft.schedule).filter(([, at]) => !isInstant(at))
  if (unreal.length > 0) return [...problems, ...unreal.map(([key]) => ({ path: `schedule.${key}`, message: 'is not a real instant' }))]
  if (Date.parse(questionsCloseAt) >= Date.parse(proposalsDueAt)) {
    problems.push({ path: 'schedule.proposalsDueAt', message: 'must be after the question period closes' })
  }
  if (Date.parse(proposalsDueAt) >= Date.parse(decisionExpectedAt)) {
    problems.push({ path: 'schedule.decisionExpectedAt', message: 'must be after proposals are due' })
  }

  const kinds = new Set<string>()
  draft.sections.forEach((section, i) => {
    if (section.kind !== 'other' && kinds.has(section.kind)) problems.push({ path: `sections.${i}.kind`, message: `there is already a ${section.kind} section` })
    kinds.add(section.kind)
  })

  draft.rounds.forEach((round, r) => {
    const ids = new Set<string>()
    round.criteria.forEach((criterion, c) => {
      const path = `rounds.${r}.criteria.${c}`
      if (ids.has(criterion.id)) problems.push({ path: `${path}.id`, message: `repeats the id ${criterion.id}` })
      ids.add(criterion.id)
      problems.push(...checkCriterion(criterion, path))
    })
    if (!round.criteria.some((criterion) => criterion.kind !== 'gate')) {
      problems.push({ path: `rounds.${r}.criteria`, message: 'a round needs at least one weighted criterion' })
    }
  })
  return problems
}

/** Each weighted criterion's share of its round as a percentage, exact until rounded to one decimal. */
export function weightShares (round: Round): Map<string, string> {
  const weighted = round.criteria.filter((c) => c.weight !== undefined)
  const total = Rational.sum(weighted.map((c) => Rational.parseDecimal(c.weight as string)))
  return new Map(weighted.map((c) => [c.id, Rational.parseDecimal(c.weight as string).mul(Rational.of(100)).div(total).toFixed(1)]))
}

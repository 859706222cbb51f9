// What an RFP says: its text, schedule and criteria, with the rules a draft must meet.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { Rational } from './rational.js'
import { schemaProblems, type Problem } from './schema-problems.js'
import { canonicalTimeZone, isInstant, isTimeZone } from './time.js'

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

export const EligibilitySchema = Type.Union([
  Type.Object({ mode: Type.Literal('open') }, { additionalProperties: false }),
  Type.Object({
    mode: Type.Literal('invited'),
    vendors: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'Ids of the invited vendor organisations' })
  }, { additionalProperties: false })
])

/** Something a proposal must (or may) contain, e.g. CVs or an example report. */
export const RequirementSchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
  name: Type.String({ minLength: 1, maxLength: 160 }),
  description: Type.String({ maxLength: 2000 }),
  required: Type.Boolean()
}, { additionalProperties: false })

/** The procedure of DESIGN §2, published with the RFP and frozen at publication. */
export const ProcedureSchema = Type.Object({
  minimumProposals: Type.Integer({ minimum: 1, maximum: 100 }),
  shortlist: Type.Union([
    Type.Object({ rule: Type.Literal('top'), count: Type.Integer({ minimum: 1, maximum: 50 }) }, { additionalProperties: false }),
    Type.Object({ rule: Type.Literal('min_score'), score: DecimalWeight }, { additionalProperties: false })
  ]),
  tieBreak: Type.Enum(['lower_price', 'committee_vote', 'earlier_submission']),
  /** When the price envelope is opened, for RFPs with a price criterion. */
  priceEnvelope: Type.Enum(['after_scoring', 'after_shortlist']),
  /** Score points by which evaluators may differ on a criterion before it is listed for discussion. */
  consensusTolerance: Type.Integer({ minimum: 0, maximum: 100 }),
  /** Points of the 0–100 score within which two proposals are flagged as a near tie. */
  nearTieMargin: DecimalWeight,
  protestWindowDays: Type.Integer({ minimum: 0, maximum: 90 }),
  /** An amendment issued closer than this to the deadline moves the deadline to keep this many days. */
  amendmentNoticeDays: Type.Integer({ minimum: 0, maximum: 60 })
}, { additionalProperties: false })

export const RfpDraftSchema = Type.Object({
  slug: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 3, maxLength: 80 }),
  title: Type.String({ minLength: 3, maxLength: 200 }),
  summary: Type.String({ minLength: 1, maxLength: 2000 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  schedule: ScheduleSchema,
  sections: Type.Array(SectionSchema, { maxItems: 30 }),
  rounds: Type.Array(RoundSchema, { minItems: 1, maxItems: 5 }),
  eligibility: Type.Optional(EligibilitySchema),
  requirements: Type.Optional(Type.Array(RequirementSchema, { maxItems: 20 })),
  procedure: Type.Optional(ProcedureSchema),
  /** What committee members attest before reading any proposal; the instance's text where absent. */
  attestation: Type.Optional(Type.String({ minLength: 20, maxLength: 4000 }))
}, { additionalProperties: false })

export type Section = Static<typeof SectionSchema>
export type Criterion = Static<typeof CriterionSchema>
export type Round = Static<typeof RoundSchema>
export type Schedule = Static<typeof ScheduleSchema>
export type RfpDraft = Static<typeof RfpDraftSchema>
export type Eligibility = Static<typeof EligibilitySchema>
export type Requirement = Static<typeof RequirementSchema>
export type Procedure = Static<typeof ProcedureSchema>
/** A draft with every optional part filled in: what is stored and published. */
export type RfpDocument = Required<Omit<RfpDraft, 'attestation'>> & Pick<RfpDraft, 'attestation'>

export const DEFAULT_PROCEDURE: Procedure = {
  minimumProposals: 1,
  shortlist: { rule: 'top', count: 3 },
  tieBreak: 'committee_vote',
  priceEnvelope: 'after_scoring',
  consensusTolerance: 2,
  nearTieMargin: '1',
  protestWindowDays: 10,
  amendmentNoticeDays: 7
}

/** The document a draft stands for; RFPs stored before eligibility, requirements and procedure existed read the same way. */
export function withDefaults (draft: RfpDraft): RfpDocument {
  // Instants are kept as UTC with milliseconds, so that two documents compare equal when they mean the same.
  const utc = (at: string): string => isInstant(at) ? new Date(at).toISOString() : at
  return {
    ...draft,
    timeZone: canonicalTimeZone(draft.timeZone) ?? draft.timeZone,
    schedule: { questionsCloseAt: utc(draft.schedule.questionsCloseAt), proposalsDueAt: utc(draft.schedule.proposalsDueAt), decisionExpectedAt: utc(draft.schedule.decisionExpectedAt) },
    eligibility: draft.eligibility ?? { mode: 'open' },
    requirements: draft.requirements ?? [],
    procedure: draft.procedure ?? DEFAULT_PROCEDURE
  }
}

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
    if (round.criteria.filter((criterion) => criterion.kind === 'price').length > 1) {
      problems.push({ path: `rounds.${r}.criteria`, message: 'a round has at most one price criterion' })
    }
  })

  const requirementIds = new Set<string>()
  draft.requirements?.forEach((requirement, i) => {
    if (requirementIds.has(requirement.id)) problems.push({ path: `requirements.${i}.id`, message: `repeats the id ${requirement.id}` })
    requirementIds.add(requirement.id)
  })
  const shortlist = draft.procedure?.shortlist
  if (shortlist?.rule === 'min_score' && Rational.parseDecimal(shortlist.score).compare(Rational.of(100)) > 0) {
    problems.push({ path: 'procedure.shortlist.score', message: 'is a score out of 100: it cannot be above 100' })
  }
  // Prices opened for the shortlist only are scored in a later round: round 1 cannot wait for them, and one round never gets them.
  const pricedRounds = draft.rounds.map((round) => round.criteria.some((c) => c.kind === 'price'))
  if (draft.procedure?.priceEnvelope === 'after_shortlist' && pricedRounds.some(Boolean) && (draft.rounds.length < 2 || pricedRounds[0] === true)) {
    problems.push({ path: 'procedure.priceEnvelope', message: 'opening prices for the shortlist only needs a second round that holds the price criterion, and none in round 1' })
  }
  if (draft.procedure !== undefined && Rational.parseDecimal(draft.procedure.nearTieMargin).compare(Rational.of(100)) > 0) {
    problems.push({ path: 'procedure.nearTieMargin', message: 'is in points out of 100: it cannot be above 100' })
  }
  return problems
}

/** Each weighted criterion's share of its round as a percentage, exact until rounded to one decimal. */
export function weightShares (round: Round): Map<string, string> {
  const weighted = round.criteria.filter((c) => c.weight !== undefined)
  const total = Rational.sum(weighted.map((c) => Rational.parseDecimal(c.weight as string)))
  return new Map(weighted.map((c) => [c.id, Rational.parseDecimal(c.weight as string).mul(Rational.of(100)).div(total).toFixed(1)]))
}

// The committee's inputs and the record they leave: conflicts, score sheets, their sealed form and hash,
// consensus and gate outcomes, the decision, and the labels the public record uses. No I/O.
import { Type, type Static } from 'typebox'
import { canonicalHash, canonicalJson, type JsonValue } from './canonical-json.js'
import type { Criterion, RfpDocument } from './rfp-document.js'
import { DEFAULT_SCALE } from './rfp-document.js'

export const CONFLICT_KINDS = ['employment', 'financial', 'other'] as const
export type ConflictKind = typeof CONFLICT_KINDS[number]

export const CONFLICT_LABELS: Record<ConflictKind, string> = {
  employment: 'Employment (now or recently, by me or someone close to me)',
  financial: 'Financial interest',
  other: 'Other (say what in the note)'
}

export const COMMENT_MAX_LENGTH = 4000
export const REASON_MAX_LENGTH = 2000
export const RATIONALE_MAX_LENGTH = 20000

export const ConflictInputSchema = Type.Object({
  organisationId: Type.String({ format: 'uuid' }),
  kind: Type.Enum(CONFLICT_KINDS),
  note: Type.String({ maxLength: REASON_MAX_LENGTH })
}, { additionalProperties: false })
export type ConflictInput = Static<typeof ConflictInputSchema>

export const ScoreCellSchema = Type.Object({
  criterion: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
  score: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()]),
  comment: Type.String({ maxLength: COMMENT_MAX_LENGTH })
}, { additionalProperties: false })

export const ScoreSheetInputSchema = Type.Object({
  cells: Type.Array(ScoreCellSchema, { maxItems: 40 }),
  submit: Type.Boolean()
}, { additionalProperties: false })
export type ScoreSheetInput = Static<typeof ScoreSheetInputSchema>

export interface Problem { path: string, message: string }

/** The criteria an evaluator scores: gates are judged by the committee, price comes from its envelope. */
export function scoredCriteria (document: RfpDocument, round: number): Criterion[] {
  return document.rounds[round - 1]?.criteria.filter((c) => c.kind === 'scored') ?? []
}

export function scaleOf (criterion: Criterion): { lo: number, hi: number } {
  return { lo: criterion.lo ?? DEFAULT_SCALE.lo, hi: criterion.hi ?? DEFAULT_SCALE.hi }
}

/**
 * Every problem with a sheet against its round's criteria. A draft may leave cells empty; a submitted sheet
 * has an integer on the scale and a comment for every criterion (DESIGN §3.3: each score with a comment).
 */
export function sheetProblems (criteria: readonly Criterion[], input: ScoreSheetInput): Problem[] {
  const problems: Problem[] = []
  const byId = new Map(criteria.map((c) => [c.id, c]))
  const seen = new Set<string>()
  input.cells.forEach((cell, i) => {
    const criterion = byId.get(cell.criterion)
    if (criterion === undefined) { problems.push({ path: `cells.${i}.criterion`, message: `is not a scored criterion of this round: ${cell.criterion}` }); return }
    if (seen.has(cell.criterion)) problems.push({ path: `cells.${i}.criterion`, message: `repeats ${cell.criterion}` })
    seen.add(cell.criterion)
    const { lo, hi } = scaleOf(criterion)
    if (cell.score !== null && (cell.score < lo || cell.score > hi)) problems.push({ path: `scores.${cell.criterion}`, message: `must be a whole number from ${lo} to ${hi}` })
  })
  if (!input.submit) return problems
  for (const criterion of criteria) {
    const cell = input.cells.find((c) => c.criterion === criterion.id)
    if (cell?.score === null || cell === undefined) problems.push({ path: `scores.${criterion.id}`, message: `give a score for "${criterion.name}" before submitting` })
    if (cell !== undefined && cell.comment.trim() === '') problems.push({ path: `comments.${criterion.id}`, message: `give a comment for "${criterion.name}" before submitting` })
  }
  return problems
}

export interface SheetScore { proposal: string, criterion: string, score: number }

/**
 * One evaluator's submitted scores in a round as the record commits to them. Proposals are named by their
 * receipt hash (already public) and the evaluator by their public label; the salt is 128 random bits in hex,
 * published with the decision so that anyone can recompute the hash from the published scores.
 */
export function scoreSheet (input: { rfp: string, round: number, evaluator: string, salt: string, scores: readonly SheetScore[] }): { json: string, hash: string } {
  const scores = [...input.scores].sort((a, b) => a.proposal.localeCompare(b.proposal) || a.criterion.localeCompare(b.criterion))
  const sheet = { format: 'shortlist.score-sheet/1', rfp: input.rfp, round: input.round, evaluator: input.evaluator, salt: input.salt, scores } as unknown as JsonValue
  return { json: canonicalJson(sheet), hash: canonicalHash(sheet) }
}

/**
 * "Evaluator 1", "Evaluator 2"…: by the order evaluators attested. Labels a closed round already published
 * are kept, so an evaluator is the same "Evaluator n" in every round; others are numbered after the highest.
 */
export function evaluatorLabels (attestedEvaluators: readonly string[], published: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const labels = new Map(published)
  let next = Math.max(0, ...[...published.values()].map((label) => Number(/\d+$/.exec(label)?.[0] ?? 0)))
  for (const id of attestedEvaluators) if (!labels.has(id)) labels.set(id, `Evaluator ${++next}`)
  return labels
}

/** "Vendor A" … "Vendor Z", "Vendor AA" …: how unsuccessful vendors appear unless they choose to be named. */
export function vendorLabel (index: number): string {
  let label = ''
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) label = String.fromCharCode(65 + ((n - 1) % 26)) + label
  return `Vendor ${label}`
}

/** Final statuses an owner may give at the decision; the rest follow from the results. */
export const DECISION_STATUSES = ['selected', 'not_selected', 'disqualified'] as const

export const DecisionInputSchema = Type.Object({
  selected: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 20, uniqueItems: true }),
  rationale: Type.String({ maxLength: RATIONALE_MAX_LENGTH }),
  disqualified: Type.Array(Type.Object({
    proposal: Type.String({ format: 'uuid' }),
    reason: Type.String({ maxLength: REASON_MAX_LENGTH })
  }, { additionalProperties: false }), { maxItems: 1000 })
}, { additionalProperties: false })
export type DecisionInput = Static<typeof DecisionInputSchema>

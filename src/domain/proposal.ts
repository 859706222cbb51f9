// What a proposal holds and the rules a submission must meet against its RFP; statuses of DESIGN §2.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { RfpDocument } from './rfp-document.js'
import { schemaProblems, type Problem } from './schema-problems.js'

export const PROPOSAL_STATUSES = ['submitted', 'withdrawn', 'non_responsive', 'disqualified', 'scored', 'shortlisted', 'selected', 'not_selected'] as const
export type ProposalStatus = typeof PROPOSAL_STATUSES[number]

/** How a status reads on pages and in the record. */
export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  submitted: 'submitted',
  withdrawn: 'withdrawn',
  non_responsive: 'non-responsive',
  disqualified: 'disqualified',
  scored: 'scored',
  shortlisted: 'shortlisted',
  selected: 'selected',
  not_selected: 'not selected'
}

export const PersonSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  role: Type.String({ maxLength: 200 }),
  experience: Type.String({ maxLength: 2000, description: 'Relevant experience, in a few lines' })
}, { additionalProperties: false })

/** The technical envelope: opened at the opening ceremony. */
export const ProposalContentSchema = Type.Object({
  summary: Type.String({ minLength: 1, maxLength: 20000, description: 'Markdown; raw HTML is shown as text' }),
  personnel: Type.Array(PersonSchema, { maxItems: 50 })
}, { additionalProperties: false })

/** The price envelope: sealed to its own key, opened after technical scoring closes. */
export const PriceSchema = Type.Object({
  amount: Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$', description: 'The total price, e.g. "48000" or "48000.50"' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' }),
  notes: Type.String({ maxLength: 4000 })
}, { additionalProperties: false })

export const ProposalInputSchema = Type.Object({
  content: ProposalContentSchema,
  price: Type.Optional(PriceSchema),
  /** Partner organisations of a consortium led by the submitting vendor. */
  partners: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20, uniqueItems: true })
}, { additionalProperties: false })

export type ProposalContent = Static<typeof ProposalContentSchema>
export type Price = Static<typeof PriceSchema>
export type ProposalInput = Static<typeof ProposalInputSchema>

/** The part a file answers: a requirement's id, or "other". */
export const OTHER_PART = 'other'

export function scoresPrice (document: RfpDocument): boolean {
  return document.rounds.some((round) => round.criteria.some((criterion) => criterion.kind === 'price'))
}

/** Every problem with a submission against the RFP's current document; empty when it may be accepted. */
export function checkProposal (input: unknown, document: RfpDocument, fileParts: readonly string[], leadOrganisationId: string): Problem[] {
  if (!Value.Check(ProposalInputSchema, input)) return schemaProblems(ProposalInputSchema, input)
  const problems: Problem[] = []
  if (input.content.summary.trim() === '') problems.push({ path: 'content.summary', message: 'cannot be empty' })
  const parts = new Set(document.requirements.map((requirement) => requirement.id))
  fileParts.forEach((part, i) => {
    if (part !== OTHER_PART && !parts.has(part)) problems.push({ path: `files.${i}.part`, message: `names no requirement of this RFP (${part})` })
  })
  for (const requirement of document.requirements) {
    if (requirement.required && !fileParts.includes(requirement.id)) problems.push({ path: `files.${requirement.id}`, message: `${requirement.name} is required: attach it` })
  }
  if (scoresPrice(document) && input.price === undefined) problems.push({ path: 'price', message: 'this RFP scores price: give the price in its envelope' })
  // Price points are lowest price / price (DESIGN §4): a price of nothing would divide by zero.
  if (input.price !== undefined && /^0+(\.0+)?$/.test(input.price.amount)) problems.push({ path: 'price.amount', message: 'must be more than 0' })
  if (!scoresPrice(document) && input.price !== undefined) problems.push({ path: 'price', message: 'this RFP does not score price: leave the price envelope empty' })
  if (input.partners.includes(leadOrganisationId)) problems.push({ path: 'partners', message: 'the lead vendor is not its own partner' })
  return problems
}

/** Whether a submission at `now` is on time: strictly before `proposalsDueAt` (at the deadline is late). */
export function isOnTime (proposalsDueAt: string, now: Date): boolean {
  return now.getTime() < Date.parse(proposalsDueAt)
}

// The proposal form, which works without JavaScript: its text fields (read from a multipart body) in, a
// ProposalInput out. Personnel rows left blank are dropped; the price is given only when the RFP scores it.
import type { ProposalInput } from '../../domain/proposal.js'
import type { Problem } from '../../domain/schema-problems.js'

/** The text fields the form has; anything else is refused by name. */
export const PROPOSAL_FIELDS = ['summary', 'person_name', 'person_role', 'person_experience', 'price_amount', 'price_currency', 'price_notes', 'partners'] as const
/** Rows of personnel the form offers at most. */
export const PERSON_ROWS = 50

export type ProposalFields = Partial<Record<typeof PROPOSAL_FIELDS[number], string[]>>

export function isProposalField (name: string): name is typeof PROPOSAL_FIELDS[number] {
  return (PROPOSAL_FIELDS as readonly string[]).includes(name)
}

export function proposalFromFields (fields: ProposalFields, withPrice: boolean): { input: ProposalInput, problems: Problem[] } {
  const problems: Problem[] = []
  const rows = Math.max(fields.person_name?.length ?? 0, fields.person_role?.length ?? 0, fields.person_experience?.length ?? 0)
  if (rows > PERSON_ROWS) problems.push({ path: 'content.personnel', message: `lists at most ${PERSON_ROWS} people` })
  const personnel = Array.from({ length: Math.min(rows, PERSON_ROWS) }, (_, i) => ({
    name: (fields.person_name?.[i] ?? '').trim(),
    role: (fields.person_role?.[i] ?? '').trim(),
    experience: (fields.person_experience?.[i] ?? '').trim()
  })).filter((person) => person.name !== '' || person.role !== '' || person.experience !== '')
  const input: ProposalInput = {
    content: { summary: (fields.summary?.[0] ?? '').trim(), personnel },
    partners: [...new Set(fields.partners ?? [])]
  }
  const amount = (fields.price_amount?.[0] ?? '').trim()
  if (withPrice || amount !== '') {
    input.price = { amount: amount.replace(/[\s,]/g, ''), currency: (fields.price_currency?.[0] ?? '').trim().toUpperCase(), notes: (fields.price_notes?.[0] ?? '').trim() }
  }
  return { input, problems }
}

const LABELS: [RegExp, string][] = [
  [/^content\.summary$/, 'Summary'],
  [/^content\.personnel\.(\d+)\.(\w+)$/, 'Person $1: $2'],
  [/^content\.personnel$/, 'Personnel'],
  [/^price\.amount$/, 'Price'],
  [/^price\.currency$/, 'Currency'],
  [/^price\.notes$/, 'Price notes'],
  [/^price$/, 'Price'],
  [/^partners(\.\d+)?$/, 'Consortium partners'],
  [/^files\.(.+)$/, 'Attachment $1']
]

/** A problem's path in the words of the form. */
export function proposalFieldLabel (path: string): string {
  for (const [pattern, label] of LABELS) {
    if (pattern.test(path)) return path.replace(pattern, label).replace(/Person (\d+)/, (_, n: string) => `Person ${Number(n) + 1}`)
  }
  return path
}

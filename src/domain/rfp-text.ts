// An RFP version as plain text: what the word-level diff between two versions compares.
import { diffWordsWithSpace } from 'diff'
import { DEFAULT_SCALE, type RfpDocument } from './rfp-document.js'
import { cachedFormat } from './time.js'

const formats = new Map<string, Intl.DateTimeFormat>()

function when (iso: string, timeZone: string): string {
  const format = cachedFormat(formats, timeZone, (zone) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'full', timeStyle: 'short' }))
  return `${format.format(new Date(iso))} (${timeZone})`
}

/** Every part of a version that an amendment can change, in reading order. Vendor ids are shown by name. */
export function documentText (doc: RfpDocument, vendorNames: ReadonlyMap<string, string>): string {
  const lines: string[] = [doc.title, '', doc.summary, '', 'Schedule',
    `Questions close: ${when(doc.schedule.questionsCloseAt, doc.timeZone)}`,
    `Proposals due: ${when(doc.schedule.proposalsDueAt, doc.timeZone)}`,
    `Decision expected: ${when(doc.schedule.decisionExpectedAt, doc.timeZone)}`, '']
  lines.push('Who may bid', doc.eligibility.mode === 'open'
    ? 'Open to any vendor'
    : `Invited vendors: ${doc.eligibility.vendors.map((id) => vendorNames.get(id) ?? id).join(', ')}`, '')
  for (const section of doc.sections) lines.push(section.heading, '', section.body, '')
  if (doc.requirements.length > 0) {
    lines.push('A proposal contains')
    for (const r of doc.requirements) lines.push(`${r.name} (${r.required ? 'required' : 'optional'})${r.description === '' ? '' : `: ${r.description}`}`)
    lines.push('')
  }
  for (const round of doc.rounds) {
    lines.push(`Criteria: ${round.name}`)
    for (const c of round.criteria) {
      const how = c.kind === 'gate'
        ? 'pass/fail gate'
        : c.kind === 'price' ? `price, weight ${c.weight ?? ''}` : `weight ${c.weight ?? ''}, scale ${c.lo ?? DEFAULT_SCALE.lo} to ${c.hi ?? DEFAULT_SCALE.hi}`
      lines.push(`${c.name} (${how})${c.description === '' ? '' : `: ${c.description}`}`)
    }
    lines.push('')
  }
  const p = doc.procedure
  lines.push('Procedure',
    `Minimum number of proposals: ${p.minimumProposals}`,
    `Shortlist: ${p.shortlist.rule === 'top' ? `the top ${p.shortlist.count}` : `every proposal scoring at least ${p.shortlist.score}`}`,
    `Ties broken by: ${p.tieBreak.replaceAll('_', ' ')}`,
    `Price envelope opened: ${p.priceEnvelope.replaceAll('_', ' ')}`,
    `Consensus tolerance: ${p.consensusTolerance} points`,
    `Near-tie margin: ${p.nearTieMargin} points`,
    `Protest window: ${p.protestWindowDays} days`,
    `Notice kept after an amendment: ${p.amendmentNoticeDays} days`)
  return lines.join('\n')
}

export interface DiffPart { change: 'same' | 'added' | 'removed', text: string }

/**
 * Past this many edits the word diff gives up (its cost grows with the square of the edits: 500 take
 * about 0.15 s on a large text here), and the two versions are shown whole instead.
 */
export const MAX_DIFF_EDITS = 500

/**
 * Word by word, whitespace included (a paragraph split is a change too); runs of one kind come out merged. `complete` is false when
 * the versions differ too much to be marked word by word: then all of one is removed and all of the other added.
 */
export function wordDiff (before: string, after: string): { parts: DiffPart[], complete: boolean } {
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_DIFF_EDITS })
  if (changes === undefined) return { parts: [{ change: 'removed', text: before }, { change: 'added', text: after }], complete: false }
  return { parts: changes.map((part) => ({ change: part.added ? 'added' : part.removed ? 'removed' : 'same', text: part.value })), complete: true }
}

// The demo's third RFP: a fuzzing audit that ran its whole course months ago — four proposals, two evaluators
// (one recused from a vendor), close scores at the top, a failed gate, a consensus score and a decision.
import type { RfpDraft } from '../domain/rfp-document.js'
import { DAY_MS as DAY } from '../domain/time.js'
import { securityAuditRfp } from './security-audit-rfp.js'

export const DECIDED_RFP_SLUG = 'eelgrass-fuzzing-audit-2026'

function dayAt (from: Date, days: number): string {
  const day = new Date(from.getTime() + days * DAY)
  day.setUTCHours(17, 0, 0, 0)
  return day.toISOString()
}

export function fuzzingAuditRfp (seededAt: Date): RfpDraft {
  const base = securityAuditRfp(seededAt)
  return {
    ...base,
    slug: DECIDED_RFP_SLUG,
    title: 'Fuzzing audit of the Eelgrass archive parser',
    summary: 'The Eelgrass maintainers invited proposals for an audit of the archive parser with continuous fuzzing ' +
      'harnesses contributed upstream. The final report will be published.',
    schedule: { questionsCloseAt: dayAt(seededAt, -100), proposalsDueAt: dayAt(seededAt, -90), decisionExpectedAt: dayAt(seededAt, -75) },
    sections: base.sections.map((section) => section.kind === 'background'
      ? { ...section, body: 'Eelgrass is a small Rust library that reads tar, zip and cpio archives for Driftwood\'s release tooling.' }
      : section)
  }
}

// The demo's second RFP: a cryptography review whose deadline has passed and whose proposals the committee
// has opened. Its text follows the first RFP's, with its own subject and dates.
import type { RfpDraft } from '../domain/rfp-document.js'
import { DAY_MS as DAY } from '../domain/time.js'
import { securityAuditRfp } from './security-audit-rfp.js'

export const CLOSED_RFP_SLUG = 'lanternfish-cryptography-review-2026'

function dayAt (from: Date, days: number): string {
  const day = new Date(from.getTime() + days * DAY)
  day.setUTCHours(17, 0, 0, 0)
  return day.toISOString()
}

export function cryptoReviewRfp (seededAt: Date): RfpDraft {
  const base = securityAuditRfp(seededAt)
  return {
    ...base,
    slug: CLOSED_RFP_SLUG,
    title: 'Cryptography review of the Lanternfish signing library',
    summary: 'The Lanternfish maintainers invite proposals for a focused review of the cryptography in Lanternfish 1.x, ' +
      'the library Driftwood uses to sign and verify release artifacts. The final report will be published.',
    schedule: { questionsCloseAt: dayAt(seededAt, -25), proposalsDueAt: dayAt(seededAt, -5), decisionExpectedAt: dayAt(seededAt, 12) },
    sections: base.sections.map((section) => section.kind === 'background'
      ? { ...section, body: 'Lanternfish is a small Go library for Ed25519 and ECDSA signatures over release artifacts, with key rotation and a keyless mode backed by short-lived certificates.' }
      : section)
  }
}

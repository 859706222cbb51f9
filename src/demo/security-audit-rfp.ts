// The demo RFP's text: a third-party security audit of a fictional open-source project, dated from the seeding day.
import type { RfpDraft } from '../domain/rfp-document.js'
import { DAY_MS as DAY } from '../domain/time.js'

/** 17:00 UTC on the day `days` after `from`, so deadlines fall at a sensible hour. */
function dayAt (from: Date, days: number): string {
  const day = new Date(from.getTime() + days * DAY)
  day.setUTCHours(17, 0, 0, 0)
  return day.toISOString()
}

export const DEMO_RFP_SLUG = 'driftwood-security-audit-2027'

export function securityAuditRfp (seededAt: Date): RfpDraft {
  return {
    slug: DEMO_RFP_SLUG,
    title: 'Independent security audit of Driftwood 2.0',
    summary: 'The Driftwood working group invites proposals for a time-boxed, independent security audit of ' +
      'Driftwood 2.0, an open-source tool that signs software release artifacts and checks them against a ' +
      'public transparency log. The final report will be published.',
    timeZone: 'Europe/Amsterdam',
    schedule: {
      questionsCloseAt: dayAt(seededAt, 11),
      proposalsDueAt: dayAt(seededAt, 25),
      decisionExpectedAt: dayAt(seededAt, 45)
    },
    sections: [
      {
        kind: 'background',
        heading: 'Background',
        body: 'Driftwood is a fictional command-line tool and Go library, maintained by volunteers under the ' +
          'Open Harbor Foundation, that package maintainers use to sign release artifacts and that installers ' +
          'use to verify them. About 400 projects sign their releases with it.\n\n' +
          'Version 2.0 replaces long-lived signing keys with short-lived certificates and records every ' +
          'signature in a public transparency log. Because a flaw would let an attacker ship signed malware ' +
          'to every project that relies on Driftwood, the working group wants an independent review before ' +
          'the 2.0 release is recommended for production use.'
      },
      {
        kind: 'scope',
        heading: 'Scope',
        body: '- The `driftwood` command-line tool and the `driftwood/verify` library (Go, about 38,000 lines)\n' +
          '- The certificate request flow, including the OpenID Connect identity exchange\n' +
          '- The transparency-log client: inclusion and consistency proof checking, checkpoint signatures\n' +
          '- The release build and signing pipeline of Driftwood itself (CI configuration and scripts)\n\n' +
          'The audit covers the code at the `v2.0.0-rc.2` tag. Fixes made during the audit will be offered for ' +
          'a retest.'
      },
      {
        kind: 'focus_areas',
        heading: 'Focus areas',
        body: '1. **Verification bypass**: any input (artifact, bundle, certificate chain, log proof) that makes ' +
          '`verify` succeed when it should fail.\n' +
          '2. **Cryptographic misuse**: signature and hash algorithm agility, canonicalisation of signed data, ' +
          'time checks on certificates.\n' +
          '3. **Supply chain of Driftwood itself**: pinned dependencies, reproducible builds, the protection of ' +
          'the release workflow.\n' +
          '4. **Denial of service** against verifiers through oversized or malformed bundles.'
      },
      {
        kind: 'out_of_scope',
        heading: 'Out of scope',
        body: '- The public transparency log service and its operators\n' +
          '- Third-party identity providers\n' +
          '- Social engineering and physical attacks against maintainers'
      },
      {
        kind: 'methodology',
        heading: 'Methodology',
        body: 'We expect manual code review led by people who know Go and applied cryptography, supported by ' +
          'fuzzing of every parser that reads untrusted input and by a threat model that the team reviews with ' +
          'the maintainers in the first week. Please say how you divide the time between these, and which tools ' +
          'you will leave behind for the maintainers to keep running (for example fuzz targets added to the ' +
          'repository).'
      },
      {
        kind: 'confidentiality',
        heading: 'Confidentiality and embargo',
        body: 'Findings are shared privately with the maintainers through the project\'s security advisory ' +
          'process and stay under embargo until a fix is released or 90 days have passed, whichever comes ' +
          'first. Reviewers on the evaluation committee attest that they will keep proposals confidential and ' +
          'declare any conflict of interest before they read one.'
      },
      {
        kind: 'deliverables',
        heading: 'Deliverables',
        body: '- A kick-off call and a written threat model within the first two weeks\n' +
          '- Private, rated findings as they are found, each with a reproduction\n' +
          '- A final report that the foundation will publish, with an executive summary for users\n' +
          '- A retest of fixes within 30 days of the report\n' +
          '- Fuzz targets and any other tooling written during the audit, under the project\'s licence'
      },
      {
        kind: 'proposal_contents',
        heading: 'What a proposal must contain',
        body: 'Your approach and a week-by-week plan; the people who will do the work, with short CVs; one or ' +
          'two example reports (public ones are fine); the price in euros as a fixed fee; and your conflicts of ' +
          'interest, if any, with Open Harbor Foundation projects.'
      }
    ],
    rounds: [
      {
        name: 'Technical evaluation',
        criteria: [
          { id: 'understanding', name: 'Understanding of Driftwood and its threat model', description: 'How well the proposal grasps what Driftwood protects and how it could fail.', kind: 'scored', weight: '25', lo: 1, hi: 5 },
          { id: 'methodology', name: 'Methodology and coverage of the focus areas', description: 'A credible plan that covers each focus area with the right techniques.', kind: 'scored', weight: '25', lo: 1, hi: 5 },
          { id: 'team', name: 'Team experience', description: 'Named people with Go, applied cryptography and supply-chain security experience.', kind: 'scored', weight: '20', lo: 1, hi: 5 },
          { id: 'reports', name: 'Quality of example reports', description: 'Clear, reproducible findings that maintainers can act on.', kind: 'scored', weight: '15', lo: 1, hi: 5 },
          { id: 'value', name: 'Value for money', description: 'What the fee buys in days of senior review and retest.', kind: 'scored', weight: '15', lo: 1, hi: 5 },
          { id: 'open-report', name: 'Agrees to the publication of the final report', description: 'A proposal that does not accept publication is not ranked.', kind: 'gate' }
        ]
      }
    ],
    eligibility: { mode: 'open' },
    requirements: [
      { id: 'plan', name: 'Approach and plan', description: 'Your approach and a week-by-week plan.', required: true },
      { id: 'cvs', name: 'CVs of the proposed team', description: 'Short CVs of the people who will do the work.', required: true },
      { id: 'example-reports', name: 'Example reports', description: 'One or two earlier reports; public ones are fine.', required: true },
      { id: 'conflicts', name: 'Conflicts of interest', description: 'Any with Open Harbor Foundation projects.', required: false }
    ],
    procedure: {
      minimumProposals: 2,
      shortlist: { rule: 'top', count: 2 },
      tieBreak: 'committee_vote',
      priceEnvelope: 'after_scoring',
      consensusTolerance: 2,
      nearTieMargin: '2',
      protestWindowDays: 10,
      amendmentNoticeDays: 7
    }
  }
}

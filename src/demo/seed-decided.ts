// The demo's decided RFP, run through the same services as people's actions: bids, the opening under dual
// control, attestations, a conflict, independent scoring, the closing, gates, a consensus score, the decision
// and the bidders' choices to be named.
import type { UserActor } from '../domain/policy.js'
import type { ServiceContext } from '../services/context.js'
import { recordDecision } from '../services/decision.js'
import { chooseNaming } from '../services/decision.js'
import { attest, declareConflict, getEvaluationPage } from '../services/evaluation.js'
import { confirmOpening, startOpening } from '../services/opening.js'
import { recordConsensus, recordGate } from '../services/results.js'
import { registerInterest } from '../services/rfp-vendors.js'
import { createRfpDraft, publishRfp } from '../services/rfps.js'
import { addRfpMember } from '../services/rfp-members.js'
import { saveScoreSheet } from '../services/score-sheets.js'
import { closeScoringRound } from '../services/scoring-rounds.js'
import { DECIDED_RFP_SLUG, fuzzingAuditRfp } from './decided-rfp.js'

const CRITERIA = ['understanding', 'methodology', 'team', 'reports', 'value'] as const

/**
 * Per vendor, each evaluator's scores on the five criteria, in order. Northwind and Basalt end 0.625 points
 * apart (a near tie); the evaluators disagree on Basalt's team, which the committee settles by consensus.
 */
const SCORES: Record<number, { chair: number[], reviewer: number[] | null }> = {
  0: { chair: [5, 4, 5, 4, 4], reviewer: [4, 5, 4, 4, 5] },
  1: { chair: [4, 5, 3, 5, 4], reviewer: [5, 4, 5, 5, 4] },
  // The reviewer declared a conflict with Quillon Labs: only the chair scores it.
  2: { chair: [3, 3, 4, 3, 3], reviewer: null },
  3: { chair: [3, 4, 3, 2, 4], reviewer: [2, 3, 3, 3, 3] }
}

const COMMENTS = ['Clear grasp of the parser\'s attack surface.', 'A credible plan for the harnesses.', 'The named people fit the work.', 'The example report is reproducible.', 'Fair for the days offered.']

export interface DecidedDemo {
  day: (days: number, hours?: number) => void
  chair: UserActor
  reviewer: UserActor
  reviewerEmail: string
  vendors: UserActor[]
  submit: (slug: string, vendor: number, version: number) => Promise<void>
}

export async function seedDecidedRfp (at: ServiceContext, seededAt: Date, demo: DecidedDemo): Promise<void> {
  const { day, chair, reviewer, vendors } = demo
  day(-110)
  const { id } = await createRfpDraft(at, chair, fuzzingAuditRfp(seededAt))
  day(-108)
  await publishRfp(at, chair, id)
  await addRfpMember(at, chair, DECIDED_RFP_SLUG, demo.reviewerEmail, 'evaluator')
  const chairEmail = 'chair@driftwood.example'
  await addRfpMember(at, chair, DECIDED_RFP_SLUG, chairEmail, 'evaluator')
  day(-107)
  for (const vendor of vendors) await registerInterest(at, vendor, DECIDED_RFP_SLUG)
  for (const [i] of vendors.entries()) {
    day(-95 + i)
    await demo.submit(DECIDED_RFP_SLUG, i, 1)
  }

  day(-89)
  await startOpening(at, chair, DECIDED_RFP_SLUG)
  day(-89, 1)
  await confirmOpening(at, reviewer, DECIDED_RFP_SLUG)
  day(-89, 2)
  await attest(at, reviewer, DECIDED_RFP_SLUG, { mayBeNamed: false })
  // Labels follow the order of attestation: the reviewer is Evaluator 1, the chair Evaluator 2.
  day(-89, 2.5)
  await attest(at, chair, DECIDED_RFP_SLUG, { mayBeNamed: true })
  day(-89, 3)
  await declareConflict(at, reviewer, DECIDED_RFP_SLUG, { organisationId: vendors[2]!.organisationId!, kind: 'employment', note: 'I worked at Quillon Labs until last year.' })

  const [round] = (await getEvaluationPage(at, chair, DECIDED_RFP_SLUG)).rounds
  const proposalOf = new Map(round!.proposals.map((p) => [p.organisationName, p.id]))
  const names = ['Northwind Assurance', 'Basalt Security Lab', 'Quillon Labs', 'Tidewater Research']
  for (const [v, scores] of Object.entries(SCORES)) {
    const proposalId = proposalOf.get(names[Number(v)]!)!
    for (const [who, actor, hours] of [['chair', chair, 0], ['reviewer', reviewer, 4]] as const) {
      const given = scores[who]
      if (given === null) continue
      day(-88 + Number(v) / 2, hours)
      const cells = CRITERIA.map((criterion, c) => ({ criterion, score: given[c]!, comment: COMMENTS[c]! }))
      // A draft first, then the submission: the history keeps both.
      await saveScoreSheet(at, actor, DECIDED_RFP_SLUG, 1, proposalId, { cells: cells.slice(0, 2), submit: false })
      await saveScoreSheet(at, actor, DECIDED_RFP_SLUG, 1, proposalId, { cells, submit: true })
    }
  }

  day(-85)
  await closeScoringRound(at, chair, DECIDED_RFP_SLUG, 1)
  day(-84)
  for (const name of names) {
    const failed = name === 'Tidewater Research'
    await recordGate(at, chair, DECIDED_RFP_SLUG, 1, {
      proposalId: proposalOf.get(name)!,
      criterion: 'open-report',
      passed: !failed,
      reason: failed ? 'The proposal reserves the right to keep the final report private.' : 'The proposal accepts publication of the final report.'
    })
  }
  await recordConsensus(at, chair, DECIDED_RFP_SLUG, 1, {
    proposalId: proposalOf.get('Basalt Security Lab')!,
    criterion: 'team',
    score: 4,
    reason: 'The committee agreed that the team is strong in fuzzing but has one reviewer new to Rust.'
  })

  day(-80)
  await recordDecision(at, chair, DECIDED_RFP_SLUG, {
    selected: [proposalOf.get('Northwind Assurance')!],
    // Unsuccessful bidders are not named: the rationale is public before they choose whether they may be.
    rationale: 'The two leading proposals were within a point of each other. The committee selected Northwind Assurance ' +
      'for its plan to hand the harnesses over to the maintainers, which matters most for the years after the audit.',
    disqualified: []
  })
  day(-79)
  await chooseNaming(at, vendors[1]!, DECIDED_RFP_SLUG, true)
  await chooseNaming(at, vendors[2]!, DECIDED_RFP_SLUG, false)
}

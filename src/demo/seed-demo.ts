// Seeds the demo through the same service functions people's actions call, with a clock moved through the days.
import { ManualClock } from '../deps.js'
import type { UserActor } from '../domain/policy.js'
import { DAY_MS as DAY } from '../domain/time.js'
import type { ServiceContext } from '../services/context.js'
import { amendRfp } from '../services/amendments.js'
import { latestCheckpoint } from '../services/transparency.js'
import { isPristine } from '../services/audit.js'
import { askQuestion, answerQuestion, listQuestionsForCommittee } from '../services/questions.js'
import { acknowledgeAmendment, registerInterest } from '../services/rfp-vendors.js'
import { createRfpDraft, getRfp, publishRfp } from '../services/rfps.js'
import { resendInvitation } from '../services/invitations.js'
import { createUser } from '../services/users.js'
import { registerVendor } from '../services/vendors.js'
import { findUserByEmail } from '../db/users.js'
import { findContact } from '../db/vendors.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from './security-audit-rfp.js'
import { CLOSED_RFP_SLUG, cryptoReviewRfp } from './crypto-review-rfp.js'
import { demoPdf } from './pdf.js'
import { Readable } from 'node:stream'
import { confirmOpening, startOpening } from '../services/opening.js'
import { sealUpload } from '../services/proposal-uploads.js'
import { submitProposal } from '../services/proposals.js'
import { addRfpMember } from '../services/rfp-members.js'
import { InvalidStateError } from '../errors.js'
import { seedDecidedRfp } from './seed-decided.js'

export interface DemoResult { slug: string }

const HOUR = 60 * 60 * 1000

const DEMO_VENDORS = [
  { organisation: 'Northwind Assurance', website: 'https://northwind-assurance.example', contactName: 'Ana Lima', email: 'ana@northwind-assurance.example' },
  { organisation: 'Basalt Security Lab', website: 'https://basalt-lab.example', contactName: 'Kenji Mori', email: 'kenji@basalt-lab.example' },
  { organisation: 'Quillon Labs', website: 'https://quillon-labs.example', contactName: 'Mara Quist', email: 'mara@quillon-labs.example' },
  { organisation: 'Tidewater Research', website: 'https://tidewater-research.example', contactName: 'Tess Varga', email: 'tess@tidewater-research.example' }
]

/** What each demo vendor proposes for the cryptography review: a summary, a team, and the lines of its plan. */
const PROPOSALS: { summary: string, personnel: { name: string, role: string, experience: string }[], plan: string[] }[] = [
  {
    summary: 'Three weeks of review by two cryptographers: the signature code paths first, then key rotation and the keyless mode, with a retest of fixes.',
    personnel: [{ name: 'Ana Lima', role: 'Lead reviewer', experience: 'Twelve years of applied cryptography reviews, Go and Rust.' }, { name: 'Tomas Berg', role: 'Reviewer', experience: 'Side channels and constant-time code.' }],
    plan: ['Week 1: Ed25519 and ECDSA signing and verification paths.', 'Week 2: key rotation, certificate handling in keyless mode.', 'Week 3: report, fixes review and retest.']
  },
  {
    summary: 'A four-week review led by a former maintainer of a Go cryptography library, with property-based tests contributed back to Lanternfish.',
    personnel: [{ name: 'Kenji Mori', role: 'Lead reviewer', experience: 'Maintained a Go cryptography library for six years.' }, { name: 'Ines Duarte', role: 'Test engineer', experience: 'Property-based testing and fuzzing.' }],
    plan: ['Weeks 1-2: manual review of every primitive use.', 'Week 3: property-based tests and fuzzing harnesses.', 'Week 4: report and retest.']
  },
  {
    summary: 'A two-week focused review of the keyless mode and its certificate validation, where we see the most risk.',
    personnel: [{ name: 'Mara Quist', role: 'Lead reviewer', experience: 'PKI and certificate validation reviews for public projects.' }],
    plan: ['Week 1: certificate validation and short-lived certificate handling.', 'Week 2: report and retest.']
  },
  {
    summary: 'Continuous fuzzing with our own platform for a year; the report stays with the maintainers.',
    personnel: [{ name: 'Tess Varga', role: 'Lead', experience: 'Runs a fuzzing platform for Rust and C libraries.' }],
    plan: ['Month 1: harnesses for every archive format.', 'Months 2-12: continuous fuzzing and triage.']
  }
]

/** A demo vendor's proposal, with its three PDFs, submitted as the vendor would through the form. */
async function submitDemoProposal (at: ServiceContext, vendor: UserActor, v: number, slug: string, version: number): Promise<void> {
  const { organisation } = DEMO_VENDORS[v]!
  const proposal = PROPOSALS[v]!
  const files = []
  for (const [part, title, lines] of [
    ['plan', `${organisation}: approach and plan`, proposal.plan],
    ['cvs', `${organisation}: the proposed team`, proposal.personnel.map((p) => `${p.name}, ${p.role}: ${p.experience}`)],
    ['example-reports', `${organisation}: example report`, ['Finding 1: a fictional timing leak in a comparison, fixed upstream.', 'Finding 2: a fictional missing length check, fixed upstream.']]
  ] as const) {
    const pdf = demoPdf(title, version > 1 ? [...lines, `Revised version ${version}.`] : lines)
    files.push(await sealUpload(at, vendor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf]), maxBytes: at.proposals.maxProposalBytes }))
  }
  await submitProposal(at, vendor, slug, { content: { summary: proposal.summary, personnel: proposal.personnel }, partners: [] }, files)
}

/**
 * The demo's closed RFP: published weeks ago, three vendors bid (one replaces its proposal), the deadline has
 * passed, and the chair and a reviewer have opened the proposals under dual control.
 */
async function seedClosedRfp (at: ServiceContext, seededAt: Date, day: (days: number, hours?: number) => void, chair: UserActor, reviewer: UserActor, vendors: UserActor[]): Promise<void> {
  day(-41)
  const { id } = await createRfpDraft(at, chair, cryptoReviewRfp(seededAt))
  day(-40)
  await publishRfp(at, chair, id)
  await addRfpMember(at, chair, CLOSED_RFP_SLUG, 'sam@driftwood.example', 'evaluator')
  day(-39)
  // Three of the four demo vendors follow and bid on this one.
  for (const vendor of vendors.slice(0, 3)) await registerInterest(at, vendor, CLOSED_RFP_SLUG)

  const submit = async (v: number, version: number): Promise<void> => { await submitDemoProposal(at, vendors[v]!, v, CLOSED_RFP_SLUG, version) }
  day(-12)
  await submit(0, 1)
  day(-10)
  await submit(1, 1)
  day(-9)
  await submit(2, 1)
  // Basalt replaces its proposal: both versions are kept, the second counts.
  day(-7)
  await submit(1, 2)

  // The deadline passed at day -5; the next morning the chair starts the opening and the reviewer confirms it.
  day(-4)
  await startOpening(at, chair, CLOSED_RFP_SLUG)
  day(-4, 1)
  await confirmOpening(at, reviewer, CLOSED_RFP_SLUG)
}

const QUESTIONS: [vendor: number, question: string, answer: string][] = [
  [0, 'Is the retest of fixes included in the fixed fee, or should it be priced separately?',
    'Include the retest in the fixed fee. If you would price a second retest separately, say so in your proposal.'],
  [1, 'May the audit team run fuzzers against the public transparency log, or only against a local instance?',
    'Only against a local instance. The public log is operated by others and is out of scope; the maintainers will help you run a local one.'],
  [0, 'Which Go version and platforms must the findings be reproduced on?',
    'Go 1.23 on Linux (amd64 and arm64) and macOS (arm64), the platforms Driftwood releases for.']
]

async function vendorActor (ctx: ServiceContext, email: string): Promise<UserActor> {
  const user = await findUserByEmail(ctx.db, email)
  const contact = user === undefined ? undefined : await findContact(ctx.db, user.id)
  if (user === undefined || contact === undefined) throw new InvalidStateError(`the demo vendor ${email} was not registered`)
  return { kind: 'user', userId: user.id, isAdmin: false, organisationId: contact.organisationId, hasSecondFactor: false, secondFactorAt: null }
}

/** Refuses a database in which anything has happened: the demo's back-dated events belong at the start of a chain. */
export async function seedDemo (ctx: ServiceContext): Promise<DemoResult> {
  if (!await isPristine(ctx.db)) throw new InvalidStateError('the database is in use already; the demo seeds an empty one only')
  const seededAt = ctx.clock.now()
  const clock = new ManualClock(new Date(seededAt.getTime() - 120 * DAY))
  const at = { ...ctx, clock }
  const day = (days: number, hours = 0): void => { clock.set(new Date(seededAt.getTime() + days * DAY + hours * HOUR)) }

  const { id: chairId } = await createUser(at, null, { email: 'chair@driftwood.example', displayName: 'Robin Okafor (working group chair)' })
  const chair: UserActor = { kind: 'user', userId: chairId, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
  const { id: reviewerId } = await createUser(at, null, { email: 'sam@driftwood.example', displayName: 'Sam Ortiz (security reviewer)' })
  const reviewer: UserActor = { kind: 'user', userId: reviewerId, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
  day(-115)
  for (const vendor of DEMO_VENDORS) await registerVendor(at, vendor)
  const vendors = await Promise.all(DEMO_VENDORS.map(async (v) => await vendorActor(ctx, v.email)))

  await seedDecidedRfp(at, seededAt, {
    day,
    chair,
    reviewer,
    reviewerEmail: 'sam@driftwood.example',
    vendors,
    submit: async (slug, v, version) => { await submitDemoProposal(at, vendors[v]!, v, slug, version) }
  })

  // The log's checkpoints as a visitor's reader would have fetched them along the way: each later one must extend it.
  await latestCheckpoint(at)

  await seedClosedRfp(at, seededAt, day, chair, reviewer, vendors)
  await latestCheckpoint(at)

  const draft = securityAuditRfp(seededAt)
  day(-3, -2)
  const { id } = await createRfpDraft(at, chair, draft)
  day(-3)
  await publishRfp(at, chair, id)

  // Two vendors register and follow the RFP, and ask in the open.
  day(-3, 2)
  for (const vendor of vendors.slice(0, 2)) await registerInterest(at, vendor, DEMO_RFP_SLUG)
  for (const [i, [who, question]] of QUESTIONS.entries()) {
    day(-2, i)
    await askQuestion(at, vendors[who]!, DEMO_RFP_SLUG, { body: question })
  }

  // The chair answers, in the order asked.
  day(-1)
  const asked = (await listQuestionsForCommittee(at, chair, DEMO_RFP_SLUG)).sort((a, b) => a.asked_at.localeCompare(b.asked_at))
  for (const [i, question] of asked.entries()) {
    await answerQuestion(at, chair, DEMO_RFP_SLUG, question.id, { question: question.body, answer: QUESTIONS[i]![2] })
  }

  // Amendment 2 follows from an answer; both vendors acknowledge it.
  day(-1, 2)
  const current = (await getRfp(at, chair, DEMO_RFP_SLUG)).document
  const deliverables = current.sections.map((s) => s.kind === 'deliverables'
    ? { ...s, body: `${s.body}\n- The retest of fixes is included in the fixed fee (see answer 1)` }
    : s)
  await amendRfp(at, chair, DEMO_RFP_SLUG, { ...current, sections: deliverables }, 'The retest of fixes is part of the fixed fee, as answered to question 1.')
  day(-1, 5)
  for (const vendor of vendors.slice(0, 2)) await acknowledgeAmendment(at, vendor, DEMO_RFP_SLUG, 2)

  // Amendment 3 gives bidders a week more; only one vendor has acknowledged it so far.
  day(0, -2)
  const second = (await getRfp(at, chair, DEMO_RFP_SLUG)).document
  const later = (iso: string): string => new Date(Date.parse(iso) + 7 * DAY).toISOString()
  await amendRfp(at, chair, DEMO_RFP_SLUG, {
    ...second,
    schedule: { questionsCloseAt: later(second.schedule.questionsCloseAt), proposalsDueAt: later(second.schedule.proposalsDueAt), decisionExpectedAt: later(second.schedule.decisionExpectedAt) }
  }, 'Every date moves one week later, so that vendors forming a consortium have time to agree its terms.')
  day(0, -1)
  await acknowledgeAmendment(at, vendors[0]!, DEMO_RFP_SLUG, 3)
  await latestCheckpoint(at)

  // Invited today, as an operator would: the invitation lands in the outbox (an .eml file under the data
  // folder by default), and its link, valid for a week, lets whoever runs the demo sign in as the chair.
  await resendInvitation(ctx, null, chairId)
  return { slug: DEMO_RFP_SLUG }
}

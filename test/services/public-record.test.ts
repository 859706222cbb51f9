// The public decision record (DESIGN §4, §5) read back as an outsider would: decision.json alone recomputes every
// published total, rank and robustness leader with the scoring method, and every sealed sheet matches the hash
// the audit log published when its round closed — on the demo and on a two-round RFP with a price, consensus
// scores, a failed gate, a recusal, a disqualification and a withdrawal. Also: who is named, what is counted,
// the timeline, and no record before the decision.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import t from 'tap'
import type { Test } from 'tap'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { findUserByEmail } from '../../src/db/users.js'
import { findContact } from '../../src/db/vendors.js'
import type { UserActor } from '../../src/domain/policy.js'
import { ocidOf } from '../../src/domain/rfp.js'
import { computeResults, computeRobustness, type ScoringInput } from '../../src/domain/scoring.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { chooseNaming, recordDecision } from '../../src/services/decision.js'
import { attest, declareConflict } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { openPriceEnvelope } from '../../src/services/price-envelope.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal, withdrawProposal } from '../../src/services/proposals.js'
import { describeEvent, getDecisionRecord } from '../../src/services/public-record.js'
import { recordConsensus, recordGate } from '../../src/services/results.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { registerInterest } from '../../src/services/rfp-vendors.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound, createShortlist } from '../../src/services/scoring-rounds.js'
import { createCommitteeMember, createVendorContact, testContext, type VendorContact } from '../helpers/app.js'
import { stepUp, twoRounds, type Ctx } from '../helpers/evaluation.js'

const PREFIX = 'ocds-abc123'
const MINUTE = 60_000
const HOUR = 60 * MINUTE

type Published = Awaited<ReturnType<typeof getDecisionRecord>>['document']
type PublishedRound = Published['rounds'][number]

/** The record as an outsider holds it: the JSON text, parsed. */
async function publishedRecord (ctx: Ctx, slug: string): Promise<{ json: string, document: Published }> {
  const json = JSON.stringify((await getDecisionRecord(ctx, slug, PREFIX)).document)
  return { json, document: JSON.parse(json) as Published }
}

/** DESIGN §4's input rebuilt from one round of decision.json alone, with the record's labels as ids. */
function scoringInputOf (document: Published, round: PublishedRound): ScoringInput {
  return {
    criteria: round.criteria.map((c) => ({ id: c.id, kind: c.kind, weight: c.weight, lo: c.lo, hi: c.hi })),
    proposals: round.proposals.map((p) => ({
      id: p.label,
      excluded: p.status === 'withdrawn' || p.status === 'disqualified',
      price: p.price,
      gates: p.gates.map((g) => ({ criterion: g.criterion, passed: g.passed }))
    })),
    evaluators: round.evaluators,
    scores: round.proposals.flatMap((p) => p.scores.map((s) => ({ evaluator: s.evaluator, proposal: p.label, criterion: s.criterion, score: s.score }))),
    consensus: round.proposals.flatMap((p) => p.consensus.map((c) => ({ proposal: p.label, criterion: c.criterion, score: c.score }))),
    recusals: round.proposals.flatMap((p) => p.recusedEvaluators.map((evaluator) => ({ evaluator, proposal: p.label }))),
    nearTieMargin: document.nearTieMargin,
    consensusTolerance: round.consensusTolerance
  }
}

const sorted = (items: readonly string[]): string[] => [...items].sort()

/** Every proposal's score text and rank, and the robustness figures, recomputed from the JSON equal the published ones. */
function checkRecomputes (t: Test, document: Published): void {
  for (const round of document.rounds) {
    const input = scoringInputOf(document, round)
    const results = computeResults(input)
    const recomputed = Object.fromEntries(results.proposals.map((p) => [p.proposal, p.ranked ? { score: p.scoreText, rank: p.rank } : null]))
    const publishedResults = Object.fromEntries(round.proposals.map((p) => [p.label, p.result]))
    t.same(recomputed, publishedResults, `round ${round.id}: every score and rank recomputes from decision.json`)
    t.equal(Object.keys(publishedResults).length, round.proposals.length, `round ${round.id}: labels are distinct`)

    const robustness = computeRobustness(input)
    t.same(sorted(robustness.leaders), sorted(round.robustness.leaders), `round ${round.id}: the leaders`)
    const leaveOneOut = (entries: Array<{ evaluator: string, leaders: string[], ranking: Array<{ proposal: string, score: string | null, rank: number | null }> }>) =>
      Object.fromEntries(entries.map((e) => [e.evaluator, { leaders: sorted(e.leaders), ranking: Object.fromEntries(e.ranking.map((r) => [r.proposal, [r.score, r.rank]])) }]))
    t.same(leaveOneOut(robustness.leaveOneOut.map((l) => ({ ...l, ranking: l.ranking.map((r) => ({ ...r, score: r.scoreText })) }))), leaveOneOut(round.robustness.leaveOneOut),
      `round ${round.id}: the leaders and scores with each evaluator left out`)
    t.same(sorted(robustness.zScores.leaders), sorted(round.robustness.zScores.leaders), `round ${round.id}: the leaders on z-scores`)
    t.same(Object.fromEntries(robustness.zScores.ranking.map((z) => [z.proposal, [z.zText, z.rank]])), Object.fromEntries(round.robustness.zScores.ranking.map((z) => [z.proposal, [z.z, z.rank]])),
      `round ${round.id}: the z-score ranking`)
    t.equal(robustness.weightSensitivity.smallest?.shareChangeText ?? null, round.robustness.weightSensitivity.smallest?.shareChange ?? null, `round ${round.id}: the smallest weight change`)
  }
  t.same(document.robustness, document.rounds.at(-1)!.robustness, 'the record\'s robustness is the deciding round\'s')
}

/**
 * Each sheet hashes to its published hash, which the scoring.closed event of its round published; and what the sheet
 * holds (proposals by receipt hash) is exactly that evaluator's scores in decision.json.
 */
async function checkSheets (t: Test, ctx: Ctx, document: Published): Promise<void> {
  const closed = (await readAuditEvents(ctx.db, 0, 10000)).filter((e) => e.type === 'scoring.closed' && e.data.slug === document.rfp.slug)
  t.equal(closed.length, document.rounds.length, 'a scoring.closed event per round')
  for (const round of document.rounds) {
    const event = closed.find((e) => e.data.round === Number(round.id))
    const published = new Map(((event?.data.sheets ?? []) as Array<{ evaluator: string, hash: string }>).map((s) => [s.evaluator, s.hash]))
    t.equal(round.sheets.length, published.size, `round ${round.id}: as many sheets as the event published`)
    const labelOf = new Map(round.proposals.map((p) => [p.receipt, p.label]))
    for (const sheet of round.sheets) {
      const sha = createHash('sha256').update(sheet.sheet, 'utf8').digest('hex')
      t.equal(sha, sheet.hash, `round ${round.id}, ${sheet.evaluator}: SHA-256 of the sheet is its hash`)
      t.equal(published.get(sheet.sealedAs), sheet.hash, `round ${round.id}, ${sheet.evaluator}: the hash published when the round closed`)
      const sealed = JSON.parse(sheet.sheet) as { evaluator: string, round: number, rfp: string, scores: Array<{ proposal: string, criterion: string, score: number }> }
      t.same([sealed.evaluator, sealed.round, sealed.rfp], [sheet.sealedAs, Number(round.id), document.rfp.slug])
      const inSheet = sealed.scores.map((s) => `${labelOf.get(s.proposal) ?? `unknown receipt ${s.proposal}`}|${s.criterion}|${s.score}`).sort()
      const inJson = round.proposals.flatMap((p) => p.scores.filter((s) => s.evaluator === sheet.evaluator).map((s) => `${p.label}|${s.criterion}|${s.score}`)).sort()
      t.same(inSheet, inJson, `round ${round.id}, ${sheet.evaluator}: the sheet holds exactly the scores the record shows`)
      t.ok(inJson.length > 0)
    }
    const scorers = new Set(round.proposals.flatMap((p) => p.scores.map((s) => s.evaluator)))
    t.same(sorted([...scorers]), sorted(round.sheets.map((s) => s.evaluator)), `round ${round.id}: every score shown comes from a sealed sheet`)
  }
}

async function vendorActor (ctx: Ctx, email: string): Promise<UserActor> {
  const user = await findUserByEmail(ctx.db, email)
  const contact = user === undefined ? undefined : await findContact(ctx.db, user.id)
  if (user === undefined || contact === undefined) throw new Error(`${email} is no vendor contact`)
  return { kind: 'user', userId: user.id, isAdmin: false, organisationId: contact.organisationId, hasSecondFactor: false, secondFactorAt: null }
}

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

async function bid (ctx: Ctx, slug: string, vendor: VendorContact, amount: string): Promise<void> {
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, vendor.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${vendor.email} ${part}`)]), maxBytes: 1024 * 1024 }))
  }
  await submitProposal(ctx, vendor.actor, slug, { content: { summary: 'We propose.', personnel: [] }, price: { amount, currency: 'EUR', notes: '' }, partners: [] }, files)
}

const NAMES = ['Alpha Audits', 'Beta Review', 'Gamma Labs', 'Delta Partners', 'Epsilon Security']

/**
 * Round 1 (approach, team and a publication gate), then interviews and the price for a shortlist of three. Five
 * vendors bid; Delta withdraws before the deadline; Epsilon fails the gate; Ivo declares a conflict with Gamma;
 * Eve agrees to be named. Consensus in each round; Gamma is disqualified at the decision and Beta selected.
 */
async function decidedTwoRounds (t: Test, { decide = true } = {}) {
  const ctx = await testContext(t)
  const owner = (await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Chair Person' })).actor
  const base = twoRounds()
  const draft = {
    ...base,
    rounds: [
      { ...base.rounds[0]!, criteria: [...base.rounds[0]!.criteria, { id: 'open-report', name: 'Publishes the report', description: 'The report is published.', kind: 'gate' as const }] },
      base.rounds[1]!
    ],
    procedure: { ...base.procedure!, shortlist: { rule: 'top' as const, count: 3 } }
  }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const eve = (await createCommitteeMember(ctx, 'eve@example.org', { displayName: 'Eve Named' })).actor
  const ivo = (await createCommitteeMember(ctx, 'ivo@example.org', { displayName: 'Ivo Hidden' })).actor
  await addRfpMember(ctx, owner, slug, 'eve@example.org', 'evaluator')
  await addRfpMember(ctx, owner, slug, 'ivo@example.org', 'evaluator')
  const vendors: VendorContact[] = []
  for (const name of NAMES) vendors.push(await createVendorContact(ctx, name, `bids@${name.split(' ')[0]!.toLowerCase()}.example`))
  const [alpha, beta, gamma, delta, epsilon] = vendors as [VendorContact, VendorContact, VendorContact, VendorContact, VendorContact]
  // Four register interest; Epsilon bids without.
  for (const vendor of [alpha, beta, gamma, delta]) await registerInterest(ctx, vendor.actor, slug)
  const prices = ['100000', '80000', '50000', '70000', '90000']
  for (const [i, vendor] of vendors.entries()) await bid(ctx, slug, vendor, prices[i]!)
  await withdrawProposal(ctx, delta.actor, slug)

  ctx.clock.set(new Date(draft.schedule.proposalsDueAt))
  await startOpening(ctx, stepUp(owner, ctx), slug)
  ctx.clock.advance(HOUR)
  await confirmOpening(ctx, stepUp(eve, ctx), slug)
  // Labels follow the order of attestation: Eve is Evaluator 1 (shown by her name), Ivo Evaluator 2.
  for (const [who, mayBeNamed] of [[owner, false], [eve, true], [ivo, false]] as const) {
    ctx.clock.advance(MINUTE)
    await attest(ctx, who, slug, { mayBeNamed })
  }
  await declareConflict(ctx, ivo, slug, { organisationId: gamma.organisationId, kind: 'employment', note: 'I worked at Gamma Labs until last year.' })
  const proposals = await ctx.db.selectFrom('proposals').innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['proposals.id', 'vendor_organisations.name']).execute()
  const idOf = (name: string): string => proposals.find((p) => p.name === name)!.id
  const score = async (who: UserActor, round: number, name: string, cells: Array<[string, number]>): Promise<void> => {
    await saveScoreSheet(ctx, who, slug, round, idOf(name), { submit: true, cells: cells.map(([criterion, value]) => ({ criterion, score: value, comment: `${criterion}: ${value}` })) })
  }
  // Round 1: Alpha 75 (consensus 4 on approach), Beta 81.25, Gamma 62.50, Epsilon fails the gate.
  await score(eve, 1, 'Alpha Audits', [['approach', 5], ['team', 4]])
  await score(eve, 1, 'Beta Review', [['approach', 4], ['team', 4]])
  await score(eve, 1, 'Gamma Labs', [['approach', 3], ['team', 4]])
  await score(eve, 1, 'Epsilon Security', [['approach', 4], ['team', 4]])
  await score(ivo, 1, 'Alpha Audits', [['approach', 2], ['team', 4]])
  await score(ivo, 1, 'Beta Review', [['approach', 4], ['team', 5]])
  await score(ivo, 1, 'Epsilon Security', [['approach', 2], ['team', 2]])
  ctx.clock.advance(HOUR)
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  for (const name of ['Alpha Audits', 'Beta Review', 'Gamma Labs', 'Epsilon Security']) {
    const passed = name !== 'Epsilon Security'
    await recordGate(ctx, owner, slug, 1, { proposalId: idOf(name), criterion: 'open-report', passed, reason: passed ? 'Accepts publication.' : 'Keeps the report private.' })
  }
  await recordConsensus(ctx, owner, slug, 1, { proposalId: idOf('Alpha Audits'), criterion: 'approach', score: 4, reason: 'Agreed after discussing the fuzzing plan.' })
  ctx.clock.advance(HOUR)
  t.same(await createShortlist(ctx, owner, slug), { shortlisted: 3 })

  await score(eve, 2, 'Alpha Audits', [['interview', 4]])
  await score(eve, 2, 'Beta Review', [['interview', 3]])
  await score(eve, 2, 'Gamma Labs', [['interview', 5]])
  await score(ivo, 2, 'Alpha Audits', [['interview', 4]])
  await score(ivo, 2, 'Beta Review', [['interview', 5]])
  ctx.clock.advance(HOUR)
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 2)
  ctx.clock.advance(HOUR)
  await openPriceEnvelope(ctx, stepUp(owner, ctx), slug)
  await recordConsensus(ctx, owner, slug, 2, { proposalId: idOf('Beta Review'), criterion: 'interview', score: 4, reason: 'The committee met after the interviews.' })
  if (decide) {
    ctx.clock.advance(HOUR)
    await recordDecision(ctx, stepUp(owner, ctx), slug, {
      selected: [idOf('Beta Review')],
      rationale: 'Beta Review gave the best value.',
      disqualified: [{ proposal: idOf('Gamma Labs'), reason: 'Its named lead left the company during the evaluation.' }]
    })
  }
  return { ctx, owner, slug, vendors: { alpha, beta, gamma, delta, epsilon }, idOf }
}

t.test('decision.json of a two-round RFP holds all that is needed to recompute the results', async (t) => {
  const { ctx, slug } = await decidedTwoRounds(t)
  const { document } = await publishedRecord(ctx, slug)
  checkRecomputes(t, document)
  await checkSheets(t, ctx, document)

  const [round1, round2] = document.rounds
  const labels = Object.fromEntries(round1!.proposals.map((p) => [p.label, [p.status, p.result?.rank ?? null]]))
  t.same(Object.keys(labels).filter((l) => l.startsWith('Vendor')).length, 3, 'Alpha, Gamma and Epsilon unnamed; Beta selected and named')
  // Gamma went on to round 2 and was disqualified there: round 1 keeps the standings the shortlist was made from.
  t.same(round1!.proposals.map((p) => p.status).sort(), ['non_responsive', 'shortlisted', 'shortlisted', 'shortlisted'])
  t.ok(round1!.proposals.filter((p) => p.status === 'shortlisted').every((p) => p.result !== null), 'every shortlisted proposal is ranked in round 1')
  t.same(round2!.proposals.map((p) => [p.label, p.status]).find(([label]) => label === 'Beta Review'), ['Beta Review', 'selected'])
  const gamma = round2!.proposals.find((p) => p.status === 'disqualified')
  t.equal(gamma?.result, null, 'the disqualified proposal is listed, never ranked')
  t.same(gamma?.recusedEvaluators, ['Evaluator 2'], 'Ivo, unnamed, is recused from Gamma')
  t.same(round2!.proposals.find((p) => p.label === 'Beta Review')?.consensus, [{ criterion: 'interview', score: 4, reason: 'The committee met after the interviews.' }])
  t.same(round1!.evaluators, ['Evaluator 2', 'Eve Named'], 'Eve agreed to be named; Ivo did not')
  t.same(round2!.proposals.map((p) => p.price).sort(), ['100000', '50000', '80000'], 'the shortlist\'s prices, as decimal strings')
  t.same(document.selected, ['Beta Review'])
  t.equal(document.roundsUsed, 2)
  t.equal(document.rfp.ocid, ocidOf(PREFIX, slug))
})

t.test('a proposal not ranked says why: the committee\'s reason for a disqualification, the gate it failed', async (t) => {
  const { ctx, slug } = await decidedTwoRounds(t)
  const { document } = await publishedRecord(ctx, slug)
  const reasons = (round: PublishedRound) => round.proposals.filter((p) => p.result === null).map((p) => [p.status, p.statusReason]).sort()
  t.same(reasons(document.rounds[0]!), [
    ['non_responsive', 'failed the pass/fail gate open-report']
  ], 'round 1: the proposal disqualified in round 2 was shortlisted here')
  t.same(reasons(document.rounds[1]!), [['disqualified', 'Its named lead left the company during the evaluation.']], 'round 2')
  t.ok(document.rounds.every((r) => r.proposals.every((p) => p.result !== null || p.statusReason !== null)), 'a reason wherever there is no result')
  t.ok(document.rounds[0]!.proposals.every((p) => p.status !== 'shortlisted' || p.statusReason === null), 'none for one that went on')
})

t.test('the demo\'s record recomputes too, and names only whom it may', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const { json, document } = await publishedRecord(ctx, DECIDED_RFP_SLUG)
  checkRecomputes(t, document)
  await checkSheets(t, ctx, document)

  const round = document.rounds[0]!
  t.same(round.proposals.map((p) => [p.label, p.status, p.result?.rank ?? null]), [
    ['Northwind Assurance', 'selected', 1],
    ['Basalt Security Lab', 'not_selected', 2],
    ['Vendor B', 'not_selected', 3],
    ['Vendor A', 'non_responsive', null]
  ], 'Basalt agreed to be named; Quillon and Tidewater did not')
  t.same(round.proposals.find((p) => p.label === 'Vendor B')?.recusedEvaluators, ['Evaluator 1'], 'the reviewer is recused from Quillon')
  t.same(document.vendors, { invited: null, registered: 4, submitted: 4, withdrawn: 0 })
  for (const secret of ['Quillon', 'Tidewater', 'Mara Quist', 'Tess Varga', 'quillon-labs', 'tidewater-research', 'Sam Ortiz', 'sam@driftwood']) {
    t.notOk(json.includes(secret), `decision.json does not hold ${secret}`)
  }
  t.ok(json.includes('Robin Okafor'), 'the chair agreed to be named')

  // Quillon changes its mind: the record names it from then on, under the same scores.
  await chooseNaming(ctx, await vendorActor(ctx, 'mara@quillon-labs.example'), DECIDED_RFP_SLUG, true)
  const named = await publishedRecord(ctx, DECIDED_RFP_SLUG)
  const quillon = named.document.rounds[0]!.proposals.find((p) => p.label === 'Quillon Labs')
  t.same(quillon?.result, round.proposals.find((p) => p.label === 'Vendor B')?.result, 'Quillon Labs is named, with its result')
  t.notOk(named.json.includes('Tidewater'), 'Tidewater is still not')
  t.equal(named.document.rounds[0]!.proposals.find((p) => p.status === 'non_responsive')?.label, 'Vendor A', 'and keeps its letter')
  checkRecomputes(t, named.document)
})

t.test('unnamed bidders stay unnamed everywhere in the JSON, until they choose otherwise', async (t) => {
  const { ctx, slug, vendors } = await decidedTwoRounds(t)
  const { json, document } = await publishedRecord(ctx, slug)
  for (const name of ['Alpha Audits', 'Gamma Labs', 'Delta Partners', 'Epsilon Security', 'alpha.example', 'Ivo Hidden', 'ivo@example.org', 'Chair Person']) {
    t.notOk(json.includes(name), `no ${name}`)
  }
  t.ok(json.includes('Beta Review') && json.includes('Eve Named'))
  t.same(document.vendors, { invited: null, registered: 4, submitted: 5, withdrawn: 1 }, 'Delta withdrew; Epsilon bid without registering')

  await chooseNaming(ctx, vendors.alpha.actor, slug, true)
  await chooseNaming(ctx, vendors.epsilon.actor, slug, false)
  const after = await publishedRecord(ctx, slug)
  t.ok(after.json.includes('Alpha Audits'), 'Alpha chose to be named')
  t.notOk(after.json.includes('Epsilon Security'), 'Epsilon chose not to be')
  const alphaNamed = after.document.rounds[1]!.proposals.find((p) => p.label === 'Alpha Audits')!
  const alphaLettered = document.rounds[1]!.proposals.find((p) => p.receipt === alphaNamed.receipt)!
  t.match(alphaLettered.label, /^Vendor [A-D]$/, 'the same proposal was lettered before')
  t.same(alphaNamed.result, alphaLettered.result, 'with the same result')
  await t.rejects(chooseNaming(ctx, vendors.delta.actor, slug, true), { statusCode: 404, message: /no proposal standing/ }, 'a withdrawn bidder has no choice to make')
  checkRecomputes(t, after.document)

  await chooseNaming(ctx, vendors.alpha.actor, slug, false)
  t.notOk((await publishedRecord(ctx, slug)).json.includes('Alpha Audits'), 'and may change its mind')
})

t.test('the timeline lists the RFP\'s public events in the order they happened', async (t) => {
  const { ctx, slug } = await decidedTwoRounds(t)
  const record = await getDecisionRecord(ctx, slug, PREFIX)
  t.same(record.timeline.map((e) => e.what), [
    'Published',
    'Proposals opened: 4 proposals',
    'Individual scoring of round 1 closed: 2 score sheets sealed',
    'Shortlist made: 3 proposals go to round 2',
    'Individual scoring of round 2 closed: 2 score sheets sealed',
    'Price envelope opened',
    'Decision recorded'
  ])
  const ats = record.timeline.map((e) => e.at)
  t.same(ats, [...ats].sort(), 'in time order')
  const events = (await readAuditEvents(ctx.db, 0, 10000)).filter((e) => e.public && e.rfpId === record.rfp.id)
  t.same(record.timeline, events.map(describeEvent).filter((e) => e !== null), 'every public event the record describes, by sequence')
  t.notOk(record.timeline.some((e) => /withdr|interest|attest|conflict|naming/i.test(e.what)), 'private events are not on it')
})

t.test('no record before the decision; none for a draft', async (t) => {
  const { ctx, owner, slug } = await decidedTwoRounds(t, { decide: false })
  await t.rejects(getDecisionRecord(ctx, slug, PREFIX), { statusCode: 404, code: 'SL_NOT_FOUND', message: /has not been recorded yet/ }, 'scored but not decided')
  const { slug: draftSlug } = await createRfpDraft(ctx, owner, { ...twoRounds(), slug: 'a-draft-rfp', title: 'A draft nobody may see' })
  t.equal(draftSlug, 'a-draft-rfp')
  const refused = await getDecisionRecord(ctx, draftSlug, PREFIX).then(() => null, (error: Error & { statusCode?: number }) => error)
  t.equal(refused?.statusCode, 404, 'a draft is not found')
  t.notOk(refused?.message.includes('A draft nobody may see'), 'and its title is not told')
  await t.rejects(getDecisionRecord(ctx, 'no-such-rfp', PREFIX), { statusCode: 404, message: /no RFP is published/ }, 'an unknown slug')
})

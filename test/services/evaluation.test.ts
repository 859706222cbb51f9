// Evaluation on a real database (DESIGN §3.3, §3.4, §4, §5): the attestation before any proposal is read, conflicts
// that recuse at once, score sheets (drafts, submission, history), independence until an owner closes the round,
// the sealed sheets and their public hashes, the results, consensus and gates beside the individual scores, the
// price envelope checked against the receipts, the decision with every proposal's status and the mails it sends,
// and each bidder's private debrief and naming choice.
import { readdirSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { simpleParser } from 'mailparser'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { scoreSheet, type ScoreSheetInput } from '../../src/domain/evaluation.js'
import type { UserActor } from '../../src/domain/policy.js'
import type { Price } from '../../src/domain/proposal.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { computeResults } from '../../src/domain/scoring.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, StepUpRequiredError } from '../../src/errors.js'
import { createMailTransport } from '../../src/mail/transport.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { chooseNaming, getDebrief, getDecisionForm, recordDecision } from '../../src/services/decision.js'
import { attest, declareConflict, getEvaluationPage } from '../../src/services/evaluation.js'
import { deliverDueMail } from '../../src/services/mail.js'
import { confirmOpening, listProposalsForCommittee, openProposalFile, readProposal, startOpening } from '../../src/services/opening.js'
import { openPriceEnvelope } from '../../src/services/price-envelope.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal, withdrawProposal } from '../../src/services/proposals.js'
import { getRoundResults, getRoundResultsCsv, recordConsensus, recordGate } from '../../src/services/results.js'
import { addRfpMember, removeRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { getScoreSheet, saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { T0, addVendorContact, createCommitteeMember, createOwner, createVendorContact, testConfig, testContext, type VendorContact } from '../helpers/app.js'
import { refused } from '../helpers/refusals.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
type TestT = Parameters<typeof testContext>[0]

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
const CRITERIA = ['understanding', 'methodology', 'team', 'reports', 'value'] as const
type Five = [number, number, number, number, number]

const VENDORS = {
  alpha: { name: 'Alpha Audits', email: 'ada@alpha.example', price: '50000' },
  beta: { name: 'Beta Security', email: 'bo@beta.example', price: '40000' },
  gamma: { name: 'Gamma Labs', email: 'gil@gamma.example', price: '45000' },
  delta: { name: 'Delta Review', email: 'dee@delta.example', price: '30000' },
  epsilon: { name: 'Epsilon Works', email: 'eps@epsilon.example', price: '20000' }
} as const
type VendorKey = keyof typeof VENDORS

// Committee members' names and addresses: none of them may ever reach a bidder's debrief.
const OWNER = { email: 'olive@committee.example', name: 'Olive Ownerby' }
const EVE = { email: 'eve@committee.example', name: 'Eve Evaldottir' }
const FINN = { email: 'finn@committee.example', name: 'Finn Fairweather' }

interface Bidder { contact: VendorContact, proposalId: string, receipt: string, price: Price }

/** A draft of the demo RFP, with a price criterion when `price` is set. */
function rfpDraft ({ price = false, attestation }: { price?: boolean, attestation?: string }): RfpDraft {
  const base = securityAuditRfp(T0)
  const round = base.rounds[0]!
  return {
    ...base,
    rounds: price ? [{ ...round, criteria: [...round.criteria, { id: 'price', name: 'Price', description: 'The fixed fee', kind: 'price', weight: '20' }] }] : base.rounds,
    ...(attestation === undefined ? {} : { attestation })
  }
}

/**
 * A published demo RFP owned by Olive, with Eve and Finn as evaluators; a proposal from each vendor named
 * (a price with it where the RFP scores price); those in `withdraw` withdrawn before the deadline; then the
 * clock at the deadline and, unless `open` is false, the proposals opened by Olive and Eve.
 */
async function evaluation (t: TestT, { vendors = ['alpha', 'beta'], price = false, withdraw = [], open = true, attestation, config }: {
  vendors?: VendorKey[]
  price?: boolean
  withdraw?: VendorKey[]
  open?: boolean
  attestation?: string
  config?: Record<string, unknown>
} = {}) {
  const ctx = await testContext(t, testConfig(t, config ?? {}))
  const owner = (await createCommitteeMember(ctx, OWNER.email, { displayName: OWNER.name })).actor
  const eve = (await createCommitteeMember(ctx, EVE.email, { displayName: EVE.name })).actor
  const finn = (await createCommitteeMember(ctx, FINN.email, { displayName: FINN.name })).actor
  const draft = rfpDraft({ price, ...(attestation === undefined ? {} : { attestation }) })
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await addRfpMember(ctx, owner, slug, EVE.email, 'evaluator')
  await addRfpMember(ctx, owner, slug, FINN.email, 'evaluator')
  await publishRfp(ctx, owner, id)
  const bidders = {} as Record<VendorKey, Bidder>
  for (const key of vendors) {
    ctx.clock.advance(60_000)
    const vendor = VENDORS[key]
    const contact = await createVendorContact(ctx, vendor.name, vendor.email)
    const files = []
    for (const part of ['plan', 'cvs', 'example-reports']) {
      files.push(await sealUpload(ctx, contact.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${key} ${part}`)]), maxBytes: 1_000_000 }))
    }
    const bid: Price = { amount: vendor.price, currency: 'EUR', notes: `${key} fixed fee` }
    const receipt = await submitProposal(ctx, contact.actor, slug, { content: { summary: `${vendor.name} audits Go.`, personnel: [] }, partners: [], ...(price ? { price: bid } : {}) }, files)
    const proposalId = (await ctx.db.selectFrom('proposals').select('id').where('organisation_id', '=', contact.organisationId).executeTakeFirstOrThrow()).id
    bidders[key] = { contact, proposalId, receipt: receipt.hash, price: bid }
  }
  for (const key of withdraw) await withdrawProposal(ctx, bidders[key].contact.actor, slug)
  ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt)))
  const stepUp = (actor: UserActor): UserActor => ({ ...actor, hasSecondFactor: true, secondFactorAt: ctx.clock.now().toISOString() })
  if (open) {
    await startOpening(ctx, stepUp(owner), slug)
    await confirmOpening(ctx, stepUp(eve), slug)
  }
  return { ctx, owner, eve, finn, id, slug, draft, bidders, stepUp }
}

type Fixture = Awaited<ReturnType<typeof evaluation>>

/** A sheet of the five demo criteria, each comment carrying `marker` so that it can be looked for anywhere. */
function sheetOf (marker: string, scores: Five, submit = true): ScoreSheetInput {
  return { cells: CRITERIA.map((criterion, i) => ({ criterion, score: scores[i]!, comment: `${marker} on ${criterion}` })), submit }
}

// The scores of the results test, figured by hand below (weights 25, 25, 20, 15, 15; scale 1..5).
const EVE_ALPHA: Five = [5, 4, 5, 3, 4]
const FINN_ALPHA: Five = [5, 4, 3, 3, 4]
const EVE_BETA: Five = [3, 3, 3, 3, 3]
const FINN_BETA: Five = [4, 3, 2, 3, 1]

/** The owner and both evaluators attest (Eve before Finn); the evaluators submit their sheets for alpha and beta. */
async function scoreBoth (f: Fixture): Promise<void> {
  const { ctx, owner, eve, finn, slug, bidders } = f
  await attest(ctx, owner, slug, { mayBeNamed: false })
  await attest(ctx, eve, slug, { mayBeNamed: false })
  ctx.clock.advance(1000)
  await attest(ctx, finn, slug, { mayBeNamed: false })
  await saveScoreSheet(ctx, eve, slug, 1, bidders.alpha.proposalId, sheetOf('EVE-ALPHA', EVE_ALPHA))
  await saveScoreSheet(ctx, finn, slug, 1, bidders.alpha.proposalId, sheetOf('FINN-ALPHA', FINN_ALPHA))
  await saveScoreSheet(ctx, eve, slug, 1, bidders.beta.proposalId, sheetOf('EVE-BETA', EVE_BETA))
  await saveScoreSheet(ctx, finn, slug, 1, bidders.beta.proposalId, sheetOf('FINN-BETA', FINN_BETA))
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 10_000)).filter((e) => e.type === type)
}

async function rfpState (ctx: Ctx, id: string): Promise<string> {
  return (await ctx.db.selectFrom('rfps').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state
}

async function readAll (source: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of source) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts).toString()
}

t.test('attesting stores the very text shown, the instance\'s by default; once only; members only', async (t) => {
  const configured = 'I keep every proposal confidential and declare any conflict of interest: the configured text.'
  const f = await evaluation(t, { config: { evaluation: { attestation: configured } } })
  const { ctx, owner, eve, slug, id } = f
  t.equal(ctx.attestation, configured, 'the configuration gives the text')
  t.equal((await getEvaluationPage(ctx, eve, slug)).attestationText, configured, 'and the page shows it')
  await attest(ctx, eve, slug, { mayBeNamed: true })
  const row = await ctx.db.selectFrom('evaluator_attestations').selectAll().executeTakeFirstOrThrow()
  t.match(row, { rfp_id: id, user_id: eve.userId, text: configured, may_be_named: 1, attested_at: ctx.clock.now().toISOString() })
  const page = await getEvaluationPage(ctx, eve, slug)
  t.match(page, { attestation: { text: configured, mayBeNamed: true }, mayAttest: false })

  await refused(t, attest(ctx, eve, slug, { mayBeNamed: false }), ConflictError, /attested already/, 'twice')
  t.equal((await ctx.db.selectFrom('evaluator_attestations').selectAll().execute()).length, 1)
  const events = await eventsOf(ctx, 'evaluation.attested')
  t.equal(events.length, 1)
  t.match(events[0], { public: false, actorId: eve.userId, data: { text: configured, mayBeNamed: true } })

  const outsider = await createOwner(ctx, 'outsider@example.org')
  await refused(t, attest(ctx, outsider, slug, { mayBeNamed: false }), ForbiddenError, /recorded by the RFP's committee/, 'someone outside the committee')
  await refused(t, attest(ctx, f.bidders.alpha.contact.actor, slug, { mayBeNamed: false }), ForbiddenError, /recorded by the RFP's committee/, 'a vendor')
  await attest(ctx, owner, slug, { mayBeNamed: false })
  t.equal((await ctx.db.selectFrom('evaluator_attestations').select('may_be_named').where('user_id', '=', owner.userId).executeTakeFirstOrThrow()).may_be_named, 0, 'an owner attests too')
})

t.test('an RFP that gives its own attestation stores that one, even when the instance has another', async (t) => {
  const own = 'For this RFP: I have not worked with any bidder in the last three years, and I keep the bids confidential.'
  const { ctx, eve, slug } = await evaluation(t, { attestation: own, open: false })
  t.not(ctx.attestation, own)
  t.equal((await getEvaluationPage(ctx, eve, slug)).attestationText, own)
  await attest(ctx, eve, slug, { mayBeNamed: false })
  t.equal((await ctx.db.selectFrom('evaluator_attestations').select('text').executeTakeFirstOrThrow()).text, own, 'attested before the opening, with the RFP\'s text')
})

t.test('no proposal is read before its reader attests; afterwards it is', async (t) => {
  const { ctx, owner, eve, slug, bidders } = await evaluation(t)
  const mustAttest = /record your attestation/
  for (const [who, actor] of [['owner', owner], ['evaluator', eve]] as const) {
    await refused(t, readProposal(ctx, actor, slug, bidders.alpha.proposalId), ForbiddenError, mustAttest, `${who} reads`)
    await refused(t, openProposalFile(ctx, actor, slug, bidders.alpha.proposalId, 0), ForbiddenError, mustAttest, `${who} opens a file`)
    await refused(t, getScoreSheet(ctx, actor, slug, 1, bidders.alpha.proposalId), ForbiddenError, who === 'owner' ? /only the RFP's evaluators/ : mustAttest, `${who} opens a sheet`)
    t.match(await listProposalsForCommittee(ctx, actor, slug), { opened: true, proposals: [], mustAttest: true }, `${who}: the list is not shown`)
  }
  await refused(t, saveScoreSheet(ctx, eve, slug, 1, bidders.alpha.proposalId, sheetOf('X', [3, 3, 3, 3, 3])), ForbiddenError, mustAttest, 'the evaluator scores')
  t.equal((await ctx.db.selectFrom('score_history').selectAll().execute()).length, 0)

  await attest(ctx, eve, slug, { mayBeNamed: false })
  t.equal((await readProposal(ctx, eve, slug, bidders.alpha.proposalId)).content.summary, 'Alpha Audits audits Go.')
  t.equal(await readAll((await openProposalFile(ctx, eve, slug, bidders.alpha.proposalId, 0)).content()), pdf('alpha plan').toString())
  t.match(await listProposalsForCommittee(ctx, eve, slug), { mustAttest: false, proposals: [{ organisationName: 'Alpha Audits', recused: false }, { organisationName: 'Beta Security', recused: false }] })
  await refused(t, readProposal(ctx, owner, slug, bidders.alpha.proposalId), ForbiddenError, mustAttest, 'the owner still has not')
})

t.test('declaring a conflict: a registered vendor, a note for "other", once per vendor, members only', async (t) => {
  const { ctx, owner, eve, finn, slug, bidders } = await evaluation(t)
  const alpha = bidders.alpha.contact.organisationId
  const problems = async (action: Promise<unknown>) => ((await action.then(() => undefined, (e: unknown) => e)) as { statusCode?: number, problems?: unknown })
  t.match(await problems(declareConflict(ctx, eve, slug, { organisationId: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b', kind: 'financial', note: '' })),
    { statusCode: 400, problems: [{ path: 'organisationId', message: 'is not a registered vendor' }] }, 'an unknown organisation')
  t.match(await problems(declareConflict(ctx, eve, slug, { organisationId: alpha, kind: 'other', note: '' })), { statusCode: 400, problems: [{ path: 'note', message: 'say what the conflict is' }] }, '"other" without a note')
  t.match(await problems(declareConflict(ctx, eve, slug, { organisationId: alpha, kind: 'other', note: ' \n ' })), { statusCode: 400, problems: [{ path: 'note' }] }, '"other" with a blank note')
  t.same(await ctx.db.selectFrom('evaluator_conflicts').selectAll().execute(), [], 'nothing was recorded')

  await declareConflict(ctx, eve, slug, { organisationId: alpha, kind: 'other', note: '  My brother works there.  ' })
  t.match(await ctx.db.selectFrom('evaluator_conflicts').selectAll().execute(), [{ user_id: eve.userId, organisation_id: alpha, kind: 'other', note: 'My brother works there.', declared_at: ctx.clock.now().toISOString() }])
  await refused(t, declareConflict(ctx, eve, slug, { organisationId: alpha, kind: 'employment', note: '' }), ConflictError, /declared a conflict with Alpha Audits already/, 'twice')
  await declareConflict(ctx, finn, slug, { organisationId: alpha, kind: 'financial', note: '' })
  const outsider = await createOwner(ctx, 'outsider@example.org')
  await refused(t, declareConflict(ctx, outsider, slug, { organisationId: alpha, kind: 'financial', note: '' }), ForbiddenError, /recorded by the RFP's committee/, 'someone outside the committee')
  t.equal((await ctx.db.selectFrom('evaluator_conflicts').selectAll().execute()).length, 2)
  t.match((await eventsOf(ctx, 'evaluation.conflict.declared')).map((e) => [e.public, e.actorId, e.data.kind]), [[false, eve.userId, 'other'], [false, finn.userId, 'financial']])

  // Owners see every declaration (recusals are part of the record); an evaluator sees their own.
  const all = (await getEvaluationPage(ctx, owner, slug)).allConflicts
  t.same(all.map((c) => [c.member, c.vendor, c.kind, c.note]).sort(), [
    [EVE.name, 'Alpha Audits', 'Other (say what in the note)', 'My brother works there.'],
    [FINN.name, 'Alpha Audits', 'Financial interest', '']
  ])
  const evesPage = await getEvaluationPage(ctx, eve, slug)
  t.same(evesPage.allConflicts, [])
  t.match(evesPage.myConflicts, [{ vendor: 'Alpha Audits' }])
  t.equal(evesPage.myConflicts.length, 1)
})

t.test('a conflict recuses at once: that vendor\'s proposal, files and sheet are refused; another vendor\'s are not', async (t) => {
  const { ctx, eve, slug, bidders } = await evaluation(t)
  await attest(ctx, eve, slug, { mayBeNamed: false })
  const alpha = bidders.alpha.proposalId
  const beta = bidders.beta.proposalId
  // Before: everything of both is open to her.
  await readProposal(ctx, eve, slug, alpha)
  await saveScoreSheet(ctx, eve, slug, 1, alpha, sheetOf('DRAFT', [3, 3, 3, 3, 3], false))

  await declareConflict(ctx, eve, slug, { organisationId: bidders.alpha.contact.organisationId, kind: 'employment', note: '' })
  const recused = /recused from its proposal/
  await refused(t, readProposal(ctx, eve, slug, alpha), ForbiddenError, recused, 'readProposal')
  await refused(t, openProposalFile(ctx, eve, slug, alpha, 0), ForbiddenError, recused, 'openProposalFile')
  await refused(t, getScoreSheet(ctx, eve, slug, 1, alpha), ForbiddenError, recused, 'getScoreSheet')
  await refused(t, saveScoreSheet(ctx, eve, slug, 1, alpha, sheetOf('AFTER', [4, 4, 4, 4, 4])), ForbiddenError, recused, 'saveScoreSheet')
  t.equal((await ctx.db.selectFrom('score_sheets').select('submitted_at').where('proposal_id', '=', alpha).executeTakeFirstOrThrow()).submitted_at, null, 'her draft was not submitted')

  t.equal((await readProposal(ctx, eve, slug, beta)).proposal.organisationName, 'Beta Security')
  t.equal(await readAll((await openProposalFile(ctx, eve, slug, beta, 1)).content()), pdf('beta cvs').toString())
  t.same(await saveScoreSheet(ctx, eve, slug, 1, beta, sheetOf('EVE-BETA', EVE_BETA)), { submitted: true })
  t.equal((await getScoreSheet(ctx, eve, slug, 1, beta)).status, 'submitted')

  t.match((await listProposalsForCommittee(ctx, eve, slug)).proposals, [{ id: alpha, recused: true }, { id: beta, recused: false }])
  t.match((await getEvaluationPage(ctx, eve, slug)).rounds[0]?.proposals, [{ id: alpha, recused: true, mayScore: false }, { id: beta, recused: false, mayScore: true }])
})

t.test('a recusal never lowers a score: the recused evaluator\'s scores, given before the conflict, do not count', async (t) => {
  const f = await evaluation(t)
  const { ctx, owner, finn, slug, bidders, stepUp } = f
  await scoreBoth(f)
  // Finn declares a conflict with alpha after scoring it, before the close.
  await declareConflict(ctx, finn, slug, { organisationId: bidders.alpha.contact.organisationId, kind: 'employment', note: '' })
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  const results = await getRoundResults(ctx, owner, slug, 1)
  const alpha = results.rows.find((r) => r.id === bidders.alpha.proposalId)!
  // Eve's alone: 5, 4, 5, 3, 4 → 1, .75, 1, .5, .75 → 25 + 18.75 + 20 + 7.5 + 11.25 = 82.5
  t.match(alpha, { score: '82.50', recusedCount: 1, rank: 1 })
  t.same(alpha.cells.map((c) => c.count), [1, 1, 1, 1, 1])
  t.equal(results.rawTotalComparable, false, 'the raw sum is not shown')
  t.match(results.rawTotalReason, /Evaluator 2 was recused from Alpha Audits/)
  t.equal(results.rows.find((r) => r.id === bidders.beta.proposalId)?.score, '46.88', 'beta keeps both')
})

t.test('scoring: a draft, then submitted; every save kept; a change after submitting makes it a draft again', async (t) => {
  const { ctx, eve, slug, bidders } = await evaluation(t)
  await attest(ctx, eve, slug, { mayBeNamed: false })
  const alpha = bidders.alpha.proposalId
  t.match(await getScoreSheet(ctx, eve, slug, 1, alpha), { status: 'not started', submittedAt: null, history: [], proposal: { id: alpha, receiptHash: bidders.alpha.receipt } })

  // A partial draft.
  t.same(await saveScoreSheet(ctx, eve, slug, 1, alpha, { cells: [{ criterion: 'understanding', score: 4, comment: 'good grasp' }, { criterion: 'team', score: null, comment: 'CVs to read' }], submit: false }), { submitted: false })
  let sheet = await getScoreSheet(ctx, eve, slug, 1, alpha)
  t.equal(sheet.status, 'draft')
  t.match(sheet.criteria, [
    { id: 'understanding', score: 4, comment: 'good grasp', lo: 1, hi: 5, options: [1, 2, 3, 4, 5] },
    { id: 'methodology', score: null, comment: '' },
    { id: 'team', score: null, comment: 'CVs to read' },
    { id: 'reports', score: null },
    { id: 'value', score: null }
  ])
  t.equal(sheet.history.length, 2)

  // A second draft changing one cell: only the change is appended.
  ctx.clock.advance(60_000)
  await saveScoreSheet(ctx, eve, slug, 1, alpha, { cells: [{ criterion: 'understanding', score: 4, comment: 'good grasp' }, { criterion: 'team', score: 3, comment: 'CVs read' }], submit: false })
  sheet = await getScoreSheet(ctx, eve, slug, 1, alpha)
  t.same(sheet.history.map((h) => [h.criterion, h.score, h.comment, h.submitted]), [['team', 3, 'CVs read', false], ['team', null, 'CVs to read', false], ['understanding', 4, 'good grasp', false]])

  // Submitted: every cell is saved with the submission.
  ctx.clock.advance(60_000)
  const submittedAt = ctx.clock.now().toISOString()
  t.same(await saveScoreSheet(ctx, eve, slug, 1, alpha, sheetOf('EVE-ALPHA', EVE_ALPHA)), { submitted: true })
  sheet = await getScoreSheet(ctx, eve, slug, 1, alpha)
  t.equal(sheet.status, 'submitted')
  t.equal(sheet.submittedAt, submittedAt)
  t.same(sheet.criteria.map((c) => [c.id, c.score, c.comment]), CRITERIA.map((c, i) => [c, EVE_ALPHA[i], `EVE-ALPHA on ${c}`]))
  t.equal(sheet.history.length, 8)
  t.same(sheet.history.slice(0, 5).map((h) => [h.at, h.submitted]), CRITERIA.map(() => [submittedAt, true]), 'the submission is the newest')

  // Changed after submitting: a draft again, until submitted again; the history keeps both.
  ctx.clock.advance(60_000)
  const changed: ScoreSheetInput = { ...sheetOf('EVE-ALPHA', EVE_ALPHA), submit: false }
  changed.cells[3] = { criterion: 'reports', score: 2, comment: 'on reflection, thin reports' }
  t.same(await saveScoreSheet(ctx, eve, slug, 1, alpha, changed), { submitted: false })
  sheet = await getScoreSheet(ctx, eve, slug, 1, alpha)
  t.match(sheet, { status: 'draft', submittedAt: null })
  t.same(sheet.history[0], { criterion: 'reports', score: 2, comment: 'on reflection, thin reports', at: ctx.clock.now().toISOString(), submitted: false })
  t.equal(sheet.history.length, 9)
  const history = await ctx.db.selectFrom('score_history').select(['criterion_id', 'seq', 'score']).where('criterion_id', '=', 'reports').orderBy('seq').execute()
  t.same(history.map((h) => [h.seq, h.score]), [[1, 3], [2, 2]], 'numbered per cell, never overwritten')
  t.same((await eventsOf(ctx, 'scores.saved')).length + (await eventsOf(ctx, 'scores.submitted')).length, 4, 'every save is in the audit log')
})

t.test('submitting refuses a score off the scale and a missing score or comment, and saves nothing of it', async (t) => {
  const { ctx, eve, slug, bidders } = await evaluation(t)
  await attest(ctx, eve, slug, { mayBeNamed: false })
  const alpha = bidders.alpha.proposalId
  const failure = async (input: ScoreSheetInput) => (await saveScoreSheet(ctx, eve, slug, 1, alpha, input).then(() => undefined, (e: unknown) => e)) as { statusCode?: number, code?: string, problems?: unknown }
  const offScale = sheetOf('X', [3, 3, 6, 3, 3])
  t.match(await failure(offScale), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'scores.team', message: 'must be a whole number from 1 to 5' }] }, 'above the scale')
  t.match(await failure({ ...offScale, submit: false }), { statusCode: 400, problems: [{ path: 'scores.team' }] }, 'a draft off the scale too')
  t.match(await failure(sheetOf('X', [0, 3, 3, 3, 3])), { statusCode: 400, problems: [{ path: 'scores.understanding' }] }, 'below it')
  const noComment = sheetOf('X', [3, 3, 3, 3, 3])
  noComment.cells[4] = { criterion: 'value', score: 3, comment: '   ' }
  t.match(await failure(noComment), { statusCode: 400, problems: [{ path: 'comments.value', message: 'give a comment for "Value for money" before submitting' }] }, 'a blank comment')
  t.match(await failure({ cells: sheetOf('X', [3, 3, 3, 3, 3]).cells.slice(1), submit: true }), { statusCode: 400, problems: [{ path: 'scores.understanding' }] }, 'a criterion left out')
  t.match(await failure({ cells: [...sheetOf('X', [3, 3, 3, 3, 3]).cells, { criterion: 'open-report', score: 1, comment: 'yes' }], submit: true }), { statusCode: 400, problems: [{ path: 'cells.5.criterion' }] }, 'a gate is not scored')
  t.same(await ctx.db.selectFrom('score_sheets').selectAll().execute(), [], 'no sheet')
  t.same(await ctx.db.selectFrom('score_history').selectAll().execute(), [], 'no history')
})

t.test('only evaluators score, and only the proposals of a round that has started', async (t) => {
  const { ctx, owner, eve, slug, bidders } = await evaluation(t, { vendors: ['alpha', 'beta', 'epsilon'], withdraw: ['epsilon'] })
  await attest(ctx, owner, slug, { mayBeNamed: false })
  await attest(ctx, eve, slug, { mayBeNamed: false })
  await refused(t, saveScoreSheet(ctx, owner, slug, 1, bidders.alpha.proposalId, sheetOf('OWNER', [3, 3, 3, 3, 3])), ForbiddenError, /only the RFP's evaluators score/, 'an owner')
  await refused(t, saveScoreSheet(ctx, bidders.beta.contact.actor, slug, 1, bidders.alpha.proposalId, sheetOf('V', [3, 3, 3, 3, 3])), ForbiddenError, /only the RFP's evaluators/, 'a vendor')
  await refused(t, saveScoreSheet(ctx, eve, slug, 1, bidders.epsilon.proposalId, sheetOf('W', [3, 3, 3, 3, 3])), NotFoundError, /round 1 has no such proposal/, 'a withdrawn proposal is in no round')
  await refused(t, saveScoreSheet(ctx, eve, slug, 2, bidders.alpha.proposalId, sheetOf('R2', [3, 3, 3, 3, 3])), NotFoundError, /round 2 has not started/, 'a round that has not started')
  t.same((await ctx.db.selectFrom('round_proposals').select('proposal_id').orderBy('proposal_id').execute()).map((r) => r.proposal_id), [bidders.alpha.proposalId, bidders.beta.proposalId].sort(), 'round 1 holds the standing proposals')
})

t.test('the opening starts round 1 with every standing proposal, in the same transaction', async (t) => {
  const { ctx, owner, eve, slug, id, bidders, stepUp } = await evaluation(t, { vendors: ['alpha', 'beta', 'gamma'], withdraw: ['gamma'], open: false })
  t.same(await ctx.db.selectFrom('scoring_rounds').selectAll().execute(), [], 'no round while sealed')
  await startOpening(ctx, stepUp(owner), slug)
  t.same(await ctx.db.selectFrom('scoring_rounds').selectAll().execute(), [], 'nor once the opening is only started')
  await confirmOpening(ctx, stepUp(eve), slug)
  t.same(await ctx.db.selectFrom('scoring_rounds').selectAll().execute(), [{ rfp_id: id, round: 1, started_at: ctx.clock.now().toISOString(), closed_by: null, closed_at: null }])
  t.same((await ctx.db.selectFrom('round_proposals').select('proposal_id').orderBy('proposal_id').execute()).map((r) => r.proposal_id), [bidders.alpha.proposalId, bidders.beta.proposalId].sort())
})

t.test('independence: before the round closes nobody — owner or evaluator — sees another evaluator\'s scores', async (t) => {
  const f = await evaluation(t)
  const { ctx, owner, eve, finn, slug } = f
  await scoreBoth(f)
  for (const [who, actor] of [['owner', owner], ['Eve', eve], ['Finn', finn]] as const) {
    await refused(t, getRoundResults(ctx, actor, slug, 1), ForbiddenError, /individual scoring of round 1 is still open/, `${who}: results`)
    await refused(t, getRoundResultsCsv(ctx, actor, slug, 1), ForbiddenError, /still open/, `${who}: the CSV`)
  }
  await refused(t, getRoundResults(ctx, { ...owner, secondFactorAt: ctx.clock.now().toISOString(), isAdmin: true }, slug, 1), ForbiddenError, /still open/, 'an owner who is an admin, just stepped up')

  // The pages each sees: their own sheets' standing, never anyone's scores or comments.
  const evesPage = JSON.stringify(await getEvaluationPage(ctx, eve, slug))
  t.notMatch(evesPage, /FINN-/, 'Eve\'s page holds nothing of Finn\'s sheets')
  t.notMatch(JSON.stringify(await getEvaluationPage(ctx, finn, slug)), /EVE-/, 'Finn\'s nothing of Eve\'s')
  const ownersPage = await getEvaluationPage(ctx, owner, slug)
  t.notMatch(JSON.stringify(ownersPage), /EVE-|FINN-/, 'the owner\'s page neither')
  t.same(ownersPage.rounds[0]?.progress.map((p) => [p.userId, p.submitted, p.drafts, p.attested]).sort(), [[eve.userId, 2, 0, true], [finn.userId, 2, 0, true]].sort(), 'only counts')
  t.match((await getEvaluationPage(ctx, eve, slug)).rounds[0]?.proposals, [{ sheet: 'submitted' }, { sheet: 'submitted' }])
  t.same((await getEvaluationPage(ctx, eve, slug)).rounds[0]?.progress, [], 'an evaluator is not shown the others\' progress')

  // A sheet is its owner's alone.
  const evesSheet = JSON.stringify(await getScoreSheet(ctx, eve, slug, 1, f.bidders.alpha.proposalId))
  t.match(evesSheet, /EVE-ALPHA/)
  t.notMatch(evesSheet, /FINN-/)
  const form = await getDecisionForm(ctx, owner, slug)
  t.match(form, { ready: false, rows: [] }, 'the decision form shows no standings')
  t.notMatch(JSON.stringify(form), /EVE-|FINN-/)
  // The audit log says that sheets moved, never what they say.
  t.notMatch(JSON.stringify(await readAuditEvents(ctx.db, 0, 10_000)), /EVE-|FINN-/)
})

t.test('closing a round: owners only, with a recent second factor; the sheet hashes go public; scoring locks', async (t) => {
  const f = await evaluation(t)
  const { ctx, owner, eve, finn, slug, id, bidders, stepUp } = f
  // Finn attests first: he is Evaluator 1. The owner's attestation gives no label: owners do not score.
  await attest(ctx, owner, slug, { mayBeNamed: false })
  await attest(ctx, finn, slug, { mayBeNamed: false })
  ctx.clock.advance(1000)
  await attest(ctx, eve, slug, { mayBeNamed: false })
  await saveScoreSheet(ctx, eve, slug, 1, bidders.alpha.proposalId, sheetOf('EVE-ALPHA', EVE_ALPHA))
  await saveScoreSheet(ctx, eve, slug, 1, bidders.beta.proposalId, sheetOf('EVE-BETA', EVE_BETA))
  await saveScoreSheet(ctx, finn, slug, 1, bidders.alpha.proposalId, sheetOf('FINN-ALPHA', FINN_ALPHA))
  // Finn's beta sheet: submitted, then changed, so a draft at the close: it does not count.
  await saveScoreSheet(ctx, finn, slug, 1, bidders.beta.proposalId, sheetOf('FINN-BETA', FINN_BETA))
  await saveScoreSheet(ctx, finn, slug, 1, bidders.beta.proposalId, sheetOf('FINN-BETA-REDRAFT', FINN_BETA, false))

  await refused(t, closeScoringRound(ctx, stepUp(eve), slug, 1), ForbiddenError, /only an owner of the RFP closes scoring/, 'an evaluator')
  await refused(t, closeScoringRound(ctx, await createOwner(ctx, 'outsider@example.org'), slug, 1), ForbiddenError, /only an owner/, 'someone outside the committee')
  await refused(t, closeScoringRound(ctx, { ...owner, hasSecondFactor: true, secondFactorAt: T0.toISOString() }, slug, 1), StepUpRequiredError, /confirm with your second factor/, 'a second factor proved long ago')
  await refused(t, closeScoringRound(ctx, stepUp(owner), slug, 2), NotFoundError, /round 2 has not started/, 'a round that has not started')
  t.equal(await rfpState(ctx, id), 'opened', 'no refusal closed anything')
  t.equal((await eventsOf(ctx, 'scoring.closed')).length, 0)

  ctx.clock.advance(3_600_000)
  t.same(await closeScoringRound(ctx, stepUp(owner), slug, 1), { sheets: 2 })
  t.equal(await rfpState(ctx, id), 'scoring_closed')
  t.match(await ctx.db.selectFrom('scoring_rounds').selectAll().executeTakeFirstOrThrow(), { closed_by: owner.userId, closed_at: ctx.clock.now().toISOString() })

  const [closed, ...more] = await eventsOf(ctx, 'scoring.closed')
  t.equal(more.length, 0)
  t.equal(closed?.public, true, 'a public event')
  t.match(closed?.data, { slug, round: 1, unsubmittedDrafts: 1 })
  const published = closed?.data.sheets as Array<{ evaluator: string, hash: string }>
  t.same(published.map((s) => s.evaluator), ['Evaluator 1', 'Evaluator 2'])

  // Each published hash recomputes from the stored sheet; the sheet holds exactly the submitted scores.
  const sealed = await ctx.db.selectFrom('sealed_score_sheets').selectAll().orderBy('label').execute()
  t.equal(sealed.length, 2)
  const receipts = new Map([[bidders.alpha.receipt, 'alpha'], [bidders.beta.receipt, 'beta']])
  for (const [i, row] of sealed.entries()) {
    t.equal(createHash('sha256').update(row.sheet, 'utf8').digest('hex'), row.hash, `${row.label}: SHA-256 of the stored JSON`)
    t.same(published[i], { evaluator: row.label, hash: row.hash }, `${row.label}: as published`)
    const parsed = JSON.parse(row.sheet) as { format: string, rfp: string, round: number, evaluator: string, salt: string, scores: Array<{ proposal: string, criterion: string, score: number }> }
    t.match(parsed, { format: 'shortlist.score-sheet/1', rfp: slug, round: 1, evaluator: row.label, salt: /^[0-9a-f]{32}$/ })
    t.same(scoreSheet({ rfp: parsed.rfp, round: parsed.round, evaluator: parsed.evaluator, salt: parsed.salt, scores: parsed.scores }), { json: row.sheet, hash: row.hash }, `${row.label}: recomputed from what will be published`)
    t.ok(parsed.scores.every((s) => receipts.has(s.proposal)), 'proposals named by their receipt hashes')
  }
  t.equal(sealed[0]?.user_id, finn.userId, 'Evaluator 1 is the first to attest')
  const finnsScores = (JSON.parse(sealed[0]!.sheet) as { scores: Array<{ proposal: string, criterion: string, score: number }> }).scores
  t.same(finnsScores.map((s) => [receipts.get(s.proposal), s.criterion, s.score]).sort(), CRITERIA.map((c, i) => ['alpha', c, FINN_ALPHA[i]]).sort(), 'Finn\'s draft on beta is not in his sheet')
  const evesScores = (JSON.parse(sealed[1]!.sheet) as { scores: Array<{ proposal: string, criterion: string, score: number }> }).scores
  t.same(evesScores.map((s) => [receipts.get(s.proposal), s.criterion, s.score]).sort(), [...CRITERIA.map((c, i) => ['alpha', c, EVE_ALPHA[i]]), ...CRITERIA.map((c, i) => ['beta', c, EVE_BETA[i]])].sort())
  t.notMatch(JSON.stringify(closed), /EVE-|FINN-/, 'the public event holds hashes, not scores or comments')

  // Locked: no sheet changes after the close, submitted or draft.
  await refused(t, saveScoreSheet(ctx, eve, slug, 1, bidders.alpha.proposalId, sheetOf('LATE', [1, 1, 1, 1, 1])), InvalidStateError, /scoring of round 1 is closed/, 'Eve changes a submitted sheet')
  await refused(t, saveScoreSheet(ctx, finn, slug, 1, bidders.beta.proposalId, sheetOf('LATE', [1, 1, 1, 1, 1])), InvalidStateError, /closed/, 'Finn submits his draft')
  t.equal((await ctx.db.selectFrom('scores').selectAll().where('comment', 'like', 'LATE%').execute()).length, 0)
  await refused(t, closeScoringRound(ctx, stepUp(owner), slug, 1), InvalidStateError, /round 1 was closed already/, 'closing again')
  t.equal((await eventsOf(ctx, 'scoring.closed')).length, 1)

  // Finn's draft is not in the results either.
  const results = await getRoundResults(ctx, owner, slug, 1)
  const betaRow = results.rows.find((r) => r.id === bidders.beta.proposalId)
  t.same(betaRow?.cells.map((c) => c.count), [1, 1, 1, 1, 1], 'beta has Eve\'s scores only')
  t.same(results.sealedSheets, published.map((s) => ({ label: s.evaluator, hash: s.hash })))
})

t.test('the results after the close: the figures of DESIGN §4, as the scoring domain computes them', async (t) => {
  const f = await evaluation(t)
  const { ctx, owner, eve, finn, slug, bidders, stepUp } = f
  await scoreBoth(f)
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  const results = await getRoundResults(ctx, eve, slug, 1)
  // alpha: means 5, 4, 4, 3, 4 → values 1, .75, .75, .5, .75 → 25 + 18.75 + 15 + 7.5 + 11.25 = 77.5
  // beta: means 3.5, 3, 2.5, 3, 2 → values .625, .5, .375, .5, .25 → 15.625 + 12.5 + 7.5 + 7.5 + 3.75 = 46.875
  t.same(results.rows.map((r) => [r.vendor, r.rank, r.score, r.rawTotal]), [['Alpha Audits', 1, '77.50', 40], ['Beta Security', 2, '46.88', 28]])
  const alpha = results.rows[0]!
  t.same(alpha.cells.map((c) => [c.criterion, c.mean, c.used, c.range, c.flagged, c.count]), [
    ['understanding', '5.00', '5.00', 0, false, 2],
    ['methodology', '4.00', '4.00', 0, false, 2],
    ['team', '4.00', '4.00', 2, true, 2], // a range of half the scale is listed for discussion
    ['reports', '3.00', '3.00', 0, false, 2],
    ['value', '4.00', '4.00', 0, false, 2]
  ], 'in the RFP\'s order of criteria, as the columns are')
  t.same(results.discussion.map((d) => [d.vendor, d.criterion, d.range]), [['Alpha Audits', 'team', 2], ['Beta Security', 'value', 2]])
  t.same(results.discussion[0]?.scores.map((s) => s.evaluator).sort(), ['Evaluator 1', 'Evaluator 2'], 'by label')
  t.equal(results.kendallW, '1.0000', 'both rank alpha first')
  t.equal(results.rawTotalComparable, true)
  t.same(results.criteria.map((c) => [c.id, c.share]), [['understanding', '25.00'], ['methodology', '25.00'], ['team', '20.00'], ['reports', '15.00'], ['value', '15.00']])

  // The same figures from the domain, fed by hand with the scores given.
  const input = {
    criteria: [...CRITERIA.map((id, i) => ({ id, kind: 'scored' as const, weight: ['25', '25', '20', '15', '15'][i]!, lo: 1, hi: 5 })), { id: 'open-report', kind: 'gate' as const, weight: '0', lo: 0, hi: 1 }],
    proposals: [bidders.alpha.proposalId, bidders.beta.proposalId].map((id) => ({ id, excluded: false, price: null, gates: [] })),
    evaluators: [eve.userId, finn.userId],
    scores: ([[eve, bidders.alpha, EVE_ALPHA], [finn, bidders.alpha, FINN_ALPHA], [eve, bidders.beta, EVE_BETA], [finn, bidders.beta, FINN_BETA]] as const)
      .flatMap(([who, bidder, five]) => CRITERIA.map((criterion, i) => ({ evaluator: who.userId, proposal: bidder.proposalId, criterion, score: five[i]! }))),
    consensus: [],
    recusals: [],
    nearTieMargin: '2',
    consensusTolerance: 2
  }
  const domain = computeResults(input)
  t.same(results.rows.map((r) => [r.id, r.score, r.rank]), domain.proposals.map((p) => [p.proposal, p.scoreText, p.rank]))
  const sd = (cells: ReadonlyArray<{ criterion: string, standardDeviation: string | null }>): string[] => [...cells].sort((a, b) => a.criterion < b.criterion ? -1 : 1).map((c) => `${c.criterion} ${String(c.standardDeviation)}`)
  t.same(results.rows.map((r) => sd(r.cells)), domain.proposals.map((p) => sd(p.cells)))

  // Every member sees the comparison; only owners see each evaluator's sheet, comments included.
  t.same(results.evaluators, [], 'an evaluator sees no one\'s sheet by name')
  t.equal(results.isOwner, false)
  const owners = await getRoundResults(ctx, owner, slug, 1)
  t.same(owners.evaluators.map((e) => e.label), ['Evaluator 1', 'Evaluator 2'])
  t.match(owners.evaluators[0]?.proposals[0]?.cells[0], { criterion: 'understanding', score: 5, comment: 'EVE-ALPHA on understanding' })
  t.equal(owners.mayRecord, true)
  const outsider = await createOwner(ctx, 'outsider@example.org')
  await refused(t, getRoundResults(ctx, outsider, slug, 1), ForbiddenError, /for the RFP's committee/, 'someone outside the committee')
  await refused(t, getRoundResults(ctx, f.bidders.alpha.contact.actor, slug, 1), ForbiddenError, /for the RFP's committee/, 'a vendor')
  t.match((await getRoundResultsCsv(ctx, finn, slug, 1)).body, /^rank,vendor,score,status,/)
})

t.test('consensus and gates: after the close, by owners, with a reason, beside the individual scores', async (t) => {
  const f = await evaluation(t, { vendors: ['alpha', 'beta', 'gamma'] })
  const { ctx, owner, eve, finn, slug, bidders, stepUp } = f
  await scoreBoth(f)
  await saveScoreSheet(ctx, eve, slug, 1, bidders.gamma.proposalId, sheetOf('EVE-GAMMA', [5, 5, 5, 5, 5]))
  await saveScoreSheet(ctx, finn, slug, 1, bidders.gamma.proposalId, sheetOf('FINN-GAMMA', [5, 5, 5, 5, 5]))
  const consensus = { proposalId: bidders.alpha.proposalId, criterion: 'team', score: 5, reason: 'The committee agreed the CVs show the strongest team.' }
  const gate = { proposalId: bidders.gamma.proposalId, criterion: 'open-report', passed: false, reason: 'Gamma will not let the report be published.' }
  await refused(t, recordConsensus(ctx, owner, slug, 1, consensus), InvalidStateError, /still being scored/, 'consensus before the close')
  await refused(t, recordGate(ctx, owner, slug, 1, gate), InvalidStateError, /still being scored/, 'a gate before the close')

  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  const before = await ctx.db.selectFrom('scores').selectAll().orderBy('user_id').orderBy('proposal_id').orderBy('criterion_id').execute()
  await refused(t, recordConsensus(ctx, eve, slug, 1, consensus), ForbiddenError, /only an owner/, 'an evaluator records consensus')
  await refused(t, recordGate(ctx, finn, slug, 1, gate), ForbiddenError, /only an owner/, 'an evaluator records a gate')
  const badInput = async (action: Promise<void>) => (await action.then(() => undefined, (e: unknown) => e)) as { statusCode?: number, problems?: Array<{ path: string, message: string }> }
  t.match(await badInput(recordConsensus(ctx, owner, slug, 1, { ...consensus, reason: '  ' })), { statusCode: 400, problems: [{ path: 'reason', message: 'give the reason: it is part of the record' }] }, 'consensus without a reason')
  t.match(await badInput(recordGate(ctx, owner, slug, 1, { ...gate, reason: '' })), { statusCode: 400, problems: [{ path: 'reason' }] }, 'a gate without a reason')
  t.match(await badInput(recordConsensus(ctx, owner, slug, 1, { ...consensus, score: 6 })), { statusCode: 400, problems: [{ path: 'score' }] }, 'a consensus off the scale')
  t.match(await badInput(recordConsensus(ctx, owner, slug, 1, { ...consensus, criterion: 'open-report' })), { statusCode: 400, problems: [{ path: 'criterion' }] }, 'consensus on a gate')
  t.match(await badInput(recordGate(ctx, owner, slug, 1, { ...gate, criterion: 'team' })), { statusCode: 400, problems: [{ path: 'criterion' }] }, 'a gate that is scored')
  t.same(await ctx.db.selectFrom('consensus_scores').selectAll().execute(), [])
  t.same(await ctx.db.selectFrom('gate_results').selectAll().execute(), [])

  await recordConsensus(ctx, owner, slug, 1, consensus)
  await recordGate(ctx, owner, slug, 1, gate)
  await recordGate(ctx, owner, slug, 1, { ...gate, proposalId: bidders.alpha.proposalId, passed: true, reason: 'Alpha accepts publication.' })
  t.same(await ctx.db.selectFrom('scores').selectAll().orderBy('user_id').orderBy('proposal_id').orderBy('criterion_id').execute(), before, 'the individual scores are untouched')
  t.match(await ctx.db.selectFrom('consensus_scores').selectAll().execute(), [{ proposal_id: bidders.alpha.proposalId, criterion_id: 'team', score: 5, reason: consensus.reason, recorded_by: owner.userId }])

  const results = await getRoundResults(ctx, owner, slug, 1)
  const alpha = results.rows.find((r) => r.id === bidders.alpha.proposalId)!
  // alpha's team cell: mean 4 kept, 5 used → 25 + 18.75 + 20 + 7.5 + 11.25 = 82.5
  t.match(alpha.cells.find((c) => c.criterion === 'team'), { mean: '4.00', used: '5.00', consensus: 5, range: 2, flagged: true, count: 2 })
  t.equal(alpha.score, '82.50')
  const teamCell = results.discussion.find((d) => d.criterion === 'team')
  t.match(teamCell, { consensus: 5, reason: consensus.reason })
  t.same(teamCell?.scores.map((s) => [s.evaluator, s.score]).sort(), [['Evaluator 1', 5], ['Evaluator 2', 3]], 'the individual scores shown beside it')
  const gamma = results.rows.find((r) => r.id === bidders.gamma.proposalId)!
  t.match(gamma, { rank: null, score: null, reason: 'failed the pass/fail gate open-report', gates: [{ id: 'open-report', passed: false, reason: gate.reason }] })
  t.match(alpha.gates, [{ passed: true }])
  t.same(results.rows.map((r) => r.rank), [1, 2, null], 'gamma, with the best scores, is not ranked')

  // Changed, with its own reason; both are in the audit log.
  await recordConsensus(ctx, owner, slug, 1, { ...consensus, score: 4, reason: 'On reflection, as the mean.' })
  t.match(await ctx.db.selectFrom('consensus_scores').selectAll().execute(), [{ score: 4, reason: 'On reflection, as the mean.' }])
  t.same((await eventsOf(ctx, 'consensus.recorded')).map((e) => e.data.score), [5, 4])
  t.equal((await eventsOf(ctx, 'gate.recorded')).length, 2)
})

t.test('a conflict declared after the close does not change the locked scores', async (t) => {
  const f = await evaluation(t)
  const { ctx, owner, finn, slug, bidders, stepUp } = f
  await scoreBoth(f)
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  const before = (await getRoundResults(ctx, owner, slug, 1)).rows.map((r) => [r.vendor, r.rank, r.score])
  t.same(before, [['Alpha Audits', 1, '77.50'], ['Beta Security', 2, '46.88']])
  // Finn, having seen the comparison, declares a conflict with the leader.
  ctx.clock.advance(60_000)
  await declareConflict(ctx, finn, slug, { organisationId: bidders.alpha.contact.organisationId, kind: 'financial', note: '' })
  t.same((await getRoundResults(ctx, owner, slug, 1)).rows.map((r) => [r.vendor, r.rank, r.score]), before, 'the closed round\'s figures stand')
})

t.test('an evaluator removed from the committee after the close keeps the locked scores and labels in the results', async (t) => {
  const f = await evaluation(t)
  const { ctx, owner, eve, slug, stepUp } = f
  await scoreBoth(f)
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  const before = await getRoundResults(ctx, owner, slug, 1)
  t.same(before.rows.map((r) => [r.vendor, r.rank, r.score]), [['Alpha Audits', 1, '77.50'], ['Beta Security', 2, '46.88']])
  await removeRfpMember(ctx, owner, slug, eve.userId, 'evaluator')
  const after = await getRoundResults(ctx, owner, slug, 1)
  t.same(after.rows.map((r) => [r.vendor, r.rank, r.score]), before.rows.map((r) => [r.vendor, r.rank, r.score]), 'the figures of the closed round stand')
  t.same(after.evaluators.map((e) => e.label), ['Evaluator 1', 'Evaluator 2'], 'both sheets are still shown')
  t.same(after.sealedSheets, before.sealedSheets)
})

t.test('the price envelope: after the close only, by an owner with a fresh second factor, checked against each receipt', async (t) => {
  const f = await evaluation(t, { price: true })
  const { ctx, owner, eve, slug, id, bidders, stepUp } = f
  await scoreBoth(f)
  await refused(t, openPriceEnvelope(ctx, stepUp(owner), slug), InvalidStateError, /only (after|once) technical scoring( of round 1)? is closed/, 'before the close')
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  await refused(t, openPriceEnvelope(ctx, stepUp(eve), slug), ForbiddenError, /only an owner of the RFP opens the price envelope/, 'an evaluator')
  await refused(t, openPriceEnvelope(ctx, { ...owner, secondFactorAt: T0.toISOString() }, slug), StepUpRequiredError, /second factor/, 'a stale second factor')

  // Provisional until then: price gives 0 to everyone. alpha 77.5 / 1.2, beta 46.875 / 1.2.
  const provisional = await getRoundResults(ctx, owner, slug, 1)
  t.equal(provisional.provisional, true)
  t.same(provisional.rows.map((r) => [r.score, r.price]), [['64.58', null], ['39.06', null]])

  // A sealed price altered in the database does not authenticate; nothing is opened.
  const alphaVersion = await ctx.db.selectFrom('proposal_versions').select(['proposal_id', 'sealed_price']).where('proposal_id', '=', bidders.alpha.proposalId).executeTakeFirstOrThrow()
  const betaVersion = await ctx.db.selectFrom('proposal_versions').select(['proposal_id', 'sealed_price']).where('proposal_id', '=', bidders.beta.proposalId).executeTakeFirstOrThrow()
  const flipped = Buffer.from(alphaVersion.sealed_price!, 'base64url')
  flipped[flipped.length - 5]! ^= 0x01
  await ctx.db.updateTable('proposal_versions').set({ sealed_price: flipped.toString('base64url') }).where('proposal_id', '=', bidders.alpha.proposalId).execute()
  await refused(t, openPriceEnvelope(ctx, stepUp(owner), slug), InvalidStateError, new RegExp(`the price of the proposal with receipt ${bidders.alpha.receipt} failed its integrity check`), 'a tampered sealed price')
  // Another bidder's sealed price swapped in unseals (same key) but is not what this receipt records.
  await ctx.db.updateTable('proposal_versions').set({ sealed_price: betaVersion.sealed_price }).where('proposal_id', '=', bidders.alpha.proposalId).execute()
  await refused(t, openPriceEnvelope(ctx, stepUp(owner), slug), InvalidStateError, new RegExp(`receipt ${bidders.alpha.receipt} does not match the hash its receipt records`), 'a swapped sealed price')
  t.same(await ctx.db.selectFrom('price_openings').selectAll().execute(), [])
  t.same(await ctx.db.selectFrom('proposal_prices').selectAll().execute(), [])
  t.equal((await eventsOf(ctx, 'prices.opened')).length, 0)

  await ctx.db.updateTable('proposal_versions').set({ sealed_price: alphaVersion.sealed_price }).where('proposal_id', '=', bidders.alpha.proposalId).execute()
  t.same(await openPriceEnvelope(ctx, stepUp(owner), slug), { count: 2 }, 'restored, it opens')
  t.same(await ctx.db.selectFrom('price_openings').selectAll().execute(), [{ rfp_id: id, opened_by: owner.userId, opened_at: ctx.clock.now().toISOString() }])
  t.same((await ctx.db.selectFrom('proposal_prices').selectAll().orderBy('amount').execute()).map((p) => [p.proposal_id, p.amount, p.currency, p.notes]),
    [[bidders.beta.proposalId, '40000', 'EUR', 'beta fixed fee'], [bidders.alpha.proposalId, '50000', 'EUR', 'alpha fixed fee']], 'the prices as the vendors sent them')
  t.match(await eventsOf(ctx, 'prices.opened'), [{ public: true, data: { slug, count: 2, shortlistOnly: false } }])

  // Scored now: lowest / price = .8 for alpha, 1 for beta. (77.5 + 16) / 1.2 and (46.875 + 20) / 1.2.
  const priced = await getRoundResults(ctx, owner, slug, 1)
  t.equal(priced.provisional, false)
  t.same(priced.rows.map((r) => [r.vendor, r.score, r.price, r.currency]), [['Alpha Audits', '77.92', '50000', 'EUR'], ['Beta Security', '55.73', '40000', 'EUR']])
  await refused(t, openPriceEnvelope(ctx, stepUp(owner), slug), ConflictError, /opened already/, 'twice')
})

t.test('an RFP that does not score price has no price envelope to open', async (t) => {
  const f = await evaluation(t)
  await scoreBoth(f)
  await closeScoringRound(f.ctx, f.stepUp(f.owner), f.slug, 1)
  await refused(t, openPriceEnvelope(f.ctx, f.stepUp(f.owner), f.slug), InvalidStateError, /does not score price: there is no price envelope/, 'no price criterion')
  t.same(await f.ctx.db.selectFrom('price_openings').selectAll().execute(), [])
})

/**
 * Five bidders on an RFP that scores price: alpha and beta scored as above, gamma perfect but failing the gate,
 * delta scored (to be disqualified), epsilon withdrawn before the deadline. Alpha has two contacts.
 */
async function decided (t: TestT) {
  const f = await evaluation(t, { price: true, vendors: ['alpha', 'beta', 'gamma', 'delta', 'epsilon'], withdraw: ['epsilon'] })
  const { ctx, owner, eve, finn, slug, bidders } = f
  await addVendorContact(ctx, bidders.alpha.contact.organisationId, 'second@alpha.example')
  await scoreBoth(f)
  for (const [who, marker] of [[eve, 'EVE'], [finn, 'FINN']] as const) {
    await saveScoreSheet(ctx, who, slug, 1, bidders.gamma.proposalId, sheetOf(`${marker}-GAMMA`, [5, 5, 5, 5, 5]))
    await saveScoreSheet(ctx, who, slug, 1, bidders.delta.proposalId, sheetOf(`${marker}-DELTA`, [4, 4, 4, 4, 4]))
  }
  const input = { selected: [bidders.alpha.proposalId], rationale: 'Alpha Audits ranked first on the published criteria.', disqualified: [{ proposal: bidders.delta.proposalId, reason: 'Delta Review subcontracted the audit without saying so.' }] }
  return { ...f, input, owner }
}

t.test('the decision: after the close, the price opened, a ranked proposal selected; every status set; everyone told', async (t) => {
  const f = await decided(t)
  const { ctx, owner, eve, slug, id, bidders, stepUp, input } = f
  await refused(t, recordDecision(ctx, stepUp(owner), slug, input), InvalidStateError, /the RFP is opened: the decision is recorded after individual scoring is closed/, 'before the close')
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  await refused(t, recordDecision(ctx, stepUp(owner), slug, input), InvalidStateError, /open the price envelope before deciding/, 'before the price envelope is opened')
  await recordGate(ctx, owner, slug, 1, { proposalId: bidders.gamma.proposalId, criterion: 'open-report', passed: false, reason: 'Gamma will not let the report be published.' })
  await openPriceEnvelope(ctx, stepUp(owner), slug)

  await refused(t, recordDecision(ctx, stepUp(eve), slug, input), ForbiddenError, /only an owner of the RFP records the decision/, 'an evaluator')
  await refused(t, recordDecision(ctx, { ...owner, secondFactorAt: T0.toISOString() }, slug, input), StepUpRequiredError, /second factor/, 'a stale second factor')
  const badInput = async (action: Promise<void>) => (await action.then(() => undefined, (e: unknown) => e)) as { statusCode?: number, problems?: Array<{ path: string, message: string }> }
  t.match(await badInput(recordDecision(ctx, stepUp(owner), slug, { ...input, selected: [bidders.gamma.proposalId] })), { statusCode: 400, problems: [{ path: 'selected', message: /only a ranked proposal can be selected/ }] }, 'a proposal that failed a gate')
  t.match(await badInput(recordDecision(ctx, stepUp(owner), slug, { ...input, selected: [bidders.delta.proposalId] })), { statusCode: 400, problems: [{ path: 'selected', message: /only a ranked proposal/ }] }, 'the one being disqualified')
  t.match(await badInput(recordDecision(ctx, stepUp(owner), slug, { ...input, selected: [bidders.epsilon.proposalId] })), { statusCode: 400, problems: [{ path: 'selected', message: /not in round 1/ }] }, 'a withdrawn proposal')
  t.match(await badInput(recordDecision(ctx, stepUp(owner), slug, { ...input, disqualified: [{ proposal: bidders.delta.proposalId, reason: ' ' }] })), { statusCode: 400, problems: [{ path: 'disqualified.0.reason' }] }, 'a disqualification without a reason')
  t.match(await badInput(recordDecision(ctx, stepUp(owner), slug, { ...input, rationale: '' })), { statusCode: 400, problems: [{ path: 'rationale' }] }, 'no rationale')
  t.match(await badInput(recordDecision(ctx, stepUp(owner), slug, input)), { statusCode: 400, problems: [{ path: 'selected', message: /record whether the selected proposal passes "Agrees to the publication of the final report" first/ }] }, 'selected before its gate is judged')
  await recordGate(ctx, owner, slug, 1, { proposalId: bidders.alpha.proposalId, criterion: 'open-report', passed: true, reason: 'Alpha accepts publication.' })
  t.equal(await rfpState(ctx, id), 'scoring_closed', 'no refusal decided anything')
  t.same(await ctx.db.selectFrom('mail_outbox').selectAll().where('template', 'like', 'decision-%').execute(), [])

  const form = await getDecisionForm(ctx, owner, slug)
  t.match(form, { ready: true, round: 1 })
  t.same(form.rows.map((r) => [r.vendor, r.rank]), [['Delta Review', 1], ['Alpha Audits', 2], ['Beta Security', 3], ['Gamma Labs', null]], 'before the disqualification delta leads')

  ctx.clock.advance(60_000)
  await recordDecision(ctx, stepUp(owner), slug, input)
  t.equal(await rfpState(ctx, id), 'decided')
  const statuses = new Map((await ctx.db.selectFrom('proposals').select(['id', 'status', 'status_reason']).execute()).map((p) => [p.id, [p.status, p.status_reason]]))
  t.same(statuses.get(bidders.alpha.proposalId), ['selected', null])
  t.same(statuses.get(bidders.beta.proposalId), ['not_selected', null])
  t.same(statuses.get(bidders.gamma.proposalId), ['non_responsive', 'failed the pass/fail gate open-report'])
  t.same(statuses.get(bidders.delta.proposalId), ['disqualified', 'Delta Review subcontracted the audit without saying so.'])
  t.same(statuses.get(bidders.epsilon.proposalId), ['withdrawn', null], 'a withdrawn proposal stays withdrawn')
  t.match(await ctx.db.selectFrom('decisions').selectAll().execute(), [{ rfp_id: id, rationale: input.rationale, rounds_used: 1, decided_by: owner.userId, decided_at: ctx.clock.now().toISOString() }])

  const [event, ...more] = await eventsOf(ctx, 'rfp.decided')
  t.equal(more.length, 0)
  t.match(event, { public: true, actorId: owner.userId, data: { slug, selected: ['Alpha Audits'], rationale: input.rationale, roundsUsed: 1, bidders: 4 } })

  // Every contact of every bidder is told; the withdrawn vendor is not a bidder.
  const mails = await ctx.db.selectFrom('mail_outbox').selectAll().where('template', 'like', 'decision-%').orderBy('to_address').execute()
  t.same(mails.map((m) => [m.to_address, m.template]), [
    ['ada@alpha.example', 'decision-selected'],
    ['bo@beta.example', 'decision-not-selected'],
    ['dee@delta.example', 'decision-not-selected'],
    ['gil@gamma.example', 'decision-not-selected'],
    ['second@alpha.example', 'decision-selected']
  ])
  const debriefUrl = `${ctx.config.publicUrl}/vendor/rfps/${slug}/debrief`
  const beta = mails.find((m) => m.to_address === 'bo@beta.example')!
  t.equal(beta.subject, `Decision: ${f.draft.title}`)
  t.match(beta.text_body, 'Beta Security was not selected')
  t.match(beta.text_body, 'Selected: Alpha Audits\n')
  t.match(beta.text_body, debriefUrl)
  t.match(beta.html_body, `<a href="${debriefUrl}">`)
  const ada = mails.find((m) => m.to_address === 'ada@alpha.example')!
  t.equal(ada.subject, `Selected: ${f.draft.title}`)
  t.match(ada.text_body, 'The committee has selected Alpha Audits')
  t.match(ada.text_body, input.rationale)
  t.match(ada.text_body, `${ctx.config.publicUrl}/rfps/${slug}`)
  t.notMatch(ada.text_body, /debrief/)

  // Delivered through the embedded file transport, each parses back with its link.
  const transport = createMailTransport(ctx.config)
  t.teardown(() => { transport.close() })
  await deliverDueMail(ctx, transport, { ...ctx.config.mail, batchSize: 100 })
  const folder = join(ctx.config.dataDir, 'mail')
  const parsed = await Promise.all(readdirSync(folder).map(async (name) => await simpleParser(readFileSync(join(folder, name)))))
  const decisionMails = parsed.filter((m) => /^(Decision|Selected): /.test(m.subject ?? ''))
  t.equal(decisionMails.length, 5, 'five messages written')
  const toBo = decisionMails.find((m) => m.text?.includes('Beta Security was not selected') === true)
  t.match(toBo?.text, debriefUrl)
  t.match(toBo?.html, `href="${debriefUrl}"`)

  await refused(t, recordDecision(ctx, stepUp(owner), slug, input), InvalidStateError, /recorded already/, 'twice')
  await refused(t, attest(ctx, owner, slug, { mayBeNamed: false }), InvalidStateError, /decided: there is nothing to attest to/, 'attesting after the decision')
  await refused(t, declareConflict(ctx, eve, slug, { organisationId: bidders.beta.contact.organisationId, kind: 'financial', note: '' }), InvalidStateError, /decided: conflicts are declared while it runs/, 'a conflict after the decision')
  await refused(t, recordConsensus(ctx, owner, slug, 1, { proposalId: bidders.beta.proposalId, criterion: 'team', score: 5, reason: 'late' }), InvalidStateError, /can no longer change/, 'consensus after the decision')
})

t.test('the debrief: the bidder\'s own scores and comments by label, its rank, the totals and the bidders; nothing else', async (t) => {
  const f = await decided(t)
  const { ctx, owner, eve, slug, bidders, stepUp, input } = f
  const beta = bidders.beta.contact.actor
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  await openPriceEnvelope(ctx, stepUp(owner), slug)
  await refused(t, getDebrief(ctx, beta, slug), InvalidStateError, /once the decision is recorded/, 'before the decision')
  await refused(t, chooseNaming(ctx, beta, slug, true), InvalidStateError, /once the decision is recorded/, 'naming before the decision')
  await recordGate(ctx, owner, slug, 1, { proposalId: bidders.alpha.proposalId, criterion: 'open-report', passed: true, reason: 'Alpha accepts publication.' })
  await recordDecision(ctx, stepUp(owner), slug, { ...input, disqualified: [] })

  const debrief = await getDebrief(ctx, beta, slug)
  t.match(debrief, { status: 'not_selected', selected: false, rationale: input.rationale, bidders: 4, mayBeNamed: null })
  t.equal(debrief.rounds.length, 1)
  const round = debrief.rounds[0]!
  t.same(round.criteria.map((c) => [c.name, c.scores.map((s) => [s.evaluator, s.score, s.comment])]), CRITERIA.map((criterion, i) => [
    f.draft.rounds[0]!.criteria[i]!.name,
    [['Evaluator 1', EVE_BETA[i], `EVE-BETA on ${criterion}`], ['Evaluator 2', FINN_BETA[i], `FINN-BETA on ${criterion}`]]
  ]), 'its own scores with their comments, by label')
  // Ranked with prices (lowest 30000, delta's), gamma's gate not judged here: gamma, delta, alpha, then beta at
  // (46.875 + 20 × 30000 / 40000) / 1.2 = 51.5625.
  t.match(round, { rank: 4, score: '51.56', reason: null })
  const totals = round.totals
  t.equal(totals.filter((x) => x.own).length, 1)
  t.equal(totals.find((x) => x.own)?.rank, round.rank)
  t.same(totals.map((x) => x.rank), [1, 2, 3, 4])
  t.ok(totals.every((x) => Object.keys(x).sort().join() === 'own,rank,score'), 'the totals name nobody')

  const json = JSON.stringify(debrief)
  for (const secret of [OWNER.name, EVE.name, FINN.name, OWNER.email, EVE.email, FINN.email, 'committee.example']) t.notMatch(json, secret, `no ${secret}`)
  t.notMatch(json, /ALPHA on|GAMMA on|DELTA on/, 'no comment on another bidder\'s proposal')
  t.notMatch(json, /Gamma Labs|Delta Review/, 'no other unsuccessful bidder by name')

  // Only the bidder's own contacts.
  await refused(t, getDebrief(ctx, eve, slug), ForbiddenError, /for vendor contacts/, 'an evaluator')
  await refused(t, getDebrief(ctx, owner, slug), ForbiddenError, /for vendor contacts/, 'an owner')
  await refused(t, getDebrief(ctx, { ...beta, organisationId: bidders.alpha.contact.organisationId }, slug), ForbiddenError, /for the vendor that made the proposal/, 'a session that claims another organisation')
  const zeta = await createVendorContact(ctx, 'Zeta Without A Bid', 'zed@zeta.example')
  await refused(t, getDebrief(ctx, zeta.actor, slug), NotFoundError, /has no proposal standing/, 'a vendor that did not bid')
  await refused(t, getDebrief(ctx, bidders.epsilon.contact.actor, slug), NotFoundError, /has no proposal standing/, 'a vendor that withdrew')
  t.match(await getDebrief(ctx, bidders.alpha.contact.actor, slug), { status: 'selected', selected: true })
  const second = await ctx.db.selectFrom('users').select('id').where('email_normalized', '=', 'second@alpha.example').executeTakeFirstOrThrow()
  t.match(await getDebrief(ctx, { ...bidders.alpha.contact.actor, userId: second.id }, slug), { status: 'selected' }, 'every contact of the bidder reads it')

  // The naming choice: stored, changeable, the bidder's alone.
  await chooseNaming(ctx, beta, slug, true)
  t.equal((await getDebrief(ctx, beta, slug)).mayBeNamed, true)
  ctx.clock.advance(60_000)
  await chooseNaming(ctx, beta, slug, false)
  t.equal((await getDebrief(ctx, beta, slug)).mayBeNamed, false)
  t.same((await ctx.db.selectFrom('vendor_naming').selectAll().execute()).map((n) => [n.proposal_id, n.may_be_named, n.chosen_by, n.chosen_at]), [[bidders.beta.proposalId, 0, beta.userId, ctx.clock.now().toISOString()]])
  t.same((await eventsOf(ctx, 'vendor.naming.chosen')).map((e) => [e.public, e.data.mayBeNamed]), [[false, true], [false, false]])
  await refused(t, chooseNaming(ctx, eve, slug, true), ForbiddenError, /for vendor contacts/, 'an evaluator chooses')
  await refused(t, chooseNaming(ctx, { ...beta, organisationId: bidders.alpha.contact.organisationId }, slug, true), ForbiddenError, /for the vendor that made the proposal/, 'for another organisation')
  await refused(t, chooseNaming(ctx, zeta.actor, slug, true), NotFoundError, /has no proposal standing/, 'a vendor that did not bid')
  t.equal((await ctx.db.selectFrom('vendor_naming').selectAll().execute()).length, 1)
})

t.test('the debrief keeps the labels the closing published, whoever leaves the committee afterwards', async (t) => {
  const f = await decided(t)
  const { ctx, owner, eve, slug, bidders, stepUp, input } = f
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  await openPriceEnvelope(ctx, stepUp(owner), slug)
  await recordGate(ctx, owner, slug, 1, { proposalId: bidders.alpha.proposalId, criterion: 'open-report', passed: true, reason: 'Alpha accepts publication.' })
  await recordDecision(ctx, stepUp(owner), slug, { ...input, disqualified: [] })
  const labelled = async () => (await getDebrief(ctx, bidders.beta.contact.actor, slug)).rounds[0]!.criteria[0]!.scores.map((s) => [s.evaluator, s.comment])
  const before = await labelled()
  t.same(before, [['Evaluator 1', 'EVE-BETA on understanding'], ['Evaluator 2', 'FINN-BETA on understanding']])
  await removeRfpMember(ctx, owner, slug, eve.userId, 'evaluator')
  t.same(await labelled(), before, 'Eve is still Evaluator 1 and Finn Evaluator 2, as in the published sheets')
})

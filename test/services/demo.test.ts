// The demo is made by the services people's actions call: its RFP has amendments, answers and vendors; a
// closed RFP has opened proposals; a third was run to a decision months ago.
import t from 'tap'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { ANONYMOUS } from '../../src/domain/policy.js'
import { listRfpVersions } from '../../src/services/amendments.js'
import { readAuditEvents, verifyAuditChain } from '../../src/services/audit.js'
import { listPublicAnswers } from '../../src/services/questions.js'
import { getRfp } from '../../src/services/rfps.js'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { findUserByEmail } from '../../src/db/users.js'
import type { UserActor } from '../../src/domain/policy.js'
import { attest } from '../../src/services/evaluation.js'
import { listProposalsForCommittee, openProposalFile } from '../../src/services/opening.js'
import { listPublicReceipts } from '../../src/services/proposals.js'
import { getRoundResults } from '../../src/services/results.js'
import type { ServiceContext } from '../../src/services/context.js'
import { T0, testContext } from '../helpers/app.js'

/** A demo committee member as the services see them once signed in. */
async function member (ctx: ServiceContext, email: string): Promise<UserActor> {
  const user = await findUserByEmail(ctx.db, email)
  return { kind: 'user', userId: user!.id, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
}

t.test('the demo RFP is open for questions, with two amendments, three answers and two registered vendors', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const rfp = await getRfp(ctx, ANONYMOUS, DEMO_RFP_SLUG)
  t.equal(rfp.phase, 'questions_open')
  t.equal(rfp.currentVersion, 3)
  const versions = await listRfpVersions(ctx, ANONYMOUS, DEMO_RFP_SLUG)
  t.same(versions.map((v) => v.reason === null), [true, false, false], 'version 1, then two amendments with reasons')
  t.same((await listPublicAnswers(ctx, ANONYMOUS, DEMO_RFP_SLUG)).map((a) => a.number), [1, 2, 3])
  t.equal((await ctx.db.selectFrom('rfp_interests').select('organisation_id').where('rfp_id', '=', rfp.id).execute()).length, 2)
  t.same((await ctx.db.selectFrom('rfp_acknowledgements').select('version').orderBy('version').execute()).map((r) => r.version), [2, 2, 3], 'one vendor has yet to acknowledge amendment 3')

  const events = await readAuditEvents(ctx.db, 0, 1000)
  t.equal(events.length, 82)
  t.same(await verifyAuditChain(ctx.db), { intact: true, count: events.length, head: events.at(-1)?.hash })
  t.ok(events.every((e, i) => i === 0 || e.at >= events[i - 1]!.at), 'the back-dated clock only moves forward')
  t.ok(events.every((e) => Date.parse(e.at) <= T0.getTime()), 'nothing is dated after the seeding')
  t.same(events.filter((e) => e.public).map((e) => e.type), [
    // The decided RFP, months ago; then the closed one; then the open one.
    'rfp.published', 'rfp.opened', 'scoring.closed', 'rfp.decided',
    'rfp.published', 'rfp.opened',
    'rfp.published', 'rfp.question.answered', 'rfp.question.answered', 'rfp.question.answered', 'rfp.amended', 'rfp.amended'
  ])
})

t.test('the demo has a closed RFP whose three proposals were opened under dual control', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const rfp = await getRfp(ctx, ANONYMOUS, CLOSED_RFP_SLUG)
  t.equal(rfp.phase, 'opened')
  const receipts = await listPublicReceipts(ctx, CLOSED_RFP_SLUG)
  t.equal(receipts.published, true)
  t.same(receipts.receipts.map((r) => r.standing).sort(), ['counted', 'counted', 'counted', 'replaced'], 'four receipts: one vendor replaced its proposal')
  const opened = (await readAuditEvents(ctx.db, 0, 1000)).find((e) => e.type === 'rfp.opened' && e.rfpId === rfp.id)
  t.match(opened?.data, { slug: CLOSED_RFP_SLUG, count: 3, dualControl: true })

  const actor = await member(ctx, 'sam@driftwood.example')
  // The reviewer has not attested on this RFP yet: the list waits for it, then shows the three proposals.
  t.match(await listProposalsForCommittee(ctx, actor, CLOSED_RFP_SLUG), { mustAttest: true, proposals: [] })
  await attest(ctx, actor, CLOSED_RFP_SLUG, { mayBeNamed: true })
  const list = await listProposalsForCommittee(ctx, actor, CLOSED_RFP_SLUG)
  t.equal(list.mustAttest, false)
  t.same(list.proposals.map((p) => [p.organisationName, p.version]), [['Northwind Assurance', 1], ['Quillon Labs', 1], ['Basalt Security Lab', 2]])
  const basalt = list.proposals.find((p) => p.organisationName === 'Basalt Security Lab')!
  const file = await openProposalFile(ctx, actor, CLOSED_RFP_SLUG, basalt.id, 0)
  const bytes: Buffer[] = []
  for await (const chunk of file.content()) bytes.push(Buffer.from(chunk))
  const pdf = Buffer.concat(bytes).toString('latin1')
  t.match(pdf, /^%PDF-1\.4/, 'a real PDF')
  t.match(pdf, /Revised version 2/, 'the version that counts')
  t.match(pdf, /startxref\n\d+\n%%EOF\n$/)
})

t.test('the demo has a decided RFP: four proposals scored by two evaluators, a near tie, a failed gate and a consensus', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const rfp = await getRfp(ctx, ANONYMOUS, DECIDED_RFP_SLUG)
  t.equal(rfp.state, 'decided')

  // Every proposal's final status: the selected one, two not selected, and the one that failed the gate.
  const statuses = await ctx.db.selectFrom('proposals').innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['vendor_organisations.name', 'proposals.status', 'proposals.status_reason']).where('proposals.rfp_id', '=', rfp.id).orderBy('vendor_organisations.name').execute()
  t.same(statuses, [
    { name: 'Basalt Security Lab', status: 'not_selected', status_reason: null },
    { name: 'Northwind Assurance', status: 'selected', status_reason: null },
    { name: 'Quillon Labs', status: 'not_selected', status_reason: null },
    { name: 'Tidewater Research', status: 'non_responsive', status_reason: 'failed the pass/fail gate open-report' }
  ])

  // The public record: the closing with one sheet hash per evaluator, then the decision naming the selected vendor.
  const events = await readAuditEvents(ctx.db, 0, 1000)
  const mine = events.filter((e) => e.rfpId === rfp.id && e.public)
  t.same(mine.map((e) => e.type), ['rfp.published', 'rfp.opened', 'scoring.closed', 'rfp.decided'])
  t.match(mine[1]?.data, { slug: DECIDED_RFP_SLUG, count: 4, dualControl: true })
  const closed = mine[2]!.data as { round: number, sheets: Array<{ evaluator: string, hash: string }>, unsubmittedDrafts: number }
  t.match(closed, { slug: DECIDED_RFP_SLUG, round: 1, unsubmittedDrafts: 0 })
  t.equal(closed.sheets.length, 2, 'two sealed sheets: one per evaluator')
  t.ok(closed.sheets.every((s) => /^[0-9a-f]{64}$/.test(s.hash)), 'each a SHA-256 hash')
  t.not(closed.sheets[0]!.hash, closed.sheets[1]!.hash)
  t.match(mine[3]?.data, { slug: DECIDED_RFP_SLUG, selected: ['Northwind Assurance'], roundsUsed: 1, bidders: 4, rationale: /within a point of each other/ })
  t.same(await verifyAuditChain(ctx.db), { intact: true, count: events.length, head: events.at(-1)?.hash }, 'the chain still verifies')

  // The results, as the chair sees them.
  const chair = await member(ctx, 'chair@driftwood.example')
  const results = await getRoundResults(ctx, chair, DECIDED_RFP_SLUG, 1)
  t.same(results.rows.map((r) => [r.vendor, r.rank, r.score, r.nearTie, r.reason]), [
    ['Northwind Assurance', 1, '85.63', true, null],
    ['Basalt Security Lab', 2, '85.00', true, null],
    ['Quillon Labs', 3, '55.00', false, null],
    ['Tidewater Research', null, null, false, 'failed the pass/fail gate open-report']
  ], 'a near tie at the top (0.625 points apart, within the margin of 2); Tidewater is listed but not ranked')
  t.equal(results.nearTieMargin, '2')
  t.same(results.rows.find((r) => r.vendor === 'Tidewater Research')?.gates, [
    { id: 'open-report', passed: false, reason: 'The proposal reserves the right to keep the final report private.' }
  ], 'the committee\'s reason for the failed gate')
  t.same(results.rows.map((r) => r.recusedCount), [0, 0, 1, 0], 'the reviewer is recused from Quillon Labs, which the chair alone scored')
  t.equal(results.rows.find((r) => r.vendor === 'Quillon Labs')?.cells.every((c) => c.count === 1), true)
  t.same(results.sealedSheets, closed.sheets.map((s) => ({ label: s.evaluator, hash: s.hash })), 'the hashes published at the closing')

  // The reviewer scored Basalt's team 5 and the chair 3: the consensus of 4 is recorded beside them, with its reason.
  const [discussed, ...others] = results.discussion
  t.same(others, [], 'one cell is listed for discussion')
  t.match(discussed, { vendor: 'Basalt Security Lab', criterion: 'team', range: 2, consensus: 4, reason: /strong in fuzzing/ })
  t.same(discussed!.scores.map((s) => s.score).sort(), [3, 5], 'the individual scores stay beside the consensus')
  const samLabel = discussed!.scores.find((s) => s.score === 5)!.evaluator
  t.match(results.rows.find((r) => r.vendor === 'Basalt Security Lab')?.cells.find((c) => c.criterion === 'team'), { consensus: 4, used: '4.00', count: 2, flagged: true })

  // With a recusal not every proposal had the same evaluators: the raw total is withheld, and why.
  t.equal(results.rawTotalComparable, false)
  t.equal(results.rawTotalReason, `${samLabel} was recused from Quillon Labs, so not every proposal had the same evaluators`)
  t.ok(results.rows.every((r) => r.rawTotal === null), 'no raw total is shown')

  // Every bidder was told: the selected one and the three others.
  const mails = await ctx.db.selectFrom('mail_outbox').select(['template', 'to_address']).where('template', 'like', 'decision-%').orderBy('to_address').execute()
  t.same(mails, [
    { template: 'decision-selected', to_address: 'ana@northwind-assurance.example' },
    { template: 'decision-not-selected', to_address: 'kenji@basalt-lab.example' },
    { template: 'decision-not-selected', to_address: 'mara@quillon-labs.example' },
    { template: 'decision-not-selected', to_address: 'tess@tidewater-research.example' }
  ])

  // Basalt Security Lab may be named in the public record; Quillon Labs chose not to be.
  const naming = await ctx.db.selectFrom('vendor_naming').innerJoin('proposals', 'proposals.id', 'vendor_naming.proposal_id')
    .innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['vendor_organisations.name', 'vendor_naming.may_be_named']).where('proposals.rfp_id', '=', rfp.id).orderBy('vendor_organisations.name').execute()
  t.same(naming, [{ name: 'Basalt Security Lab', may_be_named: 1 }, { name: 'Quillon Labs', may_be_named: 0 }])
})

// The shortlist and round 2 (DESIGN §4 "Rounds"), with the price envelope opened for the shortlist only
// (DESIGN §3.3), through to a decision taken on round 2's standings.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { recordDecision } from '../../src/services/decision.js'
import { startOpening } from '../../src/services/opening.js'
import { openPriceEnvelope } from '../../src/services/price-envelope.js'
import { getRoundResults } from '../../src/services/results.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { getScoreSheet, saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound, createShortlist } from '../../src/services/scoring-rounds.js'
import { T0, createCommitteeMember, testContext } from '../helpers/app.js'
import { opened, stepUp, type Ctx } from '../helpers/evaluation.js'

async function statusOf (ctx: Ctx, id: string) {
  return await ctx.db.selectFrom('proposals').select(['status', 'status_reason']).where('id', '=', id).executeTakeFirstOrThrow()
}

t.test('round 1 picks the shortlist; round 2 scores it with its own criteria and the shortlist\'s prices; the decision follows round 2', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, gamma } = await opened(t)
  const score = async (round: number, proposal: string, cells: Array<[string, number]>): Promise<void> => {
    await saveScoreSheet(ctx, evaluator, slug, round, proposal, { submit: true, cells: cells.map(([criterion, value]) => ({ criterion, score: value, comment: `${criterion} ${value}` })) })
  }
  await score(1, alpha, [['approach', 5], ['team', 5]])
  await score(1, beta, [['approach', 4], ['team', 4]])
  await score(1, gamma, [['approach', 2], ['team', 2]])

  await t.rejects(createShortlist(ctx, owner, slug), { statusCode: 409, message: /once round 1 is closed/ }, 'no shortlist while round 1 is scored')
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  await t.rejects(openPriceEnvelope(ctx, stepUp(owner, ctx), slug), { statusCode: 409, message: /shortlist first/ }, 'this RFP opens the shortlist\'s prices only')
  await t.rejects(createShortlist(ctx, evaluator, slug), { statusCode: 403, message: /only an owner/ }, 'an evaluator does not make the shortlist')

  t.same(await createShortlist(ctx, owner, slug), { shortlisted: 2 })
  t.equal((await statusOf(ctx, alpha)).status, 'shortlisted')
  t.equal((await statusOf(ctx, beta)).status, 'shortlisted')
  t.equal((await statusOf(ctx, gamma)).status, 'scored', 'the third is scored, not shortlisted')
  t.equal((await ctx.db.selectFrom('rfps').select('state').executeTakeFirstOrThrow()).state, 'opened', 'round 2 is being scored')
  const shortlisted = (await readAuditEvents(ctx.db, 0, 1000)).find((e) => e.type === 'rfp.shortlisted')
  t.ok(shortlisted?.public, 'the shortlist is a public event')
  t.equal((shortlisted?.data as { receipts: string[] }).receipts.length, 2, 'listed by receipt hash')
  await t.rejects(createShortlist(ctx, owner, slug), { statusCode: 409, message: /made already/ }, 'made once')

  const sheet = await getScoreSheet(ctx, evaluator, slug, 2, alpha)
  t.same(sheet.criteria.map((c) => c.id), ['interview'], 'round 2 scores its own criteria; price comes from its envelope')
  await t.rejects(getScoreSheet(ctx, evaluator, slug, 2, gamma), { statusCode: 404, message: /no such proposal/ }, 'a proposal not shortlisted is not in round 2')
  await t.rejects(getRoundResults(ctx, owner, slug, 2), { statusCode: 403, message: /still open/ }, 'round 2 results wait for its closing')
  await score(2, alpha, [['interview', 3]])
  await score(2, beta, [['interview', 5]])
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 2)

  await t.rejects(recordDecision(ctx, stepUp(owner, ctx), slug, { selected: [beta], rationale: 'Best value.', disqualified: [] }), { statusCode: 409, message: /open the price envelope/ })
  t.same(await openPriceEnvelope(ctx, stepUp(owner, ctx), slug), { count: 2 }, 'the shortlist\'s prices only')
  const prices = await ctx.db.selectFrom('proposal_prices').select(['proposal_id', 'amount']).execute()
  t.notOk(prices.some((p) => p.proposal_id === gamma), 'the price of a proposal not shortlisted stays sealed')

  const sheets = async (round: number) => await ctx.db.selectFrom('sealed_score_sheets').select(['user_id', 'label']).where('round', '=', round).execute()
  t.same(await sheets(2), await sheets(1), 'the evaluator keeps the label round 1 published')
  // Alpha: 60 × (3−1)/4 + 40 × 80000/100000 = 30 + 32 = 62. Beta: 60 × 1 + 40 × 1 = 100.
  const results = await getRoundResults(ctx, owner, slug, 2)
  t.same(results.rows.map((r) => [r.vendor, r.rank, r.score]), [['Beta Review', 1, '100.00'], ['Alpha Audits', 2, '62.00']])
  t.equal(results.provisional, false)

  await recordDecision(ctx, stepUp(owner, ctx), slug, { selected: [beta], rationale: 'Best interview and lowest price of the shortlist.', disqualified: [] })
  t.same(await statusOf(ctx, beta), { status: 'selected', status_reason: null })
  t.same(await statusOf(ctx, alpha), { status: 'not_selected', status_reason: null })
  t.same(await statusOf(ctx, gamma), { status: 'not_selected', status_reason: 'not shortlisted for round 2' })
  const decided = (await readAuditEvents(ctx.db, 0, 1000)).find((e) => e.type === 'rfp.decided')
  t.same((decided?.data as { roundsUsed: number }).roundsUsed, 2)
})

t.test('the top-N rule takes everyone tied at the cut; an RFP with one round has no shortlist', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, gamma } = await opened(t)
  for (const [proposal, value] of [[alpha, 5], [beta, 3], [gamma, 3]] as const) {
    await saveScoreSheet(ctx, evaluator, slug, 1, proposal, { submit: true, cells: [{ criterion: 'approach', score: value, comment: 'c' }, { criterion: 'team', score: value, comment: 'c' }] })
  }
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  t.same(await createShortlist(ctx, owner, slug), { shortlisted: 3 }, 'top 2 with a tie for second is three')

  const single = await testContext(t)
  const chair = (await createCommitteeMember(single, 'solo@example.org')).actor
  const { id, slug: soloSlug } = await createRfpDraft(single, chair, securityAuditRfp(T0))
  await publishRfp(single, chair, id)
  single.clock.set(new Date(securityAuditRfp(T0).schedule.proposalsDueAt))
  await startOpening(single, stepUp(chair, single), soloSlug)
  await closeScoringRound(single, stepUp(chair, single), soloSlug, 1)
  await t.rejects(createShortlist(single, chair, soloSlug), { statusCode: 409, message: /one round/ })
})

// What a review of evaluation found, each pinned: a closed round's figures follow its sealed sheets; a
// conflict with a consortium partner recuses; the owner's per-evaluator view and the prices honour attestation
// and recusal; a round's record is final once the next round starts; the decision needs complete standings and
// judged gates; the price envelope waits for every round; an impossible price procedure is refused up front.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { checkRfpDraft, type RfpDraft } from '../../src/domain/rfp-document.js'
import { recordDecision } from '../../src/services/decision.js'
import { declareConflict } from '../../src/services/evaluation.js'
import { readProposal } from '../../src/services/opening.js'
import { openPriceEnvelope } from '../../src/services/price-envelope.js'
import { getRoundResults, recordConsensus, recordGate } from '../../src/services/results.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { cancelRfp } from '../../src/services/rfps.js'
import { getScoreSheet, saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound, createShortlist } from '../../src/services/scoring-rounds.js'
import { T0, createCommitteeMember } from '../helpers/app.js'
import { opened, stepUp, type Ctx } from '../helpers/evaluation.js'
import type { UserActor } from '../../src/domain/policy.js'

/** One round: two scored criteria and a price, its envelope opened after scoring; a gate. */
function oneRound (): RfpDraft {
  const base = securityAuditRfp(T0)
  return {
    ...base,
    rounds: [{
      name: 'Evaluation',
      criteria: [
        { id: 'approach', name: 'Approach', description: 'The plan.', kind: 'scored', weight: '40', lo: 1, hi: 5 },
        { id: 'team', name: 'Team', description: 'The people.', kind: 'scored', weight: '40', lo: 1, hi: 5 },
        { id: 'price', name: 'Price', description: 'The fee.', kind: 'price', weight: '20' },
        { id: 'open-report', name: 'Open report', description: 'Publishes the report.', kind: 'gate' }
      ]
    }],
    procedure: { ...base.procedure!, priceEnvelope: 'after_scoring' }
  }
}

async function scoreAll (ctx: Ctx, evaluator: UserActor, slug: string, round: number, scores: Record<string, number>): Promise<void> {
  for (const [proposal, value] of Object.entries(scores)) {
    await saveScoreSheet(ctx, evaluator, slug, round, proposal, { submit: true, cells: [{ criterion: 'approach', score: value, comment: `approach ${value}` }, { criterion: 'team', score: value, comment: `team ${value}` }] })
  }
}

t.test('a conflict declared after the closing changes neither the figures nor the labels; a later evaluator takes no sealed label', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, gamma, delta } = await opened(t, { draft: oneRound(), partner: true })
  await scoreAll(ctx, evaluator, slug, 1, { [alpha]: 5, [beta]: 4, [gamma]: 2 })
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  const before = await getRoundResults(ctx, owner, slug, 1)

  // Having seen the combined results, the evaluator declares a conflict with the leader, and the owner becomes an evaluator too.
  ctx.clock.set(new Date(ctx.clock.now().getTime() + 60_000))
  await declareConflict(ctx, evaluator, slug, { organisationId: (await ctx.db.selectFrom('proposals').select('organisation_id').where('id', '=', alpha).executeTakeFirstOrThrow()).organisation_id, kind: 'financial', note: '' })
  await addRfpMember(ctx, owner, slug, 'chair@example.org', 'evaluator')
  const after = await getRoundResults(ctx, owner, slug, 1)
  t.same(after.rows.map((r) => [r.vendor, r.score, r.rank]), before.rows.map((r) => [r.vendor, r.score, r.rank]), 'the closed round\'s figures stand')
  t.same(after.sealedSheets, before.sealedSheets)
  t.same(after.evaluators.map((e) => e.label), ['Evaluator 1'], 'the labels are the sealed ones: the owner who became an evaluator took none')
  await t.rejects(readProposal(ctx, evaluator, slug, alpha), { statusCode: 403, message: /recused/ }, 'the conflict still takes effect at once for reading')
  t.ok(delta)
})

t.test('a conflict with a consortium partner recuses from the consortium\'s proposal', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, delta } = await opened(t, { draft: oneRound(), partner: true })
  await declareConflict(ctx, evaluator, slug, { organisationId: delta!.actor.organisationId!, kind: 'employment', note: '' })
  await t.rejects(readProposal(ctx, evaluator, slug, beta), { statusCode: 403, message: /recused/ }, 'Beta leads a consortium with Delta')
  await t.rejects(getScoreSheet(ctx, evaluator, slug, 1, beta), { statusCode: 403, message: /recused/ })
  t.equal((await readProposal(ctx, evaluator, slug, alpha)).proposal.id, alpha, 'another bid stays open to them')
  t.equal((await readProposal(ctx, owner, slug, beta)).proposal.id, beta, 'and the bid stays open to others')
})

t.test('the per-evaluator view and the prices honour attestation and recusal; results need the attestation', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, gamma } = await opened(t, { draft: oneRound() })
  await scoreAll(ctx, evaluator, slug, 1, { [alpha]: 5, [beta]: 4, [gamma]: 2 })
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  await openPriceEnvelope(ctx, stepUp(owner, ctx), slug)
  const alphaOrg = (await ctx.db.selectFrom('proposals').select('organisation_id').where('id', '=', alpha).executeTakeFirstOrThrow()).organisation_id
  await declareConflict(ctx, owner, slug, { organisationId: alphaOrg, kind: 'other', note: 'A friend works there.' })
  const page = await getRoundResults(ctx, owner, slug, 1)
  t.notOk(page.evaluators[0]!.proposals.some((p) => p.vendor === 'Alpha Audits'), 'no comments on a proposal the owner is recused from')
  t.ok(page.evaluators[0]!.proposals.some((p) => p.vendor === 'Beta Review'))
  t.equal(page.rows.find((r) => r.vendor === 'Alpha Audits')!.price, null, 'nor its price')
  t.equal(page.rows.find((r) => r.vendor === 'Beta Review')!.price, '80000')
  t.notMatch(JSON.stringify(page), /approach 5/, 'Alpha\'s comments appear nowhere on the page')

  const late = (await createCommitteeMember(ctx, 'late@example.org')).actor
  await addRfpMember(ctx, owner, slug, 'late@example.org', 'evaluator')
  await t.rejects(getRoundResults(ctx, late, slug, 1), { statusCode: 403, message: /attestation/ }, 'a member who has not attested sees no results')
})

t.test('round 1\'s record is final once round 2 started from it', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, gamma } = await opened(t)
  await scoreAll(ctx, evaluator, slug, 1, { [alpha]: 5, [beta]: 4, [gamma]: 1 })
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  await recordConsensus(ctx, owner, slug, 1, { proposalId: gamma, criterion: 'team', score: 2, reason: 'Agreed.' })
  await createShortlist(ctx, owner, slug)
  await saveScoreSheet(ctx, evaluator, slug, 2, alpha, { submit: true, cells: [{ criterion: 'interview', score: 4, comment: 'ok' }] })
  await saveScoreSheet(ctx, evaluator, slug, 2, beta, { submit: true, cells: [{ criterion: 'interview', score: 4, comment: 'ok' }] })
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 2)
  await t.rejects(recordConsensus(ctx, owner, slug, 1, { proposalId: gamma, criterion: 'team', score: 5, reason: 'Changed our minds.' }), { statusCode: 409, message: /final/ })
  await t.rejects(recordGate(ctx, owner, slug, 1, { proposalId: gamma, criterion: 'approach', passed: false, reason: 'x' }), { statusCode: 409, message: /final/ })
})

t.test('the decision needs every price and every gate of the selected judged; the envelope waits for scoring and refuses a cancelled RFP', async (t) => {
  const { ctx, owner, evaluator, slug, alpha, beta, gamma } = await opened(t, { draft: oneRound() })
  await t.rejects(openPriceEnvelope(ctx, stepUp(owner, ctx), slug), { statusCode: 409, message: /technical scoring is closed/ }, 'not while scoring')
  await scoreAll(ctx, evaluator, slug, 1, { [alpha]: 5, [beta]: 4, [gamma]: 2 })
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  await t.rejects(recordDecision(ctx, stepUp(owner, ctx), slug, { selected: [alpha], rationale: 'Best.', disqualified: [] }), { statusCode: 409, message: /price envelope/ })
  await openPriceEnvelope(ctx, stepUp(owner, ctx), slug)
  await t.rejects(recordDecision(ctx, stepUp(owner, ctx), slug, { selected: [alpha], rationale: 'Best.', disqualified: [] }), { statusCode: 400, message: /Open report/ }, 'the gate of the selected is judged first')
  await recordGate(ctx, owner, slug, 1, { proposalId: alpha, criterion: 'open-report', passed: true, reason: 'Accepts publication.' })
  await recordDecision(ctx, stepUp(owner, ctx), slug, { selected: [alpha], rationale: 'Best.', disqualified: [] })
  t.equal((await ctx.db.selectFrom('rfps').select('state').executeTakeFirstOrThrow()).state, 'decided')

  const other = await opened(t, { draft: oneRound() })
  await scoreAll(other.ctx, other.evaluator, other.slug, 1, { [other.alpha]: 3 })
  await closeScoringRound(other.ctx, stepUp(other.owner, other.ctx), other.slug, 1)
  await cancelRfp(other.ctx, other.owner, other.slug, 'The project was archived.')
  await t.rejects(openPriceEnvelope(other.ctx, stepUp(other.owner, other.ctx), other.slug), { statusCode: 409, message: /cancelled/ }, 'no prices are unsealed on a cancelled RFP')
  t.equal(Number((await other.ctx.db.selectFrom('proposal_prices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0)
})

t.test('prices for the shortlist only need a second round holding the price', async (t) => {
  const base = oneRound()
  const problems = checkRfpDraft({ ...base, procedure: { ...base.procedure!, priceEnvelope: 'after_shortlist' } })
  t.match(problems, [{ path: 'procedure.priceEnvelope', message: /second round/ }])
  t.same(checkRfpDraft(base), [], 'after scoring it is fine')
})

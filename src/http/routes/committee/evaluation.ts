// /committee/rfps/:slug/evaluation and below: attestation and conflicts, each evaluator's score sheet, closing a
// round, the results with consensus and gates, the price envelope and the decision.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { COMMENT_MAX_LENGTH, CONFLICT_KINDS, RATIONALE_MAX_LENGTH, REASON_MAX_LENGTH, type ScoreSheetInput } from '../../../domain/evaluation.js'
import { isInvalidInput } from '../../../errors.js'
import { getDecisionForm, recordDecision } from '../../../services/decision.js'
import { attest, declareConflict, getEvaluationPage } from '../../../services/evaluation.js'
import { openPriceEnvelope } from '../../../services/price-envelope.js'
import { getRoundResults, getRoundResultsCsv, recordConsensus, recordGate } from '../../../services/results.js'
import { getScoreSheet, saveScoreSheet } from '../../../services/score-sheets.js'
import { closeScoringRound, createShortlist } from '../../../services/scoring-rounds.js'
import { attachmentDisposition } from '../../attachment.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam })
const RoundParams = Type.Object({ slug: SlugParam, round: Type.Integer({ minimum: 1, maximum: 5 }) })
const SheetParams = Type.Object({ slug: SlugParam, round: Type.Integer({ minimum: 1, maximum: 5 }), id: Type.String({ format: 'uuid' }) })
const CsrfBody = Type.Object({ _csrf: CsrfField }, { additionalProperties: false })
const Score = Type.String({ pattern: '^(\\d{1,3})?$', description: 'A whole number on the criterion\'s scale, or empty in a draft' })
const Reason = Type.String({ maxLength: REASON_MAX_LENGTH })

/** The sheet form: `score.<criterion>` and `comment.<criterion>` per criterion, and which button was pressed. */
const SheetBody = Type.Object({
  _csrf: CsrfField,
  action: Type.Enum(['save', 'submit'])
}, {
  patternProperties: {
    '^score\\.[a-z0-9][a-z0-9-]{0,39}$': Score,
    '^comment\\.[a-z0-9][a-z0-9-]{0,39}$': Type.String({ maxLength: COMMENT_MAX_LENGTH })
  },
  additionalProperties: false,
  maxProperties: 90
})

function sheetFromForm (body: Record<string, string>): ScoreSheetInput {
  const criteria = new Set(Object.keys(body).filter((k) => k.startsWith('score.') || k.startsWith('comment.')).map((k) => k.slice(k.indexOf('.') + 1)))
  return {
    submit: body.action === 'submit',
    cells: [...criteria].map((criterion) => {
      const score = body[`score.${criterion}`] ?? ''
      return { criterion, score: score === '' ? null : Number(score), comment: body[`comment.${criterion}`] ?? '' }
    })
  }
}

const evaluation: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.get('/committee/rfps/:slug/evaluation', { schema: { params: Params } }, async (request, reply) => {
    const page = await getEvaluationPage(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.header('cache-control', 'no-store').view('pages/committee/evaluation.hbs', { title: `Evaluation: ${page.rfp.title}`, ...page, csrfToken: reply.generateCsrf() })
  })

  app.post('/committee/rfps/:slug/attestation', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ _csrf: CsrfField, agree: Type.Literal('yes'), named: Type.Optional(Type.Literal('yes')) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await attest(app.ctx, request.viewer!.actor, request.params.slug, { mayBeNamed: request.body.named === 'yes' })
    return await reply.redirect(`/committee/rfps/${request.params.slug}/evaluation`, 303)
  })

  app.post('/committee/rfps/:slug/conflicts', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ _csrf: CsrfField, organisationId: Type.String({ format: 'uuid' }), kind: Type.Enum(CONFLICT_KINDS), note: Reason }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const { organisationId, kind, note } = request.body
    await declareConflict(app.ctx, request.viewer!.actor, request.params.slug, { organisationId, kind, note })
    return await reply.redirect(`/committee/rfps/${request.params.slug}/evaluation`, 303)
  })

  app.get('/committee/rfps/:slug/rounds/:round/proposals/:id/scores', { schema: { params: SheetParams } }, async (request, reply) => {
    const { slug, round, id } = request.params
    const page = await getScoreSheet(app.ctx, request.viewer!.actor, slug, round, id)
    return await reply.header('cache-control', 'no-store').view('pages/committee/score-sheet.hbs', { title: `Scores: ${page.proposal.organisationName}`, ...page, csrfToken: reply.generateCsrf() })
  })

  app.post('/committee/rfps/:slug/rounds/:round/proposals/:id/scores', { preHandler: app.csrfProtection, schema: { params: SheetParams, body: SheetBody } }, async (request, reply) => {
    const { slug, round, id } = request.params
    const input = sheetFromForm(request.body as Record<string, string>)
    try {
      await saveScoreSheet(app.ctx, request.viewer!.actor, slug, round, id, input)
    } catch (error) {
      if (!isInvalidInput(error)) throw error
      // The sheet comes back as typed, with what is wrong beside it.
      const page = await getScoreSheet(app.ctx, request.viewer!.actor, slug, round, id)
      const typed = new Map(input.cells.map((c) => [c.criterion, c]))
      const criteria = page.criteria.map((c) => ({ ...c, score: typed.get(c.id)?.score ?? null, comment: typed.get(c.id)?.comment ?? '', problems: error.problems.filter((p) => p.path.endsWith(`.${c.id}`)).map((p) => p.message) }))
      return await reply.code(400).header('cache-control', 'no-store').view('pages/committee/score-sheet.hbs', { title: `Scores: ${page.proposal.organisationName}`, ...page, criteria, problems: error.problems, csrfToken: reply.generateCsrf() })
    }
    return await reply.redirect(input.submit ? `/committee/rfps/${slug}/evaluation` : `/committee/rfps/${slug}/rounds/${round}/proposals/${id}/scores`, 303)
  })

  app.post('/committee/rfps/:slug/rounds/:round/close', { preHandler: app.csrfProtection, schema: { params: RoundParams, body: CsrfBody } }, async (request, reply) => {
    await closeScoringRound(app.ctx, request.viewer!.actor, request.params.slug, request.params.round)
    return await reply.redirect(`/committee/rfps/${request.params.slug}/rounds/${request.params.round}/results`, 303)
  })

  app.get('/committee/rfps/:slug/rounds/:round/results', { schema: { params: RoundParams } }, async (request, reply) => {
    const page = await getRoundResults(app.ctx, request.viewer!.actor, request.params.slug, request.params.round)
    return await reply.header('cache-control', 'no-store').view('pages/committee/results.hbs', { title: `Results: ${page.rfp.title}`, ...page, csrfToken: reply.generateCsrf() })
  })

  app.get('/committee/rfps/:slug/rounds/:round/results.csv', { schema: { params: RoundParams } }, async (request, reply) => {
    const csv = await getRoundResultsCsv(app.ctx, request.viewer!.actor, request.params.slug, request.params.round)
    return await reply.header('content-disposition', attachmentDisposition(csv.fileName)).header('cache-control', 'no-store').type('text/csv; charset=utf-8').send(csv.body)
  })

  app.post('/committee/rfps/:slug/rounds/:round/consensus', {
    preHandler: app.csrfProtection,
    schema: { params: RoundParams, body: Type.Object({ _csrf: CsrfField, proposalId: Type.String({ format: 'uuid' }), criterion: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }), score: Type.Integer({ minimum: 0, maximum: 100 }), reason: Reason }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const { proposalId, criterion, score, reason } = request.body
    await recordConsensus(app.ctx, request.viewer!.actor, request.params.slug, request.params.round, { proposalId, criterion, score, reason })
    return await reply.redirect(`/committee/rfps/${request.params.slug}/rounds/${request.params.round}/results#discussion`, 303)
  })

  app.post('/committee/rfps/:slug/rounds/:round/gates', {
    preHandler: app.csrfProtection,
    schema: { params: RoundParams, body: Type.Object({ _csrf: CsrfField, proposalId: Type.String({ format: 'uuid' }), criterion: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }), passed: Type.Enum(['yes', 'no']), reason: Reason }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const { proposalId, criterion, passed, reason } = request.body
    await recordGate(app.ctx, request.viewer!.actor, request.params.slug, request.params.round, { proposalId, criterion, passed: passed === 'yes', reason })
    return await reply.redirect(`/committee/rfps/${request.params.slug}/rounds/${request.params.round}/results#gates`, 303)
  })

  app.post('/committee/rfps/:slug/price-envelope', { preHandler: app.csrfProtection, schema: { params: Params, body: CsrfBody } }, async (request, reply) => {
    await openPriceEnvelope(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.redirect(`/committee/rfps/${request.params.slug}/rounds/1/results`, 303)
  })

  app.post('/committee/rfps/:slug/shortlist', { preHandler: app.csrfProtection, schema: { params: Params, body: CsrfBody } }, async (request, reply) => {
    await createShortlist(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.redirect(`/committee/rfps/${request.params.slug}/evaluation`, 303)
  })

  app.get('/committee/rfps/:slug/decision', { schema: { params: Params } }, async (request, reply) => {
    const page = await getDecisionForm(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.header('cache-control', 'no-store').view('pages/committee/decision.hbs', { title: `Decision: ${page.rfp.title}`, ...page, csrfToken: reply.generateCsrf() })
  })

  app.post('/committee/rfps/:slug/decision', {
    preHandler: app.csrfProtection,
    schema: {
      params: Params,
      body: Type.Object({
        _csrf: CsrfField,
        selected: Type.Union([Type.String({ format: 'uuid' }), Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 20 })]),
        rationale: Type.String({ maxLength: RATIONALE_MAX_LENGTH })
      }, { patternProperties: { '^disqualify\\.[0-9a-f-]{36}$': Reason }, additionalProperties: false, maxProperties: 200 })
    }
  }, async (request, reply) => {
    const body = request.body as Record<string, string | string[]>
    const selected = [body.selected].flat() as string[]
    const disqualified = Object.entries(body).filter(([k, v]) => k.startsWith('disqualify.') && typeof v === 'string' && v.trim() !== '').map(([k, v]) => ({ proposal: k.slice('disqualify.'.length), reason: v as string }))
    await recordDecision(app.ctx, request.viewer!.actor, request.params.slug, { selected: [...new Set(selected)], rationale: request.body.rationale, disqualified })
    return await reply.redirect(`/committee/rfps/${request.params.slug}/evaluation`, 303)
  })
}

export default evaluation

// /api/v1/rfps/:slug/… for evaluation: attest, declare conflicts, read and write one's own score sheet, and read
// a closed round's results. Closing scoring, opening the price envelope and deciding ask for a fresh second
// factor, which a bearer token cannot give: those stay in the web pages.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ConflictInputSchema, ScoreSheetInputSchema } from '../../../domain/evaluation.js'
import { attest, declareConflict } from '../../../services/evaluation.js'
import { getRoundResults } from '../../../services/results.js'
import { getScoreSheet, saveScoreSheet } from '../../../services/score-sheets.js'
import { SlugParam } from '../public/rfp.js'
import { bearerUserOf } from './bearer-user.js'
import { ErrorBody } from './rfps.js'

const Params = Type.Object({ slug: SlugParam })
const RoundParams = Type.Object({ slug: SlugParam, round: Type.Integer({ minimum: 1, maximum: 5 }) })
const SheetParams = Type.Object({ slug: SlugParam, round: Type.Integer({ minimum: 1, maximum: 5 }), id: Type.String({ format: 'uuid' }) })
const Done = Type.Object({ ok: Type.Literal(true) })
const bearer = [{ bearer: [] }]
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

const Sheet = Type.Object({
  round: Type.Integer(),
  proposal: Type.Object({ id: Type.String(), organisationName: Type.String(), receiptHash: Type.String() }),
  status: Type.Enum(['not started', 'draft', 'submitted']),
  submittedAt: Nullable(Type.String({ format: 'date-time' })),
  criteria: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), description: Type.String(), lo: Type.Integer(), hi: Type.Integer(), score: Nullable(Type.Integer()), comment: Type.String() }))
})

const Results = Type.Object({
  round: Type.Integer(),
  provisional: Type.Boolean({ description: 'True while a price criterion waits for the price envelope' }),
  rawTotalComparable: Type.Boolean(),
  rawTotalReason: Nullable(Type.String()),
  kendallW: Nullable(Type.String({ description: 'Kendall\'s W to 4 places, or null where it is not defined' })),
  criteria: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), lo: Type.Integer(), hi: Type.Integer(), share: Nullable(Type.String()) })),
  proposals: Type.Array(Type.Object({
    id: Type.String(),
    vendor: Type.String(),
    rank: Nullable(Type.Integer()),
    score: Nullable(Type.String({ description: '0–100, two places, rounded half away from zero' })),
    tie: Type.Boolean(),
    nearTie: Type.Boolean(),
    notRankedBecause: Nullable(Type.String()),
    cells: Type.Array(Type.Object({ criterion: Type.String(), used: Nullable(Type.String()), mean: Nullable(Type.String()), consensus: Nullable(Type.Integer()), range: Nullable(Type.Integer()), standardDeviation: Nullable(Type.String()), flagged: Type.Boolean() }))
  })),
  sealedSheets: Type.Array(Type.Object({ label: Type.String(), hash: Type.String() }))
})

const evaluationApi: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/v1/rfps/:slug/attestation', {
    schema: { summary: 'Record your attestation (embargo and no conflict) before reading any proposal', security: bearer, params: Params, body: Type.Object({ mayBeNamed: Type.Boolean() }, { additionalProperties: false }), response: { 200: Done, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await attest(app.ctx, actor, request.params.slug, request.body)
    return { ok: true as const }
  })

  app.post('/api/v1/rfps/:slug/conflicts', {
    schema: { summary: 'Declare a conflict with a vendor: recused from its proposal at once and for good', security: bearer, params: Params, body: ConflictInputSchema, response: { 200: Done, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await declareConflict(app.ctx, actor, request.params.slug, request.body)
    return { ok: true as const }
  })

  app.get('/api/v1/rfps/:slug/rounds/:round/proposals/:id/scores', {
    schema: { summary: 'Your own score sheet for a proposal (evaluators)', security: bearer, params: SheetParams, response: { 200: Sheet, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    const sheet = await getScoreSheet(app.ctx, actor, request.params.slug, request.params.round, request.params.id)
    return { round: sheet.round.number, proposal: sheet.proposal, status: sheet.status, submittedAt: sheet.submittedAt, criteria: sheet.criteria.map(({ options: _options, ...c }) => c) }
  })

  app.put('/api/v1/rfps/:slug/rounds/:round/proposals/:id/scores', {
    schema: { summary: 'Save your score sheet as a draft, or submit it (`submit: true`), until the round closes', security: bearer, params: SheetParams, body: ScoreSheetInputSchema, response: { 200: Type.Object({ submitted: Type.Boolean() }), ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    return await saveScoreSheet(app.ctx, actor, request.params.slug, request.params.round, request.params.id, request.body)
  })

  app.get('/api/v1/rfps/:slug/rounds/:round/results', {
    schema: { summary: 'A closed round\'s results for the committee; refused while individual scoring is open', security: bearer, params: RoundParams, response: { 200: Results, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    const page = await getRoundResults(app.ctx, actor, request.params.slug, request.params.round)
    return {
      round: page.round.number,
      provisional: page.provisional,
      rawTotalComparable: page.rawTotalComparable,
      rawTotalReason: page.rawTotalReason,
      kendallW: page.kendallW,
      criteria: page.criteria,
      proposals: page.rows.map((row) => ({
        id: row.id,
        vendor: row.vendor,
        rank: row.rank,
        score: row.score,
        tie: row.tie,
        nearTie: row.nearTie,
        notRankedBecause: row.reason,
        cells: row.cells.map(({ count: _count, ...cell }) => cell)
      })),
      sealedSheets: page.sealedSheets
    }
  })
}

export default evaluationApi

// /api/v1/rfps…: the RFP lifecycle as JSON. Reads are open as the pages are; writes need a bearer token
// and are decided by the same policy and services as the forms.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ANONYMOUS, RFP_ROLES } from '../../../domain/policy.js'
import { ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, QUESTION_STATUSES } from '../../../domain/questions.js'
import { RfpDraftSchema } from '../../../domain/rfp-document.js'
import { RFP_STATES } from '../../../domain/rfp.js'
import { amendRfp, compareVersions, listRfpVersions } from '../../../services/amendments.js'
import { answerQuestion, askQuestion, listPublicAnswers, listQuestionsForCommittee, mergeQuestion, rejectQuestion } from '../../../services/questions.js'
import { addRfpMember, removeRfpMember } from '../../../services/rfp-members.js'
import { acknowledgeAmendment, getVendorStanding, listRegisteredVendors, registerInterest } from '../../../services/rfp-vendors.js'
import { cancelRfp, createRfpDraft, getRfp, listPublicRfps, publishRfp, updateRfpDraft } from '../../../services/rfps.js'
import { SlugParam } from '../public/rfp.js'
import { bearerUserOf } from './bearer-user.js'

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  problems: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() })))
})

const Instant = Type.String({ format: 'date-time' })
const Schedule = Type.Object({ questionsCloseAt: Instant, proposalsDueAt: Instant, decisionExpectedAt: Instant })

export const RfpSummary = Type.Object({
  slug: Type.String(),
  state: Type.Enum(RFP_STATES),
  phase: Type.String({ description: 'draft, questions_open, questions_closed, closed, opened, scoring_closed, decided or cancelled' }),
  version: Type.Integer(),
  title: Type.String(),
  summary: Type.String(),
  timeZone: Type.String(),
  publishedAt: Type.Union([Instant, Type.Null()]),
  cancelledAt: Type.Union([Instant, Type.Null()]),
  schedule: Schedule
})

const Rfp = Type.Object({
  ...RfpSummary.properties,
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  document: RfpDraftSchema
})

const Version = Type.Object({
  number: Type.Integer(),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Null for version 1' }),
  createdAt: Instant,
  frozenAt: Type.Union([Instant, Type.Null()]),
  document: RfpDraftSchema
})

const Answer = Type.Object({ number: Type.Integer(), question: Type.String(), answer: Type.String(), answeredAt: Instant, updatedAt: Instant })
const CommitteeQuestion = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Enum(QUESTION_STATUSES),
  askerEmail: Type.Union([Type.String(), Type.Null()], { description: 'Shown to the RFP\'s owners only' }),
  body: Type.String(),
  askedAt: Instant,
  number: Type.Union([Type.Integer(), Type.Null()]),
  publishedQuestion: Type.Union([Type.String(), Type.Null()]),
  answer: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  mergedInto: Type.Union([Type.String(), Type.Null()])
})

const Params = Type.Object({ slug: SlugParam })
const QuestionParams = Type.Object({ slug: SlugParam, id: Type.String({ format: 'uuid' }) })
const VersionNumber = Type.Integer({ minimum: 1, maximum: 100000 })
const Done = Type.Object({ ok: Type.Literal(true) })
const bearer = [{ bearer: [] }]
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

type RfpRecordWithPhase = Awaited<ReturnType<typeof getRfp>>
function toRfp (rfp: RfpRecordWithPhase) {
  return { ...rfp, version: rfp.currentVersion }
}

const rfpsApi: FastifyPluginAsyncTypebox<{ pageSize: number, maxPage: number }> = async (app, { pageSize, maxPage }) => {
  /** The token's user, or a 401 sent: writes are never anonymous. */
  const actorOf = (request: FastifyRequest) => request.viewer?.actor ?? ANONYMOUS

  app.get('/api/v1/rfps', {
    schema: {
      summary: 'Published RFPs, most recently published first',
      querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }) }),
      response: { 200: Type.Object({ items: Type.Array(RfpSummary), page: Type.Integer(), pageCount: Type.Integer(), total: Type.Integer() }), 404: ErrorBody }
    }
  }, async (request) => {
    const list = await listPublicRfps(app.ctx, request.query.page, pageSize)
    return { ...list, items: list.items.map((rfp) => ({ ...rfp, version: rfp.currentVersion })) }
  })

  app.post('/api/v1/rfps', {
    schema: { summary: 'Draft a new RFP; its author becomes its owner', security: bearer, body: RfpDraftSchema, response: { 201: Rfp, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    const { slug } = await createRfpDraft(app.ctx, actor, request.body)
    return await reply.code(201).send(toRfp(await getRfp(app.ctx, actor, slug)))
  })

  app.get('/api/v1/rfps/:slug', {
    schema: {
      summary: 'One RFP: published ones for anyone, drafts for their owners and evaluators',
      security: [{ bearer: [] }, {}],
      params: Params,
      response: { 200: Rfp, 404: ErrorBody }
    }
  }, async (request) => toRfp(await getRfp(app.ctx, actorOf(request), request.params.slug)))

  app.put('/api/v1/rfps/:slug', {
    schema: { summary: 'Rewrite a draft (owners); after publication use an amendment', security: bearer, params: Params, body: RfpDraftSchema, response: { 200: Rfp, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    const { slug } = await updateRfpDraft(app.ctx, actor, request.params.slug, request.body)
    return toRfp(await getRfp(app.ctx, actor, slug))
  })

  app.post('/api/v1/rfps/:slug/publish', {
    schema: { summary: 'Publish a draft: version 1 is frozen (owners)', security: bearer, params: Params, response: { 200: Rfp, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await publishRfp(app.ctx, actor, (await getRfp(app.ctx, actor, request.params.slug)).id)
    return toRfp(await getRfp(app.ctx, actor, request.params.slug))
  })

  app.post('/api/v1/rfps/:slug/amendments', {
    schema: {
      summary: 'Amend a published RFP: version n+1 with a published reason (owners)',
      security: bearer,
      params: Params,
      body: Type.Object({ document: RfpDraftSchema, reason: Type.String({ maxLength: 4000 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ version: Type.Integer(), extension: Type.Union([Type.Object({ from: Instant, to: Instant }), Type.Null()]) }), ...errors }
    }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    return await reply.code(201).send(await amendRfp(app.ctx, actor, request.params.slug, request.body.document, request.body.reason))
  })

  app.post('/api/v1/rfps/:slug/cancel', {
    schema: { summary: 'Cancel an RFP with a published reason (owners)', security: bearer, params: Params, body: Type.Object({ reason: Type.String({ maxLength: 4000 }) }, { additionalProperties: false }), response: { 200: Rfp, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await cancelRfp(app.ctx, actor, request.params.slug, request.body.reason)
    return toRfp(await getRfp(app.ctx, actor, request.params.slug))
  })

  app.get('/api/v1/rfps/:slug/versions', {
    schema: { summary: 'Every version, oldest first', security: [{ bearer: [] }, {}], params: Params, response: { 200: Type.Array(Version), 404: ErrorBody } }
  }, async (request) => await listRfpVersions(app.ctx, actorOf(request), request.params.slug))

  app.get('/api/v1/rfps/:slug/diff', {
    schema: {
      summary: 'The word-level diff between two versions',
      security: [{ bearer: [] }, {}],
      params: Params,
      querystring: Type.Object({ from: VersionNumber, to: VersionNumber }),
      response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), complete: Type.Boolean({ description: 'False when the versions differ too much to be marked word by word: then all of one is removed and all of the other added' }), parts: Type.Array(Type.Object({ change: Type.Enum(['same', 'added', 'removed']), text: Type.String() })) }), 404: ErrorBody }
    }
  }, async (request) => {
    const comparison = await compareVersions(app.ctx, actorOf(request), request.params.slug, request.query.from, request.query.to)
    return { from: comparison.from.number, to: comparison.to.number, complete: comparison.complete, parts: comparison.parts }
  })

  app.get('/api/v1/rfps/:slug/answers', {
    schema: { summary: 'The published answers, by number, without askers', security: [{ bearer: [] }, {}], params: Params, response: { 200: Type.Array(Answer), 404: ErrorBody } }
  }, async (request) => (await listPublicAnswers(app.ctx, actorOf(request), request.params.slug)).map(({ id: _id, ...answer }) => answer))

  app.post('/api/v1/rfps/:slug/questions', {
    schema: {
      summary: 'Ask a question during the question period (signed-in users; the public asks through the web form)',
      security: bearer,
      params: Params,
      body: Type.Object({ body: Type.String({ maxLength: QUESTION_MAX_LENGTH * 2 }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ status: Type.Literal('open') }), ...errors, 429: ErrorBody }
    }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await askQuestion(app.ctx, actor, request.params.slug, { body: request.body.body })
    return await reply.code(201).send({ status: 'open' as const })
  })

  app.get('/api/v1/rfps/:slug/questions', {
    schema: { summary: 'Every confirmed question with its asker (the RFP\'s committee)', security: bearer, params: Params, response: { 200: Type.Array(CommitteeQuestion), ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    return (await listQuestionsForCommittee(app.ctx, actor, request.params.slug)).map((q) => ({
      id: q.id, status: q.status as typeof QUESTION_STATUSES[number], askerEmail: q.asker_email, body: q.body, askedAt: q.asked_at, number: q.number, publishedQuestion: q.published_question, answer: q.answer, reason: q.reason, mergedInto: q.merged_into
    }))
  })

  app.post('/api/v1/rfps/:slug/questions/:id/answer', {
    schema: {
      summary: 'Answer a question, or revise its answer (owners)',
      security: bearer,
      params: QuestionParams,
      body: Type.Object({ question: Type.String({ maxLength: QUESTION_MAX_LENGTH * 2 }), answer: Type.String({ maxLength: ANSWER_MAX_LENGTH * 2 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ number: Type.Integer() }), ...errors }
    }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    return await answerQuestion(app.ctx, actor, request.params.slug, request.params.id, request.body)
  })

  app.post('/api/v1/rfps/:slug/questions/:id/reject', {
    schema: { summary: 'Reject a question with a reason mailed to its asker (owners)', security: bearer, params: QuestionParams, body: Type.Object({ reason: Type.String({ maxLength: 4000 }) }, { additionalProperties: false }), response: { 200: Done, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await rejectQuestion(app.ctx, actor, request.params.slug, request.params.id, request.body.reason)
    return { ok: true as const }
  })

  app.post('/api/v1/rfps/:slug/questions/:id/merge', {
    schema: { summary: 'Merge a duplicate into another question (owners)', security: bearer, params: QuestionParams, body: Type.Object({ into: Type.String({ format: 'uuid' }) }, { additionalProperties: false }), response: { 200: Done, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await mergeQuestion(app.ctx, actor, request.params.slug, request.params.id, request.body.into)
    return { ok: true as const }
  })

  const Standing = Type.Object({ registered: Type.Boolean(), eligible: Type.Boolean(), organisationName: Type.String(), unacknowledged: Type.Array(Type.Integer()) })

  app.get('/api/v1/rfps/:slug/standing', {
    schema: { summary: 'Where the token\'s vendor organisation stands on the RFP', security: bearer, params: Params, response: { 200: Standing, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    return await getVendorStanding(app.ctx, actor, request.params.slug)
  })

  app.post('/api/v1/rfps/:slug/interest', {
    schema: { summary: 'Register the vendor organisation\'s interest: it is then mailed the RFP\'s news', security: bearer, params: Params, response: { 200: Standing, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await registerInterest(app.ctx, actor, request.params.slug)
    return await getVendorStanding(app.ctx, actor, request.params.slug)
  })

  app.post('/api/v1/rfps/:slug/acknowledgements', {
    schema: { summary: 'Acknowledge an amendment for the vendor organisation', security: bearer, params: Params, body: Type.Object({ version: Type.Integer({ minimum: 2, maximum: 100000 }) }, { additionalProperties: false }), response: { 200: Standing, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await acknowledgeAmendment(app.ctx, actor, request.params.slug, request.body.version)
    return await getVendorStanding(app.ctx, actor, request.params.slug)
  })

  app.get('/api/v1/rfps/:slug/vendors', {
    schema: {
      summary: 'Registered vendors and the amendments each has acknowledged (the RFP\'s committee)',
      security: bearer,
      params: Params,
      response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), registeredAt: Instant, acknowledged: Type.Array(Type.Integer()), unacknowledged: Type.Array(Type.Integer()) })), ...errors }
    }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    return await listRegisteredVendors(app.ctx, actor, request.params.slug)
  })

  const Member = Type.Object({ email: Type.String({ maxLength: 254 }), role: Type.Enum(RFP_ROLES) }, { additionalProperties: false })

  app.post('/api/v1/rfps/:slug/members', {
    schema: { summary: 'Add a committee member by address (owners and admins)', security: bearer, params: Params, body: Member, response: { 200: Done, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await addRfpMember(app.ctx, actor, request.params.slug, request.body.email, request.body.role)
    return { ok: true as const }
  })

  app.delete('/api/v1/rfps/:slug/members/:userId/:role', {
    schema: { summary: 'Remove a committee member\'s role (owners and admins); the last owner stays', security: bearer, params: Type.Object({ slug: SlugParam, userId: Type.String({ format: 'uuid' }), role: Type.Enum(RFP_ROLES) }), response: { 200: Done, ...errors } }
  }, async (request, reply) => {
    const actor = await bearerUserOf(request, reply)
    if (actor === undefined) return reply
    await removeRfpMember(app.ctx, actor, request.params.slug, request.params.userId, request.params.role)
    return { ok: true as const }
  })
}

export default rfpsApi

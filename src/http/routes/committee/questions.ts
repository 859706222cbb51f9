// /committee/rfps/:slug/questions/:id/…: owners answer (or revise an answer), reject with a reason, or merge
// a duplicate into another question.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH } from '../../../domain/questions.js'
import { answerQuestion, mergeQuestion, rejectQuestion } from '../../../services/questions.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam, id: Type.String({ format: 'uuid' }) })

const committeeQuestions: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })
  const back = (slug: string): string => `/committee/rfps/${slug}#questions`

  app.post('/committee/rfps/:slug/questions/:id/answer', {
    preHandler: app.csrfProtection,
    schema: {
      params: Params,
      body: Type.Object({ question: Type.String({ maxLength: QUESTION_MAX_LENGTH * 2 }), answer: Type.String({ maxLength: ANSWER_MAX_LENGTH * 2 }), _csrf: CsrfField }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    await answerQuestion(app.ctx, request.viewer!.actor, request.params.slug, request.params.id, request.body)
    return await reply.redirect(back(request.params.slug), 303)
  })

  app.post('/committee/rfps/:slug/questions/:id/reject', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ reason: Type.String({ maxLength: 4000 }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await rejectQuestion(app.ctx, request.viewer!.actor, request.params.slug, request.params.id, request.body.reason)
    return await reply.redirect(back(request.params.slug), 303)
  })

  app.post('/committee/rfps/:slug/questions/:id/merge', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ into: Type.String({ format: 'uuid' }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await mergeQuestion(app.ctx, request.viewer!.actor, request.params.slug, request.params.id, request.body.into)
    return await reply.redirect(back(request.params.slug), 303)
  })
}

export default committeeQuestions

// GET /rfps/:slug: one RFP as the public reads it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ANONYMOUS } from '../../../domain/policy.js'
import { getRfpView } from '../../../services/rfps.js'

export const SlugParam = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 3, maxLength: 80 })

const rfp: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/rfps/:slug', {
    schema: { params: Type.Object({ slug: SlugParam }) }
  }, async (request, reply) => {
    const found = await getRfpView(app.ctx, ANONYMOUS, request.params.slug)
    return await reply.view('pages/public/rfp.hbs', { title: found.title, rfp: found })
  })
}

export default rfp

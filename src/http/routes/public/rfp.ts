// GET /rfps/:slug: one RFP as the public reads it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { weightShares, DEFAULT_SCALE } from '../../../domain/rfp-document.js'
import { ANONYMOUS } from '../../../domain/policy.js'
import { getRfp } from '../../../services/rfps.js'

export const SlugParam = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 3, maxLength: 80 })

const rfp: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/rfps/:slug', {
    schema: { params: Type.Object({ slug: SlugParam }) }
  }, async (request, reply) => {
    const found = await getRfp(app.ctx, ANONYMOUS, request.params.slug)
    const rounds = found.rounds.map((round) => {
      const shares = weightShares(round)
      return {
        name: round.name,
        criteria: round.criteria.map((criterion) => ({
          ...criterion,
          share: shares.get(criterion.id),
          lo: criterion.kind === 'scored' ? criterion.lo ?? DEFAULT_SCALE.lo : undefined,
          hi: criterion.kind === 'scored' ? criterion.hi ?? DEFAULT_SCALE.hi : undefined
        }))
      }
    })
    return await reply.view('pages/public/rfp.hbs', { title: found.title, rfp: found, rounds })
  })
}

export default rfp

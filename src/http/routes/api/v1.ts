// /api/v1 and its OpenAPI document at /api/docs. Every route has a TypeBox schema for what it takes and
// answers, so the document lists the API as it grows.
import swagger from '@fastify/swagger'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ANONYMOUS, RFP_ROLES } from '../../../domain/policy.js'
import { packageVersion } from '../../../paths.js'
import { RFP_STATES } from '../../../domain/rfp.js'
import { describeSelf } from '../../../services/account.js'
import { getRfp } from '../../../services/rfps.js'
import bearerAuth from '../../plugins/bearer-auth.js'
import { SlugParam } from '../public/rfp.js'

const ErrorBody = Type.Object({ statusCode: Type.Integer(), code: Type.String(), error: Type.String(), message: Type.String() })

const Me = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
  organisation: Type.Union([Type.String(), Type.Null()], { description: 'The vendor organisation, for vendor contacts' }),
  roles: Type.Array(Type.Object({ rfp: Type.String({ description: 'The RFP\'s slug' }), role: Type.Enum(RFP_ROLES) }))
})

const Rfp = Type.Object({
  slug: Type.String(),
  state: Type.Enum(RFP_STATES),
  phase: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  summary: Type.String(),
  timeZone: Type.String(),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  schedule: Type.Object({
    questionsCloseAt: Type.String({ format: 'date-time' }),
    proposalsDueAt: Type.String({ format: 'date-time' }),
    decisionExpectedAt: Type.String({ format: 'date-time' })
  })
})

const api: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (app, { publicUrl }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Shortlist API', version: packageVersion, description: 'Vendor selections run in the open. Authenticate with `Authorization: Bearer <token>`; make a token on your account page. A token acts with exactly its user\'s current roles.' },
      servers: [{ url: publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    }
  })
  await app.register(bearerAuth)

  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger())

  app.get('/api/v1/me', {
    schema: {
      summary: 'The token\'s user and their roles',
      security: [{ bearer: [] }],
      response: { 200: Me, 401: ErrorBody }
    }
  }, async (request, reply) => {
    if (request.viewer === null) return await reply.code(401).header('www-authenticate', 'Bearer realm="shortlist"').send({ statusCode: 401, code: 'SL_UNAUTHENTICATED', error: 'Sign-in needed', message: 'send a bearer token' })
    return await describeSelf(app.ctx, request.viewer)
  })

  app.get('/api/v1/rfps/:slug', {
    schema: {
      summary: 'One RFP: published ones for anyone, drafts for their owners and evaluators',
      security: [{ bearer: [] }, {}],
      params: Type.Object({ slug: SlugParam }),
      response: { 200: Rfp, 404: ErrorBody }
    }
  }, async (request) => {
    const rfp = await getRfp(app.ctx, request.viewer?.actor ?? ANONYMOUS, request.params.slug)
    return { ...rfp, version: rfp.currentVersion }
  })
}

export default api

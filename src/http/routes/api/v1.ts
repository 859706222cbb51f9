// /api/v1 and its OpenAPI document at /api/docs. Every route has a TypeBox schema for what it takes and
// answers, so the document lists the API as it grows.
import swagger from '@fastify/swagger'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { RFP_ROLES } from '../../../domain/policy.js'
import { packageVersion } from '../../../paths.js'
import { describeSelf } from '../../../services/account.js'
import bearerAuth from '../../plugins/bearer-auth.js'
import evaluationApi from './evaluation.js'
import rfpsApi, { ErrorBody } from './rfps.js'

const Me = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
  organisation: Type.Union([Type.String(), Type.Null()], { description: 'The vendor organisation, for vendor contacts' }),
  roles: Type.Array(Type.Object({ rfp: Type.String({ description: 'The RFP\'s slug' }), role: Type.Enum(RFP_ROLES) }))
})

const api: FastifyPluginAsyncTypebox<{ publicUrl: string, pageSize: number, maxPage: number }> = async (app, { publicUrl, pageSize, maxPage }) => {
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

  await app.register(rfpsApi, { pageSize, maxPage })
  await app.register(evaluationApi)
}

export default api

// Bearer tokens for /api/v1: a valid token makes its user the viewer; no header leaves an anonymous caller
// (who sees what the public sees); a bad token is refused outright rather than treated as anonymous.
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { authenticateApiToken } from '../../services/api-tokens.js'
import type { Viewer } from '../../services/viewer.js'

async function refuse (reply: FastifyReply, message: string): Promise<FastifyReply> {
  return await reply.code(401)
    .header('www-authenticate', 'Bearer realm="shortlist", error="invalid_token"')
    .type('application/json; charset=utf-8')
    .send({ statusCode: 401, code: 'SL_UNAUTHENTICATED', error: 'Sign-in needed', message })
}

export default fp(async (app) => {
  app.decorateRequest('viewer', null)
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization
    if (header === undefined) return
    const match = /^Bearer ([\x21-\x7e]{1,200})$/i.exec(header)
    if (match?.[1] === undefined) return await refuse(reply, 'the Authorization header must be "Bearer <token>"')
    const viewer: Viewer | undefined = await authenticateApiToken(app.ctx, match[1])
    if (viewer === undefined) return await refuse(reply, 'the token is unknown or revoked, or its account is disabled')
    request.viewer = viewer
  })
}, { name: 'shortlist-bearer-auth', dependencies: ['shortlist-services'] })

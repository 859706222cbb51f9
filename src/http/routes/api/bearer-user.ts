// The API's one answer to a request without a bearer token on a route that needs a user.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { UserActor } from '../../../domain/policy.js'

/** The signed-in user; otherwise sends the 401 with its `WWW-Authenticate` challenge and gives undefined. */
export async function bearerUserOf (request: FastifyRequest, reply: FastifyReply): Promise<UserActor | undefined> {
  if (request.viewer !== null) return request.viewer.actor
  await reply.code(401).header('www-authenticate', 'Bearer realm="shortlist"')
    .send({ statusCode: 401, code: 'SL_UNAUTHENTICATED', error: 'Sign-in needed', message: 'send a bearer token' })
  return undefined
}

// CSRF for multipart forms. Their bodies are streamed, not parsed before the handler, so @fastify/csrf-protection
// cannot see the token; the form puts `_csrf` first and the handler checks it, with the same secret the plugin
// keeps in the session, before a byte of any file is stored.
import Tokens from '@fastify/csrf'
import type { FastifyRequest } from 'fastify'
import { ForbiddenError } from '../errors.js'

const tokens = Tokens()

export function checkMultipartCsrf (request: FastifyRequest, token: unknown): void {
  // @fastify/csrf-protection keeps its secret under `_csrf` in the session.
  const secret = (request.session as unknown as Record<string, unknown>)._csrf
  if (typeof token !== 'string' || typeof secret !== 'string' || !tokens.verify(secret, token)) {
    throw new ForbiddenError('the form\'s security token is missing or out of date: reload the page and submit again')
  }
}

// One error handler and one not-found handler: an HTML page for people, JSON for programs (the API, the
// transparency log, .json files); 5xx details stay in the log.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

interface Shown { statusCode: number, code: string, error: string, message: string, problems?: unknown }

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in needed',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Server error',
  503: 'Unavailable'
}

/** Programs get JSON: the API, the transparency log's files and every public .json file. */
function isApi (request: FastifyRequest): boolean {
  const path = request.url.split('?', 1)[0] ?? ''
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/transparency/') || path.endsWith('.json')
}

function returnPath (request: FastifyRequest, publicOrigin: string): string {
  if (request.method === 'GET') return request.url
  const referer = request.headers.referer
  let url: URL | undefined
  try { url = referer === undefined ? undefined : new URL(referer) } catch {}
  return url !== undefined && url.origin === publicOrigin ? url.pathname + url.search : '/account'
}

async function send (request: FastifyRequest, reply: FastifyReply, shown: Shown): Promise<FastifyReply> {
  reply.code(shown.statusCode)
  if (isApi(request)) return await reply.type('application/json; charset=utf-8').send(shown)
  return await reply.view('pages/error.hbs', { title: shown.error, ...shown, requestId: request.id })
}

export default fp<{ publicUrl: string }>(async (app, { publicUrl }) => {
  const publicOrigin = new URL(publicUrl).origin
  app.setErrorHandler(async (error: FastifyError & { problems?: unknown }, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed')
      return await send(request, reply, {
        statusCode,
        code: 'SL_INTERNAL',
        error: TITLES[statusCode] ?? 'Server error',
        message: `Something went wrong on our side. It has been logged as request ${request.id}.`
      })
    }
    if (error.code === 'SL_STEP_UP' && !isApi(request)) {
      // A person is sent to prove their second factor, then back: to the page they asked for, or for a
      // form, to the page it was sent from (same origin only: Referer is sent same-origin by our policy).
      return await reply.redirect(`/account/confirm?next=${encodeURIComponent(returnPath(request, publicOrigin))}`, 303)
    }
    // Schema failures already read "querystring/page must be >= 1": where, then what.
    const message = error.message
    return await send(request, reply, {
      statusCode,
      code: error.code ?? (statusCode === 429 ? 'SL_TOO_MANY' : 'SL_BAD_REQUEST'),
      error: TITLES[statusCode] ?? 'Request refused',
      message,
      ...(error.problems !== undefined ? { problems: error.problems } : {})
    })
  })

  app.setNotFoundHandler(async (request, reply) => {
    return await send(request, reply, {
      statusCode: 404, code: 'SL_NOT_FOUND', error: 'Not found', message: `Nothing is published at ${request.url.split('?')[0]}.`
    })
  })
}, { name: 'shortlist-errors', dependencies: ['shortlist-views'] })

// Sign-in by magic link: ask for a link, confirm it with a POST (mail scanners only GET), sign out.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../../config.js'
import { perAddress } from '../../sign-in-limits.js'
import { completeSignIn } from '../../session-sign-in.js'
import { consumeSignInLink, previewSignInLink, requestSignInLink } from '../../../services/sign-in.js'

export const CsrfField = Type.String({ minLength: 1, maxLength: 200 })
const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token from the sign-in link' })

const signIn: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const rateLimit = perAddress(config)

  // Form pages are limited too: each one a visitor without a cookie opens creates a session row for its CSRF secret.
  app.get('/sign-in', { config: { rateLimit } }, async (request, reply) => {
    if (request.viewer !== null) return await reply.redirect(request.viewer.organisationName !== null ? '/vendor' : '/account', 303)
    return await reply.view('pages/public/sign-in.hbs', { title: 'Sign in', csrfToken: reply.generateCsrf() })
  })

  app.post('/sign-in', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await requestSignInLink(app.ctx, request.body.email)
    return await reply.view('pages/public/sign-in-sent.hbs', { title: 'Check your mail', email: request.body.email })
  })

  app.get('/sign-in/confirm', {
    config: { rateLimit },
    schema: { querystring: Type.Object({ token: Token }) }
  }, async (request, reply) => {
    // Nothing is consumed here: a scanner that follows the link sees only this form.
    const preview = await previewSignInLink(app.ctx, request.query.token)
    reply.header('cache-control', 'no-store')
    if (preview === undefined) return await reply.code(400).view('pages/public/sign-in-failed.hbs', { title: 'Sign-in link not valid' })
    return await reply.view('pages/public/sign-in-confirm.hbs', { title: 'Confirm sign-in', token: request.query.token, ...preview, csrfToken: reply.generateCsrf() })
  })

  app.post('/sign-in/confirm', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ token: Token, _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const result = await consumeSignInLink(app.ctx, request.body.token)
    if (!result.ok) {
      return await reply.code(400).view('pages/public/sign-in-failed.hbs', { title: 'Sign-in link not valid', reason: result.reason })
    }
    await completeSignIn(request, result.userId, app.ctx.clock.now(), { secondFactor: false })
    return await reply.redirect('/vendor', 303)
  })

  app.post('/sign-out', {
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await request.session.destroy()
    return await reply.redirect('/', 303)
  })
}

export default signIn

// The signed-in person's account: sessions (revoke), API tokens (create, shown once; revoke), and the
// step-up check that sensitive actions send a committee member or admin to.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../../config.js'
import { perAccount, perAddress } from '../../sign-in-limits.js'
import { getAccount, revokeSession } from '../../../services/account.js'
import { createApiToken, revokeApiToken } from '../../../services/api-tokens.js'
import { checkSecondFactor } from '../../../services/committee-sign-in.js'
import { CsrfField } from '../public/sign-in.js'

/**
 * A path on this site: never another origin (no `//` or `/\\`), so the step-up page cannot send anyone
 * elsewhere; printable ASCII only, which is all a Location header may carry (anything else is percent-encoded).
 */
export const LocalPath = Type.String({ pattern: '^/(?![/\\\\])[\\x21-\\x7e]*$', maxLength: 500 })

const account: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const rateLimit = perAddress(config)
  const limits = perAccount(config)

  // Every page here needs someone signed in; a visitor is sent to sign in first.
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.get('/account', async (request, reply) => {
    const page = await getAccount(app.ctx, request.viewer!.actor, request.session.sessionId)
    return await reply.view('pages/account/account.hbs', { title: 'Your account', ...page })
  })

  app.post('/account/sessions/revoke', {
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ session: Type.String({ pattern: '^[0-9a-f]{64}$' }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await revokeSession(app.ctx, request.viewer!.actor, request.body.session)
    return await reply.redirect('/account', 303)
  })

  app.post('/account/tokens', {
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ name: Type.String({ maxLength: 200 }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const created = await createApiToken(app.ctx, request.viewer!.actor, request.body.name)
    reply.header('cache-control', 'no-store')
    return await reply.view('pages/account/token-created.hbs', { title: 'Your new API token', token: created.token, name: request.body.name })
  })

  app.post('/account/tokens/revoke', {
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ token: Type.String({ format: 'uuid' }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await revokeApiToken(app.ctx, request.viewer!.actor, request.body.token)
    return await reply.redirect('/account', 303)
  })

  app.get('/account/confirm', {
    config: { rateLimit },
    schema: { querystring: Type.Object({ next: Type.Optional(LocalPath) }) }
  }, async (request, reply) => {
    if (!request.viewer!.actor.hasSecondFactor) return await reply.redirect(request.query.next ?? '/account', 303)
    return await reply.view('pages/public/two-factor.hbs', { title: 'Confirm it is you', stepUp: true, action: '/account/confirm', next: request.query.next ?? '/account', csrfToken: reply.generateCsrf() })
  })

  app.post('/account/confirm', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 20 }), next: Type.Optional(LocalPath), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const next = request.body.next ?? '/account'
    const result = await checkSecondFactor(app.ctx, request.viewer!.actor.userId, request.body.code, 'step_up', limits)
    if (!result.ok) {
      const failure = result.reason === 'throttled' ? 'Too many wrong codes. Wait a few minutes and try again.' : 'That code does not match. Codes change every 30 seconds, and each works once.'
      return await reply.code(result.reason === 'throttled' ? 429 : 400)
        .view('pages/public/two-factor.hbs', { title: 'Confirm it is you', stepUp: true, action: '/account/confirm', next, failure, csrfToken: reply.generateCsrf() })
    }
    request.session.secondFactorAt = app.ctx.clock.now().toISOString()
    return await reply.redirect(next, 303)
  })
}

export default account

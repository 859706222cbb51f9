// GET/POST /vendor/register: an organisation and its first contact, who then signs in by the mailed link.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../../config.js'
import { perAddress } from '../../sign-in-limits.js'
import { registerVendor } from '../../../services/vendors.js'
import { CsrfField } from '../public/sign-in.js'

const register: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const rateLimit = perAddress(config)
  app.get('/vendor/register', { config: { rateLimit } }, async (_request, reply) => {
    return await reply.view('pages/vendor/register.hbs', { title: 'Register your organisation', csrfToken: reply.generateCsrf() })
  })

  app.post('/vendor/register', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: {
      body: Type.Object({
        organisation: Type.String({ maxLength: 200 }),
        website: Type.String({ maxLength: 500 }),
        contactName: Type.String({ maxLength: 120 }),
        email: Type.String({ maxLength: 254 }),
        _csrf: CsrfField
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const { _csrf, ...registration } = request.body
    await registerVendor(app.ctx, registration)
    return await reply.view('pages/public/sign-in-sent.hbs', { title: 'Check your mail', email: registration.email })
  })
}

export default register

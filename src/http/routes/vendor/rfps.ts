// /vendor/rfps/:slug/…: a vendor contact registers interest in an RFP and acknowledges its amendments.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { acknowledgeAmendment, registerInterest } from '../../../services/rfp-vendors.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const vendorRfps: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.post('/vendor/rfps/:slug/interest', {
    preHandler: app.csrfProtection,
    schema: { params: Type.Object({ slug: SlugParam }), body: Type.Object({ _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await registerInterest(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.redirect(`/rfps/${request.params.slug}#your-organisation`, 303)
  })

  app.post('/vendor/rfps/:slug/acknowledgements', {
    preHandler: app.csrfProtection,
    schema: { params: Type.Object({ slug: SlugParam }), body: Type.Object({ version: Type.Integer({ minimum: 2, maximum: 100000 }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await acknowledgeAmendment(app.ctx, request.viewer!.actor, request.params.slug, request.body.version)
    return await reply.redirect(`/rfps/${request.params.slug}#your-organisation`, 303)
  })
}

export default vendorRfps

// /vendor/rfps/:slug/debrief: a bidder's private debrief after the decision, and its choice to be named.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { chooseNaming, getDebrief } from '../../../services/decision.js'
import { getProtestPanel } from '../../../services/protests.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam })

const vendorDebrief: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.get('/vendor/rfps/:slug/debrief', { schema: { params: Params } }, async (request, reply) => {
    const page = await getDebrief(app.ctx, request.viewer!.actor, request.params.slug)
    const protest = await getProtestPanel(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.header('cache-control', 'no-store').view('pages/vendor/debrief.hbs', { title: `Debrief: ${page.rfp.title}`, ...page, protest, csrfToken: reply.generateCsrf() })
  })

  app.post('/vendor/rfps/:slug/naming', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ _csrf: CsrfField, named: Type.Enum(['yes', 'no']) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await chooseNaming(app.ctx, request.viewer!.actor, request.params.slug, request.body.named === 'yes')
    return await reply.redirect(`/vendor/rfps/${request.params.slug}/debrief`, 303)
  })
}

export default vendorDebrief

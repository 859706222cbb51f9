// /committee/rfps/:slug/protests: the RFP's protests for its owners, and the one answer to each.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isInvalidInput } from '../../../errors.js'
import { PROTEST_TEXT_MAX_LENGTH, getCommitteeProtests, respondToProtest } from '../../../services/protests.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam })
const ResponseParams = Type.Object({ slug: SlugParam, id: Type.String({ format: 'uuid' }) })
// The resolution is checked by the service, so that a missing choice comes back on the page beside the typed
// response; twice the limit for the response, as a browser sends each line break as CRLF.
const ResponseBody = Type.Object({
  _csrf: CsrfField,
  resolution: Type.Optional(Type.String({ maxLength: 20 })),
  response: Type.String({ maxLength: 2 * PROTEST_TEXT_MAX_LENGTH })
}, { additionalProperties: false })

const committeeProtests: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.get('/committee/rfps/:slug/protests', { schema: { params: Params } }, async (request, reply) => {
    const page = await getCommitteeProtests(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.header('cache-control', 'no-store').view('pages/committee/protests.hbs', { title: `Protests: ${page.rfp.title}`, ...page, csrfToken: reply.generateCsrf() })
  })

  app.post('/committee/rfps/:slug/protests/:id/response', { preHandler: app.csrfProtection, schema: { params: ResponseParams, body: ResponseBody } }, async (request, reply) => {
    const { slug, id } = request.params
    const actor = request.viewer!.actor
    const { resolution = '', response } = request.body
    try {
      await respondToProtest(app.ctx, actor, slug, id, { resolution, response })
    } catch (error) {
      if (!isInvalidInput(error)) throw error
      const page = await getCommitteeProtests(app.ctx, actor, slug)
      const protests = page.protests.map((p) => p.id === id ? { ...p, typed: { resolution, response }, problems: error.problems } : p)
      return await reply.code(400).header('cache-control', 'no-store')
        .view('pages/committee/protests.hbs', { title: `Protests: ${page.rfp.title}`, ...page, protests, csrfToken: reply.generateCsrf() })
    }
    return await reply.redirect(`/committee/rfps/${slug}/protests#protest-${id}`, 303)
  })
}

export default committeeProtests

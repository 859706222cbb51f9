// POST /vendor/rfps/:slug/protest: a bidder files a protest against the decision from its debrief page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isInvalidInput } from '../../../errors.js'
import { getDebrief } from '../../../services/decision.js'
import { PROTEST_TEXT_MAX_LENGTH, fileProtest, getProtestPanel } from '../../../services/protests.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam })
// Twice the limit: a browser sends each line break of the textarea as CRLF, which the service counts once.
const Body = Type.Object({ _csrf: CsrfField, grounds: Type.String({ maxLength: 2 * PROTEST_TEXT_MAX_LENGTH }) }, { additionalProperties: false })

const vendorProtest: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.post('/vendor/rfps/:slug/protest', { preHandler: app.csrfProtection, schema: { params: Params, body: Body } }, async (request, reply) => {
    const { slug } = request.params
    const actor = request.viewer!.actor
    try {
      await fileProtest(app.ctx, actor, slug, { grounds: request.body.grounds })
    } catch (error) {
      if (!isInvalidInput(error)) throw error
      // The debrief again, the grounds as typed and what is wrong beside them.
      const page = await getDebrief(app.ctx, actor, slug)
      const protest = { ...await getProtestPanel(app.ctx, actor, slug), grounds: request.body.grounds, problems: error.problems }
      return await reply.code(400).header('cache-control', 'no-store')
        .view('pages/vendor/debrief.hbs', { title: `Debrief: ${page.rfp.title}`, ...page, protest, csrfToken: reply.generateCsrf() })
    }
    return await reply.redirect(`/vendor/rfps/${slug}/debrief#protest`, 303)
  })
}

export default vendorProtest

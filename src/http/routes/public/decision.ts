// The public record of an RFP (DESIGN §5, §6): /rfps/:slug/decision (page), decision.json (the public format
// outside tools recompute from), decision.md and rfp.md (for communities that keep records in git).
// Registered with the pages (the page uses the layout); no session is made for a visitor who has none.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { createMarkdownRenderer } from '../../../archive/markdown.js'
import { getDecisionRecord } from '../../../services/public-record.js'
import { getPublicRfpPage } from '../../../services/rfps.js'
import { decisionPageOf } from '../../../views/decision-page.js'
import { SlugParam } from './rfp.js'

const Params = Type.Object({ slug: SlugParam })
const MARKDOWN = 'text/markdown; charset=utf-8'

const decision: FastifyPluginAsyncTypebox<{ publicUrl: string, ocidPrefix: string }> = async (app, { publicUrl, ocidPrefix }) => {
  const markdown = createMarkdownRenderer()
  const urlOf = (path: string): string => new URL(path, publicUrl).href

  app.get('/rfps/:slug/decision', { schema: { params: Params } }, async (request, reply) => {
    const record = await getDecisionRecord(app.ctx, request.params.slug, ocidPrefix)
    return await reply.view('pages/public/decision.hbs', { title: `Decision record: ${record.rfp.title}`, ...decisionPageOf(record) })
  })

  app.get('/rfps/:slug/decision.json', { schema: { params: Params } }, async (request, reply) => {
    const record = await getDecisionRecord(app.ctx, request.params.slug, ocidPrefix)
    return await reply.type('application/json; charset=utf-8').send(record.document)
  })

  app.get('/rfps/:slug/decision.md', { schema: { params: Params } }, async (request, reply) => {
    const record = await getDecisionRecord(app.ctx, request.params.slug, ocidPrefix)
    return await reply.type(MARKDOWN).send(markdown('decision', { ...record, url: urlOf(`/rfps/${record.rfp.slug}/decision`) }))
  })

  app.get('/rfps/:slug/rfp.md', { schema: { params: Params } }, async (request, reply) => {
    const page = await getPublicRfpPage(app.ctx, request.params.slug)
    return await reply.type(MARKDOWN).send(markdown('rfp', { ...page, url: urlOf(`/rfps/${page.rfp.slug}`) }))
  })
}

export default decision

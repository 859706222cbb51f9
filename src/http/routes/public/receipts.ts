// /rfps/:slug/receipts and receipts.json: from the deadline on, every receipt hash given on the RFP, so each
// vendor can check that its proposal was counted and unaltered (DESIGN §3.2). Registered with the pages (the
// page uses the layout); no session is made for a visitor who has none, so no cookie is set.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { formatInstant } from '../../../domain/time.js'
import { listPublicReceipts } from '../../../services/proposals.js'
import { SlugParam } from './rfp.js'

const Params = Type.Object({ slug: SlugParam })

const receipts: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/rfps/:slug/receipts', {
    schema: { params: Params, querystring: Type.Object({ hash: Type.Optional(Type.String({ pattern: '^\\s*[0-9a-fA-F]{64}\\s*$', description: 'A receipt hash to look for' })) }) }
  }, async (request, reply) => {
    const list = await listPublicReceipts(app.ctx, request.params.slug)
    const wanted = request.query.hash?.trim().toLowerCase()
    const found = wanted === undefined ? undefined : list.receipts.find((receipt) => receipt.hash === wanted)
    return await reply.view('pages/public/receipts.hbs', {
      title: `Receipts: ${list.rfp.title}`, ...list, counted: list.receipts.filter((r) => r.standing === 'counted').length, check: wanted === undefined ? undefined : { hash: wanted, found }
    })
  })

  app.get('/rfps/:slug/receipts.json', { schema: { params: Params } }, async (request, reply) => {
    const list = await listPublicReceipts(app.ctx, request.params.slug)
    if (!list.published) {
      return await reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `the receipts are published once proposals are due, at ${formatInstant(list.rfp.schedule.proposalsDueAt, list.rfp.timeZone)} (${list.rfp.timeZone})` })
    }
    return await reply.header('cache-control', 'public, max-age=60').send({
      rfp: list.rfp.slug,
      proposalsDueAt: list.rfp.schedule.proposalsDueAt,
      algorithm: 'sha256 of the RFC 8785 canonical JSON of the receipt manifest',
      receipts: list.receipts
    })
  })
}

export default receipts

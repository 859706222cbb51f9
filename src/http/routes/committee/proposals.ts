// /committee/rfps/:slug/proposals and below: the sealed list (count and receipt hashes), the opening
// ceremony with dual control, and — once opened — each proposal and its files, served as attachments.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Readable } from 'node:stream'
import { Type } from 'typebox'
import { confirmOpening, listProposalsForCommittee, openProposalFile, readProposal, startOpening } from '../../../services/opening.js'
import { attachmentDisposition } from '../../attachment.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam })
const ProposalParams = Type.Object({ slug: SlugParam, id: Type.String({ format: 'uuid' }) })
const FileParams = Type.Object({ slug: SlugParam, id: Type.String({ format: 'uuid' }), n: Type.Integer({ minimum: 0, maximum: 1000 }) })
const CsrfBody = Type.Object({ _csrf: CsrfField }, { additionalProperties: false })

const committeeProposals: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.get('/committee/rfps/:slug/proposals', { schema: { params: Params } }, async (request, reply) => {
    const page = await listProposalsForCommittee(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.view('pages/committee/proposals.hbs', { title: `Proposals: ${page.rfp.title}`, ...page })
  })

  app.post('/committee/rfps/:slug/opening', { preHandler: app.csrfProtection, schema: { params: Params, body: CsrfBody } }, async (request, reply) => {
    await startOpening(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.redirect(`/committee/rfps/${request.params.slug}/proposals`, 303)
  })

  app.post('/committee/rfps/:slug/opening/confirm', { preHandler: app.csrfProtection, schema: { params: Params, body: CsrfBody } }, async (request, reply) => {
    await confirmOpening(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.redirect(`/committee/rfps/${request.params.slug}/proposals`, 303)
  })

  app.get('/committee/rfps/:slug/proposals/:id', { schema: { params: ProposalParams } }, async (request, reply) => {
    const page = await readProposal(app.ctx, request.viewer!.actor, request.params.slug, request.params.id)
    return await reply.header('cache-control', 'no-store').view('pages/committee/proposal.hbs', { title: `${page.proposal.organisationName}: ${page.rfp.title}`, ...page })
  })

  app.get('/committee/rfps/:slug/proposals/:id/files/:n', { schema: { params: FileParams } }, async (request, reply) => {
    const file = await openProposalFile(app.ctx, request.viewer!.actor, request.params.slug, request.params.id, request.params.n)
    // Never rendered by the browser as a page of this site: an attachment, not sniffed, sandboxed if opened.
    return await reply
      .header('content-disposition', attachmentDisposition(file.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'no-store')
      .header('content-length', String(file.size))
      .type(file.mediaType)
      .send(Readable.from(file.content()))
  })
}

export default committeeProposals

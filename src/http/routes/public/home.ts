// GET /: the published RFPs, newest first, a page at a time.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { listPublicRfps } from '../../../services/rfps.js'

const home: FastifyPluginAsyncTypebox<{ pageSize: number, maxPage: number }> = async (app, { pageSize, maxPage }) => {
  app.get('/', {
    schema: {
      // Other parameters (a feed reader's, a campaign tag) are ignored, so shared links keep working.
      querystring: Type.Object({
        page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 })
      })
    }
  }, async (request, reply) => {
    const list = await listPublicRfps(app.ctx, request.query.page, pageSize)
    return await reply.view('pages/public/home.hbs', {
      title: 'Requests for proposals',
      ...list,
      previous: list.page > 1 ? list.page - 1 : undefined,
      next: list.page < list.pageCount ? list.page + 1 : undefined
    })
  })
}

export default home

// /feed.atom, /rfps/:slug/feed.atom and /rfps/:slug/calendar.ics: what feed readers and calendars subscribe to.
// Outside the pages' context: no session is read or made for them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { createAtomRenderer } from '../../../archive/atom.js'
import { newsFeed, rfpCalendarFile } from '../../../archive/feeds.js'
import { createCalendarRenderer } from '../../../archive/icalendar.js'
import { rfpCalendar, rfpNews, siteNews } from '../../../services/feeds.js'
import { SlugParam } from './rfp.js'

const ATOM = 'application/atom+xml; charset=utf-8'

const feeds: FastifyPluginAsyncTypebox<{ publicUrl: string, siteName: string }> = async (app, { publicUrl, siteName }) => {
  const atom = createAtomRenderer()
  const calendar = createCalendarRenderer()
  const Params = Type.Object({ slug: SlugParam })

  app.get('/feed.atom', async (_request, reply) => {
    const { since, news } = await siteNews(app.ctx)
    return await reply.type(ATOM).send(atom(newsFeed(publicUrl, { title: siteName, selfPath: '/feed.atom', alternatePath: '/', idPath: '', since, news })))
  })

  app.get('/rfps/:slug/feed.atom', { schema: { params: Params } }, async (request, reply) => {
    const { rfp, news } = await rfpNews(app.ctx, request.params.slug)
    const path = `/rfps/${rfp.slug}`
    return await reply.type(ATOM).send(atom(newsFeed(publicUrl, { title: rfp.title, selfPath: `${path}/feed.atom`, alternatePath: path, idPath: `/rfp/${rfp.id}`, since: rfp.publishedAt ?? rfp.schedule.questionsCloseAt, news })))
  })

  app.get('/rfps/:slug/calendar.ics', { schema: { params: Params } }, async (request, reply) => {
    const source = await rfpCalendar(app.ctx, request.params.slug)
    return await reply.type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="${source.rfp.slug}.ics"`)
      .send(calendar(rfpCalendarFile(publicUrl, source)))
  })
}

export default feeds

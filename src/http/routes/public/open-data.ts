// /rfps/:slug/ocds.json, /rfps/:slug/ocds/releases/:id.json and /ocds/releases.json: the public record as OCDS 1.1.5
// open data. Outside the pages' context: programs fetch these, so no session is read or made, and errors are JSON.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ocdsSettingsOf } from '../../../archive/ocds.js'
import type { Config } from '../../../config.js'
import { getBulkReleasePackage, getRecordPackage, getReleasePackage } from '../../../services/open-data.js'
import { SlugParam } from './rfp.js'

const JSON_TYPE = 'application/json; charset=utf-8'
/** A release's id is the sequence number of the public event that made it. */
const ReleaseId = Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'The release id: the sequence number of its public event' })
/** Data changes only when something is published; a minute's caching spares the database without hiding news for long. */
const CACHE = 'public, max-age=60'

const openData: FastifyPluginAsyncTypebox<{ config: Pick<Config, 'publicUrl' | 'publicRecord'> }> = async (app, { config }) => {
  const settings = ocdsSettingsOf(config)

  app.get('/rfps/:slug/ocds.json', { schema: { params: Type.Object({ slug: SlugParam }) } }, async (request, reply) => {
    return await reply.type(JSON_TYPE).header('cache-control', CACHE).send(await getRecordPackage(app.ctx, request.params.slug, settings))
  })

  app.get('/rfps/:slug/ocds/releases/:id.json', { schema: { params: Type.Object({ slug: SlugParam, id: ReleaseId }) } }, async (request, reply) => {
    return await reply.type(JSON_TYPE).header('cache-control', CACHE).send(await getReleasePackage(app.ctx, request.params.slug, request.params.id, settings))
  })

  app.get('/ocds/releases.json', async (_request, reply) => {
    return await reply.type(JSON_TYPE).header('cache-control', CACHE).send(await getBulkReleasePackage(app.ctx, settings))
  })
}

export default openData

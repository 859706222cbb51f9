// /transparency/: the public log in the C2SP layouts (tlog-checkpoint, signed-note, tlog-tiles) that generic
// clients read, plus JSON proofs for people checking one event by hand. Outside the pages' context: programs
// poll these, and no session is read or made.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { consistencyProofOf, inclusionProofOf, latestCheckpoint, logVerifierKey, readTile } from '../../../services/transparency.js'

const TEXT = 'text/plain; charset=utf-8'
const Size = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

const transparency: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/transparency/checkpoint', async (_request, reply) => {
    const { note } = await latestCheckpoint(app.ctx)
    // Clients poll for the newest; tlog-tiles asks for a short cache life on the checkpoint only.
    return await reply.type(TEXT).header('cache-control', 'public, max-age=5').send(note)
  })

  app.get('/transparency/vkey', async (_request, reply) => {
    return await reply.type(TEXT).header('cache-control', 'public, max-age=3600').send(logVerifierKey(app.ctx) + '\n')
  })

  app.get('/transparency/tile/*', {
    schema: { params: Type.Object({ '*': Type.String({ maxLength: 120, description: 'The rest of a C2SP tile path' }) }) }
  }, async (request, reply) => {
    const { bytes, full } = await readTile(app.ctx, `tile/${request.params['*']}`)
    // A full tile never changes (tlog-tiles: immutable); a partial one is replaced by a wider one as the log grows.
    return await reply.type('application/octet-stream')
      .header('cache-control', full ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
      .send(Buffer.from(bytes))
  })

  app.get('/transparency/proofs/inclusion', {
    schema: { querystring: Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The audit event\'s sequence number' }), size: Type.Optional(Size) }, { additionalProperties: false }) }
  }, async (request, reply) => {
    return await reply.header('cache-control', 'no-cache').send(await inclusionProofOf(app.ctx, request.query.seq, request.query.size))
  })

  app.get('/transparency/proofs/consistency', {
    schema: { querystring: Type.Object({ from: Size, to: Size }, { additionalProperties: false }) }
  }, async (request, reply) => {
    return await reply.header('cache-control', 'no-cache').send(await consistencyProofOf(app.ctx, request.query.from, request.query.to))
  })
}

export default transparency

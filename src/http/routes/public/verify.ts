// /verify: how anyone checks the public record for themselves — the totals from decision.json, a receipt, and
// the transparency log's checkpoints — with the commands, and the log's current key and checkpoint to pin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { latestCheckpoint, logVerifierKey } from '../../../services/transparency.js'

const verify: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (app, { publicUrl }) => {
  app.get('/verify', async (_request, reply) => {
    const checkpoint = await latestCheckpoint(app.ctx)
    return await reply.view('pages/public/verify.hbs', {
      title: 'Check the record yourself',
      vkey: logVerifierKey(app.ctx),
      checkpoint,
      origin: app.ctx.transparency.origin,
      siteUrl: new URL('/', publicUrl).href.replace(/\/$/, '')
    })
  })
}

export default verify

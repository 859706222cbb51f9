// While the app closes, answers carry "Connection: close", so keep-alive clients let go at once.
// Without it a request that was in flight when close began leaves its socket open until the
// keep-alive timeout (72 s), and the shutdown waits for it.
import fp from 'fastify-plugin'

export default fp(async (app) => {
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
}, { name: 'shortlist-graceful-close' })

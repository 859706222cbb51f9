// Listens, and shuts down gracefully: stop accepting, let in-flight requests finish, close the database.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import type { Config } from './config.js'

export async function startServer (config: Config, deps: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  const app = await buildApp(config, deps)
  const graceful = closeWithGrace({ delay: config.http.shutdownGraceMs }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  app.addHook('onClose', async () => { graceful.uninstall() })
  await app.listen({ host: config.host, port: config.port })
  return app
}

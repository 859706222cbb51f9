// Listens and runs the background workers (mail delivery, housekeeping); shuts down gracefully: stop accepting,
// let in-flight requests finish, abort the passes in progress, close the database.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import type { Config } from './config.js'
import { startWorker, type Worker } from './worker.js'
import { createMailTransport, type MailTransport } from './mail/transport.js'
import { deliverDueMail } from './services/mail.js'
import { sweepUnconfirmedQuestions } from './services/questions.js'
import { sweepSessions } from './services/sessions.js'
import { sweepOrphanFiles } from './services/stored-files.js'
import { processSignInRequests } from './services/sign-in.js'

/** Ended sessions and stale sign-in tokens are deleted this often. */
const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000

export async function startServer (config: Config, deps: Partial<AppDeps> & { mailTransport?: MailTransport } = {}): Promise<FastifyInstance> {
  const app = await buildApp(config, deps)
  const graceful = closeWithGrace({ delay: config.http.shutdownGraceMs }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })

  const transport = deps.mailTransport ?? createMailTransport(config)
  const logged: MailTransport = {
    kind: transport.kind,
    async send (mail, signal) {
      const result = await transport.send(mail, signal)
      // The message id and where it went; never the recipient or the content.
      app.log.info({ messageId: mail.messageId, location: result.location }, 'mail sent')
      return result
    },
    close: () => { transport.close() }
  }
  // Hooks must be added before listen; the workers start only once the server listens.
  const workers: Worker[] = []
  app.addHook('preClose', async () => {
    await Promise.all(workers.map(async (worker) => { await worker.stop() }))
    transport.close()
  })
  app.addHook('onClose', async () => { graceful.uninstall() })

  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    // Without this, close-with-grace's exit handler would end a failed start with status 0.
    graceful.uninstall()
    await app.close()
    throw error
  }
  workers.push(startWorker({
    pass: async (stop) => {
      // Sign-in requests first, so that their links go out in the same pass.
      await processSignInRequests(app.ctx, config.signIn)
      return await deliverDueMail(app.ctx, logged, config.mail, stop)
    },
    intervalMs: config.mail.pollIntervalMs,
    onError: (error) => { app.log.error({ err: error }, 'mail delivery pass failed') }
  }), startWorker({
    pass: async () => ({ ...await sweepSessions(app.ctx), files: await sweepOrphanFiles(app.ctx), questions: await sweepUnconfirmedQuestions(app.ctx) }),
    intervalMs: HOUSEKEEPING_INTERVAL_MS,
    onError: (error) => { app.log.error({ err: error }, 'housekeeping pass failed') }
  }))
  return app
}

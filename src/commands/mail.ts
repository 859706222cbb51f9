// shortlist mail flush | list [--failed] | retry ID
import type { Config } from '../config.js'
import { systemClock, systemRandom } from '../deps.js'
import { oneLine } from '../domain/mail-delivery.js'
import { createMailTransport } from '../mail/transport.js'
import { createServiceContext } from '../services/context.js'
import { deliverDueMail, listOutbox, requeueMail } from '../services/mail.js'
import { processSignInRequests } from '../services/sign-in.js'
import { migrateOrReport, withDatabase } from './database.js'
import type { CliIo } from './io.js'

const LIST_LIMIT = 200

export async function mailCommand (config: Config, io: CliIo, action: string | undefined, argument: string | undefined, { failed }: { failed: boolean }): Promise<number> {
  if (!await migrateOrReport(config, io)) return 1
  return await withDatabase(config, async (db) => {
    const ctx = createServiceContext({ config, db, clock: systemClock, random: systemRandom })
    switch (action) {
      case 'flush': {
        const transport = createMailTransport(config)
        try {
          await processSignInRequests(ctx, config.signIn)
          const { sent, retrying, failed } = await deliverDueMail(ctx, transport, config.mail)
          io.out(`mail: ${sent} sent, ${retrying} to retry, ${failed} failed (${transport.kind === 'file' ? `written under ${config.dataDir}/mail` : 'over SMTP'})`)
          return 0
        } finally {
          transport.close()
        }
      }
      case 'list': {
        const entries = await listOutbox(ctx, failed ? 'failed' : undefined, LIST_LIMIT)
        for (const m of entries) {
          // Subjects and server replies come from outside: no control character reaches the terminal.
          io.out(`${m.id}  ${m.status.padEnd(7)}  ${m.created_at}  ${oneLine(m.to_address)}  ${oneLine(m.subject)}${m.last_error === null ? '' : `  [${m.attempts} attempts: ${oneLine(m.last_error)}]`}`)
        }
        if (entries.length === 0) io.out(failed ? 'no failed messages' : 'the outbox is empty')
        return 0
      }
      case 'retry':
        if (argument === undefined) {
          io.err('shortlist mail retry: give the id of a failed message (see "shortlist mail list --failed")')
          return 2
        }
        await requeueMail(ctx, null, argument)
        io.out(`mail ${argument} is queued again`)
        return 0
      default:
        io.err(`shortlist mail: unknown action "${action ?? ''}" (use flush, list [--failed] or retry ID)`)
        return 2
    }
  })
}

// Mail as use cases: queue a message inside the caller's transaction, deliver what is due, list and re-queue.
import type { Config } from '../config.js'
import type { Trx } from '../db/database.js'
import { claimMail, dueMailIds, findMail, insertMail, listMail, markMailFailed, markMailSent, requeueFailedMail, scheduleMailRetry } from '../db/mail-outbox.js'
import type { MailOutboxRow } from '../db/schema.js'
import { isEmailAddress } from '../domain/email.js'
import { classifyFailure, describeFailure, messageIdFor, retryDelayMs, type DeliveryFailure, type MailStatus } from '../domain/mail-delivery.js'
import { InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import type { MailTransport } from '../mail/transport.js'
import { appendAuditEvent } from './audit.js'
import { newId, nowIso, type ServiceContext } from './context.js'

export interface MailToQueue {
  template: string
  to: string
  data: Record<string, unknown>
}

/** Renders and stores a message; call inside the transaction of the action that causes it. */
export async function queueMail (trx: Trx, ctx: ServiceContext, mail: MailToQueue): Promise<string> {
  if (!isEmailAddress(mail.to)) throw invalidInput([{ path: 'to', message: 'is not an e-mail address' }])
  const rendered = ctx.mail.renderer.render(mail.template, mail.data)
  const id = newId(ctx)
  const at = nowIso(ctx)
  await insertMail(trx, {
    id,
    message_id: messageIdFor(id, ctx.mail.publicUrl),
    template: mail.template,
    from_address: ctx.mail.from,
    to_address: mail.to,
    subject: rendered.subject,
    text_body: rendered.text,
    html_body: rendered.html,
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    lease_until: null,
    claim_id: null,
    last_error: null,
    created_at: at,
    sent_at: null
  })
  return id
}

export interface DeliveryReport {
  sent: number
  retrying: number
  failed: number
  /** Attempts whose claim was lost (the lease ran out and another worker took over): their result was dropped. */
  lost: number
}

export type DeliverySettings = Pick<Config['mail'], 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs' | 'batchSize' | 'leaseMs'>

function asFailure (error: unknown): DeliveryFailure {
  const { code, responseCode, command, message } = error as { code?: unknown, responseCode?: unknown, command?: unknown, message?: unknown }
  return {
    code: typeof code === 'string' ? code : undefined,
    responseCode: typeof responseCode === 'number' ? responseCode : undefined,
    command: typeof command === 'string' ? command : undefined,
    message: typeof message === 'string' ? message : String(error)
  }
}

/**
 * One pass of the delivery worker. Each message is claimed in its own short transaction, sent outside
 * any transaction (network I/O never holds the database) within half its lease, then marked under its
 * claim. `stop` ends the pass between messages and aborts a send in progress.
 */
export async function deliverDueMail (ctx: ServiceContext, transport: MailTransport, settings: DeliverySettings, stop?: AbortSignal): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, lost: 0 }
  const ids = await dueMailIds(ctx.db, nowIso(ctx), settings.batchSize)
  for (const id of ids) {
    if (stop?.aborted === true) break
    const now = ctx.clock.now()
    const claim = { id, claimId: newId(ctx) }
    const leaseUntil = new Date(now.getTime() + settings.leaseMs).toISOString()
    const mail = await ctx.db.transaction().execute(async (trx) => await claimMail(trx, id, claim.claimId, now.toISOString(), leaseUntil))
    if (mail === undefined) continue

    if (mail.attempts > settings.maxAttempts) {
      // Taken over from workers that stopped while sending it, more often than it may be tried.
      await markMailFailed(ctx.db, claim, `gave up after ${mail.attempts - 1} attempts: the worker sending it stopped`)
      report.failed++
      continue
    }

    let failure: DeliveryFailure | undefined
    try {
      const deadline = AbortSignal.timeout(Math.floor(settings.leaseMs / 2))
      await transport.send({
        messageId: mail.message_id,
        from: mail.from_address,
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
        date: new Date(mail.created_at)
      }, stop === undefined ? deadline : AbortSignal.any([stop, deadline]))
    } catch (error) {
      failure = asFailure(error)
    }

    // Marking is outside the try: a database error after a delivered send must not pass for a failed send.
    if (failure === undefined) {
      if (await markMailSent(ctx.db, claim, nowIso(ctx))) report.sent++
      else report.lost++
      continue
    }
    const kind = classifyFailure(failure)
    const reason = describeFailure(failure)
    let marked: boolean
    if (kind === 'permanent') {
      marked = await markMailFailed(ctx.db, claim, reason)
      if (marked) report.failed++
    } else if (mail.attempts >= settings.maxAttempts) {
      marked = await markMailFailed(ctx.db, claim, `gave up after ${mail.attempts} attempts: ${reason}`)
      if (marked) report.failed++
    } else {
      const next = new Date(ctx.clock.now().getTime() + retryDelayMs(mail.attempts, settings.retryBaseMs, settings.retryMaxMs))
      marked = await scheduleMailRetry(ctx.db, claim, next.toISOString(), reason)
      if (marked) report.retrying++
    }
    if (!marked) report.lost++
    if (kind === 'server') break
  }
  return report
}

export type OutboxEntry = Pick<MailOutboxRow, 'id' | 'template' | 'to_address' | 'subject' | 'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'created_at' | 'sent_at'>

export async function listOutbox (ctx: ServiceContext, status: MailStatus | undefined, limit: number): Promise<OutboxEntry[]> {
  return await listMail(ctx.db, status, limit)
}

/** Sends a failed message again from its first attempt; recorded in the audit log. */
export async function requeueMail (ctx: ServiceContext, actorId: string | null, id: string): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const mail = await findMail(trx, id)
    if (mail === undefined) throw new NotFoundError(`no message ${id} in the outbox`)
    if (!await requeueFailedMail(trx, id, at)) throw new InvalidStateError(`message ${id} is ${mail.status}; only a failed message can be re-queued`)
    await appendAuditEvent(trx, { at, type: 'mail.requeued', actorId, rfpId: null, public: false, data: { mailId: id } })
  })
}

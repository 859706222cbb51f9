// Rules of mail delivery: what a failure says, and when to try again.

export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const
export type MailStatus = typeof MAIL_STATUSES[number]

/** What a transport's error says, as nodemailer reports it. */
export interface DeliveryFailure {
  code?: string | undefined
  responseCode?: number | undefined
  /** The SMTP command that failed: CONN, EHLO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA… */
  command?: string | undefined
  message: string
}

/**
 * - `permanent`: this message will fail the same way again (a 5xx to its recipient or its content,
 *   or an address the transport itself refuses);
 * - `retry`: this message met a temporary refusal (a 4xx to its recipient or its content);
 * - `server`: the failure is not about this message (connection, TLS, login, greeting, the sender
 *   address, a time-out): retry it, and stop the pass rather than spend every other message's attempts.
 */
export type FailureKind = 'permanent' | 'retry' | 'server'

const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA'])

export function classifyFailure (failure: DeliveryFailure): FailureKind {
  if (failure.code === 'EENVELOPE' && failure.responseCode === undefined) return 'permanent'
  if (failure.command !== undefined && MESSAGE_COMMANDS.has(failure.command) && failure.responseCode !== undefined) {
    return failure.responseCode >= 500 ? 'permanent' : 'retry'
  }
  return 'server'
}

/** The wait before attempt `attempts + 1`: base × 2^(attempts − 1), capped. */
export function retryDelayMs (attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1))
}

/** One line for the outbox and the operator: the reply or the error code, no control characters, at most 500 characters. */
export function describeFailure (failure: DeliveryFailure): string {
  const prefix = failure.responseCode !== undefined ? `${failure.responseCode} ` : failure.code !== undefined ? `${failure.code} ` : ''
  const where = failure.command !== undefined ? ` (${failure.command})` : ''
  return (prefix + oneLine(failure.message) + where).slice(0, 500)
}

/** Text from outside (a subject, a server's reply) made safe to print on one terminal line. */
export function oneLine (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim()
}

/** An RFC 5322 Message-ID from the message's id and the public host name. */
export function messageIdFor (id: string, publicUrl: string): string {
  return `<${id}@${new URL(publicUrl).hostname}>`
}

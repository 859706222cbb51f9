// Rules of mail delivery: which failures are worth retrying, and when to try again.

export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const
export type MailStatus = typeof MAIL_STATUSES[number]

/** What a transport's error says, as nodemailer reports it. */
export interface DeliveryFailure {
  code?: string | undefined
  responseCode?: number | undefined
  message: string
}

const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE'])

/**
 * A 5xx reply, or an envelope the transport itself refuses (a malformed address),
 * will fail the same way again; anything else (4xx, refused or dropped
 * connections, time-outs, a failed login the operator can fix) is worth a retry.
 */
export function isPermanentFailure (failure: DeliveryFailure): boolean {
  if (failure.responseCode !== undefined) return failure.responseCode >= 500 && failure.responseCode < 600
  return failure.code !== undefined && PERMANENT_CODES.has(failure.code)
}

/** The wait before attempt `attempts + 1`: base × 2^(attempts − 1), capped. */
export function retryDelayMs (attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1))
}

/** One line for the outbox and the operator: the SMTP reply or the error code, never longer than 500 characters. */
export function describeFailure (failure: DeliveryFailure): string {
  const prefix = failure.responseCode !== undefined ? `${failure.responseCode} ` : failure.code !== undefined ? `${failure.code} ` : ''
  return (prefix + failure.message.replace(/\s+/g, ' ').trim()).slice(0, 500)
}

/** An RFC 5322 Message-ID from the message's id and the public host name. */
export function messageIdFor (id: string, publicUrl: string): string {
  return `<${id}@${new URL(publicUrl).hostname}>`
}

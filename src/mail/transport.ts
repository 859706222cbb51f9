// Sends one message: over SMTP, or (the embedded default) as an .eml file under the data folder.
// The only module that imports nodemailer.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Config } from '../config.js'

export interface OutgoingMail {
  messageId: string
  from: string
  to: string
  subject: string
  text: string
  html: string
  date: Date
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file'
  /** Resolves once the message is accepted; rejects with nodemailer's error (code, responseCode, command). */
  send (mail: OutgoingMail, signal?: AbortSignal): Promise<{ location: string }>
  close (): void
}

function message (mail: OutgoingMail, signal?: AbortSignal) {
  return {
    signal,
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    date: mail.date,
    // RFC 3834: notices are machine-made; auto-responders should not answer them.
    headers: { 'Auto-Submitted': 'auto-generated' }
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

/** SMTP options from an smtp:// or smtps:// URL, with certificate checks that no URL can turn off. */
export function smtpOptions (url: string, timeoutMs: number) {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'smtps:'
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
    secure,
    // Credentials and bids never cross the network in clear: STARTTLS is required except to a relay on this machine.
    requireTLS: !secure && !LOOPBACK.has(parsed.hostname),
    auth: parsed.username === '' ? undefined : { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) },
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' as const },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs
  }
}

function smtpTransport (url: string, timeoutMs: number): MailTransport {
  const transporter = nodemailer.createTransport(smtpOptions(url, timeoutMs))
  return {
    kind: 'smtp',
    async send (mail, signal) {
      const info = await transporter.sendMail(message(mail, signal))
      return { location: `smtp ${info.response}` }
    },
    close () { transporter.close() }
  }
}

function fileTransport (folder: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  return {
    kind: 'file',
    async send (mail, signal) {
      const info = await transporter.sendMail(message(mail, signal))
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      // Named by the message's id: a retry after a crash rewrites the same file, never a second copy.
      const name = `${mail.date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${mail.messageId.replace(/[^A-Za-z0-9@.-]/g, '')}.eml`
      const file = join(folder, name)
      writeFileSync(`${file}.tmp`, info.message as Buffer, { mode: 0o600 })
      renameSync(`${file}.tmp`, file)
      return { location: file }
    },
    close () { transporter.close() }
  }
}

export function createMailTransport (config: Config): MailTransport {
  return config.mail.url === ''
    ? fileTransport(join(config.dataDir, 'mail'))
    : smtpTransport(config.mail.url, config.mail.sendTimeoutMs)
}

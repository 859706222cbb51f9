// A real SMTP server on 127.0.0.1 for mail tests, with a hook to refuse messages the way real servers do.
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import type { Test } from 'tap'

export interface SmtpRefusal { responseCode: number, message: string }

export interface TestSmtp {
  url: string
  port: number
  /** Every message the server accepted, parsed. */
  received: ParsedMail[]
  /** Message-IDs of every DATA phase, accepted or refused. */
  attempts: string[]
  /** Answer the next DATA phases with these refusals, in order, then accept. */
  refuse: (...refusals: SmtpRefusal[]) => void
  close: () => Promise<void>
}

export async function startSmtp (t: Test, port = 0): Promise<TestSmtp> {
  const received: ParsedMail[] = []
  const attempts: string[] = []
  const refusals: SmtpRefusal[] = []
  const server = new SMTPServer({
    // Its bundled certificate has expired: no STARTTLS, as ../shared/STACK.md says.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData (stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        attempts.push(mail.messageId ?? '')
        const refusal = refusals.shift()
        if (refusal !== undefined) {
          callback(Object.assign(new Error(refusal.message), { responseCode: refusal.responseCode }))
          return
        }
        received.push(mail)
        callback()
      }, callback)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { resolve() })
  })
  const actual = (server.server.address() as AddressInfo).port
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  }
  t.teardown(close)
  return { url: `smtp://127.0.0.1:${actual}`, port: actual, received, attempts, refuse: (...r) => { refusals.push(...r) }, close }
}

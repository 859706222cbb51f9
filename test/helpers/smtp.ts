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
  /** Resolves when the next message's DATA has been read. */
  nextData: () => Promise<void>
  /** Answer the next DATA phases with these refusals, in order, then accept. */
  refuse: (...refusals: SmtpRefusal[]) => void
  close: () => Promise<void>
}

export interface SmtpOptions {
  port?: number
  host?: string
  /** When set, AUTH is required and only this user and password are accepted. */
  credentials?: { user: string, pass: string }
  /** Never answer the end of DATA: a send that hangs until it is aborted. */
  hang?: boolean
}

export async function startSmtp (t: Test, { port = 0, host = '127.0.0.1', credentials, hang = false }: SmtpOptions = {}): Promise<TestSmtp> {
  const received: ParsedMail[] = []
  const attempts: string[] = []
  const refusals: SmtpRefusal[] = []
  const waiters: (() => void)[] = []
  const server = new SMTPServer({
    // Its bundled certificate has expired: no STARTTLS, as ../shared/STACK.md says.
    disabledCommands: ['STARTTLS'],
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth (auth, _session, callback) {
      if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.pass) callback(null, { user: auth.username })
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))
    },
    onData (stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        attempts.push(mail.messageId ?? '')
        for (const waiter of waiters.splice(0)) waiter()
        if (hang) return
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
    server.listen(port, host, () => { resolve() })
  })
  const actual = (server.server.address() as AddressInfo).port
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  }
  t.teardown(close)
  return { url: `smtp://${host}:${actual}`, port: actual, received, attempts, refuse: (...r) => { refusals.push(...r) }, nextData: async () => { await new Promise<void>((resolve) => waiters.push(resolve)) }, close }
}

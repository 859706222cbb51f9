// The embedded default: each message as an .eml file under the data folder, that a mail client can open.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import t from 'tap'
import { createMailTransport, smtpOptions } from '../../src/mail/transport.js'
import { testConfig } from '../helpers/app.js'

const mail = {
  messageId: '<1234@rfp.example.org>',
  from: 'Shortlist <shortlist@rfp.example.org>',
  to: 'vendor@example.org',
  subject: 'Grüße & more',
  text: 'Plain text\nwith a second line',
  html: '<p>HTML <strong>part</strong></p>',
  date: new Date('2026-12-01T09:00:00.000Z')
}

t.test('writes an .eml file that parses back with both parts and the headers', async (t) => {
  const config = testConfig(t)
  const transport = createMailTransport(config)
  t.equal(transport.kind, 'file')
  const { location } = await transport.send(mail)
  t.equal(location, join(config.dataDir, 'mail', '20261201T090000Z-1234@rfp.example.org.eml'))
  const parsed = await simpleParser(readFileSync(location))
  t.equal(parsed.messageId, mail.messageId)
  t.equal(parsed.subject, 'Grüße & more')
  t.equal(parsed.text, 'Plain text\nwith a second line')
  t.equal(parsed.html, mail.html)
  t.equal(parsed.date?.toISOString(), mail.date.toISOString())
  t.equal(parsed.headers.get('auto-submitted'), 'auto-generated')

  await transport.send(mail)
  t.same(readdirSync(join(config.dataDir, 'mail')), ['20261201T090000Z-1234@rfp.example.org.eml'], 'sending again rewrites the same file')
})

t.test('SMTP options: TLS certificates are always checked, STARTTLS is required off this machine', async (t) => {
  t.match(smtpOptions('smtp://relay.example.org', 1000), { host: 'relay.example.org', port: 587, secure: false, requireTLS: true, auth: undefined, tls: { rejectUnauthorized: true } })
  t.match(smtpOptions('smtps://u%40x:p%3Ass@mail.example.org', 1000), { port: 465, secure: true, auth: { user: 'u@x', pass: 'p:ss' }, tls: { rejectUnauthorized: true } })
  t.match(smtpOptions('smtp://127.0.0.1:2525', 1000), { host: '127.0.0.1', port: 2525, requireTLS: false })
  t.match(smtpOptions('smtp://[::1]:25', 1000), { host: '::1', requireTLS: false })
})

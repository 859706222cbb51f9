// A vendor registers and signs in through the magic link read from a real SMTP server, in headless Chromium.
import t from 'tap'
import { createMailTransport } from '../../src/mail/transport.js'
import { deliverDueMail } from '../../src/services/mail.js'
import { buildTestApp } from '../helpers/app.js'
import { openPage } from '../helpers/browser.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('register, receive the link by mail, confirm in the browser, land in the portal', async (t) => {
  const smtp = await startSmtp(t)
  const { app, ctx, config } = await buildTestApp(t, { demo: true, config: { mail: { url: smtp.url } } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const transport = createMailTransport(config)
  t.teardown(() => { transport.close() })

  const { page, problems } = await openPage(t)

  await page.goto(`${origin}/`)
  await page.getByRole('link', { name: 'Sign in' }).click()
  await page.getByRole('link', { name: 'Register your organisation' }).click()
  await page.getByLabel('Organisation').fill('Acme Security')
  await page.getByLabel('Your name').fill('Ada Lovelace')
  await page.getByLabel('Your work e-mail address').fill('ada@acme.example')
  await page.getByRole('button', { name: 'Register and send me a sign-in link' }).click()
  t.equal(await page.locator('h1').textContent(), 'Check your mail')

  // The demo's mail is queued too, its own vendors' sign-in links among it: deliver everything, then find Ada's.
  await deliverDueMail(ctx, transport, config.mail)
  const mail = smtp.received.find((m) => m.subject === 'Your Shortlist sign-in link' && m.to !== undefined && JSON.stringify(m.to).includes('ada@acme.example'))
  t.ok(mail, `the sign-in link reached the SMTP server among ${smtp.received.length} messages`)
  const link = /http:\/\/localhost:3000(\/sign-in\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1]
  t.ok(link, 'the mail carries a link on the configured public URL')

  await page.goto(`${origin}${link ?? ''}`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${origin}/vendor`)
  t.equal(await page.locator('h1').textContent(), 'Acme Security')
  t.equal(await page.getByRole('link', { name: 'Independent security audit of Driftwood 2.0' }).count(), 1)

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(`${origin}/`)
  t.equal(await page.getByRole('link', { name: 'Sign in' }).count(), 1, 'signed out')
  t.same(problems, [], 'no console errors or CSP reports')
})

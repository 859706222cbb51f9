// A committee member accepts the mailed invitation, sets a password, enrols TOTP from the page, and signs in
// again with password and code: in headless Chromium, the mail read from a real SMTP server.
import t from 'tap'
import { totpCode } from '../../src/domain/second-factor.js'
import { createMailTransport } from '../../src/mail/transport.js'
import { inviteUser } from '../../src/services/invitations.js'
import { deliverDueMail } from '../../src/services/mail.js'
import { buildTestApp, TEST_PASSWORD } from '../helpers/app.js'
import { openPage } from '../helpers/browser.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('invitation by mail → password → authenticator app → signed in; out; in again with password and code', async (t) => {
  const smtp = await startSmtp(t)
  const { app, ctx, config } = await buildTestApp(t, { config: { mail: { url: smtp.url } } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const transport = createMailTransport(config)
  t.teardown(() => { transport.close() })

  await inviteUser(ctx, null, { email: 'robin@driftwood.example', displayName: 'Robin Okafor' })
  await deliverDueMail(ctx, transport, config.mail)
  const mail = smtp.received.find((m) => m.subject === 'You are invited to Shortlist')
  const link = /http:\/\/localhost:3000(\/invitation\?token=[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1]
  t.ok(link, 'the invitation carries a link on the configured public URL')

  const { page, problems } = await openPage(t)

  await page.goto(`${origin}${link ?? ''}`)
  t.equal(await page.locator('h1').textContent(), 'Welcome, Robin Okafor')
  await page.getByLabel('New password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Set password' }).click()
  await page.waitForURL(`${origin}/sign-in/two-factor/setup`)

  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' })
  t.ok(await qr.evaluate((img) => (img as unknown as { complete: boolean, naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the QR code loads (same origin, allowed by the CSP)')
  const secret = (await page.locator('#totp-secret').textContent()) ?? ''
  t.match(secret, /^[A-Z2-7]{32}$/)
  await page.getByLabel('Code from your app').fill(totpCode(secret, ctx.clock.now()))
  await page.getByRole('button', { name: 'Turn on and sign in' }).click()
  t.equal(await page.locator('h1').textContent(), 'Your recovery codes')
  t.equal(await page.locator('#recovery-codes li').count(), 10)
  await page.getByRole('button', { name: 'I have kept them: continue' }).click()
  await page.waitForURL(`${origin}/account`)
  t.equal(await page.locator('h1').textContent(), 'Your account')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(`${origin}/`)
  await page.getByRole('link', { name: 'Sign in' }).click()
  await page.getByLabel('E-mail address', { exact: true }).fill('robin@driftwood.example')
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL(`${origin}/sign-in/two-factor`)
  ctx.clock.advance(30_000)
  await page.getByLabel('Code from your app, or a recovery code').fill(totpCode(secret, ctx.clock.now()))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${origin}/account`)
  t.match(await page.locator('main').textContent(), 'Robin Okafor (robin@driftwood.example)')
  t.same(problems, [], 'no console errors or CSP reports')
})

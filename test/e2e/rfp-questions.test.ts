// An owner drafts and publishes an RFP, a vendor asks a question, the owner answers it, and the public page
// shows the answer without the asker: in headless Chromium, three people in three browser contexts.
import t from 'tap'
import { totpCode } from '../../src/domain/second-factor.js'
import { registerVendor } from '../../src/services/vendors.js'
import { buildTestApp, createCommitteeMember, TEST_PASSWORD } from '../helpers/app.js'
import { openPage } from '../helpers/browser.js'

t.test('draft → publish → a vendor asks → the owner answers → the public reads the answer', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const owner = await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Robin Okafor' })

  const { page, problems } = await openPage(t)

  // The owner signs in with password and code, and drafts an RFP through the form.
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('E-mail address', { exact: true }).fill('chair@example.org')
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL(`${origin}/sign-in/two-factor`)
  ctx.clock.advance(30_000)
  await page.getByLabel('Code from your app, or a recovery code').fill(totpCode(owner.secret, ctx.clock.now()))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('link', { name: 'Your RFPs' }).click()
  await page.getByRole('button', { name: 'Draft a new RFP' }).click()

  await page.getByLabel('Title').fill('Audit of the Tidepool parser')
  await page.locator('input[name=slug]').fill('tidepool-audit')
  await page.getByLabel('Summary').fill('A two-week audit of the Tidepool configuration parser.')
  await page.locator('input[name=timeZone]').fill('Europe/Amsterdam')
  await page.getByLabel('Questions close').fill('2026-12-10T17:00')
  await page.getByLabel('Proposals due').fill('2026-12-24T17:00')
  await page.getByLabel('Decision expected').fill('2027-01-15T17:00')
  await page.locator('input[name=section_heading]').first().fill('Scope')
  await page.locator('textarea[name=section_body]').first().fill('The parser in `src/parse`, about **4,000** lines.')
  await page.locator('input[name=criterion_name]').first().fill('Methodology')
  await page.locator('input[name=criterion_weight]').first().fill('60')
  await page.locator('input[name=criterion_name]').nth(1).fill('Team experience')
  await page.locator('input[name=criterion_weight]').nth(1).fill('40')
  await page.getByRole('button', { name: 'Save the draft' }).click()
  await page.waitForURL(`${origin}/committee/rfps/tidepool-audit`)

  await page.getByRole('button', { name: 'Preview' }).click()
  t.match(await page.locator('main').textContent(), 'This is how the public will see the RFP')
  t.equal(await page.getByRole('heading', { name: 'Scope' }).count(), 1, 'the section, its Markdown rendered')
  t.equal(await page.locator('main strong', { hasText: '4,000' }).count(), 1)
  await page.getByRole('link', { name: 'Back to the RFP\'s committee page' }).click()
  await page.getByRole('button', { name: 'Publish' }).click()
  await page.waitForURL(`${origin}/rfps/tidepool-audit`)
  t.equal(await page.locator('h1').textContent(), 'Audit of the Tidepool parser')
  t.match(await page.locator('.phase').textContent(), 'Open for questions')

  // A vendor signs in by magic link in a browser of its own and asks a question.
  await registerVendor(ctx, { organisation: 'Acme Security', website: '', contactName: 'Ada', email: 'ada@acme.example' })
  const linkMail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', 'ada@acme.example').executeTakeFirstOrThrow()
  const link = /http:\/\/localhost:3000(\/sign-in\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(linkMail.text_body)?.[1] ?? ''
  const vendor = await page.context().browser()!.newPage()
  await vendor.goto(`${origin}${link}`)
  await vendor.getByRole('button', { name: 'Sign in' }).click()
  await vendor.waitForURL(`${origin}/vendor`)
  await vendor.goto(`${origin}/rfps/tidepool-audit`)
  await vendor.getByRole('button', { name: 'Register interest' }).click()
  await vendor.getByRole('link', { name: 'Ask a question' }).click()
  await vendor.getByLabel('Your question').fill('Does the audit include the fuzzing harness in `fuzz/`?')
  await vendor.getByRole('button', { name: 'Send the question' }).click()
  t.equal(await vendor.locator('h1').textContent(), 'Question sent')

  // The owner answers from the committee page, rewording nothing.
  await page.goto(`${origin}/committee/rfps/tidepool-audit`)
  t.match(await page.locator('#questions').textContent(), 'ada@acme.example', 'the committee sees who asked')
  await page.getByLabel('Answer (Markdown)').fill('Yes: the harness is **in scope**.')
  await page.getByRole('button', { name: 'Publish the answer' }).click()
  await page.waitForURL(`${origin}/committee/rfps/tidepool-audit#questions`)

  // Anyone reads it, numbered, without the asker.
  const reader = await page.context().browser()!.newPage()
  await reader.goto(`${origin}/rfps/tidepool-audit`)
  const answer = reader.locator('#answer-1')
  t.equal(await answer.getByRole('heading').textContent(), 'Question 1')
  t.match(await answer.textContent(), 'Does the audit include the fuzzing harness')
  t.equal(await answer.locator('strong', { hasText: 'in scope' }).count(), 1)
  t.notMatch(await reader.locator('main').textContent(), /ada@acme\.example|Acme Security/, 'the asker is not named')
  const registered = await ctx.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', 'ada@acme.example').where('template', '=', 'question-answered').execute()
  t.same(registered.map((m) => m.subject), ['Answer 1: Audit of the Tidepool parser'], 'the registered vendor is mailed the answer')
  t.same(problems, [], 'no console errors or CSP reports')
})

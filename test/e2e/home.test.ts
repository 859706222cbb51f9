// A person's first visit, in headless Chromium: the home page, then the demo RFP through its link.
import { existsSync } from 'node:fs'
import t from 'tap'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { buildTestApp } from '../helpers/app.js'
import { CHROMIUM, openPage } from '../helpers/browser.js'

t.test('the home page links to the demo RFP, which renders with its styles and no CSP violation', async (t) => {
  t.ok(existsSync(CHROMIUM), `Debian's chromium is installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run does it)`)
  const { app } = await buildTestApp(t, { demo: true })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  const { page, problems } = await openPage(t)
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
  page.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`) })

  await page.goto(`${origin}/`)
  t.equal(await page.title(), 'Requests for proposals · Shortlist')
  t.equal(await page.locator('h1').textContent(), 'Requests for proposals')

  await page.getByRole('link', { name: 'Independent security audit of Driftwood 2.0' }).click()
  await page.waitForURL(`${origin}/rfps/${DEMO_RFP_SLUG}`)
  t.equal(await page.locator('h1').textContent(), 'Independent security audit of Driftwood 2.0')
  t.equal(await page.getByRole('heading', { name: 'Evaluation criteria' }).count(), 1)
  t.equal(await page.getByRole('row', { name: /Proposals due/ }).count(), 1)

  // Pico loaded: its container class centres the main column with a max width.
  const maxWidth = await page.evaluate('getComputedStyle(document.querySelector("main")).maxWidth')
  t.not(maxWidth, 'none', 'the CSS framework styles the page')
  t.same(problems, [], 'no console errors, CSP reports or failed requests')
})

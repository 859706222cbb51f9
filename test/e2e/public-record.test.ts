// The public record in headless Chromium, on the demo: a visitor reads the decided RFP's decision record (partly by
// keyboard) and follows its files; then axe-core checks every public page for serious or critical violations.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { AxeResults } from 'axe-core'
import type { Page } from 'playwright-core'
import t from 'tap'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { buildTestApp } from '../helpers/app.js'
import { openPage } from '../helpers/browser.js'

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(new URL('../../formats/decision.schema.json', import.meta.url), 'utf8')) as object)
const DECIDED_TITLE = 'Fuzzing audit of the Eelgrass archive parser'
const CRITERIA = ['Understanding of Driftwood and its threat model', 'Methodology and coverage of the focus areas', 'Team experience', 'Quality of example reports', 'Value for money']
// axe-core's source, evaluated in each page checked: page.evaluate is not subject to the page's CSP (script-src 'self').
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's violations of impact serious or critical on the page shown, with every <details> opened first. */
async function seriousViolations (page: Page): Promise<AxeResults['violations']> {
  await page.locator('details').evaluateAll((all) => { for (const details of all) details.setAttribute('open', '') })
  await page.evaluate(AXE_SOURCE)
  const { violations } = await page.evaluate<AxeResults>('axe.run(document, { resultTypes: ["violations"] })')
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** Presses Tab until the link named `name` has the focus (as a keyboard user would), at most `limit` times. */
async function tabTo (page: Page, name: string, limit = 60): Promise<boolean> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate<string | null>('document.activeElement?.tagName === "A" ? document.activeElement.textContent : null')
    if (focused === name) return true
  }
  return false
}

const { app } = await buildTestApp(t, { demo: true })
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
const { page } = await openPage(t)
// Console errors and failed responses, with where they came from. (Chromium asks for /favicon.ico when it shows a
// document that is not HTML, such as decision.md: the site redirects it to the SVG icon.)
const problems: string[] = []
page.on('console', (message) => {
  if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`)
})
page.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`) })

t.test('a visitor reads the decision record of the decided RFP and follows its files', async (t) => {
  problems.length = 0
  // The labels of the two bidders that did not agree to be named (Quillon Labs, ranked third; Tidewater Research,
  // which failed a gate) are decision.json's: the page must show the same.
  const published = JSON.parse((await app.inject({ url: `/rfps/${DECIDED_RFP_SLUG}/decision.json` })).body) as {
    rounds: { proposals: { label: string, status: string, result: { rank: number } | null }[] }[]
  }
  const proposals = published.rounds[0]?.proposals ?? []
  const third = proposals.find((p) => p.result?.rank === 3)?.label ?? 'missing'
  const failed = proposals.find((p) => p.status === 'non_responsive')?.label ?? 'missing'
  t.match(third, /^Vendor [A-Z]$/, 'the third is anonymised')
  t.match(failed, /^Vendor [A-Z]$/, 'so is the one not ranked')
  await page.goto(`${origin}/`)
  const link = page.getByRole('link', { name: DECIDED_TITLE })
  t.equal(await page.getByRole('listitem').filter({ has: link }).locator('.phase').textContent(), 'Decided', 'the home page lists it as decided')
  await link.click()
  await page.waitForURL(`${origin}/rfps/${DECIDED_RFP_SLUG}`)
  t.equal(await page.locator('h1').textContent(), DECIDED_TITLE)

  // By keyboard: Tab to "Read the decision record", then Enter.
  t.ok(await tabTo(page, 'Read the decision record'), 'the link to the record is reached with Tab')
  await page.keyboard.press('Enter')
  await page.waitForURL(`${origin}/rfps/${DECIDED_RFP_SLUG}/decision`)
  t.equal(await page.title(), `Decision record: ${DECIDED_TITLE} · Shortlist`)
  t.equal(await page.locator('h1').textContent(), 'Decision record')

  const selected = page.locator('section[aria-labelledby="selected-heading"]')
  t.same(await selected.locator('ul li').allTextContents(), ['Northwind Assurance'], 'the selected vendor')
  t.match(await selected.textContent(), 'for its plan to hand the harnesses over to the maintainers', 'the rationale')

  // The totals chart: an svg image named by its title (and described by its desc, which says every value).
  const results = page.locator('section[aria-labelledby="results-heading"]')
  const chart = results.locator('svg[role="img"]').first()
  const chartTitle = await chart.locator(':scope > title').textContent() ?? ''
  t.match(chartTitle, /: total scores out of 100$/, 'the totals chart has a title')
  const image = results.getByRole('img', { name: chartTitle })
  t.equal(await image.count(), 1, 'which names it as an image')
  t.equal(await image.evaluate((svg) => svg.tagName), 'svg')
  t.match(await chart.locator(':scope > desc').textContent(), `Northwind Assurance 85.63 (selected); Basalt Security Lab 85.00; ${third} 55.00.`, 'and a description with every total')

  const ranking = page.getByRole('table', { name: /^Ranking/ })
  const ranks = await ranking.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())))
  t.same(ranks.map((row) => row.slice(0, 3)), [
    ['1', 'Northwind Assurance', '85.63 (near tie)'],
    ['2', 'Basalt Security Lab', '85.00 (near tie)'],
    ['3', third, '55.00'],
    ['—', failed, 'not ranked']
  ], 'the ranking, with the unsuccessful bidders who did not agree to be named anonymised, and the one that failed a gate not ranked')

  // A proposal's details: closed at first, opened with a click on its summary, every evaluator's score on each criterion.
  const northwind = page.locator('details', { has: page.locator('summary', { hasText: /^Northwind Assurance — 85\.63, rank 1$/ }) })
  const northwindTable = northwind.getByRole('table', { name: 'Northwind Assurance: scores by criterion' })
  t.notOk(await northwindTable.isVisible(), 'the scores are folded away at first')
  await northwind.locator('summary').click()
  t.ok(await northwindTable.isVisible(), 'and shown once opened')
  t.same(await northwindTable.locator('thead th').allTextContents(), ['Criterion', 'Evaluator 1', 'Robin Okafor (working group chair)', 'Mean', 'Consensus'],
    'the reviewer anonymised, the chair named as agreed')
  const rows = await northwindTable.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())))
  t.same(rows.map((row) => row.slice(0, 3)), [
    [CRITERIA[0], '4', '5'], [CRITERIA[1], '5', '4'], [CRITERIA[2], '4', '5'], [CRITERIA[3], '4', '4'], [CRITERIA[4], '5', '4']
  ], 'each evaluator\'s score on each criterion')

  // The recusal: the reviewer declared a conflict with Quillon Labs, whose details say so.
  const recused = page.locator('details', { has: page.locator('summary', { hasText: /rank 3$/ }) })
  await recused.locator('summary').click()
  t.equal(await recused.locator('summary').textContent(), `${third} — 55.00, rank 3`)
  t.match(await recused.textContent(), 'Recused: Evaluator 1 (declared a conflict of interest; absent from the mean).')
  const recusedRows = await recused.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())))
  t.same(recusedRows.map((row) => row.slice(1, 3)), [3, 3, 4, 3, 3].map((score) => ['recused', String(score)]), 'the recused evaluator gave no score; the chair\'s are shown')

  // decision.json: the public format.
  const [json] = await Promise.all([page.waitForResponse(`${origin}/rfps/${DECIDED_RFP_SLUG}/decision.json`), page.getByRole('link', { name: 'decision.json' }).click()])
  const record = await json.json() as { format: string, rfp: { slug: string }, selected: string[] }
  t.equal(record.format, 'shortlist-decision/1')
  t.ok(validate(record), `it follows formats/decision.schema.json: ${JSON.stringify(validate.errors)}`)
  t.equal(record.rfp.slug, DECIDED_RFP_SLUG)
  t.same(record.selected, ['Northwind Assurance'])
  await page.goBack()

  const [markdown] = await Promise.all([page.waitForResponse(`${origin}/rfps/${DECIDED_RFP_SLUG}/decision.md`), page.getByRole('link', { name: 'decision.md' }).click()])
  t.match(markdown.headers()['content-type'], 'text/markdown')
  t.match(await markdown.text(), 'Northwind Assurance')
  await page.goBack()

  await page.getByRole('link', { name: 'receipts', exact: true }).click()
  await page.waitForURL(`${origin}/rfps/${DECIDED_RFP_SLUG}/receipts`)
  t.equal(await page.locator('h1').textContent(), 'Receipts')
  t.equal(await page.locator('tbody tr').count(), 4, 'the four proposals\' receipts')
  await page.goBack()

  await page.getByRole('link', { name: 'how to check the record' }).click()
  await page.waitForURL(`${origin}/verify`)
  t.equal(await page.locator('h1').textContent(), 'Check the record yourself')
  const verify = await page.locator('main').textContent() ?? ''
  const vkey = (await app.inject({ url: '/transparency/vkey' })).body.trim()
  const checkpoint = (await app.inject({ url: '/transparency/checkpoint' })).body
  t.match(vkey, /^\S+\+[0-9a-f]{8}\+\S+$/, 'a signed-note verifier key')
  t.match(verify, vkey, 'the log\'s verifier key')
  t.match(verify, checkpoint.trim(), 'and its latest checkpoint')
  t.same(problems, [], 'no console errors, no CSP reports')
})

t.test('axe-core finds no serious or critical violation on the public pages, light and dark, and on a phone', async (t) => {
  problems.length = 0
  const missing = '/no-such-page'
  const decision = `/rfps/${DECIDED_RFP_SLUG}/decision`
  const pages = [
    '/',
    `/rfps/${DEMO_RFP_SLUG}`,
    `/rfps/${CLOSED_RFP_SLUG}`,
    `/rfps/${DECIDED_RFP_SLUG}`,
    decision,
    `/rfps/${CLOSED_RFP_SLUG}/receipts`,
    `/rfps/${DEMO_RFP_SLUG}/versions/1`,
    '/verify',
    '/sign-in',
    `/rfps/${DEMO_RFP_SLUG}/questions/new`,
    missing
  ]
  const found: string[] = []
  const check = async (path: string, how: string): Promise<void> => {
    const response = await page.goto(`${origin}${path}`)
    t.equal(response?.status(), path === missing ? 404 : 200, `${path} answered (${how})`)
    for (const v of await seriousViolations(page)) {
      found.push(`${path} (${how}): ${v.id} [${v.impact}] ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)
    }
  }
  const background = async (): Promise<string> => await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor')

  // Pico's light theme is the default; Pico follows prefers-color-scheme, so every page is checked in its dark theme too.
  await page.emulateMedia({ colorScheme: 'light' })
  for (const path of pages) await check(path, 'light')
  const light = await background()
  await page.emulateMedia({ colorScheme: 'dark' })
  for (const path of pages) await check(path, 'dark')
  t.not(await background(), light, 'the dark theme was in force')
  // On a phone's width the decision record's wide tables scroll: a keyboard must reach them.
  const { width, height } = page.viewportSize() ?? { width: 1280, height: 720 }
  await page.setViewportSize({ width: 375, height: 700 })
  await check(decision, 'dark, 375 px wide')
  await page.emulateMedia({ colorScheme: 'light' })
  await check(decision, 'light, 375 px wide')
  await page.setViewportSize({ width, height })

  t.same(found, [], `no serious or critical violations${found.map((f) => `\n  ${f}`).join('')}`)
  t.same(problems.filter((p) => !p.includes(missing)), [], 'no console errors but the missing page\'s own 404')
})

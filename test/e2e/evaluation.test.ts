// The evaluation in headless Chromium against the real server (as `serve` runs it, its mail worker delivering
// to a real SMTP server). The RFP is brought to "opened" through the services; then, in the browser, two
// evaluators attest and score (a draft first, then the submission), one declares a conflict and can no longer
// open that vendor's proposal, the owner closes scoring with the second factor asked again, judges the gate and
// records the decision; the bidders are mailed, and the one not selected follows its debrief link, signs in by the link
// mailed to it, and reads its own scores under anonymous labels.
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { ParsedMail } from 'mailparser'
import type { Page } from 'playwright-core'
import t from 'tap'
import { ManualClock } from '../../src/deps.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { totpCode } from '../../src/domain/second-factor.js'
import { DAY_MS } from '../../src/domain/time.js'
import type { ServiceContext } from '../../src/services/context.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { startServer } from '../../src/server.js'
import { T0, TEST_PASSWORD, createCommitteeMember, createVendorContact, seededRandom, testConfig, testContext } from '../helpers/app.js'
import { openPage } from '../helpers/browser.js'
import { startSmtp, type TestSmtp } from '../helpers/smtp.js'

const MINUTE = 60_000
const PUBLISHED = new Date(T0.getTime() - 30 * DAY_MS)
const DOCUMENT = securityAuditRfp(PUBLISHED)
const SLUG = DOCUMENT.slug
const CRITERIA = [
  { id: 'understanding', name: 'Understanding of Driftwood and its threat model' },
  { id: 'methodology', name: 'Methodology and coverage of the focus areas' },
  { id: 'team', name: 'Team experience' },
  { id: 'reports', name: 'Quality of example reports' },
  { id: 'value', name: 'Value for money' }
] as const

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
const addressedTo = (mail: ParsedMail, address: string): boolean => JSON.stringify(mail.to ?? '').includes(address)

/** A port free a moment ago, so that the configured public URL is the address the browser uses. */
async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/**
 * The messages the SMTP server accepted that match, once there are `count` of them: waits on the server's
 * DATA events, a bounded number of times and for a bounded time, never by sleeping.
 */
async function receivedMail (smtp: TestSmtp, match: (mail: ParsedMail) => boolean, count = 1, { events = 50, withinMs = 20_000 } = {}): Promise<ParsedMail[]> {
  const deadline = AbortSignal.timeout(withinMs)
  const expired = once(deadline, 'abort').then(() => 'expired' as const)
  for (let seen = 0; seen <= events; seen++) {
    const found = smtp.received.filter(match)
    if (found.length >= count) return found
    if (await Promise.race([smtp.nextData().then(() => 'data' as const), expired]) === 'expired') break
  }
  throw new Error(`expected ${count} matching messages; the SMTP server has ${smtp.received.length}: ${smtp.received.map((m) => m.subject).join(' | ')}`)
}

async function submitFor (ctx: ServiceContext, actor: UserActor, summary: string): Promise<void> {
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, actor, SLUG, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${part}: ${summary}`)]), maxBytes: 1_000_000 }))
  }
  await submitProposal(ctx, actor, SLUG, { content: { summary, personnel: [] }, partners: [] }, files)
}

t.test('attest, score, recuse, close with the second factor, decide; the bidders are mailed and read their debrief', async (t) => {
  const smtp = await startSmtp(t)
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const ctx = await testContext(t, testConfig(t, { port, publicUrl: origin, mail: { url: smtp.url, pollIntervalMs: 100 } }))

  // Through the services, up to "opened": published 30 days ago, two bids 20 days ago, due 5 days ago, opened now.
  const owner = await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Cleo Chair' })
  const eve = await createCommitteeMember(ctx, 'eve@example.org', { displayName: 'Eve Evaluator' })
  const finn = await createCommitteeMember(ctx, 'finn@example.org', { displayName: 'Finn Fairweather' })
  const alpha = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const beta = await createVendorContact(ctx, 'Beta Security', 'bo@beta.example')
  const then = { ...ctx, clock: new ManualClock(PUBLISHED) }
  const { id } = await createRfpDraft(then, owner.actor, DOCUMENT)
  await publishRfp(then, owner.actor, id)
  await addRfpMember(then, owner.actor, SLUG, 'eve@example.org', 'evaluator')
  await addRfpMember(then, owner.actor, SLUG, 'finn@example.org', 'evaluator')
  then.clock.set(new Date(T0.getTime() - 20 * DAY_MS))
  await submitFor(then, alpha.actor, 'Alpha audits Go and cryptography.')
  then.clock.advance(MINUTE)
  await submitFor(then, beta.actor, 'Beta fuzzes everything.')
  await startOpening(ctx, owner.actor, SLUG)
  await confirmOpening(ctx, eve.actor, SLUG)
  const proposalOf = async (organisationId: string): Promise<string> =>
    (await ctx.db.selectFrom('proposals').select('id').where('organisation_id', '=', organisationId).executeTakeFirstOrThrow()).id
  const betaProposal = await proposalOf(beta.organisationId)

  const app = await startServer(ctx.config, { clock: ctx.clock, random: seededRandom('app') })
  t.teardown(async () => { await app.close() })
  t.equal((app.server.address() as AddressInfo).port, port, 'the server listens where the public URL says')

  // Each person in a browser context of their own; every page's console errors are collected.
  const { page: first, problems } = await openPage(t)
  const browser = first.context().browser()!
  const newPage = async (): Promise<Page> => {
    const page = await (await browser.newContext()).newPage()
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
    return page
  }
  const signInMember = async (page: Page, email: string, secret: string): Promise<void> => {
    await page.goto(`${origin}/sign-in`)
    await page.getByLabel('E-mail address', { exact: true }).fill(email)
    await page.getByLabel('Password').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`${origin}/sign-in/two-factor`)
    await page.getByLabel('Code from your app, or a recovery code').fill(totpCode(secret, ctx.clock.now()))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${origin}/account`)
  }
  const evaluationUrl = `${origin}/committee/rfps/${SLUG}/evaluation`
  const attest = async (page: Page): Promise<void> => {
    await page.goto(evaluationUrl)
    await page.getByLabel('I attest to the above').check()
    await page.getByRole('button', { name: 'Record my attestation' }).click()
    await page.waitForURL(evaluationUrl)
    t.match(await page.locator('#attestation-heading + p').textContent(), /^You attested /)
  }
  /**
   * Opens the vendor's sheet from the evaluation page (or stays on the sheet shown, `again`), fills `scores`
   * (criterion → score and comment) and presses `button`.
   */
  const score = async (page: Page, vendor: string, scores: Partial<Record<typeof CRITERIA[number]['id'], [number, string]>>, button: 'Save the draft' | 'Submit the scores', again = false): Promise<void> => {
    if (!again) {
      await page.goto(evaluationUrl)
      await page.getByRole('row', { name: vendor }).getByRole('link').click()
      await page.waitForURL(/\/rounds\/1\/proposals\/[0-9a-f-]{36}\/scores$/)
    }
    t.equal(await page.locator('h1').textContent(), vendor)
    for (const criterion of CRITERIA) {
      const given = scores[criterion.id]
      if (given === undefined) continue
      const fieldset = page.getByRole('group', { name: criterion.name })
      await fieldset.getByLabel('Score').selectOption(String(given[0]))
      await fieldset.getByLabel('Comment').fill(given[1])
    }
    await page.getByRole('button', { name: button }).click()
  }

  // A new TOTP step: the enrolments used T0's codes.
  ctx.clock.advance(30_000)

  // Eve attests first (Evaluator 1), saves a draft of Alpha's sheet, then submits it and Beta's.
  const evePage = await newPage()
  await signInMember(evePage, 'eve@example.org', eve.secret)
  await attest(evePage)
  await score(evePage, 'Alpha Audits', { understanding: [5, 'EVE: a sharp threat model.'], methodology: [4, 'EVE: fuzzing plan is thin.'] }, 'Save the draft')
  await evePage.waitForURL(/\/scores$/)
  t.match(await evePage.locator('hgroup p').textContent(), 'your sheet: draft')
  t.equal(await evePage.getByRole('group', { name: CRITERIA[0].name }).getByLabel('Score').inputValue(), '5', 'the draft keeps the score')
  await score(evePage, 'Alpha Audits', { team: [5, 'EVE: named Go experts.'], reports: [4, 'EVE: reproducible findings.'], value: [4, 'EVE: fair fee.'] }, 'Submit the scores', true)
  await evePage.waitForURL(evaluationUrl)
  t.equal(await evePage.getByRole('row', { name: 'Alpha Audits' }).getByRole('link').textContent(), 'submitted')
  await score(evePage, 'Beta Security', Object.fromEntries(CRITERIA.map((c) => [c.id, [3, `EVE on Beta: ${c.id} is adequate.`]])), 'Submit the scores')
  await evePage.waitForURL(evaluationUrl)
  t.equal(await evePage.getByRole('row', { name: 'Beta Security' }).getByRole('link').textContent(), 'submitted')
  const sheets = await ctx.db.selectFrom('score_sheets').select(['user_id', 'submitted_at']).execute()
  t.same(sheets.map((s) => [s.user_id, s.submitted_at !== null]), [[eve.userId, true], [eve.userId, true]], 'both of Eve\'s sheets submitted')
  t.equal(Number((await ctx.db.selectFrom('score_history').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', eve.userId).executeTakeFirstOrThrow()).n), 5 + 5 + 5, 'the draft (every cell of the form, blank ones too) and both submissions are in the history')

  // Finn attests, declares a conflict with Beta, and can no longer open its proposal; he scores Alpha.
  ctx.clock.advance(1000)
  const finnPage = await newPage()
  await signInMember(finnPage, 'finn@example.org', finn.secret)
  await attest(finnPage)
  await finnPage.getByLabel('Vendor', { exact: true }).selectOption({ label: 'Beta Security' })
  await finnPage.getByLabel('Employment (now or recently, by me or someone close to me)').check()
  await finnPage.getByLabel('Note (required for "other")').fill('I consulted for Beta Security last year.')
  await finnPage.getByRole('button', { name: 'Declare the conflict' }).click()
  await finnPage.waitForURL(evaluationUrl)
  t.match(await finnPage.locator('#conflicts-heading ~ ul').textContent(), 'Beta Security: Employment (now or recently, by me or someone close to me) (I consulted for Beta Security last year.)')
  t.equal(await finnPage.getByRole('row', { name: 'Beta Security' }).locator('td').nth(1).textContent(), 'Recused')
  t.equal(await finnPage.getByRole('row', { name: 'Beta Security' }).getByRole('link').count(), 0, 'no link to score it')
  await finnPage.goto(`${origin}/committee/rfps/${SLUG}/proposals`)
  t.match(await finnPage.getByRole('row', { name: /Beta Security/ }).textContent(), 'Beta Security (you are recused)')
  t.equal(await finnPage.getByRole('link', { name: 'Beta Security' }).count(), 0, 'the recused proposal is not linked')
  t.equal(await finnPage.getByRole('link', { name: 'Alpha Audits' }).count(), 1, 'the other one is')
  const refused = await finnPage.goto(`${origin}/committee/rfps/${SLUG}/proposals/${betaProposal}`)
  t.equal(refused?.status(), 403, 'the recused proposal cannot be opened')
  t.equal(await finnPage.locator('h1').textContent(), 'Not allowed')
  t.match(await finnPage.locator('main').textContent(), 'you are recused from its proposal')
  t.notMatch(await finnPage.content(), 'Beta fuzzes everything', 'nothing of it shown')
  const refusedSheet = await finnPage.goto(`${origin}/committee/rfps/${SLUG}/rounds/1/proposals/${betaProposal}/scores`)
  t.equal(refusedSheet?.status(), 403, 'nor scored')
  await score(finnPage, 'Alpha Audits', Object.fromEntries(CRITERIA.map((c) => [c.id, [4, `FINN: ${c.id} is solid.`]])), 'Submit the scores')
  await finnPage.waitForURL(evaluationUrl)

  // The owner closes scoring: signed in over ten minutes ago, so the second factor is asked again first.
  const chairPage = await newPage()
  await signInMember(chairPage, 'chair@example.org', owner.secret)
  // The owner does not score, but attests too: the results name the vendors and quote the committee.
  await attest(chairPage)
  ctx.clock.advance(11 * MINUTE)
  await chairPage.goto(evaluationUrl)
  t.match(await chairPage.locator('#round-1 ~ ul').textContent(), 'An evaluator: 2 submitted, 0 drafts', 'progress as counts only')
  await chairPage.getByRole('button', { name: 'Close individual scoring' }).click()
  await chairPage.waitForURL(`${origin}/account/confirm?next=${encodeURIComponent(`/committee/rfps/${SLUG}/evaluation`)}`)
  t.equal(await chairPage.locator('h1').textContent(), 'Confirm it is you')
  t.equal((await ctx.db.selectFrom('scoring_rounds').select('closed_at').executeTakeFirstOrThrow()).closed_at, null, 'not closed before the second factor')
  await chairPage.getByLabel('Code from your app, or a recovery code').fill(totpCode(owner.secret, ctx.clock.now()))
  await chairPage.getByRole('button', { name: 'Confirm' }).click()
  await chairPage.waitForURL(evaluationUrl)
  await chairPage.getByRole('button', { name: 'Close individual scoring' }).click()
  await chairPage.waitForURL(`${origin}/committee/rfps/${SLUG}/rounds/1/results`)
  t.equal(await chairPage.locator('h1').textContent(), 'Results: Technical evaluation')
  const round = await ctx.db.selectFrom('scoring_rounds').select(['closed_by', 'closed_at']).executeTakeFirstOrThrow()
  t.same(round, { closed_by: owner.userId, closed_at: ctx.clock.now().toISOString() }, 'closed by the owner')
  const hashes = await ctx.db.selectFrom('sealed_score_sheets').select(['label', 'hash']).orderBy('label').execute()
  t.same(hashes.map((h) => h.label), ['Evaluator 1', 'Evaluator 2'])
  for (const { label, hash } of hashes) t.match(await chairPage.locator('#sheets-heading ~ ul').textContent(), `${label}: ${hash}`, `${label}'s sheet hash shown`)
  // Alpha: Eve 5 4 5 4 4, Finn 4 4 4 4 4 → 25×.875 + 25×.75 + 20×.875 + 15×.75 + 15×.75 = 80.625, shown 80.63; Beta: Eve's 3s alone → 50.00.
  t.match(await chairPage.getByRole('row', { name: /Alpha Audits/ }).first().textContent(), '80.63')
  t.match(await chairPage.getByRole('row', { name: /Beta Security/ }).first().textContent(), '50.00')

  // The evaluators see the combined results once closed, without anyone's comments.
  await evePage.goto(`${origin}/committee/rfps/${SLUG}/rounds/1/results`)
  t.match(await evePage.locator('main').textContent(), '80.63')
  t.notMatch(await evePage.content(), /FINN:|EVE:/, 'no comments for evaluators')

  // The gate judged for the proposal to be selected, then the decision, with the second factor proved a moment ago.
  const gates = chairPage.locator('section[aria-labelledby="gates"]')
  await gates.getByLabel('Vendor').selectOption({ label: 'Alpha Audits' })
  await gates.getByLabel('Outcome').selectOption({ label: 'passed' })
  await gates.getByLabel('Reason (part of the record)').fill('The proposal accepts publication of the final report.')
  await gates.getByRole('button', { name: 'Record the outcome' }).click()
  await chairPage.waitForURL(`${origin}/committee/rfps/${SLUG}/rounds/1/results#gates`)
  t.match(await gates.getByRole('row', { name: /Alpha Audits/ }).textContent(), 'passed')
  await chairPage.goto(evaluationUrl)
  await chairPage.getByRole('button', { name: 'Record the decision' }).click()
  await chairPage.waitForURL(`${origin}/committee/rfps/${SLUG}/decision`)
  await chairPage.getByLabel('Select Alpha Audits').check()
  t.equal(await chairPage.getByLabel('Select Beta Security').count(), 1, 'both ranked proposals may be selected')
  const rationale = 'The committee selected the proposal with the sharper threat model and the more experienced team.'
  await chairPage.getByLabel(/^Rationale/).fill(rationale)
  await chairPage.getByRole('button', { name: 'Record the decision' }).click()
  await chairPage.waitForURL(evaluationUrl)
  t.equal((await ctx.db.selectFrom('rfps').select('state').executeTakeFirstOrThrow()).state, 'decided')
  const statuses = await ctx.db.selectFrom('proposals').select(['organisation_id', 'status']).orderBy('status').execute()
  t.same(statuses, [{ organisation_id: beta.organisationId, status: 'not_selected' }, { organisation_id: alpha.organisationId, status: 'selected' }])

  // The worker delivers the decision to every bidder; the one not selected gets its debrief link.
  const debriefLink = `${origin}/vendor/rfps/${SLUG}/debrief`
  const [selectedMail] = await receivedMail(smtp, (m) => m.subject === `Selected: ${DOCUMENT.title}` && addressedTo(m, 'ada@alpha.example'))
  t.match(selectedMail?.text, 'The committee has selected Alpha Audits')
  t.match(selectedMail?.text, rationale)
  const [notSelected] = await receivedMail(smtp, (m) => m.subject === `Decision: ${DOCUMENT.title}` && addressedTo(m, 'bo@beta.example'))
  t.match(notSelected?.text, 'Beta Security was not selected')
  t.match(notSelected?.text, debriefLink, 'the text part carries the debrief link')
  t.match(notSelected?.html, `href="${debriefLink}"`, 'and the HTML part')
  t.notMatch(notSelected?.text, /EVE|FINN|Eve Evaluator|Finn Fairweather/, 'no scores or evaluators in the mail')

  // The bidder follows the link: signed out, it signs in by the link mailed to it, then reads its debrief.
  const vendorPage = await newPage()
  await vendorPage.goto(debriefLink)
  await vendorPage.waitForURL(`${origin}/sign-in`)
  const linksBefore = smtp.received.filter((m) => m.subject === 'Your Shortlist sign-in link' && addressedTo(m, 'bo@beta.example')).length
  await vendorPage.getByLabel('Your work e-mail address').fill('bo@beta.example')
  await vendorPage.getByRole('button', { name: 'Send me a sign-in link' }).click()
  t.equal(await vendorPage.locator('h1').textContent(), 'Check your mail')
  const links = await receivedMail(smtp, (m) => m.subject === 'Your Shortlist sign-in link' && addressedTo(m, 'bo@beta.example'), linksBefore + 1)
  const link = new RegExp(`${origin.replaceAll('.', '\\.')}/sign-in/confirm\\?token=[A-Za-z0-9_-]{43}`).exec(links.at(-1)?.text ?? '')?.[0]
  t.ok(link, 'the requested link was mailed, on the public URL')
  await vendorPage.goto(link ?? origin)
  await vendorPage.getByRole('button', { name: 'Sign in' }).click()
  await vendorPage.waitForURL(`${origin}/vendor`)
  await vendorPage.goto(debriefLink)
  t.equal(await vendorPage.locator('h1').textContent(), `Debrief: ${DOCUMENT.title}`)
  const debrief = (await vendorPage.locator('main').textContent()) ?? ''
  t.match(debrief, 'Your organisation was not selected. 2 organisations bid.')
  t.match(debrief, rationale)
  t.match(debrief, 'Your score: 50.00 of 100, rank 2.')
  for (const criterion of CRITERIA) t.match(debrief, `Evaluator 1: 3 — EVE on Beta: ${criterion.id} is adequate.`, `its own ${criterion.id} score and comment, by label`)
  t.notMatch(debrief, 'Evaluator 2', 'the recused evaluator gave nothing')
  t.notMatch(debrief, /Eve Evaluator|Finn Fairweather|Cleo Chair|eve@example|finn@example|chair@example/, 'no committee member named')
  t.notMatch(debrief, /EVE:|FINN:|Alpha Audits/, 'nothing of the other bidder')
  t.same(await vendorPage.locator('section ol li').allTextContents(), ['80.63', '50.00 (yours)'], 'the totals, anonymised')

  // It chooses to be named in the public record.
  await vendorPage.getByLabel('Name my organisation').check()
  await vendorPage.getByRole('button', { name: 'Save' }).click()
  await vendorPage.waitForURL(debriefLink)
  t.match(await vendorPage.locator('#naming-heading + p').textContent(), 'You agreed to be named.')
  // Chromium logs each page answered with an error status: the two refusals above, and nothing else.
  const refusal = 'Failed to load resource: the server responded with a status of 403 (Forbidden)'
  t.equal(problems.filter((p) => p === refusal).length, 2, 'the two refused pages')
  t.same(problems.filter((p) => p !== refusal), [], 'no other console errors, no CSP reports')
})

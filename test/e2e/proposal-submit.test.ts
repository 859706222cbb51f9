// A vendor submits a sealed proposal in headless Chromium: the RFP is published through the services, the
// server runs as `serve` does (its mail worker delivering to a real SMTP server), the vendor signs in by the
// mailed link, fills the form, attaches PDFs for the required parts, lands on the receipt, and the receipt
// mail carries the same hash.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ParsedMail } from 'mailparser'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { canonicalHash, type JsonValue } from '../../src/domain/canonical-json.js'
import { receiptHash } from '../../src/domain/receipt.js'
import { sealedSize } from '../../src/domain/sealing.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { startServer } from '../../src/server.js'
import { T0, createOwner, createVendorContact, seededRandom, testConfig, testContext } from '../helpers/app.js'
import { openPage } from '../helpers/browser.js'
import { startSmtp, type TestSmtp } from '../helpers/smtp.js'

/** A small, well-formed one-page PDF whose text is `text`. */
function pdf (text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, i) => {
    offsets.push(body.length)
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

const addressedTo = (mail: ParsedMail, address: string): boolean => JSON.stringify(mail.to ?? '').includes(address)

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
    // Registered before yielding, so a message arriving now is not missed.
    if (await Promise.race([smtp.nextData().then(() => 'data' as const), expired]) === 'expired') break
  }
  throw new Error(`expected ${count} matching messages; the SMTP server has ${smtp.received.length}: ${smtp.received.map((m) => m.subject).join(' | ')}`)
}

t.test('sign in by link, submit with PDFs, land on the receipt, get the same hash by mail', async (t) => {
  const smtp = await startSmtp(t)
  // As `shortlist serve` runs: a migrated database, then startServer with its mail worker polling often.
  const ctx = await testContext(t, testConfig(t, { mail: { url: smtp.url, pollIntervalMs: 100 } }))
  const owner = await createOwner(ctx, 'chair@example.org')
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  await createVendorContact(ctx, 'Acme Security', 'ada@acme.example')

  const app = await startServer(ctx.config, { clock: ctx.clock, random: seededRandom('app') })
  t.teardown(async () => { await app.close() })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const { page, problems } = await openPage(t)

  // The vendor asks for a sign-in link; the worker decides, and the link arrives after the registration's.
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Your work e-mail address').fill('ada@acme.example')
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click()
  t.equal(await page.locator('h1').textContent(), 'Check your mail')
  const links = await receivedMail(smtp, (m) => m.subject === 'Your Shortlist sign-in link' && addressedTo(m, 'ada@acme.example'), 2)
  const link = /http:\/\/localhost:3000(\/sign-in\/confirm\?token=[A-Za-z0-9_-]{43})/.exec(links.at(-1)?.text ?? '')?.[1]
  t.ok(link, 'the requested link was mailed')
  await page.goto(`${origin}${link ?? '/'}`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${origin}/vendor`)

  // From the RFP page to the form.
  await page.goto(`${origin}/rfps/${slug}`)
  // A link styled as a button (role="button"), so that is how it is named to assistive technology.
  await page.getByRole('button', { name: 'Your proposal' }).click()
  await page.waitForURL(`${origin}/vendor/rfps/${slug}/proposal`)
  t.match(await page.locator('main').textContent(), 'Your organisation has not submitted a proposal.')

  const summary = 'We audit **Driftwood 2.0** in six weeks: threat model first, then code review and fuzzing.'
  const person = { name: 'Ada Lovelace', role: 'Lead auditor', experience: 'Twelve years of Go and applied cryptography' }
  await page.getByLabel('Summary of the proposal (Markdown)').fill(summary)
  await page.getByLabel('Name', { exact: true }).first().fill(person.name)
  await page.getByLabel('Role', { exact: true }).first().fill(person.role)
  await page.getByLabel('Experience', { exact: true }).first().fill(person.experience)

  const dir = t.testdir()
  const attachments = [
    { part: 'plan', label: 'Approach and plan', file: 'approach-and-plan.pdf', bytes: pdf('Approach and a week-by-week plan') },
    { part: 'cvs', label: 'CVs of the proposed team', file: 'team-cvs.pdf', bytes: pdf('Ada Lovelace, lead auditor') },
    { part: 'example-reports', label: 'Example reports', file: 'example-report.pdf', bytes: pdf('Audit of Tidepool 1.3: findings') }
  ]
  for (const attachment of attachments) {
    const path = join(dir, attachment.file)
    writeFileSync(path, attachment.bytes)
    await page.getByLabel(attachment.label).setInputFiles(path)
  }
  await page.getByRole('button', { name: 'Submit the proposal' }).click()

  // The receipt page: its hash is the URL's, and it is the SHA-256 of the manifest it shows.
  await page.waitForURL(new RegExp(`^${origin}/vendor/rfps/${slug}/receipts/[0-9a-f]{64}$`))
  const hash = page.url().split('/').pop() ?? ''
  t.equal(await page.locator('h1').textContent(), 'Receipt')
  t.equal(await page.locator('code.receipt-hash').textContent(), hash, 'the receipt page shows the hash')
  const manifest = JSON.parse(await page.locator('pre code').textContent() ?? '{}') as { [key: string]: JsonValue }
  t.equal(receiptHash(manifest), hash, 'the hash is the SHA-256 of the manifest shown, in canonical JSON')
  t.same(manifest.files, attachments.map((a) => ({ part: a.part, size: a.bytes.length, sha256: sha256(a.bytes) })), 'each file arrived whole, in its part')
  t.same(manifest.content, { sha256: canonicalHash({ summary, personnel: [person] }) }, 'the summary and the person arrived as typed, blank rows dropped')
  t.match(manifest, { proposal: { version: 1 }, vendor: { name: 'Acme Security' } })
  const recorded = await ctx.db.selectFrom('proposal_versions').select('receipt_hash').execute()
  t.same(recorded.map((r) => r.receipt_hash), [hash], 'the receipt is the one recorded')
  const stored = await ctx.db.selectFrom('proposal_files').select(['part', 'stored_file_id']).orderBy('n').execute()
  t.same(stored.map((f) => f.part), attachments.map((a) => a.part))
  for (const [i, file] of stored.entries()) {
    const chunks: Buffer[] = []
    for await (const chunk of ctx.files.read(file.stored_file_id)) chunks.push(Buffer.from(chunk))
    const bytes = Buffer.concat(chunks)
    t.equal(bytes.length, sealedSize(attachments[i]!.bytes.length), `${file.part} is stored at its sealed size`)
    t.notOk(bytes.includes(Buffer.from('%PDF-')), `${file.part} is stored sealed, not as the PDF sent`)
  }

  // The receipt mail, delivered by the worker, carries the same hash and a link back to the receipt.
  const [mail] = await receivedMail(smtp, (m) => m.subject === `Receipt for your proposal (version 1): ${draft.title}` && addressedTo(m, 'ada@acme.example'))
  t.match(mail?.text, `Receipt hash:  ${hash}`, 'the text part carries the hash')
  t.match(mail?.html, hash, 'and so does the HTML part')
  for (const attachment of attachments) t.match(mail?.text, sha256(attachment.bytes), `the mail lists ${attachment.file}'s SHA-256`)
  const back = /http:\/\/localhost:3000(\/vendor\/rfps\/[^\s]+)/.exec(mail?.text ?? '')?.[1]
  t.equal(back, `/vendor/rfps/${slug}/receipts/${hash}`, 'the mail links to the receipt')

  // The proposal page now shows the version that counts and its receipt.
  await page.getByRole('link', { name: `← Your proposal to ${draft.title}` }).click()
  await page.waitForURL(`${origin}/vendor/rfps/${slug}/proposal`)
  t.match(await page.locator('#status-heading + p').textContent(), 'Status: submitted — version 1 is the one that counts')
  t.equal(await page.locator('.receipts code').textContent(), hash)
  t.same(problems, [], 'no console errors or CSP reports')
})

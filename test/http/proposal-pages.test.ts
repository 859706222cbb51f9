// Sealed intake through the pages: a signed-in vendor contact posts the multipart proposal form and keeps its
// receipt; refused submissions (wrong type, no CSRF token first, wrong media type, unknown fields, a missing
// attachment, too large, too late) leave nothing behind; the public receipt list appears at the deadline; the
// committee sees only hashes until two members open the proposals with the second factor, and then reads
// them, the files served as sandboxed attachments.
import { createHash } from 'node:crypto'
import t, { type Test } from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { totpCode } from '../../src/domain/second-factor.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { attest } from '../../src/services/evaluation.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { T0, TEST_PASSWORD, buildTestApp, createCommitteeMember, type TestApp } from '../helpers/app.js'
import { Visitor, signInVendorByForm } from '../helpers/browser-less.js'
import { multipartBody, type MultipartPart } from '../helpers/multipart.js'

const DOCUMENT = securityAuditRfp(T0)
const SLUG = DOCUMENT.slug
const DUE = new Date(DOCUMENT.schedule.proposalsDueAt)
/** How the pages write the deadline (Europe/Amsterdam, an hour ahead of UTC in December). */
const DUE_SHOWN = /26 Dec 2026, 18:00/
const MINUTE = 60_000

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`)
/** The start of a 64-bit Linux executable, the rest padding: no PDF, whatever its name says. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56), Buffer.from('\x00/lib64/ld-linux-x86-64.so.2\x00', 'latin1'), Buffer.alloc(512, 0x90)])

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': '\'', '&#39;': '\'', '&#x60;': '`', '&#x3D;': '=' }
const decode = (html: string): string => html.replace(/&(?:amp|lt|gt|quot|#x27|#39|#x60|#x3D);/g, (entity) => ENTITIES[entity] ?? entity)
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

/** RFC 8785 for what a manifest holds (strings, integers, null, arrays, objects): written here, not imported, to check the server's hash. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>
    return `{${Object.keys(object).sort().map((key) => `${JSON.stringify(key)}:${canonical(object[key])}`).join(',')}}`
  }
  return JSON.stringify(value)
}
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

interface Setup extends TestApp { owner: Awaited<ReturnType<typeof createCommitteeMember>>, evaluator: Awaited<ReturnType<typeof createCommitteeMember>> }

/** The demo RFP published by its owner, with an evaluator: a committee of two. */
async function setup (t: Test, config: Record<string, unknown> = {}): Promise<Setup> {
  const test = await buildTestApp(t, { config })
  const owner = await createCommitteeMember(test.ctx, 'chair@example.org', { displayName: 'Cleo Chair' })
  const evaluator = await createCommitteeMember(test.ctx, 'eve@example.org', { displayName: 'Eve Evaluator' })
  const { id } = await createRfpDraft(test.ctx, owner.actor, DOCUMENT)
  await publishRfp(test.ctx, owner.actor, id)
  await addRfpMember(test.ctx, owner.actor, SLUG, 'eve@example.org', 'evaluator')
  await attest(test.ctx, owner.actor, SLUG, { mayBeNamed: false })
  await attest(test.ctx, evaluator.actor, SLUG, { mayBeNamed: false })
  return { ...test, owner, evaluator }
}

/** A vendor registered through the form and signed in by the link mailed to it (the outbox). */
async function signInVendor (test: TestApp, email: string, organisation: string, address: string): Promise<Visitor> {
  return await signInVendorByForm(test, { email, organisation, address })
}

/** A committee member through the password and second-factor forms. */
async function signInMember ({ app, ctx }: TestApp, email: string, secret: string, address: string): Promise<Visitor> {
  const visitor = new Visitor(app, address)
  const password = await visitor.post('/sign-in/password', { email, password: TEST_PASSWORD, _csrf: await visitor.csrfFrom('/sign-in') })
  if (password.headers.location !== '/sign-in/two-factor') throw new Error(`password refused: ${password.statusCode}`)
  const code = await visitor.post('/sign-in/two-factor', { code: totpCode(secret, ctx.clock.now()), _csrf: await visitor.csrfFrom('/sign-in/two-factor') })
  if (code.statusCode !== 303) throw new Error(`second factor refused: ${code.statusCode}`)
  return visitor
}

/** Posts the proposal form as multipart, the parts in the order given. */
async function postProposal (visitor: Visitor, parts: readonly MultipartPart[], slug = SLUG) {
  const { body, contentType } = multipartBody(parts)
  const res = await visitor.app.inject({
    method: 'POST', url: `/vendor/rfps/${slug}/proposal`, headers: { cookie: visitor.cookie, 'content-type': contentType }, payload: body, remoteAddress: visitor.remoteAddress
  })
  for (const cookie of res.cookies) visitor.setCookie(cookie.name, cookie.value)
  return res
}

/** The form's token, then a summary and the three required attachments: a complete proposal. */
async function completeProposal (visitor: Visitor, summary: string, files: { plan?: Buffer, planName?: string } = {}): Promise<MultipartPart[]> {
  return [
    { name: '_csrf', value: await visitor.csrfFrom(`/vendor/rfps/${SLUG}/proposal`) },
    { name: 'summary', value: summary },
    { name: 'person_name', value: 'Ada Lovelace' },
    { name: 'person_role', value: 'Lead auditor' },
    { name: 'person_experience', value: 'Twelve audits of signing tools' },
    { name: 'files.plan', filename: files.planName ?? 'plan.pdf', content: files.plan ?? pdf('plan'), contentType: 'application/pdf' },
    { name: 'files.cvs', filename: 'cvs.pdf', content: pdf('cvs'), contentType: 'application/pdf' },
    { name: 'files.example-reports', filename: 'reports.pdf', content: pdf('reports'), contentType: 'application/pdf' }
  ]
}

async function counts ({ ctx }: TestApp) {
  const count = async (table: 'stored_files' | 'proposals' | 'proposal_versions' | 'proposal_files') =>
    Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { storedFiles: await count('stored_files'), proposals: await count('proposals'), versions: await count('proposal_versions'), files: await count('proposal_files') }
}
const NOTHING = { storedFiles: 0, proposals: 0, versions: 0, files: 0 }

t.test('submit, receipt, public list, opening with step-up by two members, and the opened proposal', async (t) => {
  const test = await setup(t)
  const { app, ctx, owner, evaluator } = test
  ctx.clock.set(new Date(DUE.getTime() - 60 * MINUTE))
  const vendor = await signInVendor(test, 'ada@alpha.example', 'Alpha Audits', '192.0.2.10')
  const other = await signInVendor(test, 'bo@beta.example', 'Beta Security', '192.0.2.11')
  const chair = await signInMember(test, 'chair@example.org', owner.secret, '198.51.100.1')
  const eve = await signInMember(test, 'eve@example.org', evaluator.secret, '198.51.100.2')

  const form = await vendor.get(`/vendor/rfps/${SLUG}/proposal`)
  t.equal(form.statusCode, 200, 'the form')
  t.equal(DOCUMENT.requirements?.length, 4, 'the demo RFP asks for four attachments')
  for (const requirement of DOCUMENT.requirements ?? []) {
    t.match(form.body, `name="files.${requirement.id}"`, `an input for ${requirement.id}`)
    t.match(form.body, `${requirement.name} (${requirement.required ? 'required' : 'optional'})`)
  }
  t.match(form.body, 'enctype="multipart/form-data"')
  t.match(decode(form.body), 'Accepted: PDF, PNG image, JPEG image, plain text (UTF-8, e.g. Markdown), checked by content')
  t.match(form.body, 'Your organisation has not submitted a proposal.')

  // A tricky original name (quotes, non-ASCII) on the plan, a summary that tries to run a script.
  const trickyName = 'Plan "final" – Ωmega ü.pdf'
  const plan = pdf(`plan ${'x'.repeat(200_000)}`)
  const summary = 'We audit **Go**.\n\n<script>alert("sealed")</script> <img src=x onerror=alert(1)>'
  const submitted = await postProposal(vendor, await completeProposal(vendor, summary, { plan, planName: trickyName }))
  t.equal(submitted.statusCode, 303, 'accepted')
  const location = submitted.headers.location as string
  const hash = /^\/vendor\/rfps\/[a-z0-9-]+\/receipts\/([0-9a-f]{64})$/.exec(location)?.[1] ?? ''
  t.ok(hash, `sent to the receipt page: ${location}`)
  t.same(await counts(test), { storedFiles: 3, proposals: 1, versions: 1, files: 3 })

  const receiptPage = await vendor.get(location)
  t.equal(receiptPage.statusCode, 200)
  t.match(receiptPage.body, `<code class="receipt-hash">${hash}</code>`, 'the receipt page shows the hash')
  t.match(receiptPage.body, 'Version 1')

  const download = await vendor.get(`${location}/download`)
  t.equal(download.statusCode, 200)
  t.equal(download.headers['content-disposition'], `attachment; filename="receipt-${hash}.json"`)
  t.match(download.headers['content-type'], /^application\/json/)
  const receipt = JSON.parse(download.body) as { receiptHash: string, manifest: { files: { part: string, size: number, sha256: string }[], vendor: { name: string }, proposal: { version: number } } }
  t.equal(receipt.receiptHash, hash)
  t.equal(sha256(canonical(receipt.manifest)), hash, 'the receipt hash recomputes from the manifest')
  t.same(receipt.manifest.files.map((f) => f.part), ['plan', 'cvs', 'example-reports'])
  t.same(receipt.manifest.files[0], { part: 'plan', size: plan.length, sha256: sha256(plan) }, 'the manifest records the plaintext hash of each file')
  t.equal(receipt.manifest.vendor.name, 'Alpha Audits')

  const mail = await ctx.db.selectFrom('mail_outbox').selectAll().where('template', '=', 'proposal-receipt').execute()
  t.equal(mail.length, 1, 'one receipt mail queued')
  t.equal(mail[0]?.to_address, 'ada@alpha.example')
  t.match(mail[0]?.text_body, hash)
  t.match(mail[0]?.text_body, trickyName)

  t.match((await vendor.get(`/vendor/rfps/${SLUG}/proposal`)).body, /Status: <strong>submitted<\/strong> — version 1 is the one that counts/)
  t.equal((await other.get(location)).statusCode, 404, 'another vendor cannot see the receipt')

  // A second vendor submits and then withdraws.
  const otherSubmitted = await postProposal(other, await completeProposal(other, 'Beta proposes a fuzzing-heavy audit.'))
  t.equal(otherSubmitted.statusCode, 303)
  const otherHash = /receipts\/([0-9a-f]{64})$/.exec(otherSubmitted.headers.location as string)?.[1] ?? ''
  const otherForm = await other.get(`/vendor/rfps/${SLUG}/proposal`)
  t.match(otherForm.body, 'action="/vendor/rfps/driftwood-security-audit-2027/proposal/withdraw"', 'a withdraw form')
  const withdrawn = await other.post(`/vendor/rfps/${SLUG}/proposal/withdraw`, { _csrf: csrfOf(otherForm.body) })
  t.equal(withdrawn.statusCode, 303)
  t.equal(withdrawn.headers.location, `/vendor/rfps/${SLUG}/proposal`)
  t.match((await other.get(`/vendor/rfps/${SLUG}/proposal`)).body, 'Status: <strong>withdrawn</strong>')
  t.equal((await ctx.db.selectFrom('proposals').innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id').select('status').where('vendor_organisations.name', '=', 'Beta Security').executeTakeFirstOrThrow()).status, 'withdrawn')
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('template', '=', 'proposal-withdrawn').where('to_address', '=', 'bo@beta.example').execute()).length, 1, 'the withdrawal is mailed')
  t.equal((await other.post(`/vendor/rfps/${SLUG}/proposal/withdraw`, { _csrf: csrfOf(otherForm.body) })).statusCode, 409, 'nothing standing to withdraw twice')

  // Before the deadline: the public list is not out yet; the committee sees a count and hashes only.
  const early = await app.inject({ url: `/rfps/${SLUG}/receipts` })
  t.equal(early.statusCode, 200)
  t.match(early.body, 'The receipts are published once proposals are due')
  t.match(early.body, DUE_SHOWN, 'naming when')
  t.notMatch(early.body, hash)
  const earlyJson = await app.inject({ url: `/rfps/${SLUG}/receipts.json` })
  t.equal(earlyJson.statusCode, 404)
  t.notMatch(earlyJson.body, hash)

  const sealedList = await chair.get(`/committee/rfps/${SLUG}/proposals`)
  t.equal(sealedList.statusCode, 200)
  t.match(sealedList.body, '<strong>1</strong> proposal standing')
  t.match(sealedList.body, `<li><code>${hash}</code></li>`)
  t.notMatch(sealedList.body, otherHash, 'a withdrawn proposal is not standing')
  t.notMatch(sealedList.body, 'Alpha Audits', 'no vendor named')
  t.notMatch(sealedList.body, 'Beta Security')
  t.match(sealedList.body, 'The proposals can be opened once the deadline has passed.')
  t.notMatch(sealedList.body, 'action="/committee/rfps/driftwood-security-audit-2027/opening"', 'no opening before the deadline')
  const tooEarly = await chair.post(`/committee/rfps/${SLUG}/opening`, { _csrf: csrfOf(sealedList.body) })
  t.equal(tooEarly.statusCode, 409, 'no opening before the deadline')
  t.match(tooEarly.body, 'the proposals stay sealed until the deadline')
  t.equal((await ctx.db.selectFrom('rfp_openings').select('rfp_id').execute()).length, 0)

  // After the deadline.
  ctx.clock.set(new Date(DUE.getTime() + MINUTE))
  const late = await postProposal(vendor, await completeProposal(vendor, 'A late replacement.'))
  t.equal(late.statusCode, 409, 'a late proposal is refused')
  t.match(late.body, 'the deadline has passed')
  t.match(late.body, DUE_SHOWN, 'naming the deadline')
  t.same(await counts(test), { storedFiles: 6, proposals: 2, versions: 2, files: 6 }, 'nothing of the late one is kept')
  t.match((await vendor.get(`/vendor/rfps/${SLUG}/proposal`)).body, 'Proposals are no longer accepted: the deadline has passed')

  const published = await app.inject({ url: `/rfps/${SLUG}/receipts` })
  t.match(published.body, `<td><code>${hash}</code></td>`)
  t.match(published.body, `<td><code>${otherHash}</code></td>`)
  t.match(published.body, '2 in all, 1 counted')
  const publishedJson = await app.inject({ url: `/rfps/${SLUG}/receipts.json` })
  t.equal(publishedJson.statusCode, 200)
  const list = JSON.parse(publishedJson.body) as { receipts: { hash: string, standing: string }[] }
  t.same(list.receipts.map((r) => [r.hash, r.standing]).sort(), [[hash, 'counted'], [otherHash, 'withdrawn']].sort())
  const listed = await app.inject({ url: `/rfps/${SLUG}/receipts?hash=${hash.toUpperCase()}` })
  t.match(listed.body, `Receipt <code>${hash}</code> is listed: <strong>counted</strong>`)
  const unknown = 'a'.repeat(64)
  const notListed = await app.inject({ url: `/rfps/${SLUG}/receipts?hash=${unknown}` })
  t.match(notListed.body, `Receipt <code>${unknown}</code> is <strong>not</strong> listed`)
  t.equal((await app.inject({ url: `/rfps/${SLUG}/receipts?hash=not-a-hash` })).statusCode, 400)

  // Still sealed after the deadline until opened: a count and hashes, and the proposal itself refused.
  const closed = await chair.get(`/committee/rfps/${SLUG}/proposals`)
  t.match(closed.body, `<li><code>${hash}</code></li>`)
  t.notMatch(closed.body, 'Alpha Audits')
  t.match(closed.body, 'Opening needs two committee members: you start it, another confirms.')
  const proposalId = (await ctx.db.selectFrom('proposals').select('id').where('status', '=', 'submitted').executeTakeFirstOrThrow()).id
  const sealedRead = await chair.get(`/committee/rfps/${SLUG}/proposals/${proposalId}`)
  t.equal(sealedRead.statusCode, 403, 'sealed')
  t.notMatch(sealedRead.body, 'sealed")')

  // The owner starts the opening: signed in over ten minutes ago, so the second factor is asked again.
  const start = await chair.app.inject({
    method: 'POST',
    url: `/committee/rfps/${SLUG}/opening`,
    headers: { cookie: chair.cookie, referer: `http://localhost:3000/committee/rfps/${SLUG}/proposals`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(closed.body) }).toString(),
    remoteAddress: chair.remoteAddress
  })
  t.equal(start.statusCode, 303)
  t.equal(start.headers.location, `/account/confirm?next=${encodeURIComponent(`/committee/rfps/${SLUG}/proposals`)}`, 'step-up first')
  t.equal((await ctx.db.selectFrom('rfp_openings').select('rfp_id').execute()).length, 0, 'nothing started yet')
  const confirmPage = await chair.get(start.headers.location as string)
  t.equal((await chair.post('/account/confirm', { code: '000000', next: `/committee/rfps/${SLUG}/proposals`, _csrf: csrfOf(confirmPage.body) })).statusCode, 400, 'a wrong code does not do')
  const stepped = await chair.post('/account/confirm', { code: totpCode(owner.secret, ctx.clock.now()), next: `/committee/rfps/${SLUG}/proposals`, _csrf: csrfOf(confirmPage.body) })
  t.equal(stepped.headers.location, `/committee/rfps/${SLUG}/proposals`)
  const started = await chair.post(`/committee/rfps/${SLUG}/opening`, { _csrf: csrfOf(closed.body) })
  t.equal(started.statusCode, 303)
  const waiting = await chair.get(`/committee/rfps/${SLUG}/proposals`)
  t.match(waiting.body, 'Cleo Chair started the opening')
  t.match(waiting.body, 'A second member of the committee confirms it.')
  t.notMatch(waiting.body, 'Alpha Audits', 'still sealed while the opening waits')
  t.notMatch(waiting.body, 'action="/committee/rfps/driftwood-security-audit-2027/opening/confirm"', 'the starter has no confirm button')
  t.equal((await chair.post(`/committee/rfps/${SLUG}/opening/confirm`, { _csrf: csrfOf(waiting.body) })).statusCode, 403, 'nor may the starter confirm')
  t.equal((await chair.get(`/committee/rfps/${SLUG}/proposals/${proposalId}`)).statusCode, 403, 'still sealed')

  // The evaluator confirms, also after proving the second factor again.
  const eveList = await eve.get(`/committee/rfps/${SLUG}/proposals`)
  t.match(eveList.body, 'action="/committee/rfps/driftwood-security-audit-2027/opening/confirm"')
  const unconfirmed = await eve.post(`/committee/rfps/${SLUG}/opening/confirm`, { _csrf: csrfOf(eveList.body) })
  t.match(unconfirmed.headers.location, /^\/account\/confirm\?next=/, 'step-up first')
  const eveConfirm = await eve.get(`/account/confirm?next=${encodeURIComponent(`/committee/rfps/${SLUG}/proposals`)}`)
  t.equal((await eve.post('/account/confirm', { code: totpCode(evaluator.secret, ctx.clock.now()), next: `/committee/rfps/${SLUG}/proposals`, _csrf: csrfOf(eveConfirm.body) })).statusCode, 303)
  const confirmed = await eve.post(`/committee/rfps/${SLUG}/opening/confirm`, { _csrf: csrfOf(eveList.body) })
  t.equal(confirmed.statusCode, 303)
  t.equal(confirmed.headers.location, `/committee/rfps/${SLUG}/proposals`)
  const opening = await ctx.db.selectFrom('rfp_openings').selectAll().executeTakeFirstOrThrow()
  t.equal(opening.started_by, owner.userId)
  t.equal(opening.confirmed_by, evaluator.userId)
  t.ok(opening.opened_at)

  // Opened: the committee reads the proposal; raw HTML in the summary is text, not markup.
  const openedList = await chair.get(`/committee/rfps/${SLUG}/proposals`)
  t.match(openedList.body, `href="/committee/rfps/${SLUG}/proposals/${proposalId}">Alpha Audits</a>`)
  const page = await eve.get(`/committee/rfps/${SLUG}/proposals/${proposalId}`)
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-store')
  t.match(page.body, '<strong>Go</strong>', 'the summary is rendered as Markdown')
  t.notMatch(page.body, '<script>alert', 'no raw script')
  t.notMatch(page.body, '<img src=x', 'no raw image tag')
  t.match(page.body, '&lt;script&gt;alert(', 'the script is shown as text')
  t.match(page.body, 'Ada Lovelace')
  t.match(decode(page.body), trickyName)

  const file = await eve.get(`/committee/rfps/${SLUG}/proposals/${proposalId}/files/0`)
  t.equal(file.statusCode, 200)
  t.equal(file.headers['content-disposition'], 'attachment; filename="Plan _final_ _ _mega _.pdf"; filename*=UTF-8\'\'Plan%20%22final%22%20%E2%80%93%20%CE%A9mega%20%C3%BC.pdf')
  t.equal(file.headers['x-content-type-options'], 'nosniff')
  t.match(file.headers['content-security-policy'], /\bsandbox\b/)
  t.match(file.headers['content-security-policy'], /default-src 'none'/)
  t.equal(file.headers['cache-control'], 'no-store')
  t.match(file.headers['content-type'], /^application\/pdf/)
  t.ok(file.rawPayload.equals(plan), 'the file comes back byte for byte')
  t.equal((await eve.get(`/committee/rfps/${SLUG}/proposals/${proposalId}/files/3`)).statusCode, 404, 'no fourth file')
  // A proposal withdrawn before the deadline was not opened (it is not in the count nor the public event): it stays unread.
  const withdrawnId = (await ctx.db.selectFrom('proposals').select('id').where('status', '=', 'withdrawn').executeTakeFirstOrThrow()).id
  t.notMatch(openedList.body, withdrawnId, 'the withdrawn proposal is not listed')
  const withdrawnRead = await chair.get(`/committee/rfps/${SLUG}/proposals/${withdrawnId}`)
  t.equal(withdrawnRead.statusCode, 404, 'a withdrawn proposal is not read')
  t.notMatch(withdrawnRead.body, 'fuzzing-heavy', 'nothing of it shown')
  const withdrawnFile = await chair.get(`/committee/rfps/${SLUG}/proposals/${withdrawnId}/files/0`)
  t.equal(withdrawnFile.statusCode, 404, 'nor its files')
  t.notOk(withdrawnFile.rawPayload.includes(Buffer.from('% plan')), 'no bytes of them')
  const cvs = await chair.get(`/committee/rfps/${SLUG}/proposals/${proposalId}/files/1`)
  t.ok(cvs.rawPayload.equals(pdf('cvs')))
  t.equal(cvs.headers['content-disposition'], 'attachment; filename="cvs.pdf"; filename*=UTF-8\'\'cvs.pdf')
})

t.test('refused submissions leave nothing behind', async (t) => {
  const test = await setup(t)
  const vendor = await signInVendor(test, 'ada@alpha.example', 'Alpha Audits', '192.0.2.10')
  const formUrl = `/vendor/rfps/${SLUG}/proposal`
  const valid = await completeProposal(vendor, 'A complete proposal.')
  const token = (valid[0] as { value: string }).value
  const withoutToken = valid.slice(1)

  t.test('a renamed executable', async (t) => {
    const parts = [...valid.slice(0, 6), { name: 'files.cvs', filename: 'cvs.pdf', content: ELF, contentType: 'application/pdf' }, valid[7]!]
    const res = await postProposal(vendor, parts)
    t.equal(res.statusCode, 400)
    const body = decode(res.body)
    t.match(body, '"cvs.pdf"', 'the file is named')
    t.match(body, 'is not an accepted kind of file: accepted are PDF, PNG image, JPEG image, plain text (UTF-8, e.g. Markdown)')
    t.match(body, 'nothing of it was kept')
    t.match(body, 'A complete proposal.', 'the summary is kept in the form')
    t.same(await counts(test), NOTHING, 'the plan stored before it is discarded too')
  })

  t.test('the CSRF token missing, late, or wrong', async (t) => {
    for (const [what, parts] of [
      ['no token', withoutToken],
      ['the token after another field', [withoutToken[0]!, valid[0]!, ...withoutToken.slice(1)]],
      ['the token after a file', [withoutToken[4]!, valid[0]!, ...withoutToken.filter((_, i) => i !== 4)]],
      ['a wrong token', [{ name: '_csrf', value: token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA') }, ...withoutToken]],
      ['an empty token', [{ name: '_csrf', value: '' }, ...withoutToken]],
      ['the token as a file', [{ name: '_csrf', filename: 'token.txt', content: token, contentType: 'text/plain' }, ...withoutToken]]
    ] as [string, MultipartPart[]][]) {
      const res = await postProposal(vendor, parts)
      t.equal(res.statusCode, 403, what)
      t.match(res.body, 'security token', what)
      t.same(await counts(test), NOTHING, `${what}: nothing stored`)
    }
    // A body with no part at all has no token either: refused as such, not merely as an incomplete proposal.
    const empty = await postProposal(vendor, [])
    t.equal(empty.statusCode, 403, 'no parts at all')
    t.match(empty.body, 'security token')
    t.same(await counts(test), NOTHING)
    // Another session's token does not do either.
    const stranger = await signInVendor(test, 'mallory@mallory.example', 'Mallory Ltd', '192.0.2.66')
    const strangerToken = await stranger.csrfFrom(formUrl)
    t.equal((await postProposal(vendor, [{ name: '_csrf', value: strangerToken }, ...withoutToken])).statusCode, 403, 'another session\'s token')
    t.same(await counts(test), NOTHING)
  })

  t.test('not multipart', async (t) => {
    const form = await vendor.post(formUrl, { _csrf: token, summary: 'As a plain form' })
    t.equal(form.statusCode, 415, 'a URL-encoded body')
    const json = await vendor.app.inject({ method: 'POST', url: formUrl, headers: { cookie: vendor.cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ _csrf: token, summary: 'As JSON' }), remoteAddress: vendor.remoteAddress })
    t.equal(json.statusCode, 415, 'a JSON body')
    const octets = await vendor.app.inject({ method: 'POST', url: formUrl, headers: { cookie: vendor.cookie, 'content-type': 'application/pdf' }, payload: pdf('raw'), remoteAddress: vendor.remoteAddress })
    t.equal(octets.statusCode, 415, 'a bare file')
    t.same(await counts(test), NOTHING)
  })

  t.test('unknown fields', async (t) => {
    const field = await postProposal(vendor, [...valid, { name: 'status', value: 'selected' }])
    t.equal(field.statusCode, 400, 'an unknown text field')
    t.match(field.body, 'status</strong> is not a field of the proposal form')
    const fileField = await postProposal(vendor, [...valid.slice(0, 5), { name: 'upload', filename: 'x.pdf', content: pdf('x') }, ...valid.slice(5)])
    t.equal(fileField.statusCode, 400, 'an unknown file field')
    t.match(fileField.body, 'upload</strong> is not a field of the proposal form')
    const badPart = await postProposal(vendor, [...valid, { name: 'files.budget', filename: 'budget.pdf', content: pdf('budget') }])
    t.equal(badPart.statusCode, 400, 'a file for no requirement')
    t.match(badPart.body, 'names no requirement of this RFP (budget)')
    t.same(await counts(test), NOTHING)
  })

  t.test('a required attachment missing', async (t) => {
    const parts = valid.filter((part) => part.name !== 'files.cvs')
    const res = await postProposal(vendor, [...parts, { name: 'files.conflicts', filename: '', content: Buffer.alloc(0) }])
    t.equal(res.statusCode, 400)
    t.match(res.body, '<strong>Attachment cvs</strong> CVs of the proposed team is required: attach it')
    t.notMatch(res.body, 'Attachment plan', 'only the missing one is listed')
    t.match(res.body, /<textarea id="summary" name="summary"[^>]*>A complete proposal\.<\/textarea>/, 'the summary is kept')
    t.match(res.body, 'value="Ada Lovelace"', 'and the personnel')
    t.same(await counts(test), NOTHING)
  })

  t.test('a text field past its size', async (t) => {
    const res = await postProposal(vendor, valid.map((part) => part.name === 'summary' ? { name: 'summary', value: 'long '.repeat(17_000) } : part))
    t.equal(res.statusCode, 400)
    t.match(res.body, '<strong>summary</strong> is longer than 81920 bytes')
    t.same(await counts(test), NOTHING)
  })

  t.test('an empty summary', async (t) => {
    const res = await postProposal(vendor, valid.map((part) => part.name === 'summary' ? { name: 'summary', value: '   ' } : part))
    t.equal(res.statusCode, 400)
    t.match(res.body, '<strong>Summary</strong>')
    t.same(await counts(test), NOTHING)
  })

  t.test('a price on an RFP that does not score price', async (t) => {
    const res = await postProposal(vendor, [...valid, { name: 'with_price', value: '1' }, { name: 'price_amount', value: '48000' }, { name: 'price_currency', value: 'EUR' }])
    t.equal(res.statusCode, 400)
    t.match(res.body, 'this RFP does not score price')
    t.same(await counts(test), NOTHING)
  })

  t.test('signed out', async (t) => {
    const { body, contentType } = multipartBody(valid)
    const res = await vendor.app.inject({ method: 'POST', url: formUrl, headers: { 'content-type': contentType }, payload: body })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/sign-in')
    t.same(await counts(test), NOTHING)
  })

  t.test('the same proposal, sent right, is accepted', async (t) => {
    const res = await postProposal(vendor, valid)
    t.equal(res.statusCode, 303)
    t.same(await counts(test), { storedFiles: 3, proposals: 1, versions: 1, files: 3 })
  })
})

t.test('too large: a file past proposals.maxFileBytes is refused with 413 and nothing is kept', async (t) => {
  const test = await setup(t, { proposals: { maxFileBytes: 4096 } })
  const vendor = await signInVendor(test, 'ada@alpha.example', 'Alpha Audits', '192.0.2.10')
  const big = pdf('big '.repeat(2000))
  t.ok(big.length > 4096)
  const res = await postProposal(vendor, await completeProposal(vendor, 'Too big a plan.', { plan: big }))
  t.equal(res.statusCode, 413)
  t.match(decode(res.body), '"plan.pdf" is larger than 4096 bytes')
  t.same(await counts(test), NOTHING)

  const exact = pdf('x'.repeat(4096 - pdf('').length))
  t.equal(exact.length, 4096)
  const fits = await postProposal(vendor, await completeProposal(vendor, 'A plan of exactly the limit.', { plan: exact }))
  t.equal(fits.statusCode, 303, 'a file of exactly the limit is accepted')
})

t.test('more files than proposals.maxFiles, or past proposals.maxProposalBytes in all: 413 and nothing is kept', async (t) => {
  const test = await setup(t, { proposals: { maxFileBytes: 4096, maxProposalBytes: 6000, maxFiles: 3 } })
  const vendor = await signInVendor(test, 'ada@alpha.example', 'Alpha Audits', '192.0.2.10')
  const three = pdf('y'.repeat(2500))
  const parts = (await completeProposal(vendor, 'Three files that fit alone but not together.', { plan: three }))
    .map((part) => 'filename' in part ? { ...part, content: three } : part)
  const res = await postProposal(vendor, parts)
  t.equal(res.statusCode, 413, 'too many bytes in all')
  t.same(await counts(test), NOTHING)

  const four = [...await completeProposal(vendor, 'Four files where three may be.'), { name: 'files.conflicts', filename: 'conflicts.pdf', content: pdf('none') }]
  const many = await postProposal(vendor, four)
  t.equal(many.statusCode, 413, 'too many files')
  t.same(await counts(test), NOTHING)
})

t.test('after the deadline from the start: the form says so and a submission is refused naming the deadline', async (t) => {
  const test = await setup(t)
  // Signed in shortly before, so the session outlives the move of the clock to the deadline.
  test.ctx.clock.set(new Date(DUE.getTime() - 5 * MINUTE))
  const vendor = await signInVendor(test, 'ada@alpha.example', 'Alpha Audits', '192.0.2.10')
  const token = await vendor.csrfFrom(`/vendor/rfps/${SLUG}/proposal`)
  test.ctx.clock.set(DUE)
  const form = await vendor.get(`/vendor/rfps/${SLUG}/proposal`)
  t.equal(form.statusCode, 200)
  t.notMatch(form.body, 'enctype="multipart/form-data"', 'no form at the deadline itself')
  const parts = await completeProposal(vendor, 'Exactly on the deadline is too late.')
  parts[0] = { name: '_csrf', value: token }
  const res = await postProposal(vendor, parts)
  t.equal(res.statusCode, 409)
  t.match(res.body, 'proposals were due by')
  t.match(res.body, DUE_SHOWN)
  t.match(res.body, '(Europe/Amsterdam)')
  t.same(await counts(test), NOTHING)
})

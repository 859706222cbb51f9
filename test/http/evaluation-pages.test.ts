// Evaluation through the pages, with real sessions (password and TOTP for the committee, the mailed link for
// vendors) and the pages' CSRF tokens: the attestation, conflicts and the recusal they cause, score sheets
// (draft, submit, refused sheets that leave nothing behind, locked after the close), closing scoring with the
// second factor asked again, the results (figures, flags, consensus and gates, what owners and evaluators each
// see), the CSV, the decision with its mails, and each bidder's private debrief and naming choice.
import { Readable } from 'node:stream'
import t, { type Test } from 'tap'
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
import { processSignInRequests } from '../../src/services/sign-in.js'
import { T0, TEST_PASSWORD, buildTestApp, createCommitteeMember, createVendorContact, type TestApp, type VendorContact } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const MINUTE = 60_000
/** Published 30 days before T0, bids 20 days before, due 5 days before: at T0 the proposals are opened. */
const PUBLISHED = new Date(T0.getTime() - 30 * DAY_MS)
const DOCUMENT = securityAuditRfp(PUBLISHED)
const SLUG = DOCUMENT.slug
const BASE = `/committee/rfps/${SLUG}`
const CRITERIA = ['understanding', 'methodology', 'team', 'reports', 'value'] as const
const NAMES: Record<typeof CRITERIA[number], string> = {
  understanding: 'Understanding of Driftwood and its threat model',
  methodology: 'Methodology and coverage of the focus areas',
  team: 'Team experience',
  reports: 'Quality of example reports',
  value: 'Value for money'
}

/** Vendor names typed by vendors: one tries to run a script, one to run a spreadsheet formula. */
const ALPHA = 'Alpha Audits'
const SCRIPT = '<script>alert(\'xss-vendor\')</script> Security'
const HYPER = '=HYPERLINK("https://evil.example","Click me")'
const RAW_SCRIPT = '<script>alert('
/** A comment that tries the same. */
const SCRIPT_COMMENT = '<script>alert("xss-comment")</script> unclear threat model'

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': '\'', '&#39;': '\'', '&#x60;': '`', '&#x3D;': '=' }
const decode = (html: string): string => html.replace(/&(?:amp|lt|gt|quot|#x27|#39|#x60|#x3D);/g, (entity) => ENTITIES[entity] ?? entity)
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

/** What the page shows of `text`: whether it appears (escaped), and never as raw markup. */
function shownEscaped (t: Test, body: string, text: string, what: string): void {
  t.notOk(body.includes(RAW_SCRIPT), `${what}: no raw script tag`)
  t.ok(decode(body).includes(text), `${what}: shows ${JSON.stringify(text.slice(0, 30))}`)
}

type Member = Awaited<ReturnType<typeof createCommitteeMember>>
interface Setup extends TestApp {
  owner: Member
  eve: Member
  finn: Member
  vendors: { alpha: VendorContact, script: VendorContact, hyper: VendorContact }
  proposals: { alpha: string, script: string, hyper: string }
  chair: Visitor
  eveV: Visitor
  finnV: Visitor
}

/** A complete proposal through the services, as the form sends it. */
async function submitFor (ctx: ServiceContext, actor: UserActor, summary: string): Promise<void> {
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, actor, SLUG, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${part} ${summary}`)]), maxBytes: 1_000_000 }))
  }
  await submitProposal(ctx, actor, SLUG, { content: { summary, personnel: [] }, partners: [] }, files)
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

/** A vendor contact signed in by asking for a link on the sign-in page and confirming the one mailed (the outbox). */
async function signInVendor ({ app, ctx }: TestApp, email: string, address: string): Promise<Visitor> {
  const visitor = new Visitor(app, address)
  const asked = await visitor.post('/sign-in', { email, _csrf: await visitor.csrfFrom('/sign-in') })
  if (asked.statusCode !== 200) throw new Error(`sign-in link refused: ${asked.statusCode}`)
  await processSignInRequests(ctx, { linksPerHour: 5 })
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).where('template', '=', 'sign-in-link').orderBy('created_at', 'desc').executeTakeFirstOrThrow()
  const token = /\/sign-in\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] ?? ''
  const confirmed = await visitor.post('/sign-in/confirm', { token, _csrf: await visitor.csrfFrom('/sign-in') })
  if (confirmed.statusCode !== 303) throw new Error(`sign-in link not accepted: ${confirmed.statusCode}`)
  return visitor
}

/** A POST from a page, with the Referer a browser sends: where the step-up sends the member back to. */
async function postFrom (visitor: Visitor, page: string, url: string, fields: Record<string, string>) {
  const res = await visitor.app.inject({
    method: 'POST',
    url,
    headers: { cookie: visitor.cookie, referer: `http://localhost:3000${page}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
    remoteAddress: visitor.remoteAddress
  })
  for (const cookie of res.cookies) visitor.setCookie(cookie.name, cookie.value)
  return res
}

/** Proves the second factor again on /account/confirm, as the page the step-up redirect leads to. */
async function stepUp (t: Test, { ctx }: TestApp, visitor: Visitor, secret: string, location: string): Promise<void> {
  const page = await visitor.get(location)
  t.equal(page.statusCode, 200, 'the confirm page')
  const next = new URLSearchParams(location.split('?')[1]).get('next') ?? ''
  const confirmed = await visitor.post('/account/confirm', { code: totpCode(secret, ctx.clock.now()), next, _csrf: csrfOf(page.body) })
  t.equal(confirmed.statusCode, 303, 'the second factor proved again')
  t.equal(confirmed.headers.location, next, 'and sent back')
}

/**
 * The demo RFP, owned by Cleo with Eve and Finn as evaluators, bid on by three vendors (one named like a script,
 * one like a formula) before its deadline; at T0 the owner starts the opening and Eve confirms it. The three
 * members then sign in through the forms.
 */
async function setup (t: Test): Promise<Setup> {
  const test = await buildTestApp(t)
  const { ctx } = test
  const owner = await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Cleo Chair' })
  const eve = await createCommitteeMember(ctx, 'eve@example.org', { displayName: 'Eve Evaluator' })
  const finn = await createCommitteeMember(ctx, 'finn@example.org', { displayName: 'Finn Fairweather' })
  const vendors = {
    alpha: await createVendorContact(ctx, ALPHA, 'ada@alpha.example'),
    script: await createVendorContact(ctx, SCRIPT, 'sam@script.example'),
    hyper: await createVendorContact(ctx, HYPER, 'hal@hyper.example')
  }
  const then = { ...ctx, clock: new ManualClock(PUBLISHED) }
  const { id } = await createRfpDraft(then, owner.actor, DOCUMENT)
  await publishRfp(then, owner.actor, id)
  await addRfpMember(then, owner.actor, SLUG, 'eve@example.org', 'evaluator')
  await addRfpMember(then, owner.actor, SLUG, 'finn@example.org', 'evaluator')
  for (const [i, name] of (['alpha', 'script', 'hyper'] as const).entries()) {
    then.clock.set(new Date(T0.getTime() - 20 * DAY_MS + i * MINUTE))
    await submitFor(then, vendors[name].actor, `The proposal of ${name}: SUMMARY-${name}`)
  }
  t.same(await startOpening(ctx, owner.actor, SLUG), { opened: false }, 'the owner starts the opening')
  await confirmOpening(ctx, eve.actor, SLUG)
  const rows = await ctx.db.selectFrom('proposals').select(['id', 'organisation_id']).execute()
  const idOf = (v: VendorContact): string => rows.find((r) => r.organisation_id === v.organisationId)?.id ?? ''
  const proposals = { alpha: idOf(vendors.alpha), script: idOf(vendors.script), hyper: idOf(vendors.hyper) }
  // A new TOTP step: the enrolment used the code of T0's.
  ctx.clock.advance(30_000)
  const chair = await signInMember(test, 'chair@example.org', owner.secret, '198.51.100.1')
  const eveV = await signInMember(test, 'eve@example.org', eve.secret, '198.51.100.2')
  const finnV = await signInMember(test, 'finn@example.org', finn.secret, '198.51.100.3')
  return { ...test, owner, eve, finn, vendors, proposals, chair, eveV, finnV }
}

async function attestByForm (t: Test, visitor: Visitor, fields: Record<string, string> = {}): Promise<void> {
  const page = await visitor.get(`${BASE}/evaluation`)
  const res = await visitor.post(`${BASE}/attestation`, { agree: 'yes', ...fields, _csrf: csrfOf(page.body) })
  t.equal(res.statusCode, 303, 'attested')
}

const sheetUrl = (proposal: string): string => `${BASE}/rounds/1/proposals/${proposal}/scores`

/** A full sheet: a score and a comment for every criterion, each comment carrying `marker` so a page that shows it can be told. */
function fullSheet (scores: readonly number[], marker: string, comments: Partial<Record<typeof CRITERIA[number], string>> = {}): Record<string, string> {
  const fields: Record<string, string> = { action: 'submit' }
  CRITERIA.forEach((criterion, i) => {
    fields[`score.${criterion}`] = String(scores[i])
    fields[`comment.${criterion}`] = comments[criterion] ?? `${marker}-${criterion}`
  })
  return fields
}

async function postSheet (visitor: Visitor, proposal: string, fields: Record<string, string>) {
  const page = await visitor.get(sheetUrl(proposal))
  return await visitor.post(sheetUrl(proposal), { ...fields, _csrf: csrfOf(page.body) })
}

const cellText = (html: string): string => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim()

/** The results page's comparison table: each row as its cells' text by column heading (a criterion's heading is its name). */
function comparison (html: string): Array<Record<string, string>> {
  const table = /<h2 id="comparison-heading">[\s\S]*?<table>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? ''
  const headings = [...(/<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '').matchAll(/<th scope="col">([\s\S]*?)<\/th>/g)].map((m) => cellText((m[1] ?? '').split('<br>')[0] ?? ''))
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? ''
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...(row[1] ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => cellText(m[1] ?? ''))
    return Object.fromEntries(headings.map((heading, i) => [heading, cells[i] ?? '']))
  })
}

async function count (ctx: ServiceContext, table: 'score_history' | 'scores' | 'score_sheets' | 'evaluator_conflicts' | 'evaluator_attestations' | 'consensus_scores' | 'gate_results' | 'decisions'): Promise<number> {
  return Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

t.test('the attestation comes first; a conflict recuses its member from that vendor\'s proposal, its files and its sheet', async (t) => {
  const test = await setup(t)
  const { ctx, config, chair, eveV, finnV, vendors, proposals } = test

  const page = await eveV.get(`${BASE}/evaluation`)
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-store')
  t.ok(decode(page.body).includes(config.evaluation.attestation), 'the attestation is shown word for word')
  t.match(page.body, `action="${BASE}/attestation"`)
  t.match(page.body, 'name="agree" value="yes" required')
  const before = await eveV.get(`${BASE}/proposals/${proposals.alpha}`)
  t.equal(before.statusCode, 403, 'no proposal is read before the attestation')
  t.match(before.body, 'record your attestation')
  t.notMatch(before.body, 'SUMMARY-alpha')
  t.match((await eveV.get(`${BASE}/proposals`)).body, `<a href="${BASE}/evaluation">evaluation page</a>`, 'the proposal list points to it')
  t.equal((await eveV.get(sheetUrl(proposals.alpha))).statusCode, 403, 'nor scored')

  const missing = await eveV.post(`${BASE}/attestation`, { named: 'yes', _csrf: csrfOf(page.body) })
  t.equal(missing.statusCode, 400, 'the box not ticked')
  t.match(missing.body, 'agree', 'the field is named')
  const wrong = await eveV.post(`${BASE}/attestation`, { agree: 'no', _csrf: csrfOf(page.body) })
  t.equal(wrong.statusCode, 400, 'only "yes" attests')
  t.equal((await eveV.post(`${BASE}/attestation`, { agree: 'yes', _csrf: 'not-the-token' })).statusCode, 403, 'a wrong CSRF token')
  t.equal(await count(ctx, 'evaluator_attestations'), 0, 'nothing recorded')

  const attested = await eveV.post(`${BASE}/attestation`, { agree: 'yes', _csrf: csrfOf(page.body) })
  t.equal(attested.statusCode, 303)
  t.equal(attested.headers.location, `${BASE}/evaluation`)
  const after = await eveV.get(`${BASE}/evaluation`)
  t.match(after.body, 'You attested')
  t.match(after.body, 'the public record calls you by a number')
  t.ok(decode(after.body).includes(`<blockquote>${config.evaluation.attestation}</blockquote>`), 'the text attested is shown')
  t.notMatch(after.body, `action="${BASE}/attestation"`, 'no second form')
  const row = await ctx.db.selectFrom('evaluator_attestations').selectAll().where('user_id', '=', test.eve.userId).executeTakeFirstOrThrow()
  t.equal(row.text, config.evaluation.attestation, 'the very text shown is stored')
  t.equal(row.may_be_named, 0)
  t.equal(row.attested_at, ctx.clock.now().toISOString())
  t.equal((await eveV.post(`${BASE}/attestation`, { agree: 'yes', _csrf: csrfOf(after.body) })).statusCode, 409, 'once only')
  t.equal((await eveV.get(`${BASE}/proposals/${proposals.alpha}`)).statusCode, 200, 'now the proposal is read')

  await attestByForm(t, finnV, { named: 'yes' })
  t.match((await finnV.get(`${BASE}/evaluation`)).body, 'and agreed to be named in the public record')
  await attestByForm(t, chair)

  // Conflicts: refused forms record nothing.
  const form = await finnV.get(`${BASE}/evaluation`)
  t.match(form.body, `<option value="${vendors.script.organisationId}">`, 'the vendors are offered')
  shownEscaped(t, form.body, SCRIPT, 'the vendor list')
  const _csrf = csrfOf(form.body)
  const badUuid = await finnV.post(`${BASE}/conflicts`, { organisationId: 'not-a-uuid', kind: 'employment', note: '', _csrf })
  t.equal(badUuid.statusCode, 400, 'not a uuid')
  t.match(badUuid.body, 'organisationId')
  const unknown = await finnV.post(`${BASE}/conflicts`, { organisationId: '00000000-0000-4000-8000-000000000000', kind: 'employment', note: '', _csrf })
  t.equal(unknown.statusCode, 400, 'no such vendor')
  t.match(unknown.body, 'is not a registered vendor')
  const noNote = await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.script.organisationId, kind: 'other', note: '   ', _csrf })
  t.equal(noNote.statusCode, 400, '"other" without a note')
  t.match(noNote.body, 'say what the conflict is')
  t.equal((await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.script.organisationId, kind: 'enemy', note: 'x', _csrf })).statusCode, 400, 'an unknown kind')
  t.equal((await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.script.organisationId, kind: 'financial', note: '', _csrf: 'forged' })).statusCode, 403, 'a wrong CSRF token')
  t.equal(await count(ctx, 'evaluator_conflicts'), 0, 'nothing recorded')

  const declared = await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.script.organisationId, kind: 'employment', note: 'I worked there <b>until 2025</b>', _csrf })
  t.equal(declared.statusCode, 303)
  t.equal(declared.headers.location, `${BASE}/evaluation`)
  t.equal((await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.script.organisationId, kind: 'financial', note: '', _csrf })).statusCode, 409, 'declared once')
  const recusedPage = await finnV.get(`${BASE}/evaluation`)
  shownEscaped(t, recusedPage.body, `${SCRIPT}: Employment (now or recently, by me or someone close to me) (I worked there <b>until 2025</b>)`, 'the member\'s own declaration')
  t.notMatch(recusedPage.body, '<b>until', 'the note is text')
  t.match(recusedPage.body, /<td>&lt;script&gt;alert\(&#x27;xss-vendor&#x27;\)&lt;\/script&gt; Security<\/td>\s*<td>Recused<\/td>/, 'the round lists the proposal as recused')
  t.notMatch(recusedPage.body, sheetUrl(proposals.script), 'with no link to its sheet')
  t.match(recusedPage.body, `href="${sheetUrl(proposals.alpha)}"`, 'the others can be scored')
  t.notMatch(recusedPage.body, 'Every declaration', 'an evaluator does not see the others\' declarations')

  const list = await finnV.get(`${BASE}/proposals`)
  t.equal(list.statusCode, 200)
  t.match(list.body, '&lt;script&gt;alert(&#x27;xss-vendor&#x27;)&lt;/script&gt; Security <small>(you are recused)</small>')
  t.notMatch(list.body, `href="${BASE}/proposals/${proposals.script}"`, 'not linked')
  t.match(list.body, `href="${BASE}/proposals/${proposals.alpha}">Alpha Audits</a>`)
  t.notOk(list.body.includes(RAW_SCRIPT))
  for (const url of [`${BASE}/proposals/${proposals.script}`, `${BASE}/proposals/${proposals.script}/files/0`, sheetUrl(proposals.script)]) {
    const res = await finnV.get(url)
    t.equal(res.statusCode, 403, `recused: ${url}`)
    t.match(res.body, 'you are recused from its proposal')
    t.notMatch(res.body, 'SUMMARY-script', 'nothing of it shown')
    t.notOk(res.rawPayload.includes(Buffer.from('%PDF')), 'no bytes of its files')
  }
  const scoreIt = await finnV.post(sheetUrl(proposals.script), { ...fullSheet([3, 3, 3, 3, 3], 'FINN'), _csrf: csrfOf(recusedPage.body) })
  t.equal(scoreIt.statusCode, 403, 'nor scored')
  t.equal(await count(ctx, 'score_sheets'), 0)
  t.equal((await finnV.get(`${BASE}/proposals/${proposals.alpha}`)).statusCode, 200, 'the other proposals stay readable')
  t.equal((await eveV.get(`${BASE}/proposals/${proposals.script}`)).statusCode, 200, 'and the recusal is Finn\'s alone')

  // The owner sees every declaration, by member.
  const ownerPage = await chair.get(`${BASE}/evaluation`)
  t.match(ownerPage.body, 'Every declaration')
  t.match(ownerPage.body, /<td>Finn Fairweather<\/td><td>&lt;script&gt;alert\(&#x27;xss-vendor&#x27;\)&lt;\/script&gt; Security<\/td><td>Employment/)
  t.notOk(ownerPage.body.includes(RAW_SCRIPT))
  const conflict = await ctx.db.selectFrom('evaluator_conflicts').selectAll().executeTakeFirstOrThrow()
  t.match(conflict, { user_id: test.finn.userId, organisation_id: vendors.script.organisationId, kind: 'employment', note: 'I worked there <b>until 2025</b>' })
})

t.test('a score sheet: criteria and scale, a draft, refused sheets that save nothing, the submission, locked once closed', async (t) => {
  const test = await setup(t)
  const { ctx, chair, eveV, finnV, proposals } = test
  await attestByForm(t, eveV)
  await attestByForm(t, finnV)
  await attestByForm(t, chair)
  const url = sheetUrl(proposals.alpha)

  const blank = await eveV.get(url)
  t.equal(blank.statusCode, 200)
  t.equal(blank.headers['cache-control'], 'no-store')
  t.match(blank.body, '<h1>Alpha Audits</h1>')
  t.match(blank.body, 'Technical evaluation · your sheet: not started')
  for (const criterion of CRITERIA) {
    t.match(blank.body, `<legend><strong>${NAMES[criterion]}</strong> (1–5)</legend>`, `${criterion} with its scale`)
    t.match(blank.body, new RegExp(`<select id="score-${criterion}" name="score\\.${criterion}" >\\s*<option value="">—</option>\\s*<option value="1" >1</option><option value="2" >2</option><option value="3" >3</option><option value="4" >4</option><option value="5" >5</option>\\s*</select>`), `${criterion}: 1 to 5`)
  }
  t.notMatch(blank.body, 'Agrees to the publication of the final report', 'gates are not scored by evaluators')
  t.equal((await chair.get(url)).statusCode, 403, 'the owner is not an evaluator: no sheet')

  // A draft may leave cells empty and comments out.
  const draft = await eveV.post(url, { action: 'save', 'score.understanding': '4', 'comment.understanding': 'EVE-draft-understanding', 'score.methodology': '', 'comment.methodology': '', _csrf: csrfOf(blank.body) })
  t.equal(draft.statusCode, 303)
  t.equal(draft.headers.location, url, 'back to the sheet')
  const saved = await eveV.get(url)
  t.match(saved.body, 'your sheet: draft')
  t.match(saved.body, /<select id="score-understanding"[^>]*>[\s\S]*?<option value="4" selected>4<\/option>[\s\S]*?<\/select>/, 'the score is kept')
  t.match(saved.body, />EVE-draft-understanding<\/textarea>/, 'and the comment')
  t.match(saved.body, 'History of your sheet')
  t.match((await eveV.get(`${BASE}/evaluation`)).body, `href="${url}">draft</a>`)
  const history = await count(ctx, 'score_history')
  t.equal(history, 2, 'each cell saved is in the history')
  t.same((await ctx.db.selectFrom('score_sheets').select('submitted_at').execute()).map((s) => s.submitted_at), [null])

  /** Nothing changed since the draft. */
  const unchanged = async (what: string): Promise<void> => {
    t.equal(await count(ctx, 'score_history'), history, `${what}: the history is unchanged`)
    t.same(await ctx.db.selectFrom('scores').select(['criterion_id', 'score', 'comment']).orderBy('criterion_id').execute(), [
      { criterion_id: 'methodology', score: null, comment: '' },
      { criterion_id: 'understanding', score: 4, comment: 'EVE-draft-understanding' }
    ], `${what}: the scores are unchanged`)
    t.same((await ctx.db.selectFrom('score_sheets').select('submitted_at').execute()).map((s) => s.submitted_at), [null], `${what}: still a draft`)
  }

  // Submitted without the comment on one criterion: the form comes back as typed, with the message beside it.
  const typed = fullSheet([5, 3, 4, 2, 1], 'EVE-typed', { team: '  ', methodology: SCRIPT_COMMENT })
  const noComment = await eveV.post(url, { ...typed, _csrf: csrfOf(saved.body) })
  t.equal(noComment.statusCode, 400)
  t.equal(noComment.headers['cache-control'], 'no-store')
  t.match(noComment.body, 'The sheet was not saved:')
  t.match(noComment.body, '<li>give a comment for &quot;Team experience&quot; before submitting</li>', 'the problem is listed')
  t.match(noComment.body, /<select id="score-team" name="score\.team" aria-invalid="true">[\s\S]*?<\/select>\s*<label for="comment-team">Comment<\/label>\s*<textarea[^>]*> {2}<\/textarea>\s*<small>give a comment for &quot;Team experience&quot; before submitting<\/small>/, 'beside its criterion')
  t.notMatch(noComment.body, /<select id="score-understanding"[^>]*aria-invalid/, 'only that criterion is marked')
  for (const [i, criterion] of CRITERIA.entries()) {
    t.match(noComment.body, new RegExp(`<select id="score-${criterion}"[^>]*>[\\s\\S]*?<option value="${[5, 3, 4, 2, 1][i]}" selected>`), `${criterion}: the typed score is kept`)
  }
  t.match(noComment.body, />EVE-typed-understanding<\/textarea>/, 'the typed comments are kept')
  shownEscaped(t, noComment.body, `>${SCRIPT_COMMENT}</textarea>`, 'a comment typed with a script')
  await unchanged('a missing comment')

  const outOfScale = await eveV.post(url, { ...fullSheet([7, 3, 4, 2, 1], 'EVE'), _csrf: csrfOf(saved.body) })
  t.equal(outOfScale.statusCode, 400, 'a score above the scale')
  t.match(outOfScale.body, 'must be a whole number from 1 to 5')
  t.equal((await eveV.post(url, { ...fullSheet([0, 3, 4, 2, 1], 'EVE'), action: 'save', _csrf: csrfOf(saved.body) })).statusCode, 400, 'below it, even in a draft')
  t.equal((await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE'), 'score.team': '4.5', _csrf: csrfOf(saved.body) })).statusCode, 400, 'not a whole number')
  const unknownField = await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE'), status: 'selected', _csrf: csrfOf(saved.body) })
  t.equal(unknownField.statusCode, 400, 'a field the form does not have')
  const unknownCriterion = await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE'), 'score.open-report': '5', _csrf: csrfOf(saved.body) })
  t.equal(unknownCriterion.statusCode, 400, 'a score for a gate')
  t.match(unknownCriterion.body, 'is not a scored criterion of this round: open-report')
  t.equal((await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE'), action: 'publish', _csrf: csrfOf(saved.body) })).statusCode, 400, 'an unknown button')
  const forged = await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE'), _csrf: 'forged' })
  t.equal(forged.statusCode, 403, 'a wrong CSRF token')
  t.match(forged.body, 'FST_CSRF_INVALID_TOKEN')
  const noToken = await eveV.post(url, fullSheet([5, 3, 4, 2, 1], 'EVE'))
  t.equal(noToken.statusCode, 400, 'no CSRF token: the form is incomplete')
  t.match(noToken.body, '_csrf')
  const othersToken = await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE'), _csrf: csrfOf((await finnV.get(url)).body) })
  t.equal(othersToken.statusCode, 403, 'another session\'s token')
  await unchanged('refused sheets')

  const submitted = await eveV.post(url, { ...fullSheet([5, 3, 4, 2, 1], 'EVE', { methodology: SCRIPT_COMMENT }), _csrf: csrfOf(saved.body) })
  t.equal(submitted.statusCode, 303)
  t.equal(submitted.headers.location, `${BASE}/evaluation`, 'back to the evaluation')
  t.equal(await count(ctx, 'score_history'), history + 5, 'every cell of the submission is in the history')
  const sheet = await eveV.get(url)
  t.match(sheet.body, 'your sheet: submitted')
  shownEscaped(t, sheet.body, `>${SCRIPT_COMMENT}</textarea>`, 'the saved comment')
  shownEscaped(t, sheet.body, `<td>methodology</td><td>3</td><td>${SCRIPT_COMMENT}</td><td>submitted</td>`, 'the history')
  t.match((await eveV.get(`${BASE}/evaluation`)).body, `href="${url}">submitted</a>`)
  const events = await ctx.db.selectFrom('audit_events').select(['type', 'data']).where('type', 'in', ['scores.saved', 'scores.submitted']).orderBy('seq').execute()
  t.same(events.map((e) => e.type), ['scores.saved', 'scores.submitted'])
  for (const event of events) t.notMatch(event.data, /EVE|"score"/, 'the audit log records that a sheet moved, not what it says')

  // Finn's draft stays his: the owner sees counts, nobody sees scores while scoring is open.
  t.equal((await postSheet(finnV, proposals.alpha, { ...fullSheet([4, 4, 4, 4, 4], 'FINN'), action: 'save' })).statusCode, 303)
  const progress = await chair.get(`${BASE}/evaluation`)
  t.match(progress.body, 'An evaluator: 1 submitted, 0 drafts')
  t.match(progress.body, 'An evaluator: 0 submitted, 1 draft<')
  t.notMatch(progress.body, /EVE-|FINN-|xss-comment/, 'no comment of anyone')
  t.notMatch((await eveV.get(sheetUrl(proposals.alpha))).body, 'FINN-', 'an evaluator sees only their own sheet')
  for (const [who, visitor] of [['owner', chair], ['evaluator', eveV]] as const) {
    const results = await visitor.get(`${BASE}/rounds/1/results`)
    t.equal(results.statusCode, 403, `${who}: no results while scoring is open`)
    t.match(results.body, 'individual scoring of round 1 is still open')
    t.notMatch(results.body, /EVE-|FINN-|xss-comment/, `${who}: no comment shown`)
    t.equal((await visitor.get(`${BASE}/rounds/1/results.csv`)).statusCode, 403, `${who}: nor the CSV`)
  }

  // Closed: the sheets are locked.
  ctx.clock.advance(MINUTE)
  const closed = await chair.post(`${BASE}/rounds/1/close`, { _csrf: csrfOf(progress.body) })
  t.equal(closed.statusCode, 303)
  t.equal(closed.headers.location, `${BASE}/rounds/1/results`)
  const locked = await eveV.get(url)
  t.match(locked.body, 'Scoring of this round is closed: your sheet is locked.')
  t.notMatch(locked.body, 'name="action"', 'no buttons')
  const late = await eveV.post(url, { ...fullSheet([1, 1, 1, 1, 1], 'EVE-late'), _csrf: csrfOf(locked.body) })
  t.equal(late.statusCode, 409, 'after the close')
  t.match(late.body, 'scoring of round 1 is closed: the scores are locked')
  t.equal(await count(ctx, 'score_history'), history + 5 + 5, 'nothing saved after the close')
  t.notOk((await ctx.db.selectFrom('scores').select('comment').execute()).some((s) => s.comment.startsWith('EVE-late')))
})

t.test('closing with the second factor, the results each member sees, CSV, consensus and gates, the decision, its mails and the debriefs', async (t) => {
  const test = await setup(t)
  const { ctx, chair, eveV, finnV, vendors, proposals } = test
  // Eve attests first, so she is Evaluator 1 and Finn Evaluator 2; the chair attests to read, but does not score.
  await attestByForm(t, eveV)
  ctx.clock.advance(1000)
  await attestByForm(t, finnV)
  await attestByForm(t, chair)
  const form = await finnV.get(`${BASE}/evaluation`)
  const eveToken = csrfOf((await eveV.get(`${BASE}/evaluation`)).body)
  t.equal((await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.script.organisationId, kind: 'financial', note: '', _csrf: csrfOf(form.body) })).statusCode, 303)
  // Evaluator 1 and 2 disagree on Hyper's understanding by half the scale: the one flagged cell.
  for (const [visitor, marker, sheets] of [
    [eveV, 'EVE', { alpha: [5, 4, 5, 4, 4], script: [3, 3, 3, 3, 3], hyper: [2, 2, 2, 2, 1] }],
    [finnV, 'FINN', { alpha: [4, 5, 4, 4, 5], hyper: [4, 2, 2, 2, 1] }]
  ] as const) {
    for (const [vendor, scores] of Object.entries(sheets) as [keyof typeof proposals, number[]][]) {
      const comments = marker === 'EVE' && vendor === 'hyper' ? { understanding: `${SCRIPT_COMMENT} EVE-hyper` } : {}
      t.equal((await postSheet(visitor, proposals[vendor], fullSheet(scores, `${marker}-${vendor}`, comments))).statusCode, 303, `${marker} submits ${vendor}`)
    }
  }
  const hyperVendor = await signInVendor(test, 'hal@hyper.example', '192.0.2.30')
  const tooEarly = await hyperVendor.get(`/vendor/rfps/${SLUG}/debrief`)
  t.equal(tooEarly.statusCode, 409, 'no debrief before the decision')
  t.match(tooEarly.body, 'the debrief is available once the decision is recorded')
  t.notMatch(tooEarly.body, /EVE-|FINN-/)
  t.equal((await hyperVendor.post(`/vendor/rfps/${SLUG}/naming`, { named: 'yes', _csrf: csrfOf((await hyperVendor.get('/vendor')).body) })).statusCode, 409, 'nor a naming choice')

  // Before the close there is no decision to make.
  const early = await chair.get(`${BASE}/decision`)
  t.equal(early.statusCode, 200)
  t.match(early.body, 'The decision is recorded once individual scoring is closed.')
  t.notMatch(early.body, 'name="selected"')
  const earlyDecision = await chair.post(`${BASE}/decision`, { selected: proposals.alpha, rationale: 'Too early.', _csrf: csrfOf(early.body) })
  t.equal(earlyDecision.statusCode, 409, 'a decision before the close')
  t.match(earlyDecision.body, 'the decision is recorded after individual scoring is closed')

  // Closing: the owner only, and with a second factor proved within ten minutes.
  const evaluation = await chair.get(`${BASE}/evaluation`)
  t.match(evaluation.body, `action="${BASE}/rounds/1/close"`)
  t.notMatch((await eveV.get(`${BASE}/evaluation`)).body, `action="${BASE}/rounds/1/close"`, 'an evaluator has no close button')
  const byEvaluator = await eveV.post(`${BASE}/rounds/1/close`, { _csrf: eveToken })
  t.equal(byEvaluator.statusCode, 403, 'an evaluator cannot close')
  t.match(byEvaluator.body, 'only an owner of the RFP closes scoring')
  ctx.clock.advance(11 * MINUTE)
  const stale = await postFrom(chair, `${BASE}/evaluation`, `${BASE}/rounds/1/close`, { _csrf: csrfOf(evaluation.body) })
  t.equal(stale.statusCode, 303)
  t.equal(stale.headers.location, `/account/confirm?next=${encodeURIComponent(`${BASE}/evaluation`)}`, 'the second factor first, then back to the page')
  const round = async () => await ctx.db.selectFrom('scoring_rounds').selectAll().executeTakeFirstOrThrow()
  t.equal((await round()).closed_at, null, 'not closed yet')
  await stepUp(t, test, chair, test.owner.secret, stale.headers.location as string)
  const closed = await postFrom(chair, `${BASE}/evaluation`, `${BASE}/rounds/1/close`, { _csrf: csrfOf(evaluation.body) })
  t.equal(closed.statusCode, 303)
  t.equal(closed.headers.location, `${BASE}/rounds/1/results`, 'on to the results')
  t.match(await round(), { closed_by: test.owner.userId, closed_at: ctx.clock.now().toISOString() })
  t.equal((await ctx.db.selectFrom('rfps').select('state').executeTakeFirstOrThrow()).state, 'scoring_closed')
  const sealed = await ctx.db.selectFrom('sealed_score_sheets').select(['label', 'user_id', 'hash']).orderBy('label').execute()
  t.same(sealed.map((s) => [s.label, s.user_id]), [['Evaluator 1', test.eve.userId], ['Evaluator 2', test.finn.userId]], 'each evaluator\'s sheet sealed under their label')
  const event = await ctx.db.selectFrom('audit_events').select(['is_public', 'data']).where('type', '=', 'scoring.closed').executeTakeFirstOrThrow()
  t.equal(event.is_public, 1, 'the close is public')
  t.same((JSON.parse(event.data) as { sheets: unknown }).sheets, sealed.map((s) => ({ evaluator: s.label, hash: s.hash })), 'with the hash of each sheet')
  t.equal((await chair.post(`${BASE}/rounds/1/close`, { _csrf: csrfOf(evaluation.body) })).statusCode, 409, 'closed once')

  // The owner's results: figures, the flagged cell, the consensus and gate forms, each evaluator's sheet.
  const results = await chair.get(`${BASE}/rounds/1/results`)
  t.equal(results.statusCode, 200)
  t.equal(results.headers['cache-control'], 'no-store')
  const owners = results.body
  t.match(owners, 'by Cleo Chair')
  t.match(owners, `${NAMES.understanding}<br><small>25.00 % · 1–5</small>`, 'each criterion\'s share and scale')
  t.match(owners, `${NAMES.reports}<br><small>15.00 % · 1–5</small>`)
  const figures = (html: string) => comparison(html).map((row) => [row.Rank, row.Vendor, row['Score (0–100)']])
  t.same(figures(owners), [['1', ALPHA, '85.63'], ['2', SCRIPT, '50.00'], ['3', HYPER, '27.50']], 'ranks and scores: Alpha\'s 85.625 rounded half away from zero')
  t.equal(owners.match(/n=\d+<\/small> <mark>flag<\/mark>/g)?.length, 1, 'one cell flagged')
  t.match(owners, /<td>3\.00<br><small>range 2 · sd 1\.00 · n=2<\/small> <mark>flag<\/mark><\/td>/, 'Hyper\'s understanding: 2 and 4')
  t.match(owners, /<td>3\.00<br><small>range 0 · sd 0\.00 · n=1<\/small><\/td>/, 'the recused evaluator is absent from Script\'s means')
  t.same(comparison(owners).map((row) => CRITERIA.map((c) => row[NAMES[c]])), [
    ['4.50 range 1 · sd 0.50 · n=2', '4.50 range 1 · sd 0.50 · n=2', '4.50 range 1 · sd 0.50 · n=2', '4.00 range 0 · sd 0.00 · n=2', '4.50 range 1 · sd 0.50 · n=2'],
    Array(5).fill('3.00 range 0 · sd 0.00 · n=1'),
    ['3.00 range 2 · sd 1.00 · n=2 flag', '2.00 range 0 · sd 0.00 · n=2', '2.00 range 0 · sd 0.00 · n=2', '2.00 range 0 · sd 0.00 · n=2', '1.00 range 0 · sd 0.00 · n=2']
  ], 'each cell under its criterion\'s column')
  shownEscaped(t, owners, `The raw total is not shown: Evaluator 2 was recused from ${SCRIPT}, so not every proposal had the same evaluators.`, 'the reason there is no raw total')
  t.match(decode(owners), /<strong>=HYPERLINK\("https:\/\/evil\.example","Click me"\)<\/strong>, Understanding of Driftwood and its threat model: range 2 \((Evaluator 1 2, Evaluator 2 4|Evaluator 2 4, Evaluator 1 2)\)/, 'listed for discussion with the individual scores')
  t.match(owners, `action="${BASE}/rounds/1/consensus"`, 'the owner may record a consensus')
  t.match(owners, `action="${BASE}/rounds/1/gates"`, 'and gates')
  t.match(owners, 'Per evaluator')
  for (const marker of ['EVE-alpha-understanding', 'EVE-script-value', 'FINN-alpha-team', 'FINN-hyper-reports']) t.match(owners, marker, `the owner reads ${marker}`)
  shownEscaped(t, owners, `${SCRIPT_COMMENT} EVE-hyper`, 'a comment in the per-evaluator view')
  for (const s of sealed) t.match(owners, `${s.label}: <code>${s.hash}</code>`, `${s.label}'s sheet hash`)

  // The evaluators see the combined results and the individual scores of the flagged cells, by label — no
  // comments at all, neither the others' nor their own, and no forms.
  for (const [who, visitor] of [['Eve', eveV], ['Finn', finnV]] as const) {
    const page = await visitor.get(`${BASE}/rounds/1/results`)
    t.equal(page.statusCode, 200, `${who} sees the results once closed`)
    t.match(page.body, /<strong>85\.63<\/strong>[\s\S]*<strong>50\.00<\/strong>[\s\S]*<strong>27\.50<\/strong>/, `${who}: the figures`)
    t.match(page.body, /range 2 \((Evaluator 1 2, Evaluator 2 4|Evaluator 2 4, Evaluator 1 2)\)/, `${who}: the flagged cell's scores by label`)
    t.notMatch(page.body, /EVE-|FINN-|xss-comment/, `${who}: no comment of any evaluator`)
    t.notMatch(page.body, 'Per evaluator', `${who}: no per-evaluator view`)
    t.notMatch(page.body, /\/consensus"|\/gates"|\/price-envelope"/, `${who}: no forms`)
    t.notMatch(page.body, who === 'Eve' ? 'Finn Fairweather' : 'Eve Evaluator', `${who}: the other evaluator by label only`)
    t.same(figures(page.body), figures(owners), `${who}: the same comparison`)
    t.notOk(page.body.includes(RAW_SCRIPT), `${who}: escaped`)
  }

  // The CSV, with the formula defused.
  const csv = await chair.get(`${BASE}/rounds/1/results.csv`)
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.equal(csv.headers['content-disposition'], `attachment; filename="${SLUG}-round-1-results.csv"; filename*=UTF-8''${SLUG}-round-1-results.csv`)
  t.equal(csv.headers['cache-control'], 'no-store')
  const lines = csv.body.split('\r\n')
  t.equal(lines[0], `rank,vendor,score,status,${CRITERIA.map((c) => `${c} used,${c} mean,${c} consensus,${c} range,${c} sd`).join(',')},price,currency`)
  t.equal(lines[1], '1,Alpha Audits,85.63,ranked,4.50,4.50,,1,0.50,4.50,4.50,,1,0.50,4.50,4.50,,1,0.50,4.00,4.00,,0,0.00,4.50,4.50,,1,0.50,,')
  t.equal(lines[2], `2,"<script>alert('xss-vendor')</script> Security",50.00,ranked,${'3.00,3.00,,0,0.00,'.repeat(5)},`)
  t.equal(lines[3], '3,"\'=HYPERLINK(""https://evil.example"",""Click me"")",27.50,ranked,3.00,3.00,,2,1.00,2.00,2.00,,0,0.00,2.00,2.00,,0,0.00,2.00,2.00,,0,0.00,1.00,1.00,,0,0.00,,', 'a leading apostrophe, and quoted')
  t.equal(lines.length, 5, 'three rows and the final line break')
  t.notMatch(csv.body, /EVE-|FINN-|xss-comment/, 'no comments in the CSV')
  t.equal((await eveV.get(`${BASE}/rounds/1/results.csv`)).statusCode, 200, 'the committee\'s evaluators have it too')

  // Consensus and gates: owners only, with a reason.
  const _csrf = csrfOf(owners)
  const consensus = { proposalId: proposals.hyper, criterion: 'understanding', score: '4' }
  const noReason = await chair.post(`${BASE}/rounds/1/consensus`, { ...consensus, reason: '  ', _csrf })
  t.equal(noReason.statusCode, 400, 'a consensus without a reason')
  t.match(noReason.body, 'give the reason: it is part of the record')
  t.equal((await chair.post(`${BASE}/rounds/1/consensus`, { ...consensus, _csrf })).statusCode, 400, 'the reason missing from the form')
  const outside = await chair.post(`${BASE}/rounds/1/consensus`, { ...consensus, score: '6', reason: 'Agreed.', _csrf })
  t.equal(outside.statusCode, 400, 'outside the scale')
  t.match(outside.body, 'must be a whole number from 1 to 5')
  t.equal((await chair.post(`${BASE}/rounds/1/consensus`, { ...consensus, criterion: 'open-report', reason: 'Agreed.', _csrf })).statusCode, 400, 'not on a gate')
  const eveConsensus = await eveV.post(`${BASE}/rounds/1/consensus`, { ...consensus, reason: 'Agreed.', _csrf: eveToken })
  t.equal(eveConsensus.statusCode, 403, 'not by an evaluator')
  t.match(eveConsensus.body, 'only an owner of the RFP does this')
  t.equal(await count(ctx, 'consensus_scores'), 0, 'nothing recorded')
  const agreed = await chair.post(`${BASE}/rounds/1/consensus`, { ...consensus, reason: 'Agreed in the meeting: <em>a fair</em> threat model', _csrf })
  t.equal(agreed.statusCode, 303)
  t.equal(agreed.headers.location, `${BASE}/rounds/1/results#discussion`)
  const withConsensus = (await chair.get(`${BASE}/rounds/1/results`)).body
  t.same(figures(withConsensus), [['1', ALPHA, '85.63'], ['2', SCRIPT, '50.00'], ['3', HYPER, '33.75']], 'the score recomputed with the consensus')
  t.match(withConsensus, /<td>4\.00 <small>\(consensus; mean 3\.00\)<\/small><br><small>range 2 · sd 1\.00 · n=2<\/small> <mark>flag<\/mark><\/td>/, 'the consensus beside the mean, the flag kept')
  t.match(withConsensus, '— consensus <strong>4</strong>: Agreed in the meeting: &lt;em&gt;a fair&lt;/em&gt; threat model')
  t.same(await ctx.db.selectFrom('scores').select('score').where('proposal_id', '=', proposals.hyper).where('criterion_id', '=', 'understanding').orderBy('score').execute(), [{ score: 2 }, { score: 4 }], 'the individual scores stay as given')

  const gate = { proposalId: proposals.hyper, criterion: 'open-report', passed: 'no' }
  const gateNoReason = await chair.post(`${BASE}/rounds/1/gates`, { ...gate, reason: '', _csrf })
  t.equal(gateNoReason.statusCode, 400, 'a gate without a reason')
  t.match(gateNoReason.body, 'give the reason: it is part of the record')
  t.equal((await chair.post(`${BASE}/rounds/1/gates`, { ...gate, criterion: 'team', reason: 'x', _csrf })).statusCode, 400, 'not a gate')
  t.equal((await chair.post(`${BASE}/rounds/1/gates`, { ...gate, passed: 'maybe', reason: 'x', _csrf })).statusCode, 400, 'passed or failed only')
  const finnGate = await finnV.post(`${BASE}/rounds/1/gates`, { ...gate, reason: 'x', _csrf: csrfOf(form.body) })
  t.equal(finnGate.statusCode, 403, 'not by an evaluator')
  t.match(finnGate.body, 'only an owner of the RFP does this')
  t.equal(await count(ctx, 'gate_results'), 0, 'nothing recorded')
  const failed = await chair.post(`${BASE}/rounds/1/gates`, { ...gate, reason: 'The proposal keeps the final report private.', _csrf })
  t.equal(failed.statusCode, 303)
  t.equal(failed.headers.location, `${BASE}/rounds/1/results#gates`)
  const gated = (await chair.get(`${BASE}/rounds/1/results`)).body
  t.same(figures(gated), [['1', ALPHA, '85.63'], ['2', SCRIPT, '50.00'], ['—', HYPER, 'not ranked: failed the pass/fail gate open-report']], 'a failed gate: not ranked')
  t.match(gated, '<td>failed<br><small>The proposal keeps the final report private.</small></td>')
  t.match(gated, /<td>Alpha Audits<\/td><td>not judged<\/td>/)

  // The decision: the ranked proposals are offered; an owner decides with the second factor.
  t.equal((await eveV.get(`${BASE}/decision`)).statusCode, 403, 'the decision form is the owners\'')
  const decisionForm = await chair.get(`${BASE}/decision`)
  t.equal(decisionForm.statusCode, 200)
  t.equal(decisionForm.headers['cache-control'], 'no-store')
  t.match(decisionForm.body, `<input type="checkbox" name="selected" value="${proposals.alpha}" aria-label="Select Alpha Audits">`)
  t.match(decisionForm.body, `<input type="checkbox" name="selected" value="${proposals.script}" aria-label="Select &lt;script&gt;alert(&#x27;xss-vendor&#x27;)&lt;/script&gt; Security">`)
  t.notMatch(decisionForm.body, `name="selected" value="${proposals.hyper}"`, 'a proposal that is not ranked cannot be selected')
  shownEscaped(t, decisionForm.body, SCRIPT, 'the decision form')
  const decisionCsrf = csrfOf(decisionForm.body)
  const rationale = 'The committee selected the proposal with the clearest threat model & the strongest team.'
  const none = await chair.post(`${BASE}/decision`, { rationale, _csrf: decisionCsrf })
  t.equal(none.statusCode, 400, 'nothing selected')
  t.match(none.body, 'selected')
  t.equal((await chair.post(`${BASE}/decision`, { selected: proposals.alpha, rationale: ' ', _csrf: decisionCsrf })).statusCode, 400, 'no rationale')
  const eveDecision = await eveV.post(`${BASE}/decision`, { selected: proposals.alpha, rationale, _csrf: eveToken })
  t.equal(eveDecision.statusCode, 403, 'not by an evaluator')
  t.match(eveDecision.body, 'only an owner of the RFP records the decision')
  ctx.clock.advance(11 * MINUTE)
  const staleDecision = await postFrom(chair, `${BASE}/decision`, `${BASE}/decision`, { selected: proposals.alpha, rationale, _csrf: decisionCsrf })
  t.equal(staleDecision.statusCode, 303)
  t.equal(staleDecision.headers.location, `/account/confirm?next=${encodeURIComponent(`${BASE}/decision`)}`, 'the second factor again')
  t.equal(await count(ctx, 'decisions'), 0, 'nothing decided yet')
  await stepUp(t, test, chair, test.owner.secret, staleDecision.headers.location as string)
  const unranked = await chair.post(`${BASE}/decision`, { selected: proposals.hyper, rationale, _csrf: decisionCsrf })
  t.equal(unranked.statusCode, 400, 'a proposal that failed a gate cannot be selected')
  t.match(unranked.body, 'only a ranked proposal can be selected')
  const unjudged = await chair.post(`${BASE}/decision`, { selected: proposals.alpha, rationale, _csrf: decisionCsrf })
  t.equal(unjudged.statusCode, 400, 'nor one whose gate is not judged yet')
  t.match(unjudged.body, 'record whether the selected proposal passes &quot;Agrees to the publication of the final report&quot; first')
  t.equal(await count(ctx, 'decisions'), 0, 'nothing decided yet')
  t.equal((await chair.post(`${BASE}/rounds/1/gates`, { ...gate, proposalId: proposals.alpha, passed: 'yes', reason: 'The proposal accepts publication.', _csrf })).statusCode, 303)
  const decided = await chair.post(`${BASE}/decision`, { selected: proposals.alpha, rationale, _csrf: decisionCsrf })
  t.equal(decided.statusCode, 303)
  t.equal(decided.headers.location, `${BASE}/evaluation`)
  t.equal((await ctx.db.selectFrom('rfps').select('state').executeTakeFirstOrThrow()).state, 'decided')
  const statuses = await ctx.db.selectFrom('proposals').select(['id', 'status', 'status_reason']).execute()
  t.same(Object.fromEntries(statuses.map((s) => [s.id, [s.status, s.status_reason]])), {
    [proposals.alpha]: ['selected', null],
    [proposals.script]: ['not_selected', null],
    [proposals.hyper]: ['non_responsive', 'failed the pass/fail gate open-report']
  }, 'every proposal has its final status')
  t.equal((await chair.post(`${BASE}/decision`, { selected: proposals.alpha, rationale, _csrf: decisionCsrf })).statusCode, 409, 'decided once')
  const after = await chair.get(`${BASE}/decision`)
  t.match(decode(after.body), `<blockquote>${rationale}</blockquote>`)
  t.notMatch(after.body, 'name="selected"')

  const mails = await ctx.db.selectFrom('mail_outbox').select(['template', 'to_address', 'subject', 'text_body', 'html_body']).where('template', 'like', 'decision-%').orderBy('to_address').execute()
  t.same(mails.map((m) => [m.template, m.to_address]), [
    ['decision-selected', 'ada@alpha.example'],
    ['decision-not-selected', 'hal@hyper.example'],
    ['decision-not-selected', 'sam@script.example']
  ], 'every bidder is told')
  const debriefLink = `http://localhost:3000/vendor/rfps/${SLUG}/debrief`
  t.match(mails[0]?.subject, `Selected: ${DOCUMENT.title}`)
  t.notMatch(mails[0]?.text_body, '/debrief', 'the selected vendor is sent to the record')
  for (const mail of mails.slice(1)) {
    t.match(mail.text_body, debriefLink, `${mail.to_address}: the debrief link`)
    t.match(mail.html_body, `href="${debriefLink}"`)
    t.match(mail.text_body, 'Selected: Alpha Audits')
    t.notMatch(mail.text_body, /EVE-|FINN-|Eve Evaluator|Finn Fairweather/, 'no scores or evaluators in the mail')
  }
  t.match(mails[2]?.text_body, `and ${SCRIPT} was not selected`, 'the text part names the vendor as typed')
  t.notOk(mails[2]?.html_body.includes(RAW_SCRIPT), 'the HTML part escapes it')
  t.match(mails[2]?.html_body, '&lt;script&gt;alert(')

  // The debrief: the bidder's own scores and comments under labels; nobody else's, no evaluator named.
  const debrief = await hyperVendor.get(`/vendor/rfps/${SLUG}/debrief`)
  t.equal(debrief.statusCode, 200)
  t.equal(debrief.headers['cache-control'], 'no-store')
  t.match(debrief.body, 'Your organisation was not selected: failed the pass/fail gate open-report.')
  t.match(debrief.body, '3 organisations bid.')
  t.match(decode(debrief.body), `<blockquote>${rationale}</blockquote>`)
  t.match(debrief.body, `<h3>${NAMES.understanding}: 4.00 (consensus)</h3>`)
  shownEscaped(t, debrief.body, `<li>Evaluator 1: 2 — ${SCRIPT_COMMENT} EVE-hyper</li><li>Evaluator 2: 4 — FINN-hyper-understanding</li>`, 'its own scores and comments, by label')
  t.match(debrief.body, '<li>Evaluator 1: 1 — EVE-hyper-value</li><li>Evaluator 2: 1 — FINN-hyper-value</li>')
  t.match(debrief.body, /<ol><li>85\.63<\/li><li>50\.00<\/li><\/ol>/, 'the ranked totals, anonymised')
  t.notMatch(debrief.body, /EVE-alpha|EVE-script|FINN-alpha/, 'no comment on another bidder')
  t.notMatch(debrief.body, /Eve Evaluator|Finn Fairweather|Cleo Chair|eve@example|finn@example|chair@example/, 'no committee member named')
  t.notMatch(debrief.body, /Alpha Audits|xss-vendor/, 'no other bidder named')
  t.match(debrief.body, 'Until you choose, the public record calls you "Vendor A"')

  const scriptVendor = await signInVendor(test, 'sam@script.example', '192.0.2.31')
  const scriptDebrief = await scriptVendor.get(`/vendor/rfps/${SLUG}/debrief`)
  t.equal(scriptDebrief.statusCode, 200)
  t.match(scriptDebrief.body, 'Your score: <strong>50.00</strong> of 100, rank <strong>2</strong>.')
  t.match(scriptDebrief.body, '<li>Evaluator 1: 3 — EVE-script-understanding</li></ul>', 'the recused evaluator gave nothing')
  t.notMatch(scriptDebrief.body, 'Evaluator 2')
  t.match(scriptDebrief.body, /<ol><li>85\.63<\/li><li>50\.00 <strong>\(yours\)<\/strong><\/li><\/ol>/)
  t.notMatch(scriptDebrief.body, /EVE-hyper|EVE-alpha|FINN-|xss-comment/)
  const alphaVendor = await signInVendor(test, 'ada@alpha.example', '192.0.2.32')
  const alphaDebrief = await alphaVendor.get(`/vendor/rfps/${SLUG}/debrief`)
  t.match(alphaDebrief.body, 'Your organisation was <strong>selected</strong>.')
  t.match(alphaDebrief.body, 'Your score: <strong>85.63</strong> of 100, rank <strong>1</strong>.')
  t.notMatch(alphaDebrief.body, 'Naming in the public record', 'the selected are named anyway')

  // Every committee page that names the vendor typed as a script, or shows the comment typed as one, escapes it.
  for (const [who, visitor, urls] of [
    ['the owner', chair, [`${BASE}/evaluation`, `${BASE}/proposals`, `${BASE}/proposals/${proposals.script}`, `${BASE}/rounds/1/results`, `${BASE}/decision`]],
    ['Eve', eveV, [`${BASE}/evaluation`, `${BASE}/proposals`, sheetUrl(proposals.script), sheetUrl(proposals.hyper), `${BASE}/rounds/1/results`]],
    ['Finn', finnV, [`${BASE}/evaluation`, `${BASE}/proposals`, `${BASE}/rounds/1/results`]]
  ] as const) {
    for (const url of urls) {
      const res = await visitor.get(url)
      t.equal(res.statusCode, 200, `${who}: ${url}`)
      t.notOk(res.body.includes(RAW_SCRIPT), `${who}: ${url} has no raw script tag`)
      if (url !== `${BASE}/decision`) t.ok(decode(res.body).includes(SCRIPT) || decode(res.body).includes(SCRIPT_COMMENT), `${who}: ${url} shows the name or the comment as text`)
    }
  }
  const eveSheet = (await eveV.get(sheetUrl(proposals.hyper))).body
  shownEscaped(t, eveSheet, `>${SCRIPT_COMMENT} EVE-hyper</textarea>`, 'Eve\'s own comment on her locked sheet')
  t.match((await eveV.get(sheetUrl(proposals.script))).body, '<title>Scores: &lt;script&gt;alert(&#x27;xss-vendor&#x27;)&lt;/script&gt; Security · Shortlist</title>', 'in the title too')

  // Only bidders: a vendor that did not bid has no debrief, the committee none, the signed-out sign in first.
  await createVendorContact(ctx, 'Delta Bystanders', 'dee@delta.example')
  const bystander = await signInVendor(test, 'dee@delta.example', '192.0.2.33')
  const notBidding = await bystander.get(`/vendor/rfps/${SLUG}/debrief`)
  t.equal(notBidding.statusCode, 404, 'a vendor that did not bid')
  t.match(notBidding.body, 'your organisation has no proposal standing in this RFP')
  t.notMatch(notBidding.body, /EVE-|FINN-|85\.63/)
  for (const [who, visitor] of [['the owner', chair], ['an evaluator', eveV]] as const) {
    const res = await visitor.get(`/vendor/rfps/${SLUG}/debrief`)
    t.equal(res.statusCode, 403, `${who}: no debrief`)
    t.notMatch(res.body, /EVE-|FINN-/)
  }
  const anonymous = await new Visitor(test.app).get(`/vendor/rfps/${SLUG}/debrief`)
  t.equal(anonymous.statusCode, 303)
  t.equal(anonymous.headers.location, '/sign-in')

  // Naming: the bidder chooses, and may change its mind.
  const naming = `/vendor/rfps/${SLUG}/naming`
  t.equal((await hyperVendor.post(naming, { named: 'perhaps', _csrf: csrfOf(debrief.body) })).statusCode, 400, 'yes or no')
  t.equal((await hyperVendor.post(naming, { named: 'yes', _csrf: 'forged' })).statusCode, 403, 'a wrong CSRF token')
  t.equal((await bystander.post(naming, { named: 'yes', _csrf: csrfOf(notBidding.body) })).statusCode, 404, 'a vendor that did not bid')
  const byMember = await eveV.post(naming, { named: 'yes', _csrf: eveToken })
  t.equal(byMember.statusCode, 403, 'a committee member')
  t.match(byMember.body, 'this is for vendor contacts')
  t.equal((await ctx.db.selectFrom('vendor_naming').selectAll().execute()).length, 0, 'nothing chosen yet')
  const named = await hyperVendor.post(naming, { named: 'yes', _csrf: csrfOf(debrief.body) })
  t.equal(named.statusCode, 303)
  t.equal(named.headers.location, `/vendor/rfps/${SLUG}/debrief`)
  t.match((await hyperVendor.get(`/vendor/rfps/${SLUG}/debrief`)).body, 'You agreed to be named.')
  t.equal((await hyperVendor.post(naming, { named: 'no', _csrf: csrfOf(debrief.body) })).statusCode, 303)
  t.match((await hyperVendor.get(`/vendor/rfps/${SLUG}/debrief`)).body, 'You chose to stay anonymous.')
  t.match(await ctx.db.selectFrom('vendor_naming').selectAll().execute(), [{ proposal_id: proposals.hyper, may_be_named: 0, chosen_by: vendors.hyper.actor.userId }])
})

t.test('closing locks the scores: a conflict declared after the close does not take an evaluator\'s scores out of the results', async (t) => {
  const test = await setup(t)
  const { ctx, chair, eveV, finnV, vendors, proposals } = test
  await attestByForm(t, eveV)
  ctx.clock.advance(1000)
  await attestByForm(t, finnV)
  await attestByForm(t, chair)
  for (const [visitor, scores] of [[eveV, [2, 2, 2, 2, 1]], [finnV, [4, 4, 4, 4, 4]]] as const) {
    t.equal((await postSheet(visitor, proposals.hyper, fullSheet(scores, 'HYPER'))).statusCode, 303)
  }
  const closed = await chair.post(`${BASE}/rounds/1/close`, { _csrf: csrfOf((await chair.get(`${BASE}/evaluation`)).body) })
  t.equal(closed.statusCode, 303)
  const before = comparison((await chair.get(`${BASE}/rounds/1/results`)).body).find((row) => row.Vendor === HYPER)
  t.equal(before?.['Score (0–100)'], '48.13', 'both evaluators count: means 3, 3, 3, 3 and 2.5')

  // Finn has seen the others' scores; a conflict declared now must not withdraw his locked scores.
  ctx.clock.advance(1000)
  const late = await finnV.post(`${BASE}/conflicts`, { organisationId: vendors.hyper.organisationId, kind: 'financial', note: '', _csrf: csrfOf((await finnV.get(`${BASE}/evaluation`)).body) })
  const after = comparison((await chair.get(`${BASE}/rounds/1/results`)).body).find((row) => row.Vendor === HYPER)
  t.same(after, before, 'the results stay as closed')
  t.ok([303, 409].includes(late.statusCode), `the late declaration is recorded for the record, or refused (${late.statusCode})`)
})

// The RFP lifecycle through the pages: an owner drafts with the form, previews, publishes, amends and cancels;
// vendors register interest and acknowledge amendments; the public asks questions and the owner answers.
import t from 'tap'
import { totpCode } from '../../src/domain/second-factor.js'
import { getRfp } from '../../src/services/rfps.js'
import { buildTestApp, createCommitteeMember, TEST_PASSWORD, type TestApp } from '../helpers/app.js'
import { Visitor, signInVendorByForm } from '../helpers/browser-less.js'

type Fields = [name: string, value: string][]

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': '\'', '&#39;': '\'', '&#x60;': '`', '&#x3D;': '=' }
const decode = (text: string): string => text.replace(/&(?:amp|lt|gt|quot|#x27|#39|#x60|#x3D);/g, (entity) => ENTITIES[entity] ?? entity)
const escapeRe = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function attribute (tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}(?:="([^"]*)")?(?=[\\s/>])`).exec(tag)
  return match === null ? undefined : decode(match[1] ?? '')
}

/**
 * What a browser sends for the form posting to `action`: fields in document order, radios and options only
 * when chosen, nothing from a disabled fieldset, and a textarea without the one newline HTML drops after it.
 */
function formFields (html: string, action: string): Fields {
  const form = new RegExp(`<form method="post" action="${escapeRe(action)}"[^>]*>([\\s\\S]*?)</form>`).exec(html)
  if (form === null) throw new Error(`no form posting to ${action}`)
  const body = (form[1] ?? '').replace(/<fieldset\s+disabled>[\s\S]*?<\/fieldset>/g, '')
  const fields: Fields = []
  for (const [element] of body.matchAll(/<input\b[^>]*>|<textarea\b[^>]*>[\s\S]*?<\/textarea>|<select\b[^>]*>[\s\S]*?<\/select>/g)) {
    const tag = /^<[^>]*>/.exec(element)?.[0] ?? ''
    const name = attribute(tag, 'name')
    if (name === undefined) continue
    if (element.startsWith('<input')) {
      const type = attribute(tag, 'type') ?? 'text'
      if (type === 'submit' || type === 'button') continue
      if ((type === 'radio' || type === 'checkbox') && attribute(tag, 'checked') === undefined) continue
      fields.push([name, attribute(tag, 'value') ?? (type === 'checkbox' ? 'on' : '')])
    } else if (element.startsWith('<textarea')) {
      fields.push([name, decode(element.slice(tag.length, -'</textarea>'.length).replace(/^\r?\n/, ''))])
    } else {
      const options = [...element.matchAll(/<option\b[^>]*>/g)].map(([option]) => ({ value: attribute(option, 'value') ?? '', selected: attribute(option, 'selected') !== undefined }))
      const chosen = options.filter((o) => o.selected)
      if (attribute(tag, 'multiple') !== undefined) for (const o of chosen) fields.push([name, o.value])
      else if (options.length > 0) fields.push([name, (chosen[0] ?? options[0])!.value])
    }
  }
  return fields
}

/** Replaces the `index`th field called `name` (or adds it when there is none). */
function setField (fields: Fields, name: string, value: string, index = 0): Fields {
  let seen = 0
  let done = false
  const out = fields.map(([n, v]): [string, string] => {
    if (n !== name) return [n, v]
    if (seen++ === index) { done = true; return [n, value] }
    return [n, v]
  })
  if (!done) out.push([name, value])
  return out
}

const valuesOf = (fields: Fields, name: string): string[] => fields.filter(([n]) => n === name).map(([, v]) => v)

/** Posts repeated fields, as a browser does for rows of a form; keeps the visitor's cookies. */
async function submit (visitor: Visitor, url: string, fields: Fields) {
  const res = await visitor.app.inject({
    method: 'POST',
    url,
    headers: { cookie: visitor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
    remoteAddress: visitor.remoteAddress
  })
  for (const cookie of res.cookies) visitor.setCookie(cookie.name, cookie.value)
  return res
}

const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

/** An owner invited and enrolled, then signed in through the password and second-factor forms. */
async function signInOwner ({ app, ctx }: TestApp, email = 'owner@example.org', address = '198.51.100.20') {
  const member = await createCommitteeMember(ctx, email, { displayName: 'Olive Owner' })
  const visitor = new Visitor(app, address)
  const password = await visitor.post('/sign-in/password', { email, password: TEST_PASSWORD, _csrf: await visitor.csrfFrom('/sign-in') })
  if (password.headers.location !== '/sign-in/two-factor') throw new Error(`password refused: ${password.statusCode}`)
  ctx.clock.advance(30_000)
  const code = await visitor.post('/sign-in/two-factor', { code: totpCode(member.secret, ctx.clock.now()), _csrf: await visitor.csrfFrom('/sign-in/two-factor') })
  if (code.statusCode !== 303) throw new Error(`second factor refused: ${code.statusCode}`)
  return { member, visitor }
}

/** A vendor contact registered through the form and signed in by the mailed link. */
async function signInVendor (test: TestApp, email = 'ada@acme.example', organisation = 'Acme Security', address = '192.0.2.50'): Promise<Visitor> {
  return await signInVendorByForm(test, { email, organisation, contactName: 'Ada Lovelace', website: 'https://acme.example', address })
}

const SLUG = 'harbor-pipeline-audit'
const TITLE = 'Audit of the Harbor release pipeline'

/** The new-RFP form as a browser sends it, rows as repeated fields with the blank row left at the end. */
function newRfpForm (_csrf: string, change: Record<string, string> = {}): Fields {
  const single: Record<string, string> = {
    title: TITLE,
    slug: SLUG,
    summary: 'The Harbor working group invites proposals for an audit of its release pipeline.',
    timeZone: 'Europe/Amsterdam',
    questionsCloseAt: '2026-12-15T17:00',
    proposalsDueAt: '2027-01-12T12:00',
    decisionExpectedAt: '2027-02-02T12:00',
    eligibility: 'open',
    minimumProposals: '1',
    tieBreak: 'committee_vote',
    shortlistRule: 'top',
    shortlistCount: '3',
    shortlistScore: '',
    priceEnvelope: 'after_scoring',
    consensusTolerance: '2',
    nearTieMargin: '1',
    protestWindowDays: '10',
    amendmentNoticeDays: '7',
    ...change
  }
  const rows: Record<string, string[]> = {
    section_order: ['1', '2', '3'],
    section_kind: ['background', 'scope', 'other'],
    section_heading: [change.section_heading ?? 'Background', 'Scope', ''],
    section_body: [change.section_body ?? 'Harbor builds and signs the releases of forty projects.', 'The build scripts and the **signing** service.', ''],
    requirement_id: ['', '', ''],
    requirement_name: ['CVs of the team', 'An example report', ''],
    requirement_description: ['One page each', '', ''],
    requirement_required: ['required', 'optional', 'required'],
    criterion_id: ['', '', ''],
    criterion_round: ['Round 1', 'Round 1', 'Round 1'],
    criterion_name: ['Relevant experience', 'Price', ''],
    criterion_kind: ['scored', 'price', 'scored'],
    criterion_weight: [change.criterion_weight ?? '60', '40', ''],
    criterion_lo: ['', '', ''],
    criterion_hi: ['', '', ''],
    criterion_description: ['Audits of build systems', 'Fixed fee in EUR', '']
  }
  const fields: Fields = [['_csrf', _csrf]]
  for (const [name, value] of Object.entries(single)) if (!name.includes('_')) fields.push([name, value])
  for (const [name, values] of Object.entries(rows)) for (const value of values) fields.push([name, value])
  return fields
}

/** Drafts the RFP through the new-RFP form; returns where the form sent the owner. */
async function draftThroughForm (visitor: Visitor, change: Record<string, string> = {}) {
  const page = await visitor.get('/committee/rfps/new')
  return await submit(visitor, '/committee/rfps', newRfpForm(csrfOf(page.body), change))
}

async function publishThroughPage (visitor: Visitor, slug = SLUG) {
  const page = await visitor.get(`/committee/rfps/${slug}`)
  return await submit(visitor, `/committee/rfps/${slug}/publish`, formFields(page.body, `/committee/rfps/${slug}/publish`))
}

/** The amendment form as shown, with `change` made to it. */
async function amendmentFields (visitor: Visitor, change: (fields: Fields) => Fields, slug = SLUG): Promise<Fields> {
  const page = await visitor.get(`/committee/rfps/${slug}/edit`)
  if (page.statusCode !== 200) throw new Error(`no amendment form: ${page.statusCode}`)
  return change(formFields(page.body, `/committee/rfps/${slug}/edit`))
}

const rfpCount = async (ctx: TestApp['ctx']): Promise<number> => (await ctx.db.selectFrom('rfps').select('id').execute()).length

t.test('an owner drafts through the form, previews, publishes, amends with a reason and cancels', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor, member } = await signInOwner(test)

  const home = await visitor.get('/committee')
  t.equal(home.statusCode, 200)
  t.match(home.body, 'You hold no role on any RFP yet.')
  t.match(home.body, 'href="/committee/rfps/new"')

  const form = await visitor.get('/committee/rfps/new')
  t.equal(form.statusCode, 200)
  t.match(form.body, '<h1>New RFP</h1>')
  for (const name of ['title', 'slug', 'summary', 'timeZone', 'questionsCloseAt', 'section_heading', 'section_body', 'requirement_name', 'criterion_name', 'criterion_weight', 'minimumProposals']) {
    t.match(form.body, `name="${name}"`, `the form has ${name}`)
  }
  t.notMatch(form.body, 'name="reason"', 'a draft needs no reason')

  const created = await draftThroughForm(visitor)
  t.equal(created.statusCode, 303)
  t.equal(created.headers.location, `/committee/rfps/${SLUG}`)

  const { document } = await getRfp(ctx, member.actor, SLUG)
  t.same(document.schedule, {
    questionsCloseAt: '2026-12-15T16:00:00.000Z',
    proposalsDueAt: '2027-01-12T11:00:00.000Z',
    decisionExpectedAt: '2027-02-02T11:00:00.000Z'
  }, 'local times in Amsterdam are stored in UTC')
  t.same(document.sections.map((s) => s.heading), ['Background', 'Scope'], 'the blank row is left out')
  t.same(document.requirements, [
    { id: 'cvs-of-the-team', name: 'CVs of the team', description: 'One page each', required: true },
    { id: 'an-example-report', name: 'An example report', description: '', required: false }
  ])
  t.same(document.rounds, [{
    name: 'Round 1',
    criteria: [
      { id: 'relevant-experience', name: 'Relevant experience', description: 'Audits of build systems', kind: 'scored', weight: '60' },
      { id: 'price', name: 'Price', description: 'Fixed fee in EUR', kind: 'price', weight: '40' }
    ]
  }])

  const listed = await visitor.get('/committee')
  t.match(listed.body, `<a href="/committee/rfps/${SLUG}">${TITLE}</a>`)
  t.match(listed.body, '<td>Draft</td>')
  t.match(listed.body, '<td>owner</td>')
  t.match(listed.body, 'Tue, 12 Jan 2027, 12:00 CET')

  const page = await visitor.get(`/committee/rfps/${SLUG}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, `<h1>${TITLE}</h1>`)
  t.match(page.body, 'Draft · version 1')
  t.match(page.body, '<time datetime="2026-12-15T16:00:00.000Z">Tue, 15 Dec 2026, 17:00 CET</time>')
  t.match(page.body, `action="/committee/rfps/${SLUG}/publish"`)
  t.match(page.body, 'Olive Owner <small>owner@example.org</small>')

  const preview = await visitor.get(`/committee/rfps/${SLUG}/preview`)
  t.equal(preview.statusCode, 200)
  t.match(preview.body, '<strong>Preview.</strong>')
  t.match(preview.body, `<h1>${TITLE}</h1>`)
  t.match(preview.body, '<strong>signing</strong>', 'the Markdown is rendered')
  t.match(preview.body, '<strong>CVs of the team</strong> (required): One page each')
  t.equal((await visitor.get(`/rfps/${SLUG}`)).statusCode, 404, 'the public page does not exist yet, even for the owner')
  t.equal((await app.inject(`/rfps/${SLUG}`)).statusCode, 404)
  t.notMatch((await app.inject('/')).body, TITLE)

  const edited = await submit(visitor, `/committee/rfps/${SLUG}/edit`, await amendmentFields(visitor, (f) => setField(f, 'summary', 'A draft may change without a reason.')))
  t.equal(edited.statusCode, 303, 'a draft is edited in place')
  t.equal(edited.headers.location, `/committee/rfps/${SLUG}`)
  t.equal((await ctx.db.selectFrom('rfp_versions').select('number').execute()).length, 1, 'still version 1')

  const published = await publishThroughPage(visitor)
  t.equal(published.statusCode, 303)
  t.equal(published.headers.location, `/rfps/${SLUG}`)
  const publicPage = await app.inject(`/rfps/${SLUG}`)
  t.equal(publicPage.statusCode, 200)
  t.match(publicPage.body, `<h1>${TITLE}</h1>`)
  t.match(publicPage.body, 'Open for questions · version 1')
  t.match(publicPage.body, 'A draft may change without a reason.')
  t.notMatch(publicPage.body, '<strong>Preview.</strong>')
  t.match((await app.inject('/')).body, `<a href="/rfps/${SLUG}">${TITLE}</a>`)

  const amendForm = await visitor.get(`/committee/rfps/${SLUG}/edit`)
  t.equal(amendForm.statusCode, 200)
  t.match(amendForm.body, `<h1>Amend: ${TITLE}</h1>`)
  t.match(amendForm.body, 'name="reason"')
  t.match(amendForm.body, 'Reason for the amendment')
  t.match(amendForm.body, 'Publish the amendment')

  const change = (reason: string) => (fields: Fields): Fields => setField(setField(setField(fields,
    'section_body', 'Harbor builds, signs and publishes the releases of fifty projects.', 0),
  'proposalsDueAt', '2027-01-19T12:00'),
  'reason', reason)
  const before = await rfpVersions(ctx)
  const noReason = await submit(visitor, `/committee/rfps/${SLUG}/edit`, await amendmentFields(visitor, change('')))
  t.equal(noReason.statusCode, 400)
  t.match(noReason.headers['content-type'], 'text/html')
  t.match(noReason.body, '<strong>Reason for the amendment</strong>: say why the RFP is amended')
  t.match(noReason.body, 'fifty projects', 'the form is refilled with what was typed')
  t.match(noReason.body, 'value="2027-01-19T12:00"')
  t.equal(await rfpVersions(ctx), before, 'no version was made')

  const unchanged = await submit(visitor, `/committee/rfps/${SLUG}/edit`, await amendmentFields(visitor, (f) => setField(f, 'reason', 'Nothing, really.')))
  t.equal(unchanged.statusCode, 400, 'the form as shown, sent back unchanged, changes nothing')
  t.match(unchanged.body, '<strong>The amendment</strong>: nothing changed')
  t.equal(await rfpVersions(ctx), before)

  const earlier = await submit(visitor, `/committee/rfps/${SLUG}/edit`, await amendmentFields(visitor, (f) => setField(change('Sooner, please.')(f), 'proposalsDueAt', '2027-01-05T12:00')))
  t.equal(earlier.statusCode, 400, 'a deadline is not shortened after publication')
  t.match(earlier.body, '<strong>Proposals due</strong>: the proposal deadline can only move later after publication')
  t.match(earlier.body, 'Sooner, please.</textarea>', 'the reason is refilled too')
  t.equal(await rfpVersions(ctx), before)

  const amended = await submit(visitor, `/committee/rfps/${SLUG}/edit`, await amendmentFields(visitor, change('Fifty projects now; a week more for proposals.')))
  t.equal(amended.statusCode, 303)
  t.equal(amended.headers.location, `/rfps/${SLUG}/versions/2`)

  const version2 = await app.inject(`/rfps/${SLUG}/versions/2`)
  t.equal(version2.statusCode, 200)
  t.match(version2.body, '<strong>Reason for this amendment:</strong> Fifty projects now; a week more for proposals.')
  t.match(version2.body, /<ins><span class="visually-hidden">\[added: <\/span>[^<]*fifty/)
  t.match(version2.body, /<del><span class="visually-hidden">\[removed: <\/span>[^<]*forty/)
  t.match(version2.body, '<time datetime="2027-01-19T11:00:00.000Z">')
  const version1 = await app.inject(`/rfps/${SLUG}/versions/1`)
  t.equal(version1.statusCode, 200)
  t.match(version1.body, 'forty projects')
  t.notMatch(version1.body, '<ins>')

  const current = await app.inject(`/rfps/${SLUG}`)
  t.match(current.body, 'version 2')
  t.match(current.body, `<a href="/rfps/${SLUG}/versions/2">Version 2</a>`)
  t.match(current.body, 'Fifty projects now; a week more for proposals.')

  const diff = await app.inject(`/rfps/${SLUG}/diff?from=1&to=2`)
  t.equal(diff.statusCode, 200)
  t.match(diff.body, 'Changes from version 1 to version 2')
  t.match(diff.body, '<ins>')
  t.match(diff.body, '<del>')
  for (const query of ['from=1', 'to=2', 'from=one&to=2', 'from=0&to=2', 'from=1&to=2.5', '']) {
    t.equal((await app.inject(`/rfps/${SLUG}/diff?${query}`)).statusCode, 400, `diff?${query}`)
  }
  const unknown = await app.inject(`/rfps/${SLUG}/diff?from=1&to=9`)
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, 'there is no version 9: the RFP has 2')
  const unknownVersion = await app.inject(`/rfps/${SLUG}/versions/9`)
  t.equal(unknownVersion.statusCode, 404)
  t.match(unknownVersion.body, 'there is no version 9', 'the message names the version asked for')
  t.equal((await app.inject(`/rfps/${SLUG}/versions/0`)).statusCode, 400)
  t.equal((await app.inject(`/rfps/${SLUG}/versions/two`)).statusCode, 400)

  const committeePage = await visitor.get(`/committee/rfps/${SLUG}`)
  t.match(committeePage.body, `<a href="/rfps/${SLUG}/versions/2">Version 2</a>: Fifty projects now; a week more for proposals.`)
  const emptyReason = await submit(visitor, `/committee/rfps/${SLUG}/cancel`, setField(formFields(committeePage.body, `/committee/rfps/${SLUG}/cancel`), 'reason', '  '))
  t.equal(emptyReason.statusCode, 400)
  t.match(emptyReason.body, 'say why the RFP is cancelled')
  const cancelled = await submit(visitor, `/committee/rfps/${SLUG}/cancel`, setField(formFields(committeePage.body, `/committee/rfps/${SLUG}/cancel`), 'reason', 'The working group found the funds elsewhere.'))
  t.equal(cancelled.statusCode, 303)
  t.equal(cancelled.headers.location, `/committee/rfps/${SLUG}`)
  const after = await app.inject(`/rfps/${SLUG}`)
  t.equal(after.statusCode, 200)
  t.match(after.body, 'Cancelled · version 2')
  t.match(after.body, /<strong>Cancelled on Tue, 1 Dec 2026, \d\d:\d\d CET\.<\/strong> The working group found the funds elsewhere\./)
  t.notMatch(after.body, '/questions/new', 'no more questions')
  t.notMatch((await visitor.get(`/committee/rfps/${SLUG}`)).body, `action="/committee/rfps/${SLUG}/cancel"`, 'nothing left to cancel')
  t.equal((await visitor.get(`/committee/rfps/${SLUG}/edit`)).statusCode, 200, 'the form opens')
  const late = await submit(visitor, `/committee/rfps/${SLUG}/edit`, await amendmentFields(visitor, change('Too late.')))
  t.equal(late.statusCode, 409, 'a cancelled RFP is not amended')
})

async function rfpVersions (ctx: TestApp['ctx']): Promise<number> {
  return (await ctx.db.selectFrom('rfp_versions').select('number').execute()).length
}

t.test('a refused form comes back filled in with each problem named by its label, and nothing is saved', async (t) => {
  const test = await buildTestApp(t)
  const { ctx } = test
  const { visitor } = await signInOwner(test)

  const refused = async (change: Record<string, string>, status = 400) => {
    const res = await draftThroughForm(visitor, change)
    t.equal(res.statusCode, status, JSON.stringify(change))
    t.match(res.headers['content-type'], 'text/html')
    t.match(res.body, 'Nothing was saved. Please correct:')
    t.match(res.body, '<h1>New RFP</h1>')
    t.match(res.body, 'value="Europe/Amsterdam"', 'the typed values are back in the form')
    t.match(res.body, 'The build scripts and the **signing** service.')
    t.match(res.body, 'value="CVs of the team"')
    t.match(res.body, 'value="Relevant experience"')
    t.match(res.body, 'Audits of build systems</textarea>')
    return res.body
  }

  const untitled = await refused({ title: '' })
  t.match(untitled, /<li><strong>Title<\/strong>: [^<]+<\/li>/)
  t.match(untitled, 'name="title" value=""')

  const backwards = await refused({ decisionExpectedAt: '2027-01-05T12:00', criterion_weight: '0' })
  t.match(backwards, '<li><strong>Decision expected</strong>: must be after proposals are due</li>')
  t.match(backwards, '<li><strong>Criteria: round 1, criterion 1, weight</strong>: must be greater than 0</li>')
  t.match(backwards, 'value="2027-01-05T12:00"', 'the typed date is shown as typed')
  t.match(backwards, 'name="criterion_weight" value="0"')

  // Clocks in Amsterdam go from 02:00 to 03:00 on 28 March 2027.
  const skipped = await refused({ proposalsDueAt: '2027-03-28T02:30', decisionExpectedAt: '2027-04-30T12:00' })
  t.match(skipped, '<li><strong>Proposals due</strong>: 2027-03-28T02:30 is not a time that exists in Europe/Amsterdam')
  t.match(skipped, 'value="2027-03-28T02:30"')
  t.match(skipped, 'value="2026-12-15T17:00"')

  const headless = await refused({ section_heading: '', section_body: 'A section with text and no heading.' })
  t.match(headless, /<li><strong>Section 1, heading<\/strong>: [^<]+<\/li>/)
  t.match(headless, 'A section with text and no heading.')

  const noneInvited = await refused({ eligibility: 'invited' })
  t.match(noneInvited, /<li><strong>(Invited vendors|Who may bid)<\/strong>: [^<]+<\/li>/)
  t.match(noneInvited, 'name="eligibility" value="invited" checked', 'the choice is kept')

  t.equal(await rfpCount(ctx), 0, 'nothing was created')

  t.equal((await draftThroughForm(visitor)).statusCode, 303)
  const taken = await refused({ title: 'Another audit' }, 409)
  t.match(taken, '<li><strong>Address (slug)</strong>: &quot;harbor-pipeline-audit&quot; is taken by another RFP</li>')
  t.match(taken, 'value="Another audit"')
  t.equal(await rfpCount(ctx), 1, 'only the first was created')
})

t.test('committee pages are for the committee, and every form needs its CSRF token', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  t.equal((await draftThroughForm(owner, { slug: 'still-a-draft', title: 'Still a draft' })).statusCode, 303)
  t.equal((await draftThroughForm(owner)).statusCode, 303)
  t.equal((await publishThroughPage(owner)).statusCode, 303)

  const _csrf = csrfOf((await owner.get('/committee/rfps/new')).body)
  const forged = await submit(owner, '/committee/rfps', newRfpForm('forged-token', { slug: 'forged-one' }))
  t.equal(forged.statusCode, 403, 'a wrong token is refused')
  // Without the field at all, the body's schema refuses it before the CSRF check, naming the field.
  const missing = await submit(owner, '/committee/rfps', newRfpForm(_csrf, { slug: 'no-token' }).filter(([name]) => name !== '_csrf'))
  t.equal(missing.statusCode, 400, 'a form without its token is refused')
  t.match(missing.body, '_csrf')
  t.equal((await owner.post('/committee/rfps/still-a-draft/publish', {})).statusCode, 400, 'publishing without a token is refused')
  const stranger = new Visitor(app, '203.0.113.99')
  const strangersToken = await stranger.csrfFrom('/sign-in')
  t.equal((await submit(owner, '/committee/rfps', newRfpForm(strangersToken, { slug: 'other-session' }))).statusCode, 403, 'another session\'s token')
  t.equal((await owner.post('/committee/rfps/still-a-draft/publish', { _csrf: 'forged-token' })).statusCode, 403)
  t.equal(await rfpCount(ctx), 2, 'nothing was created')
  t.equal((await app.inject('/rfps/still-a-draft')).statusCode, 404, 'nor published')

  const anonymous = new Visitor(app, '203.0.113.10')
  for (const url of ['/committee', '/committee/rfps/new', `/committee/rfps/${SLUG}`, '/committee/rfps/still-a-draft/edit', '/committee/rfps/still-a-draft/preview']) {
    const res = await anonymous.get(url)
    t.equal(res.statusCode, 303, `anonymous ${url}`)
    t.equal(res.headers.location, '/sign-in')
  }
  const refusedPost = await anonymous.post('/committee/rfps/still-a-draft/publish', { _csrf: await anonymous.csrfFrom('/sign-in') })
  t.equal(refusedPost.statusCode, 303)
  t.equal(refusedPost.headers.location, '/sign-in')

  const vendor = await signInVendor(test)
  for (const url of ['/committee', '/committee/rfps/new', `/committee/rfps/${SLUG}`, `/committee/rfps/${SLUG}/edit`]) {
    t.equal((await vendor.get(url)).statusCode, 403, `vendor ${url}`)
  }
  for (const url of ['/committee/rfps/still-a-draft', '/committee/rfps/still-a-draft/edit', '/committee/rfps/still-a-draft/preview']) {
    t.equal((await vendor.get(url)).statusCode, 404, `vendor ${url}: a draft does not leak`)
  }
  const vendorCsrf = csrfOf((await vendor.get('/vendor')).body)
  t.equal((await vendor.post('/committee/rfps/still-a-draft/publish', { _csrf: vendorCsrf })).statusCode, 404)
  t.equal((await vendor.post(`/committee/rfps/${SLUG}/cancel`, { reason: 'Mine now', _csrf: vendorCsrf })).statusCode, 403)
  t.equal((await submit(vendor, '/committee/rfps', newRfpForm(vendorCsrf, { slug: 'vendor-rfp' }))).statusCode, 403, 'vendors draft no RFPs')
  t.equal((await app.inject('/rfps/still-a-draft')).statusCode, 404)
  t.match((await app.inject(`/rfps/${SLUG}`)).body, 'Open for questions', 'not cancelled')
  t.equal(await rfpCount(ctx), 2)

  // Another committee member, without a role on these RFPs.
  const { visitor: other } = await signInOwner(test, 'other@example.org', '198.51.100.21')
  t.equal((await other.get('/committee/rfps/still-a-draft')).statusCode, 404)
  t.equal((await other.get(`/committee/rfps/${SLUG}`)).statusCode, 403)
  t.equal((await other.get(`/committee/rfps/${SLUG}/edit`)).statusCode, 403)
  t.notMatch((await other.get('/committee')).body, TITLE)
})

t.test('a vendor registers interest from the public page and acknowledges an amendment', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  await draftThroughForm(owner)
  await publishThroughPage(owner)

  t.notMatch((await app.inject(`/rfps/${SLUG}`)).body, 'Register interest', 'not for the anonymous')
  t.notMatch((await owner.get(`/rfps/${SLUG}`)).body, 'Register interest', 'nor for the committee')

  const vendor = await signInVendor(test)
  const page = await vendor.get(`/rfps/${SLUG}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, '<h2 id="standing-heading">Acme Security and this RFP</h2>')
  t.match(page.body, 'Register interest')
  const register = await submit(vendor, `/vendor/rfps/${SLUG}/interest`, formFields(page.body, `/vendor/rfps/${SLUG}/interest`))
  t.equal(register.statusCode, 303)
  t.equal(register.headers.location, `/rfps/${SLUG}#your-organisation`)
  const registered = await vendor.get(`/rfps/${SLUG}`)
  t.match(registered.body, 'Your organisation is registered')
  t.notMatch(registered.body, 'Register interest')
  t.notMatch(registered.body, 'Acknowledge amendment')
  t.match((await owner.get(`/committee/rfps/${SLUG}`)).body, /<th scope="row">Acme Security<\/th><td>[^<]+<\/td><td>none<\/td>/)

  const amended = await submit(owner, `/committee/rfps/${SLUG}/edit`, await amendmentFields(owner, (f) => setField(setField(f, 'summary', 'The audit now covers the signing service too.'), 'reason', 'The signing service is in scope.')))
  t.equal(amended.statusCode, 303)
  const mail = await ctx.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('template', '=', 'rfp-amended').execute()
  t.same(mail.map((m) => m.to_address), ['ada@acme.example'], 'the registered vendor is mailed the amendment')
  t.match(mail[0]?.text_body, 'The signing service is in scope.')

  const toAcknowledge = await vendor.get(`/rfps/${SLUG}`)
  t.match(toAcknowledge.body, 'Acknowledge amendment 2')
  t.match(toAcknowledge.body, `<a href="/rfps/${SLUG}/versions/2">read what changed</a>`)
  t.match((await owner.get(`/committee/rfps/${SLUG}`)).body, /<th scope="row">Acme Security<\/th><td>[^<]+<\/td><td>2<\/td>/)
  const fields = formFields(toAcknowledge.body, `/vendor/rfps/${SLUG}/acknowledgements`)
  t.same(valuesOf(fields, 'version'), ['2'])
  const acknowledged = await submit(vendor, `/vendor/rfps/${SLUG}/acknowledgements`, fields)
  t.equal(acknowledged.statusCode, 303)
  t.equal(acknowledged.headers.location, `/rfps/${SLUG}#your-organisation`)
  t.notMatch((await vendor.get(`/rfps/${SLUG}`)).body, 'Acknowledge amendment')
  t.match((await owner.get(`/committee/rfps/${SLUG}`)).body, /<th scope="row">Acme Security<\/th><td>[^<]+<\/td><td>none<\/td>/)
  t.equal((await submit(vendor, `/vendor/rfps/${SLUG}/acknowledgements`, setField(fields, 'version', '3'))).statusCode, 404, 'there is no amendment 3')
  t.equal((await submit(vendor, `/vendor/rfps/${SLUG}/acknowledgements`, setField(fields, 'version', '1'))).statusCode, 400, 'version 1 is no amendment')
  t.equal((await submit(vendor, `/vendor/rfps/${SLUG}/acknowledgements`, setField(fields, '_csrf', 'forged'))).statusCode, 403)

  const anonymous = new Visitor(app, '203.0.113.11')
  const signedOut = await anonymous.post(`/vendor/rfps/${SLUG}/interest`, { _csrf: await anonymous.csrfFrom('/sign-in') })
  t.equal(signedOut.statusCode, 303)
  t.equal(signedOut.headers.location, '/sign-in')
  t.equal((await owner.post(`/vendor/rfps/${SLUG}/interest`, { _csrf: csrfOf((await owner.get('/committee')).body) })).statusCode, 403, 'committee members register no interest')
})

t.test('the public asks a question, confirms it from the mailed link, and reads the answer without its asker', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  await draftThroughForm(owner)
  await publishThroughPage(owner)

  const asker = new Visitor(app, '203.0.113.30')
  t.match((await asker.get(`/rfps/${SLUG}`)).body, `<a href="/rfps/${SLUG}/questions/new">Ask a question</a>`)
  const askPage = await asker.get(`/rfps/${SLUG}/questions/new`)
  t.equal(askPage.statusCode, 200)
  t.match(askPage.body, 'Questions are taken until Tue, 15 Dec 2026, 17:00 CET')
  t.match(askPage.body, 'name="email"')
  const question = 'Are the build machines of the mirrors in scope?'
  const sent = await submit(asker, `/rfps/${SLUG}/questions`, setField(setField(formFields(askPage.body, `/rfps/${SLUG}/questions`), 'body', question), 'email', 'Curious.Person@example.net'))
  t.equal(sent.statusCode, 200)
  t.match(sent.body, '<h1>Check your mail</h1>')
  t.notMatch((await owner.get(`/committee/rfps/${SLUG}`)).body, question, 'not yet with the committee')

  const mail = await ctx.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('template', '=', 'question-confirm').executeTakeFirstOrThrow()
  t.equal(mail.to_address, 'Curious.Person@example.net')
  const link = new RegExp(`(/rfps/${SLUG}/questions/confirm\\?token=([A-Za-z0-9_-]{43}))`).exec(mail.text_body)
  t.ok(link, 'the mail holds the confirm link')
  const confirmPath = link?.[1] ?? ''
  const token = link?.[2] ?? ''

  const confirmPage = await asker.get(confirmPath)
  t.equal(confirmPage.statusCode, 200)
  t.match(confirmPage.body, `<blockquote>${question}</blockquote>`)
  t.match(confirmPage.body, '<button type="submit">Send it to the committee</button>')
  t.equal((await asker.get(confirmPath)).statusCode, 200, 'opening the link consumes nothing')
  const confirmFields = formFields(confirmPage.body, `/rfps/${SLUG}/questions/confirm`)
  t.same(valuesOf(confirmFields, 'token'), [token])
  const confirmed = await submit(asker, `/rfps/${SLUG}/questions/confirm`, confirmFields)
  t.equal(confirmed.statusCode, 200)
  t.match(confirmed.body, '<h1>Question sent</h1>')
  t.equal((await submit(asker, `/rfps/${SLUG}/questions/confirm`, confirmFields)).statusCode, 404, 'the link works once')
  t.equal((await asker.get(confirmPath)).statusCode, 404)
  t.match((await ctx.db.selectFrom('mail_outbox').select('to_address').where('template', '=', 'question-asked').executeTakeFirstOrThrow()).to_address, 'owner@example.org', 'the owner is told')

  const committee = await owner.get(`/committee/rfps/${SLUG}`)
  t.match(committee.body, 'by curious.person@example.net', 'the committee sees who asked')
  const id = /\/questions\/([0-9a-f-]{36})\/answer/.exec(committee.body)?.[1] ?? ''
  t.match(id, /^[0-9a-f-]{36}$/)
  const answerForm = formFields(committee.body, `/committee/rfps/${SLUG}/questions/${id}/answer`)
  t.same(valuesOf(answerForm, 'question'), [question], 'the question is offered as asked, to be reworded')
  const answered = await submit(owner, `/committee/rfps/${SLUG}/questions/${id}/answer`, setField(answerForm, 'answer', 'No: only the **main** build machines.'))
  t.equal(answered.statusCode, 303)
  t.equal(answered.headers.location, `/committee/rfps/${SLUG}#questions`)

  const publicPage = await app.inject(`/rfps/${SLUG}`)
  t.match(publicPage.body, '<h3>Question 1</h3>')
  t.match(publicPage.body, `<blockquote>${question}</blockquote>`)
  t.match(publicPage.body, 'No: only the <strong>main</strong> build machines.')
  t.notMatch(publicPage.body, /curious\.person/i, 'the asker is never named')
  t.notMatch((await owner.get(`/rfps/${SLUG}`)).body, /curious\.person/i, 'not even to the committee on the public page')
  const answerMail = await ctx.db.selectFrom('mail_outbox').select('to_address').where('template', '=', 'question-answered').execute()
  t.same(answerMail.map((m) => m.to_address.toLowerCase()), ['curious.person@example.net'], 'the asker is mailed the answer')
})

t.test('a question that is empty, without a good address, or too late is refused with the reason', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  await draftThroughForm(owner)
  await publishThroughPage(owner)

  const asker = new Visitor(app, '203.0.113.31')
  const page = await asker.get(`/rfps/${SLUG}/questions/new`)
  const fields = formFields(page.body, `/rfps/${SLUG}/questions`)
  const ask = async (body: string, email: string) => await submit(asker, `/rfps/${SLUG}/questions`, setField(setField(fields, 'body', body), 'email', email))

  const empty = await ask('   ', 'someone@example.net')
  t.equal(empty.statusCode, 400)
  t.match(empty.body, 'The question was not sent:')
  t.match(empty.body, '<li>Question: must be at least 10 characters</li>')
  t.match(empty.body, 'value="someone@example.net"', 'the address stays filled in')

  const badAddress = await ask('Is the signing service in scope?', 'not an address')
  t.equal(badAddress.statusCode, 400)
  t.match(badAddress.body, '<li>E-mail address: give an e-mail address to confirm your question')
  t.match(badAddress.body, 'Is the signing service in scope?</textarea>', 'the question stays filled in')
  const noAddress = await submit(asker, `/rfps/${SLUG}/questions`, setField(fields, 'body', 'Is the signing service in scope?').filter(([name]) => name !== 'email'))
  t.equal(noAddress.statusCode, 400)
  t.match(noAddress.body, 'E-mail address:')
  t.equal((await ctx.db.selectFrom('rfp_questions').select('id').execute()).length, 0, 'nothing was stored')
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('template', '=', 'question-confirm').execute()).length, 0, 'nor mailed')

  // Questions close at 17:00 in Amsterdam on 15 December. The visitor's session (and CSRF secret) has lapsed
  // by then: it opens the form again, as a browser would.
  ctx.clock.set(new Date('2026-12-15T16:00:00.000Z'))
  const latePage = await asker.get(`/rfps/${SLUG}/questions/new`)
  t.equal(latePage.statusCode, 200, 'the form still opens')
  const late = await submit(asker, `/rfps/${SLUG}/questions`, setField(setField(formFields(latePage.body, `/rfps/${SLUG}/questions`), 'body', 'Is the signing service in scope?'), 'email', 'someone@example.net'))
  t.equal(late.statusCode, 400)
  t.match(late.body, 'the question period closed on Tue, 15 Dec 2026, 17:00 CET')
  t.notMatch((await app.inject(`/rfps/${SLUG}`)).body, '/questions/new', 'the page offers no more questions')
})

t.test('a question asked in time counts even when its link is opened just after the question period closed', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  await draftThroughForm(owner)
  await publishThroughPage(owner)
  const asker = new Visitor(app, '203.0.113.32')
  ctx.clock.set(new Date('2026-12-15T15:30:00.000Z'))
  const fields = formFields((await asker.get(`/rfps/${SLUG}/questions/new`)).body, `/rfps/${SLUG}/questions`)
  t.equal((await submit(asker, `/rfps/${SLUG}/questions`, setField(setField(fields, 'body', 'Asked just in time, confirmed a little later?'), 'email', 'late@example.net'))).statusCode, 200)
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('template', '=', 'question-confirm').executeTakeFirstOrThrow()
  const path = /\/rfps\/[a-z0-9-]+\/questions\/confirm\?token=[A-Za-z0-9_-]{43}/.exec(mail.text_body)?.[0] ?? ''
  ctx.clock.set(new Date('2026-12-15T16:30:00.000Z'))
  const page = await asker.get(path)
  t.equal(page.statusCode, 200)
  const confirmed = await submit(asker, `/rfps/${SLUG}/questions/confirm`, formFields(page.body, `/rfps/${SLUG}/questions/confirm`))
  t.equal(confirmed.statusCode, 200)
  t.match(confirmed.body, '<h1>Question sent</h1>')
  t.equal((await ctx.db.selectFrom('rfp_questions').select('status').executeTakeFirstOrThrow()).status, 'open')
  ctx.clock.set(new Date('2026-12-16T16:00:00.000Z'))
  t.equal((await asker.get(path)).statusCode, 404, 'a used link shows nothing')
})

t.test('malformed slugs, ids and tokens are refused before anything is looked up', async (t) => {
  const test = await buildTestApp(t)
  const { app } = test
  const { visitor: owner } = await signInOwner(test)
  await draftThroughForm(owner)
  await publishThroughPage(owner)
  const _csrf = csrfOf((await owner.get('/committee')).body)

  for (const url of ['/rfps/Not_A_Slug', '/rfps/ab', '/rfps/-dash-/versions/1', `/rfps/${'x'.repeat(81)}`, '/rfps/UPPER/questions/new', `/rfps/${SLUG}/questions/confirm?token=short`, `/rfps/${SLUG}/questions/confirm`]) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 400, url)
    t.match(res.headers['content-type'], 'text/html')
  }
  for (const url of ['/committee/rfps/Not_A_Slug', '/committee/rfps/Not_A_Slug/edit', '/committee/rfps/a_b/preview']) {
    t.equal((await owner.get(url)).statusCode, 400, url)
  }
  for (const url of [`/committee/rfps/${SLUG}/questions/not-a-uuid/answer`, `/committee/rfps/${SLUG}/questions/1234/reject`, `/committee/rfps/${SLUG}/questions/zz/merge`]) {
    t.equal((await owner.post(url, { question: 'A question of ten characters', answer: 'x', reason: 'x', into: 'x', _csrf })).statusCode, 400, url)
  }
  t.equal((await owner.post(`/committee/rfps/${SLUG}/members/remove`, { user: 'not-a-uuid', role: 'owner', _csrf })).statusCode, 400)
  t.equal((await owner.post(`/committee/rfps/${SLUG}/members`, { email: 'x@example.org', role: 'chair', _csrf })).statusCode, 400)
  t.equal((await owner.post(`/committee/rfps/${SLUG}/questions/00000000-0000-4000-8000-000000000000/answer`, { question: 'A question of ten characters', answer: 'x', _csrf })).statusCode, 404, 'a well-formed unknown id')
  t.equal((await owner.get('/committee/rfps/no-such-rfp')).statusCode, 404)
  t.equal((await app.inject('/rfps/no-such-rfp')).statusCode, 404)
  t.equal((await app.inject(`/rfps/${SLUG}/questions/confirm?token=${'A'.repeat(43)}`)).statusCode, 404, 'a well-formed unknown token')
})

t.test('titles and questions with markup are shown as text', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  const title = 'Audit <script>alert(1)</script> of Harbor'
  t.equal((await draftThroughForm(owner, { title })).statusCode, 303)
  const escaped = 'Audit &lt;script&gt;alert(1)&lt;/script&gt; of Harbor'
  const committee = await owner.get(`/committee/rfps/${SLUG}`)
  t.match(committee.body, `<h1>${escaped}</h1>`)
  t.notMatch(committee.body, '<script>alert')
  t.match((await owner.get('/committee')).body, escaped)
  t.notMatch((await owner.get(`/committee/rfps/${SLUG}/edit`)).body, '<script>alert')
  await publishThroughPage(owner)
  const publicPage = await app.inject(`/rfps/${SLUG}`)
  t.match(publicPage.body, `<h1>${escaped}</h1>`)
  t.notMatch(publicPage.body, '<script>alert')

  const vendor = await signInVendor(test)
  const askPage = await vendor.get(`/rfps/${SLUG}/questions/new`)
  t.notMatch(askPage.body, 'name="email"', 'a signed-in vendor gives no address')
  const question = 'Is <script>alert(2)</script> <img src=x onerror=alert(3)> in scope?'
  const asked = await submit(vendor, `/rfps/${SLUG}/questions`, setField(formFields(askPage.body, `/rfps/${SLUG}/questions`), 'body', question))
  t.equal(asked.statusCode, 200)
  t.match(asked.body, '<h1>Question sent</h1>', 'a signed-in vendor needs no confirmation')
  const withQuestion = await owner.get(`/committee/rfps/${SLUG}`)
  t.match(withQuestion.body, 'Is &lt;script&gt;alert(2)&lt;/script&gt; &lt;img src&#x3D;x onerror&#x3D;alert(3)&gt; in scope?')
  t.notMatch(withQuestion.body, '<script>alert')
  t.notMatch(withQuestion.body, '<img src=x')
  const id = /\/questions\/([0-9a-f-]{36})\/answer/.exec(withQuestion.body)?.[1] ?? ''
  const answer = await submit(owner, `/committee/rfps/${SLUG}/questions/${id}/answer`, setField(formFields(withQuestion.body, `/committee/rfps/${SLUG}/questions/${id}/answer`), 'answer', 'No <script>alert(4)</script>.'))
  t.equal(answer.statusCode, 303)
  const answered = await app.inject(`/rfps/${SLUG}`)
  t.match(answered.body, '<h3>Question 1</h3>')
  t.match(answered.body, '&lt;script&gt;alert(2)&lt;/script&gt;')
  t.match(answered.body, 'No &lt;script&gt;alert(4)&lt;/script&gt;.')
  t.notMatch(answered.body, '<script>alert')
  t.notMatch(answered.body, '<img src=x')
  t.notMatch(answered.body, 'ada@acme.example')
  t.equal((await ctx.db.selectFrom('rfp_questions').select('status').executeTakeFirstOrThrow()).status, 'answered')
})

t.test('the owner rejects, merges and revises from the committee page; the public page shows only answers', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { visitor: owner } = await signInOwner(test)
  await draftThroughForm(owner)
  await publishThroughPage(owner)
  const vendor = await signInVendor(test)
  for (const body of ['Is the signing service in scope?', 'Is the signing server part of the audit?', 'Who are the other bidders?']) {
    const page = await vendor.get(`/rfps/${SLUG}/questions/new`)
    t.equal((await submit(vendor, `/rfps/${SLUG}/questions`, setField(formFields(page.body, `/rfps/${SLUG}/questions`), 'body', body))).statusCode, 200)
  }
  const idOf = (html: string, body: string): string => /questions\/([0-9a-f-]{36})\//.exec(html.split('<article class="question').find((block) => block.includes(`<blockquote>${body}</blockquote>`)) ?? '')?.[1] ?? ''
  let page = (await owner.get(`/committee/rfps/${SLUG}`)).body
  const first = idOf(page, 'Is the signing service in scope?')
  const second = idOf(page, 'Is the signing server part of the audit?')
  const third = idOf(page, 'Who are the other bidders?')
  t.equal(new Set([first, second, third]).size, 3, 'three questions, each with its form')

  t.equal((await submit(owner, `/committee/rfps/${SLUG}/questions/${first}/answer`, setField(formFields(page, `/committee/rfps/${SLUG}/questions/${first}/answer`), 'answer', 'Yes, it is.'))).statusCode, 303)
  page = (await owner.get(`/committee/rfps/${SLUG}`)).body
  const mergeForm = new RegExp(`action="/committee/rfps/${SLUG}/questions/${second}/merge"[^]*?</select>`).exec(page)?.[0] ?? ''
  const offered = [...mergeForm.matchAll(/<option value="([0-9a-f-]{36})">/g)].map((m) => m[1])
  t.same(offered.sort(), [first, third].sort(), 'the other open or answered questions are offered, not the question itself')
  t.match(mergeForm, `<option value="${first}">Question 1: Is the signing service in scope?</option>`)
  const merge = setField(formFields(page, `/committee/rfps/${SLUG}/questions/${second}/merge`), 'into', first)
  t.equal((await submit(owner, `/committee/rfps/${SLUG}/questions/${second}/merge`, merge)).statusCode, 303)
  const reject = formFields(page, `/committee/rfps/${SLUG}/questions/${third}/reject`)
  t.equal((await submit(owner, `/committee/rfps/${SLUG}/questions/${third}/reject`, setField(reject, 'reason', ''))).statusCode, 400, 'a rejection needs a reason')
  t.equal((await submit(owner, `/committee/rfps/${SLUG}/questions/${third}/reject`, setField(reject, 'reason', 'Bidders are not named before the decision.'))).statusCode, 303)

  page = (await owner.get(`/committee/rfps/${SLUG}`)).body
  t.match(page, 'merged · asked')
  t.match(page, '<strong>Rejected:</strong> Bidders are not named before the decision.')
  const revise = formFields(page, `/committee/rfps/${SLUG}/questions/${first}/answer`)
  t.same(valuesOf(revise, 'answer'), ['Yes, it is.'], 'the revision form holds the published answer')
  ctx.clock.advance(60 * 60 * 1000)
  t.equal((await submit(owner, `/committee/rfps/${SLUG}/questions/${first}/answer`, setField(revise, 'answer', 'Yes, the signing service and its server.'))).statusCode, 303)

  const publicPage = (await app.inject(`/rfps/${SLUG}`)).body
  t.equal([...publicPage.matchAll(/<h3>Question \d+<\/h3>/g)].length, 1, 'one answer')
  t.match(publicPage, 'Yes, the signing service and its server.')
  t.match(publicPage, ', revised ')
  t.notMatch(publicPage, 'Who are the other bidders?')
  t.notMatch(publicPage, 'Bidders are not named')
  t.notMatch(publicPage, 'signing server part of the audit')
  const mails = await ctx.db.selectFrom('mail_outbox').select(['template', 'to_address']).where('template', 'in', ['question-answered', 'question-rejected']).orderBy('created_at').execute()
  t.same(mails.map((m) => m.template).sort(), ['question-answered', 'question-answered', 'question-rejected'], 'the asker hears of the answer, the merge and the rejection; a revision is mailed to registered vendors only')
})

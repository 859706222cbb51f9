// Protests through the pages, with real sessions and the pages' CSRF tokens: the bidder's section of its debrief
// (the window, the form, its protests and their answers), the refusals that come back as pages naming the field
// with the text as typed, the committee's page of protests and the one answer to each (the second factor asked
// again), the window closing, and the RFP's public page saying until when.
import { Signer } from '@fastify/cookie'
import { Readable } from 'node:stream'
import t, { type Test } from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { DAY_MS, formatInstant } from '../../src/domain/time.js'
import { recordDecision } from '../../src/services/decision.js'
import { attest } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { recordGate } from '../../src/services/results.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { storeSession } from '../../src/services/sessions.js'
import { buildTestApp, createCommitteeMember, createVendorContact, T0, type TestApp, type VendorContact } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const SECRET = 'a-test-session-secret-of-32-characters-or-more'
const DOCUMENT = securityAuditRfp(T0)
const SLUG = DOCUMENT.slug
const DEBRIEF = `/vendor/rfps/${SLUG}/debrief`
const PROTESTS = `/committee/rfps/${SLUG}/protests`
const CRITERIA = ['understanding', 'methodology', 'team', 'reports', 'value'] as const
const SCRIPT = '<script>alert("xss-grounds")</script>'

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': '\'', '&#39;': '\'', '&#x60;': '`', '&#x3D;': '=' }
const decode = (html: string): string => html.replace(/&(?:amp|lt|gt|quot|#x27|#39|#x60|#x3D);/g, (entity) => ENTITIES[entity] ?? entity)
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
/** The debrief's protest section, or the whole committee page's article. */
const protestSection = (html: string): string => /<section id="protest"[\s\S]*?<\/section>/.exec(html)?.[0] ?? ''

/** A signed-in visitor: a server-side session for the user, its second factor proved `secondFactorAgoMs` ago. */
async function visitorOf ({ app, ctx, config }: TestApp, userId: string, secondFactorAgoMs = 0): Promise<Visitor> {
  const visitor = new Visitor(app)
  const sessionId = `session-of-${userId}-${ctx.clock.now().getTime()}-${secondFactorAgoMs}`
  await storeSession(ctx, sessionId, {}, config.session)
  await storeSession(ctx, sessionId, { userId, secondFactorAt: new Date(ctx.clock.now().getTime() - secondFactorAgoMs).toISOString() }, config.session)
  visitor.setCookie('shortlist', new Signer(SECRET).sign(sessionId))
  return visitor
}

async function bid (test: TestApp, name: string, email: string): Promise<VendorContact & { proposalId: string, receipt: string }> {
  const { ctx } = test
  const contact = await createVendorContact(ctx, name, email)
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, contact.actor, SLUG, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${name} ${part}`)]), maxBytes: 1_000_000 }))
  }
  const receipt = await submitProposal(ctx, contact.actor, SLUG, { content: { summary: `${name} proposes.`, personnel: [] }, partners: [] }, files)
  return { ...contact, proposalId: (receipt.manifest.proposal as { id: string }).id, receipt: receipt.hash }
}

/** The demo RFP decided through the services: Olive owns it, Eve scores, Alpha is selected over Beta. */
async function decided (t: Test) {
  const test = await buildTestApp(t, { config: { session: { secret: SECRET } } })
  const { ctx } = test
  const owner = await createCommitteeMember(ctx, 'olive@committee.example', { displayName: 'Olive Ownerby' })
  const eve = await createCommitteeMember(ctx, 'eve@committee.example', { displayName: 'Eve Evaldottir' })
  const { id } = await createRfpDraft(ctx, owner.actor, DOCUMENT)
  await addRfpMember(ctx, owner.actor, SLUG, 'eve@committee.example', 'evaluator')
  await publishRfp(ctx, owner.actor, id)
  const alpha = await bid(test, 'Alpha Audits', 'ada@alpha.example')
  const beta = await bid(test, 'Beta Security', 'bo@beta.example')
  ctx.clock.set(new Date(DOCUMENT.schedule.proposalsDueAt))
  const stepUp = (actor: UserActor): UserActor => ({ ...actor, secondFactorAt: ctx.clock.now().toISOString() })
  await startOpening(ctx, stepUp(owner.actor), SLUG)
  await confirmOpening(ctx, stepUp(eve.actor), SLUG)
  for (const member of [owner, eve]) await attest(ctx, member.actor, SLUG, { mayBeNamed: false })
  for (const bidder of [alpha, beta]) {
    await saveScoreSheet(ctx, eve.actor, SLUG, 1, bidder.proposalId, { cells: CRITERIA.map((criterion) => ({ criterion, score: bidder === alpha ? 4 : 3, comment: 'Scored.' })), submit: true })
  }
  await closeScoringRound(ctx, stepUp(owner.actor), SLUG, 1)
  for (const bidder of [alpha, beta]) await recordGate(ctx, owner.actor, SLUG, 1, { proposalId: bidder.proposalId, criterion: 'open-report', passed: true, reason: 'Accepts publication.' })
  ctx.clock.advance(3_600_000)
  await recordDecision(ctx, stepUp(owner.actor), SLUG, { selected: [alpha.proposalId], rationale: 'Alpha scored best.', disqualified: [] })
  const decidedAt = ctx.clock.now()
  return { ...test, owner, eve, alpha, beta, decidedAt, closesAt: new Date(decidedAt.getTime() + 10 * DAY_MS) }
}

async function countProtests (test: TestApp): Promise<number> {
  return Number((await test.ctx.db.selectFrom('protests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

t.test('a bidder files a protest from its debrief; refusals come back as the page, naming the field, the text kept', async (t) => {
  const f = await decided(t)
  const beta = await visitorOf(f, f.beta.actor.userId)
  const page = await beta.get(DEBRIEF)
  t.equal(page.statusCode, 200)
  const section = protestSection(page.body)
  t.match(section, `Until <strong>${formatInstant(f.closesAt.toISOString(), DOCUMENT.timeZone)}</strong>, 10 days after the decision`, 'until when, in the RFP\'s time zone')
  t.match(section, `<form method="post" action="/vendor/rfps/${SLUG}/protest">`)
  t.match(section, '<textarea id="grounds" name="grounds" rows="10" maxlength="10000" required')
  const token = csrfOf(page.body)

  // A forged form (no valid token) is refused before anything is read.
  const forged = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: 'Forged.', _csrf: 'not-the-token' })
  t.equal(forged.statusCode, 403, 'a wrong CSRF token')
  const missing = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: 'No token at all.' })
  t.equal(missing.statusCode, 400, 'no CSRF token')
  t.match(missing.body, '_csrf')

  const blank = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: '  \r\n  ', _csrf: token })
  t.equal(blank.statusCode, 400, 'blank grounds')
  t.equal(blank.headers['content-type'], 'text/html; charset=utf-8')
  t.match(protestSection(blank.body), '<p class="form-error" id="grounds-error">The grounds cannot be empty.</p>', 'the field named beside it')
  t.match(protestSection(blank.body), 'aria-describedby="grounds-help grounds-error" aria-invalid="true"')
  t.match(blank.body, 'Alpha scored best.', 'the rest of the debrief is there')

  const long = `${SCRIPT} ${'x'.repeat(10_000)}`
  const tooLong = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: long, _csrf: csrfOf(blank.body) })
  t.equal(tooLong.statusCode, 400, 'too long')
  t.match(protestSection(tooLong.body), `The grounds must be at most 10000 characters (it has ${long.length}).`)
  t.ok(decode(protestSection(tooLong.body)).includes(`>${long}</textarea>`), 'the text comes back as typed')
  t.notOk(tooLong.body.includes(SCRIPT), 'escaped')

  const huge = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: 'y'.repeat(20_001), _csrf: token })
  t.equal(huge.statusCode, 400, 'beyond what any browser form sends')
  t.match(huge.body, 'body/grounds')
  t.equal(await countProtests(f), 0, 'no refusal filed anything')

  const filed = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: `The team criterion was misread.\r\n\r\n${SCRIPT}`, _csrf: token })
  t.equal(filed.statusCode, 303)
  t.equal(filed.headers.location, `${DEBRIEF}#protest`)
  const after = protestSection((await beta.get(DEBRIEF)).body)
  t.match(after, 'awaiting the owners\' answer')
  t.match(after, 'The team criterion was misread.')
  t.notOk(after.includes(SCRIPT), 'the grounds are shown escaped')
  t.ok(decode(after).includes(SCRIPT))
  t.notMatch(after, '<form', 'one protest at a time: no form meanwhile')
  t.match(after, 'Your protest awaits the owners\' answer')

  const again = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: 'A second one.', _csrf: token })
  t.equal(again.statusCode, 409)
  t.match(again.body, 'one protest is open at a time')
  t.equal(await countProtests(f), 1)
})

t.test('only the bidder files: another vendor, the committee and signed-out visitors are refused', async (t) => {
  const f = await decided(t)
  const zeta = await createVendorContact(f.ctx, 'Zeta Without A Bid', 'zed@zeta.example')
  const post = async (visitor: Visitor) => await visitor.post(`/vendor/rfps/${SLUG}/protest`, { grounds: 'Not ours to file.', _csrf: await visitor.csrfFrom('/vendor/register') })
  t.equal((await post(await visitorOf(f, zeta.actor.userId))).statusCode, 404, 'a vendor that did not bid')
  t.equal((await post(await visitorOf(f, f.eve.userId))).statusCode, 403, 'an evaluator')
  t.equal((await post(await visitorOf(f, f.owner.userId))).statusCode, 403, 'the owner')
  const anonymous = await post(new Visitor(f.app))
  t.equal(anonymous.statusCode, 303)
  t.equal(anonymous.headers.location, '/sign-in')
  t.equal(await countProtests(f), 0)
})

t.test('the owners\' page: the protests by bidder, one answer each with the second factor asked again, shown to the bidder', async (t) => {
  const f = await decided(t)
  const beta = await visitorOf(f, f.beta.actor.userId)
  await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: `Beta objects. ${SCRIPT}`, _csrf: await beta.csrfFrom(DEBRIEF) })
  const { id } = await f.ctx.db.selectFrom('protests').select('id').executeTakeFirstOrThrow()
  const url = `${PROTESTS}/${id}/response`

  t.equal((await (await visitorOf(f, f.eve.userId)).get(PROTESTS)).statusCode, 403, 'an evaluator')
  t.equal((await beta.get(PROTESTS)).statusCode, 403, 'the vendor')
  t.equal((await new Visitor(f.app).get(PROTESTS)).statusCode, 303, 'signed out')

  const chair = await visitorOf(f, f.owner.userId)
  const page = await chair.get(PROTESTS)
  t.equal(page.statusCode, 200)
  t.match(page.body, '<h2 id="protest-')
  t.match(page.body, 'Beta Security</h2>')
  t.match(page.body, f.beta.receipt)
  t.notOk(page.body.includes(SCRIPT), 'the grounds escaped')
  t.match(page.body, `<form method="post" action="${url}">`)
  t.match(page.body, 'which has not agreed to be named: the record calls it by a letter, so do not name it')
  t.match(page.body, 'Upholding does not change the recorded decision')
  const token = csrfOf(page.body)

  const empty = await chair.post(url, { response: '  ', _csrf: token })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, 'The resolution must be one of upheld, dismissed.')
  t.match(empty.body, 'The response cannot be empty.')
  t.match(empty.body, `aria-describedby="response-${id}-help response-${id}-error"`)
  const typed = await chair.post(url, { resolution: 'dismissed', response: 'z'.repeat(10_001), _csrf: token })
  t.equal(typed.statusCode, 400)
  t.ok(typed.body.includes('value="dismissed" required checked'), 'the choice is kept')
  t.match(typed.body, 'The response must be at most 10000 characters')
  t.notMatch(typed.body, 'The resolution must')

  // Ten minutes and a millisecond after its sign-in, the chair proves the second factor again first.
  const stale = await visitorOf(f, f.owner.userId, 10 * 60_000 + 1)
  const asked = await stale.app.inject({
    method: 'POST',
    url,
    headers: { cookie: stale.cookie, referer: `http://localhost:3000${PROTESTS}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ resolution: 'dismissed', response: 'Stale.', _csrf: await stale.csrfFrom(PROTESTS) }).toString()
  })
  t.equal(asked.statusCode, 303)
  t.equal(asked.headers.location, `/account/confirm?next=${encodeURIComponent(PROTESTS)}`)
  t.same(await f.ctx.db.selectFrom('protests').select('resolution').execute(), [{ resolution: null }], 'nothing answered meanwhile')

  const answered = await chair.post(url, { resolution: 'upheld', response: 'You are right about the team criterion: the committee reviews it on 10 January and publishes what it finds.', _csrf: token })
  t.equal(answered.statusCode, 303)
  t.equal(answered.headers.location, `${PROTESTS}#protest-${id}`)
  const shown = await chair.get(PROTESTS)
  t.match(shown.body, '<strong>Upheld</strong> by Olive Ownerby')
  t.match(shown.body, 'the committee reviews it on 10 January')
  t.notMatch(shown.body, `action="${url}"`, 'answered once: no form any more')
  const twice = await chair.post(url, { resolution: 'dismissed', response: 'Again.', _csrf: token })
  t.equal(twice.statusCode, 409)
  t.match(twice.body, 'a protest is answered once')

  const debrief = protestSection((await beta.get(DEBRIEF)).body)
  t.match(debrief, '<strong>upheld</strong>')
  t.match(debrief, 'the committee reviews it on 10 January')
  t.match(debrief, '<form method="post"', 'answered: Beta may file another while the window is open')
})

t.test('the window closes to the millisecond on the pages; the RFP\'s public page says until when while it is open', async (t) => {
  const f = await decided(t)
  const until = formatInstant(f.closesAt.toISOString(), DOCUMENT.timeZone)
  t.match((await new Visitor(f.app).get(`/rfps/${SLUG}`)).body, `Bidders may protest against the decision until ${until}.`)

  f.ctx.clock.set(new Date(f.closesAt.getTime() - 1))
  const beta = await visitorOf(f, f.beta.actor.userId)
  const page = await beta.get(DEBRIEF)
  t.match(protestSection(page.body), '<form method="post"', '1 ms before the end')

  f.ctx.clock.set(f.closesAt)
  const late = await beta.post(`/vendor/rfps/${SLUG}/protest`, { grounds: 'Just in time?', _csrf: csrfOf(page.body) })
  t.equal(late.statusCode, 409)
  t.match(late.body, `the protest window closed ${until}, 10 days after the decision`)
  const closed = protestSection((await beta.get(DEBRIEF)).body)
  t.match(closed, `The protest window closed ${until}, 10 days after the decision.`)
  t.notMatch(closed, '<form')
  t.notMatch((await new Visitor(f.app).get(`/rfps/${SLUG}`)).body, 'Bidders may protest')
  t.equal(await countProtests(f), 0)
})

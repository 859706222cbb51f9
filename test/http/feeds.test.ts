// /feed.atom, /rfps/:slug/feed.atom and /rfps/:slug/calendar.ics over HTTP, on the demo: what feed readers and
// calendar programs subscribe to, checked with real parsers.
import t from 'tap'
import type { Test } from 'tap'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import ICAL from 'ical.js'
import { findUserByEmail } from '../../src/db/users.js'
import { findContact } from '../../src/db/vendors.js'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { amendRfp } from '../../src/services/amendments.js'
import { answerQuestion, askQuestion, listQuestionsForCommittee } from '../../src/services/questions.js'
import { cancelRfp, createRfpDraft, getRfp, publishRfp } from '../../src/services/rfps.js'
import { buildTestApp, createOwner, T0, type TestApp } from '../helpers/app.js'

const PUBLIC_URL = 'https://rfps.example.org'
const DAY = 24 * 60 * 60 * 1000

interface Text { '#text': string, '@_type': string }
interface Link { '@_rel': string, '@_type': string, '@_href': string }
interface ParsedEntry { id: string[], title: Text[], updated: string[], link: Link[], summary: Text[] }
interface ParsedFeed { '@_xmlns': string, id: string[], title: Text[], updated: string[], author: Array<{ name: string[] }>, link: Link[], entry?: ParsedEntry[] }

// Every child as a list, so "exactly one" is checkable; Handlebars writes ' = ` as numeric character references.
const repeatable = ['entry', 'link', 'id', 'title', 'updated', 'author', 'summary', 'name']
const parser = new XMLParser({ ignoreAttributes: false, htmlEntities: true, parseTagValue: false, isArray: (name) => repeatable.includes(name) })
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/
const TAG = /^tag:rfps\.example\.org,\d{4}-\d{2}-\d{2}:shortlist\/event\/\d+$/
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+/

const one = <T>(t: Test, list: T[] | undefined, name: string): T => {
  t.equal(list?.length, 1, `exactly one ${name}`)
  const [item] = list ?? []
  if (item === undefined) throw new Error(`no ${name}`)
  return item
}

async function demo (t: Test): Promise<TestApp & { chair: UserActor, vendor: UserActor }> {
  const test = await buildTestApp(t, { demo: true, config: { publicUrl: PUBLIC_URL } })
  const user = async (email: string) => {
    const found = await findUserByEmail(test.ctx.db, email)
    if (found === undefined) throw new Error(`no demo user ${email}`)
    return found.id
  }
  const chair: UserActor = { kind: 'user', userId: await user('chair@driftwood.example'), isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
  const vendorId = await user('ana@northwind-assurance.example')
  const contact = await findContact(test.ctx.db, vendorId)
  const vendor: UserActor = { kind: 'user', userId: vendorId, isAdmin: false, organisationId: contact?.organisationId ?? null, hasSecondFactor: false, secondFactorAt: null }
  return { ...test, chair, vendor }
}

/** Fetches a feed and checks what every Atom feed must have; returns the parsed feed. */
async function fetchFeed (t: Test, app: TestApp['app'], path: string): Promise<{ xml: string, feed: ParsedFeed, entries: ParsedEntry[] }> {
  const res = await app.inject({ url: path, headers: { cookie: 'shortlist=stale-session-id' } })
  t.equal(res.statusCode, 200, path)
  t.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8')
  t.equal(res.headers['set-cookie'], undefined, 'a feed sets no cookie')
  const xml = res.body
  t.equal(XMLValidator.validate(xml), true, 'well-formed XML')
  t.notMatch(xml, /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, 'only XML\'s own entity references')
  const feed = (parser.parse(xml) as { feed: ParsedFeed }).feed
  t.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom')
  t.match(one(t, feed.id, 'feed id'), /^tag:rfps\.example\.org,\d{4}-\d{2}-\d{2}:shortlist\/feed/)
  t.ok(one(t, feed.title, 'feed title')['#text'].length > 0, 'a title')
  t.match(one(t, feed.updated, 'feed updated'), RFC3339)
  t.equal(one(t, one(t, feed.author, 'feed author').name, 'author name'), 'Shortlist')
  const self = feed.link.filter((l) => l['@_rel'] === 'self')
  t.equal(one(t, self, 'self link')['@_href'], `${PUBLIC_URL}${path.split('?')[0] ?? ''}`, 'the self link is the feed on the public URL')
  t.equal(self[0]?.['@_type'], 'application/atom+xml')
  const entries = feed.entry ?? []
  for (const entry of entries) {
    t.match(one(t, entry.id, 'entry id'), TAG, 'entry ids are tag: URIs')
    t.ok(one(t, entry.title, 'entry title')['#text'].length > 0)
    t.match(one(t, entry.updated, 'entry updated'), RFC3339)
    const link = one(t, entry.link, 'entry link')
    t.equal(link['@_rel'], 'alternate')
    t.ok(link['@_href'].startsWith(`${PUBLIC_URL}/rfps/`), `the entry links to an RFP page: ${link['@_href']}`)
    t.equal(one(t, entry.summary, 'entry summary')['@_type'], 'text')
  }
  const updated = entries.map((e) => Date.parse(e.updated[0] ?? ''))
  t.same(updated, [...updated].sort((a, b) => b - a), 'newest first')
  t.equal(new Set(entries.map((e) => e.id[0])).size, entries.length, 'every entry id is its own')
  if (entries.length > 0) t.equal(Date.parse(feed.updated[0] ?? ''), Math.max(...updated), 'the feed is as recent as its newest entry')
  t.notMatch(xml, EMAIL, 'no e-mail address anywhere, askers\' least of all')
  return { xml, feed, entries }
}

const titles = (entries: ParsedEntry[]): string[] => entries.map((e) => e.title[0]?.['#text'] ?? '')
const ids = (entries: ParsedEntry[]): string[] => entries.map((e) => e.id[0] ?? '')

t.test('the site feed lists the demo\'s publication, answers and amendments, newest first, with permanent ids', async (t) => {
  const { app, ctx, chair, vendor } = await demo(t)
  const first = await fetchFeed(t, app, '/feed.atom')
  const title = 'Independent security audit of Driftwood 2.0'
  const closed = 'Cryptography review of the Lanternfish signing library'
  const decided = 'Fuzzing audit of the Eelgrass archive parser'
  t.same(titles(first.entries), [
    `Amendment (version 3): ${title}`,
    `Amendment (version 2): ${title}`,
    `Answer 3: ${title}`,
    `Answer 2: ${title}`,
    `Answer 1: ${title}`,
    `Published: ${title}`,
    `Proposals opened: ${closed}`,
    `Published: ${closed}`,
    `Decided: ${decided}`,
    `Proposals opened: ${decided}`,
    `Published: ${decided}`
  ])
  const links = first.entries.map((e) => e.link[0]?.['@_href'])
  t.same(links, [
    `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}/versions/3`,
    `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}/versions/2`,
    `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}#answer-3`,
    `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}#answer-2`,
    `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}#answer-1`,
    `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}`,
    `${PUBLIC_URL}/rfps/${CLOSED_RFP_SLUG}/receipts`,
    `${PUBLIC_URL}/rfps/${CLOSED_RFP_SLUG}`,
    `${PUBLIC_URL}/rfps/${DECIDED_RFP_SLUG}`,
    `${PUBLIC_URL}/rfps/${DECIDED_RFP_SLUG}/receipts`,
    `${PUBLIC_URL}/rfps/${DECIDED_RFP_SLUG}`
  ])
  t.match(first.entries[8]?.summary[0]?.['#text'], /^Selected: Northwind Assurance\.\n\nThe two leading proposals were within a point/, 'the decision names the selected vendor and gives the rationale')
  t.match(first.entries[9]?.summary[0]?.['#text'], 'opened the 4 proposals received by the deadline')
  t.match(first.entries[6]?.summary[0]?.['#text'], 'opened the 3 proposals received by the deadline')
  t.match(first.entries[0]?.summary[0]?.['#text'], 'Every date moves one week later')
  t.match(first.entries[4]?.summary[0]?.['#text'], /^Q: Is the retest of fixes included in the fixed fee.*\n\nA: Include the retest in the fixed fee\./s)
  const alternate = first.feed.link.find((l) => l['@_rel'] === 'alternate')
  t.equal(alternate?.['@_href'], `${PUBLIC_URL}/`)
  t.equal(alternate?.['@_type'], 'text/html')
  t.equal(first.feed.title[0]?.['#text'], 'Shortlist')
  // The decision names the selected vendor; nothing names an unsuccessful bidder or an asker.
  t.notMatch(first.xml, /basalt|quillon|tidewater|Ana Lima|Kenji/i, 'no asker or unsuccessful bidder is named')
  t.equal(first.xml.match(/Northwind/g)?.length, 2, 'Northwind twice, in the decision\'s summary and its rationale')

  const again = await fetchFeed(t, app, '/feed.atom')
  t.equal(again.xml, first.xml, 'the same bytes when nothing happened')

  ctx.clock.advance(60 * 60 * 1000)
  await askQuestion(ctx, vendor, DEMO_RFP_SLUG, { body: 'Does the retest have a deadline of its own?' })
  const [asked] = (await listQuestionsForCommittee(ctx, chair, DEMO_RFP_SLUG)).filter((q) => q.status === 'open')
  await answerQuestion(ctx, chair, DEMO_RFP_SLUG, asked?.id ?? '', { question: 'Does the retest have a deadline of its own?', answer: 'Within a month of the fixes.' })
  const later = await fetchFeed(t, app, '/feed.atom?utm_source=reader')
  t.equal(later.entries.length, first.entries.length + 1)
  t.equal(titles(later.entries)[0], `Answer 4: ${title}`, 'the new entry comes first')
  t.same(ids(later.entries).slice(1), ids(first.entries), 'the old entries keep their ids')
  t.same(later.feed.id, first.feed.id, 'and the feed its id')
  t.equal(later.feed.updated[0], later.entries[0]?.updated[0])
  t.not(later.feed.updated[0], first.feed.updated[0], 'the feed is updated')
  t.notMatch(later.xml, EMAIL)
})

t.test('an RFP\'s feed holds its own news only; a draft has none to show', async (t) => {
  const { app, ctx, chair } = await demo(t)
  const owner = await createOwner(ctx, 'other-owner@example.org')
  const other = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'another-audit', title: 'Another audit' })
  await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'a-draft-audit', title: 'A draft audit' })
  ctx.clock.advance(60_000)
  await publishRfp(ctx, owner, other.id)

  const site = await fetchFeed(t, app, '/feed.atom')
  t.equal(titles(site.entries)[0], 'Published: Another audit')
  t.notMatch(site.xml, 'A draft audit')

  const path = `/rfps/${DEMO_RFP_SLUG}/feed.atom`
  const rfpFeed = await fetchFeed(t, app, path)
  const rfp = await getRfp(ctx, chair, DEMO_RFP_SLUG)
  t.equal(rfpFeed.feed.id[0], `tag:rfps.example.org,${(rfp.publishedAt ?? '').slice(0, 10)}:shortlist/feed/rfp/${rfp.id}`)
  t.equal(rfpFeed.feed.title[0]?.['#text'], 'Independent security audit of Driftwood 2.0')
  t.equal(rfpFeed.feed.link.find((l) => l['@_rel'] === 'alternate')?.['@_href'], `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}`)
  t.equal(rfpFeed.entries.length, 6)
  t.notMatch(rfpFeed.xml, 'Another audit', 'not another RFP\'s news')
  t.same(ids(rfpFeed.entries), ids(site.entries).slice(1, 7), 'an event has one id, in every feed that lists it')
  t.equal((await fetchFeed(t, app, '/rfps/another-audit/feed.atom')).entries.length, 1)

  for (const url of ['/rfps/a-draft-audit/feed.atom', '/rfps/a-draft-audit/calendar.ics', '/rfps/no-such-rfp/feed.atom', '/rfps/no-such-rfp/calendar.ics']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 404, url)
    t.equal(res.headers['set-cookie'], undefined)
  }
  for (const url of ['/rfps/Not_A_Slug/feed.atom', '/rfps/x/calendar.ics']) t.equal((await app.inject(url)).statusCode, 400, url)
  await cancelRfp(ctx, owner, 'a-draft-audit', 'Not needed after all.')
  t.equal((await app.inject('/rfps/a-draft-audit/feed.atom')).statusCode, 404, 'a draft cancelled before publication stays private')
  t.notMatch((await fetchFeed(t, app, '/feed.atom')).xml, 'Not needed after all.')
})

const parseCalendar = (ics: string): ICAL.Component[] => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent')
const prop = (event: ICAL.Component, name: string): string => String(event.getFirstPropertyValue(name))
const startOf = (event: ICAL.Component): string => (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()

async function fetchCalendar (t: Test, app: TestApp['app'], slug = DEMO_RFP_SLUG) {
  const res = await app.inject({ url: `/rfps/${slug}/calendar.ics`, headers: { cookie: 'shortlist=stale-session-id' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8')
  t.equal(res.headers['content-disposition'], `inline; filename="${slug}.ics"`)
  t.equal(res.headers['set-cookie'], undefined, 'a calendar sets no cookie')
  t.match(res.body, /^BEGIN:VCALENDAR\r\n/)
  t.match(res.body, /END:VCALENDAR\r\n$/)
  t.notMatch(res.body, /(?<!\r)\n/, 'CRLF line ends only')
  const events = parseCalendar(res.body)
  t.equal(events.length, 3, 'three deadlines')
  for (const line of res.body.split('\r\n').filter((l) => l.startsWith('DTSTART'))) t.match(line, /^DTSTART:\d{8}T\d{6}Z$/, 'in UTC')
  return { ics: res.body, events, byUid: new Map(events.map((e) => [prop(e, 'uid'), e])) }
}

t.test('the calendar has the three deadlines with stable UIDs; amendments and cancellation bump SEQUENCE', async (t) => {
  const { app, ctx, chair } = await demo(t)
  const rfp = await getRfp(ctx, chair, DEMO_RFP_SLUG)
  const uids = ['questions-close', 'proposals-due', 'decision-expected'].map((key) => `${rfp.id}-${key}@rfps.example.org`)

  const first = await fetchCalendar(t, app)
  t.same(first.events.map((e) => prop(e, 'uid')), uids)
  t.same(first.events.map(startOf), [rfp.schedule.questionsCloseAt, rfp.schedule.proposalsDueAt, rfp.schedule.decisionExpectedAt], 'DTSTART is the schedule')
  // The demo's dates: 17:00 UTC on days 11, 25 and 45 after seeding, moved a week later by amendment 3.
  t.same(first.events.map(startOf), ['2026-12-19T17:00:00.000Z', '2027-01-02T17:00:00.000Z', '2027-01-22T17:00:00.000Z'])
  t.same(first.events.map((e) => e.getFirstPropertyValue('sequence')), [2, 2, 2], 'SEQUENCE counts the two amendments')
  t.same(first.events.map((e) => prop(e, 'status')), ['CONFIRMED', 'CONFIRMED', 'CONFIRMED'])
  t.match(prop(first.events[1]!, 'summary'), 'Proposals due: Independent security audit of Driftwood 2.0')
  t.equal(prop(first.events[0]!, 'url'), `${PUBLIC_URL}/rfps/${DEMO_RFP_SLUG}`)
  t.equal((await fetchCalendar(t, app)).ics, first.ics, 'the same bytes when nothing changed')

  ctx.clock.advance(60 * 60 * 1000)
  const moved = new Date(Date.parse(rfp.schedule.proposalsDueAt) + 3 * DAY).toISOString()
  await amendRfp(ctx, chair, DEMO_RFP_SLUG, { ...rfp.document, schedule: { ...rfp.document.schedule, proposalsDueAt: moved } }, 'Three more days for proposals.')
  const amended = await fetchCalendar(t, app)
  t.same(amended.events.map((e) => prop(e, 'uid')), uids, 'the UIDs stay')
  t.same(amended.events.map((e) => e.getFirstPropertyValue('sequence')), [3, 3, 3], 'SEQUENCE goes up by one')
  t.equal(startOf(amended.byUid.get(uids[1]!)!), moved, 'the deadline moved')
  t.equal(startOf(amended.byUid.get(uids[0]!)!), rfp.schedule.questionsCloseAt, 'the other dates did not')
  t.equal(startOf(amended.byUid.get(uids[2]!)!), rfp.schedule.decisionExpectedAt)
  t.same(amended.events.map((e) => prop(e, 'status')), ['CONFIRMED', 'CONFIRMED', 'CONFIRMED'])
  t.not(prop(amended.events[0]!, 'dtstamp'), prop(first.events[0]!, 'dtstamp'), 'DTSTAMP is the new revision\'s')

  ctx.clock.advance(60 * 60 * 1000)
  await cancelRfp(ctx, chair, DEMO_RFP_SLUG, 'The working group found the funds elsewhere.')
  const cancelled = await fetchCalendar(t, app)
  t.same(cancelled.events.map((e) => prop(e, 'uid')), uids)
  t.same(cancelled.events.map((e) => e.getFirstPropertyValue('sequence')), [4, 4, 4], 'SEQUENCE goes up once more')
  t.same(cancelled.events.map((e) => prop(e, 'status')), ['CANCELLED', 'CANCELLED', 'CANCELLED'])
  t.equal(startOf(cancelled.byUid.get(uids[1]!)!), moved)

  const feed = await fetchFeed(t, app, `/rfps/${DEMO_RFP_SLUG}/feed.atom`)
  t.same(titles(feed.entries).slice(0, 2), ['Cancelled: Independent security audit of Driftwood 2.0', 'Amendment (version 4): Independent security audit of Driftwood 2.0'])
  t.equal(feed.entries[0]?.summary[0]?.['#text'], 'The working group found the funds elsewhere.')
})

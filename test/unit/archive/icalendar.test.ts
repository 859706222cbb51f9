import t from 'tap'
import ICAL from 'ical.js'
import { createCalendarRenderer, type Calendar, type CalendarEvent } from '../../../src/archive/icalendar.js'

const render = createCalendarRenderer()

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: 'rfp-1.questions-close@example.org',
  summary: 'Questions close: Security audit',
  description: 'Last day to ask questions.',
  at: '2026-12-08T17:00:00.000Z',
  ...over
})

const calendar = (over: Partial<Calendar> = {}): Calendar => ({
  name: 'Security audit — deadlines',
  url: 'https://example.org/rfps/security-audit',
  stamp: '2026-12-01T09:00:00Z',
  sequence: 3,
  cancelled: false,
  events: [
    event(),
    event({ uid: 'rfp-1.proposals-due@example.org', summary: 'Proposals due', description: 'Upload before the deadline.', at: '2026-12-24T17:00:00Z' })
  ],
  ...over
})

const parse = (ics: string): ICAL.Component => new ICAL.Component(ICAL.parse(ics))
const events = (ics: string): ICAL.Component[] => parse(ics).getAllSubcomponents('vevent')
const text = (component: ICAL.Component, name: string): unknown => component.getFirstPropertyValue(name)
const physicalLines = (ics: string): string[] => ics.slice(0, -2).split('\r\n')
const unfolded = (ics: string): string[] => ics.slice(0, -2).replace(/\r\n[ \t]/g, '').split('\r\n')

// ical.js knows neither NAME (RFC 7986) nor X-WR-CALNAME and hands back their raw value.
const unescapeText = (raw: unknown): string => String(raw).replace(/\\([\\;,nN])/g, (_, c: string) => c.toLowerCase() === 'n' ? '\n' : c)

const long = 'é'.repeat(100) + ' 😀👩‍👩‍👧‍👦🇪🇺'.repeat(20) + ', then; a \\ backslash\nand a new line, 日本語のテキスト'.repeat(5)

t.test('the calendar carries the RFC 5545 essentials', async (t) => {
  const ics = render(calendar())
  const lines = unfolded(ics)
  t.same(lines.slice(0, 5), ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Shortlist//Shortlist//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'])
  t.equal(lines.at(-1), 'END:VCALENDAR')
  const root = parse(ics)
  t.equal(root.name, 'vcalendar')
  t.equal(text(root, 'version'), '2.0')
  t.equal(text(root, 'prodid'), '-//Shortlist//Shortlist//EN')
  t.equal(text(root, 'x-wr-calname'), 'Security audit — deadlines')
  t.equal(text(root, 'name'), 'Security audit — deadlines')
})

t.test('every line ends in CRLF and none is longer than 75 octets', async (t) => {
  for (const ics of [render(calendar()), render(calendar({ name: long, events: [event({ summary: long, description: long, uid: `${'u'.repeat(200)}@example.org` })] }))]) {
    t.ok(ics.endsWith('\r\n'), 'the last line ends too')
    t.notMatch(ics.replace(/\r\n/g, ''), /[\r\n]/, 'no bare CR or LF')
    t.notOk(ics.includes('\r\n\r\n'), 'no empty line')
    for (const line of physicalLines(ics)) {
      t.ok(Buffer.byteLength(line, 'utf8') <= 75, `${Buffer.byteLength(line, 'utf8')} octets: ${line}`)
      t.equal(Buffer.from(line, 'utf8').toString('utf8'), line, 'no character split across lines')
    }
  }
})

t.test('folding leaves a 75-octet line alone and folds a 76-octet one', async (t) => {
  const at75 = 'SUMMARY:' + 'x'.repeat(67)
  const at76 = 'SUMMARY:' + 'x'.repeat(68)
  t.ok(physicalLines(render(calendar({ events: [event({ summary: 'x'.repeat(67) })] }))).includes(at75))
  const folded = physicalLines(render(calendar({ events: [event({ summary: 'x'.repeat(68) })] })))
  t.ok(folded.includes(at76.slice(0, 75)))
  t.ok(folded.includes(' x'), 'the continuation starts with one space')
  const twoOctets = physicalLines(render(calendar({ events: [event({ summary: 'é'.repeat(40) })] })))
  t.ok(twoOctets.includes('SUMMARY:' + 'é'.repeat(33)), 'a two-octet character that would straddle octet 75 moves to the next line')
  t.ok(twoOctets.includes(' ' + 'é'.repeat(7)))
})

t.test('TEXT values round-trip through escaping and folding', async (t) => {
  const summary = 'Q&A, round 1; part \\2\\ — "quoted"'
  const description = `First line\nsecond, with; punctuation\r\nthird \\n is not a new line\n\n${long}`
  const name = 'Name, with; specials\\'
  const ics = render(calendar({ name, events: [event({ summary, description })] }))
  t.match(ics, 'SUMMARY:Q&A\\, round 1\\; part \\\\2\\\\ — "quoted"\r\n')
  const [vevent] = events(ics)
  if (vevent === undefined) throw new Error('no event')
  t.equal(text(vevent, 'summary'), summary)
  t.equal(text(vevent, 'description'), description.replace(/\r\n/g, '\n'), 'line breaks come back as \\n')
  t.equal(unescapeText(text(parse(ics), 'x-wr-calname')), name)
  t.equal(unescapeText(text(parse(ics), 'name')), name)
})

t.test('control characters TEXT cannot hold are dropped', async (t) => {
  const [vevent] = events(render(calendar({ events: [event({ summary: 'a\u0000b\u0007c\u001Bd\u007Fe\tf' })] })))
  if (vevent === undefined) throw new Error('no event')
  t.equal(text(vevent, 'summary'), 'abcde\tf')
})

t.test('events have the given UIDs, a UTC start at the given instant, DTSTAMP, URL and SEQUENCE', async (t) => {
  const given = calendar()
  const ics = render(given)
  const vevents = events(ics)
  t.equal(vevents.length, given.events.length)
  for (const [i, vevent] of vevents.entries()) {
    const expected = given.events[i]
    if (expected === undefined) throw new Error('extra event')
    t.equal(text(vevent, 'uid'), expected.uid)
    const start = vevent.getFirstProperty('dtstart')
    t.equal(start?.getParameter('tzid'), undefined, 'no TZID: the time is UTC')
    const startTime = start?.getFirstValue()
    if (!(startTime instanceof ICAL.Time)) throw new Error('DTSTART is not a DATE-TIME')
    t.equal(startTime.isDate, false)
    t.equal(startTime.zone, ICAL.Timezone.utcTimezone)
    t.equal(startTime.toJSDate().toISOString(), new Date(expected.at).toISOString())
    const stamp = vevent.getFirstPropertyValue('dtstamp')
    if (!(stamp instanceof ICAL.Time)) throw new Error('DTSTAMP is not a DATE-TIME')
    t.equal(stamp.zone, ICAL.Timezone.utcTimezone)
    t.equal(stamp.toJSDate().toISOString(), '2026-12-01T09:00:00.000Z')
    t.equal(text(vevent, 'summary'), expected.summary)
    t.equal(text(vevent, 'description'), expected.description)
    t.equal(text(vevent, 'url'), 'https://example.org/rfps/security-audit')
    t.equal(text(vevent, 'sequence'), 3)
    t.equal(text(vevent, 'status'), 'CONFIRMED')
    t.notOk(vevent.hasProperty('dtend') || vevent.hasProperty('duration'), 'a deadline ends where it starts')
  }
  t.match(ics, 'DTSTART:20261208T170000Z\r\n')
  t.match(ics, 'DTSTAMP:20261201T090000Z\r\n')
})

t.test('a cancelled RFP keeps its events, marked CANCELLED', async (t) => {
  const ics = render(calendar({ cancelled: true, sequence: 4 }))
  t.match(ics, 'METHOD:PUBLISH\r\n')
  const vevents = events(ics)
  t.equal(vevents.length, 2)
  t.same(vevents.map((v) => [text(v, 'status'), text(v, 'sequence')]), [['CANCELLED', 4], ['CANCELLED', 4]])
})

t.test('a calendar without events is still a valid calendar', async (t) => {
  const ics = render(calendar({ events: [] }))
  t.same(events(ics), [])
  t.equal(text(parse(ics), 'version'), '2.0')
})

t.test('rendering is deterministic', async (t) => {
  t.equal(render(calendar()), createCalendarRenderer()(calendar()))
})

t.test('bad input is an error, not a broken file', async (t) => {
  t.throws(() => render(calendar({ stamp: 'today' })), /not an instant/)
  t.throws(() => render(calendar({ events: [event({ at: '2026-13-01T00:00:00Z' })] })), /not an instant/)
  t.throws(() => render(calendar({ sequence: -1 })), /SEQUENCE/)
  t.throws(() => render(calendar({ sequence: 1.5 })), /SEQUENCE/)
  t.throws(() => render(calendar({ url: '/rfps/x' })))
})

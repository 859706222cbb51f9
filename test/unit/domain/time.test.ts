import t from 'tap'
import { DAY_MS, formatInstant, fromZonedLocal, isInstant, isTimeZone, toZonedLocal } from '../../../src/domain/time.js'

const MINUTE_MS = 60_000

t.test('DAY_MS is a day', async (t) => {
  t.equal(DAY_MS, 86_400_000)
})

t.test('isTimeZone accepts IANA names and refuses anything else', async (t) => {
  for (const zone of ['UTC', 'Europe/Amsterdam', 'America/New_York', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) t.equal(isTimeZone(zone), true, zone)
  for (const zone of ['Mars/Olympus_Mons', 'Europe/Atlantis', 'not a zone', '']) t.equal(isTimeZone(zone), false, JSON.stringify(zone))
})

t.test('isInstant: a text that names a real instant', async (t) => {
  for (const text of ['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00+01:00']) t.equal(isInstant(text), true, text)
  for (const text of ['2026-12-31T23:59:60Z', '2026-02-32T10:00:00Z', 'next week', '']) t.equal(isInstant(text), false, JSON.stringify(text))
  // It complements the schema's date-time format (which refuses "2026-02-30…"); on its own it follows Date.parse.
})

t.test('fromZonedLocal: the wall clock of a zone to UTC', async (t) => {
  t.equal(fromZonedLocal('2026-12-08T17:00', 'Europe/Amsterdam'), '2026-12-08T16:00:00.000Z', 'Amsterdam in winter, UTC+1')
  t.equal(fromZonedLocal('2026-07-08T17:00', 'Europe/Amsterdam'), '2026-07-08T15:00:00.000Z', 'Amsterdam in summer, UTC+2')
  t.equal(fromZonedLocal('2026-12-08T17:00', 'America/New_York'), '2026-12-08T22:00:00.000Z', 'New York in winter, UTC−5')
  t.equal(fromZonedLocal('2026-07-08T17:00', 'America/New_York'), '2026-07-08T21:00:00.000Z', 'New York in summer, UTC−4')
  t.equal(fromZonedLocal('2026-12-08T17:00', 'UTC'), '2026-12-08T17:00:00.000Z', 'UTC')
  t.equal(fromZonedLocal('2026-12-08T17:00', 'Asia/Kolkata'), '2026-12-08T11:30:00.000Z', 'a half-hour offset, UTC+5:30')
  t.equal(fromZonedLocal('2026-12-01T00:30', 'Europe/Amsterdam'), '2026-11-30T23:30:00.000Z', 'past midnight: the UTC date is the day before')
  t.equal(fromZonedLocal('2026-12-31T23:30', 'America/New_York'), '2027-01-01T04:30:00.000Z', 'the UTC date is the next year')
  t.equal(fromZonedLocal('2028-02-29T12:00', 'UTC'), '2028-02-29T12:00:00.000Z', 'a leap day')
})

t.test('clocks going forward: the skipped hour does not exist', async (t) => {
  t.equal(fromZonedLocal('2026-03-29T01:59', 'Europe/Amsterdam'), '2026-03-29T00:59:00.000Z', 'the last minute before the gap')
  t.equal(fromZonedLocal('2026-03-29T02:00', 'Europe/Amsterdam'), undefined, 'the first minute of the gap')
  t.equal(fromZonedLocal('2026-03-29T02:30', 'Europe/Amsterdam'), undefined, 'inside the gap')
  t.equal(fromZonedLocal('2026-03-29T02:59', 'Europe/Amsterdam'), undefined, 'the last minute of the gap')
  t.equal(fromZonedLocal('2026-03-29T03:00', 'Europe/Amsterdam'), '2026-03-29T01:00:00.000Z', 'the first minute after the gap')
  t.equal(fromZonedLocal('2026-03-08T02:30', 'America/New_York'), undefined, 'New York')
  t.equal(fromZonedLocal('2026-03-08T03:30', 'America/New_York'), '2026-03-08T07:30:00.000Z', 'New York, after the gap')
  t.equal(fromZonedLocal('2026-10-04T02:30', 'Australia/Sydney'), undefined, 'Sydney (southern hemisphere)')
})

t.test('clocks going back: the repeated hour is read as its earlier instant', async (t) => {
  t.equal(fromZonedLocal('2026-10-25T01:59', 'Europe/Amsterdam'), '2026-10-24T23:59:00.000Z', 'before the repeated hour')
  t.equal(fromZonedLocal('2026-10-25T02:00', 'Europe/Amsterdam'), '2026-10-25T00:00:00.000Z', 'the repeated hour begins (CEST)')
  t.equal(fromZonedLocal('2026-10-25T02:30', 'Europe/Amsterdam'), '2026-10-25T00:30:00.000Z', 'not 01:30Z, the second time the clock reads 02:30')
  t.equal(fromZonedLocal('2026-10-25T02:59', 'Europe/Amsterdam'), '2026-10-25T00:59:00.000Z')
  t.equal(fromZonedLocal('2026-10-25T03:00', 'Europe/Amsterdam'), '2026-10-25T02:00:00.000Z', 'after the repeated hour (CET)')
  t.equal(fromZonedLocal('2026-11-01T01:30', 'America/New_York'), '2026-11-01T05:30:00.000Z', 'New York: EDT, not EST')
  // Zones far east of UTC: the rule must hold there too.
  t.equal(fromZonedLocal('2026-04-05T02:30', 'Australia/Sydney'), '2026-04-04T15:30:00.000Z', 'Sydney: AEDT (UTC+11), not AEST')
  t.equal(fromZonedLocal('2026-04-05T02:30', 'Pacific/Auckland'), '2026-04-04T13:30:00.000Z', 'Auckland: NZDT (UTC+13), not NZST')
})

t.test('text that is not a local date and time, or not a real one, gives undefined', async (t) => {
  for (const text of [
    '2026-02-30T10:00', '2026-02-29T10:00', '2026-13-01T10:00', '2026-12-32T10:00', '2026-12-01T24:00', '2026-12-01T10:60',
    'tomorrow', '2026-12-01 10:00', '2026-12-01T10:00:00', '2026-12-01T10:00Z', '2026-12-01', '2026-12-01T9:00', ' 2026-12-01T10:00', ''
  ]) {
    t.equal(fromZonedLocal(text, 'Europe/Amsterdam'), undefined, JSON.stringify(text))
  }
})

t.test('toZonedLocal: an instant as the wall clock of a zone reads it', async (t) => {
  t.equal(toZonedLocal('2026-12-08T16:00:00.000Z', 'Europe/Amsterdam'), '2026-12-08T17:00')
  t.equal(toZonedLocal('2026-07-08T15:00:00.000Z', 'Europe/Amsterdam'), '2026-07-08T17:00')
  t.equal(toZonedLocal('2026-12-08T22:00:00.000Z', 'America/New_York'), '2026-12-08T17:00')
  t.equal(toZonedLocal('2026-12-08T17:00:00.000Z', 'UTC'), '2026-12-08T17:00')
  t.equal(toZonedLocal('2026-12-08T23:00:00.000Z', 'Europe/Amsterdam'), '2026-12-09T00:00', 'midnight reads 00:00, not 24:00')
  t.equal(toZonedLocal('2026-12-08T17:00:59.999Z', 'UTC'), '2026-12-08T17:00', 'seconds are dropped, not rounded')
  t.equal(toZonedLocal('2026-12-08T18:00:00+01:00', 'UTC'), '2026-12-08T17:00', 'any ISO offset is read')
  t.equal(toZonedLocal('2026-10-25T00:30:00.000Z', 'Europe/Amsterdam'), '2026-10-25T02:30', 'the repeated hour, first time')
  t.equal(toZonedLocal('2026-10-25T01:30:00.000Z', 'Europe/Amsterdam'), '2026-10-25T02:30', 'the repeated hour, second time')
})

t.test('toZonedLocal(fromZonedLocal(x)) === x for every minute across a DST change', async (t) => {
  const cases = [
    ['Europe/Amsterdam', Date.UTC(2026, 2, 28, 22), Date.UTC(2026, 2, 29, 4), ['2026-03-29T02:']],
    ['Europe/Amsterdam', Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 4), []],
    ['America/New_York', Date.UTC(2026, 2, 8, 0), Date.UTC(2026, 2, 8, 6), ['2026-03-08T02:']],
    ['America/New_York', Date.UTC(2026, 10, 1, 0), Date.UTC(2026, 10, 1, 6), []]
  ] as const
  for (const [zone, fromMs, toMs, gaps] of cases) {
    let checked = 0
    let wrong = 0
    let missing = 0
    for (let ms = fromMs; ms < toMs; ms += MINUTE_MS) {
      // Walk wall-clock minutes: the local text of UTC minute `ms`, read as if it were local.
      const local = new Date(ms).toISOString().slice(0, 16)
      const utc = fromZonedLocal(local, zone)
      if (gaps.some((prefix: string) => local.startsWith(prefix))) {
        if (utc !== undefined) missing++
        continue
      }
      checked++
      if (utc === undefined || toZonedLocal(utc, zone) !== local) wrong++
    }
    t.equal(wrong, 0, `${zone}: ${checked} minutes round-trip`)
    t.equal(missing, 0, `${zone}: the minutes of the skipped hour give undefined`)
    t.ok(checked >= 300)
  }
})

t.test('fromZonedLocal(toZonedLocal(instant)) is the instant, or the earlier one in a repeated hour', async (t) => {
  // Two days around each of the zone's changes in 2026, every 15 minutes.
  const changes: Record<string, [number, number][]> = {
    'Europe/Amsterdam': [[2, 29], [9, 25]],
    'America/New_York': [[2, 8], [10, 1]],
    'America/Los_Angeles': [[2, 8], [10, 1]],
    'Australia/Sydney': [[3, 5], [9, 4]],
    'Pacific/Auckland': [[3, 5], [8, 27]],
    'Asia/Kolkata': [[2, 29]],
    UTC: [[2, 29]]
  }
  for (const [zone, days] of Object.entries(changes)) {
    const seen = new Set<string>()
    const wrong: string[] = []
    for (const [month, day] of days) {
      for (let ms = Date.UTC(2026, month, day - 1); ms < Date.UTC(2026, month, day + 1); ms += 15 * MINUTE_MS) {
        const local = toZonedLocal(new Date(ms).toISOString(), zone)
        if (seen.has(local)) continue // the second time a repeated hour is seen: the first instant is the answer
        seen.add(local)
        const back = fromZonedLocal(local, zone)
        if (back !== new Date(ms).toISOString() && wrong.length < 3) wrong.push(`${local} → ${String(back)}, expected ${new Date(ms).toISOString()}`)
      }
    }
    t.same(wrong, [], zone)
    t.ok(seen.size >= 190 * days.length - 8, `${zone}: ${seen.size} wall-clock times checked`)
  }
})

t.test('formatInstant: as people in the zone read it, with the zone\'s abbreviation', async (t) => {
  t.match(formatInstant('2026-12-08T16:00:00.000Z', 'Europe/Amsterdam'), /^Tue,? 8 Dec 2026, 17:00 CET$/)
  t.match(formatInstant('2026-07-08T15:00:00.000Z', 'Europe/Amsterdam'), /^Wed,? 8 Jul 2026, 17:00 CEST$/)
  t.match(formatInstant('2026-12-08T22:00:00.000Z', 'America/New_York'), /^Tue,? 8 Dec 2026, 17:00 (EST|GMT-5)$/)
  t.match(formatInstant('2026-12-08T17:00:00.000Z', 'UTC'), /^Tue,? 8 Dec 2026, 17:00 UTC$/)
  t.match(formatInstant('2026-12-08T23:00:00.000Z', 'Europe/Amsterdam'), /^Wed,? 9 Dec 2026, 00:00 CET$/, 'midnight is 00:00 of the next day')
  t.equal(formatInstant('2026-12-08T16:00:00.000Z', 'Europe/Amsterdam'), formatInstant('2026-12-08T17:00:00+01:00', 'Europe/Amsterdam'), 'the same instant however written')
})

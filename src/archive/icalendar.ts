// Renders an RFP's deadlines as an iCalendar file (RFC 5545) from templates/feeds/calendar.ics.hbs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { templatesDir } from '../paths.js'
import { createHandlebars } from '../views/handlebars.js'

export interface CalendarEvent {
  uid: string
  summary: string
  description: string
  /** ISO UTC instant of the deadline. */
  at: string
}

export interface Calendar {
  name: string
  /** Absolute URL of the RFP page. */
  url: string
  /** ISO UTC instant, the DTSTAMP of every event. */
  stamp: string
  sequence: number
  cancelled: boolean
  events: CalendarEvent[]
}

/** TEXT value (§3.3.11): the four escapes, and no control characters, which TEXT cannot hold. */
function icsText (value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000A-\u001F\u007F]/g, '') // eslint-disable-line no-control-regex
}

/** UTC DATE-TIME (§3.3.5 form #2), e.g. 20261208T170000Z; fractions of a second are dropped. */
function icsDateTime (iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new TypeError(`not an instant: ${iso}`)
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
}

function octets (codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4
}

/** Folds a content line to at most 75 octets per physical line (§3.1), between characters, never inside one. */
function foldLine (line: string): string {
  const parts: string[] = []
  let current = ''
  let size = 0
  for (const char of line) {
    const width = octets(char.codePointAt(0) ?? 0)
    if (size + width > 75) {
      parts.push(current)
      current = ' '
      size = 1
    }
    current += char
    size += width
  }
  parts.push(current)
  return parts.join('\r\n')
}

// METHOD:PUBLISH even when the RFP is cancelled: the file is a published calendar that subscribers re-read, not an
// iTIP message (METHOD:CANCEL is one, and needs an ORGANIZER); clients drop events whose STATUS is CANCELLED.
// A deadline is an instant: DTSTART without DTEND or DURATION ends where it starts (§3.6.1), and TRANSP:TRANSPARENT
// keeps it out of the subscriber's free/busy time.
export function createCalendarRenderer (): (calendar: Calendar) => string {
  const hbs = createHandlebars()
  hbs.registerHelper('icsText', (value: unknown) => icsText(String(value)))
  hbs.registerHelper('icsDateTime', (iso: unknown) => icsDateTime(String(iso)))
  // A URI value is not TEXT: it takes no backslash escapes, and the URL serialiser guarantees no line break.
  hbs.registerHelper('icsUri', (url: unknown) => new URL(String(url)).href)
  // No escaping: iCalendar is not HTML, and every value goes through one of the helpers above.
  const template = hbs.compile(readFileSync(join(templatesDir, 'feeds', 'calendar.ics.hbs'), 'utf8'), { noEscape: true, strict: true })

  return (calendar) => {
    if (!Number.isSafeInteger(calendar.sequence) || calendar.sequence < 0) throw new TypeError(`not a SEQUENCE: ${calendar.sequence}`)
    // Values cannot hold a line break after icsText, so every remaining one ends a content line; blank lines are
    // not content lines (§3.1) and would only come from the template's layout.
    const lines = template(calendar).split(/\r\n|\r|\n/).filter((line) => line !== '')
    return lines.map(foldLine).join('\r\n') + '\r\n'
  }
}

// Renders the public Atom feed (RFC 4287) of the live site and the static archive from templates/feeds/feed.atom.hbs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { templatesDir } from '../paths.js'
import { createHandlebars } from '../views/handlebars.js'

export interface FeedEntry {
  id: string
  title: string
  /** ISO UTC instant. */
  updated: string
  /** Absolute URL. */
  link: string
  /** Plain text. */
  summary: string
}

export interface Feed {
  id: string
  title: string
  /** Absolute URL of the feed itself. */
  selfLink: string
  /** Absolute URL of the HTML page the feed mirrors. */
  alternateLink: string
  /** ISO instant; the feed's own date only when it has no entries. */
  updated: string
  entries: FeedEntry[]
}

// XML 1.0 has no way to carry these, not even as character references: dropped rather than producing a feed readers refuse.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

function instant (iso: string): Date {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new TypeError(`not an instant: ${iso}`)
  return date
}

/** RFC 3339 in UTC, whole seconds unless the instant has a fraction. */
function rfc3339 (iso: string): string {
  return instant(iso).toISOString().replace(/\.000Z$/, 'Z')
}

// Serialised by the URL parser, so control characters come out percent-encoded instead of breaking the XML.
function absoluteUrl (url: string): string {
  if (!URL.canParse(url)) throw new TypeError(`not an absolute URL: ${url}`)
  return new URL(url).href
}

// RFC 4151 "specific": pchar, "/" and "?" only, so a caller's id never needs escaping later.
const TAG_SPECIFIC = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/

/**
 * A permanent id `tag:<host>,<YYYY-MM-DD>:<specific>` (RFC 4151). The authority is the host of the public URL
 * without its port (ports are not part of a DNS name); the date is the UTC day of `date`, which should be when the
 * thing was first published so the id never changes afterwards.
 */
export function tagUri (publicUrl: string, date: string, specific: string): string {
  const host = new URL(publicUrl).hostname
  if (host === '') throw new TypeError(`no host in ${publicUrl}`)
  if (!TAG_SPECIFIC.test(specific)) throw new TypeError(`not a tag URI specific part: ${specific}`)
  return `tag:${host},${instant(date).toISOString().slice(0, 10)}:${specific}`
}

export function createAtomRenderer (): (feed: Feed) => string {
  const hbs = createHandlebars()
  hbs.registerHelper('xmlText', (value: unknown) => String(value).replace(NOT_XML_CHAR, ''))
  hbs.registerHelper('rfc3339', (iso: unknown) => rfc3339(String(iso)))
  hbs.registerHelper('absoluteUrl', (url: unknown) => absoluteUrl(String(url)))
  // Escaping on: Handlebars' entities (&amp; &lt; &gt; &quot; &#x27; &#x60; &#x3D;) are valid XML in text and attributes.
  const template = hbs.compile(readFileSync(join(templatesDir, 'feeds', 'feed.atom.hbs'), 'utf8'), { strict: true })

  return (feed) => {
    // The feed changes when its newest entry does; taking that rather than "now" keeps rebuilt archives byte-identical.
    const updated = feed.entries.reduce((latest, entry) => instant(entry.updated) > instant(latest) ? entry.updated : latest, feed.entries[0]?.updated ?? feed.updated)
    return template({ ...feed, updated })
  }
}

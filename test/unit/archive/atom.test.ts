import t from 'tap'
import type { Test } from 'tap'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { createAtomRenderer, tagUri, type Feed, type FeedEntry } from '../../../src/archive/atom.js'

const render = createAtomRenderer()

const entry = (n: number, over: Partial<FeedEntry> = {}): FeedEntry => ({
  id: tagUri('https://example.org', '2026-11-26T09:00:00Z', `shortlist/event/${n}`),
  title: `Event ${n}`,
  updated: `2026-11-2${n}T09:00:00.000Z`,
  link: `https://example.org/rfps/rfp-${n}`,
  summary: `Summary ${n}`,
  ...over
})

const feed = (over: Partial<Feed> = {}): Feed => ({
  id: 'tag:example.org,2026-11-01:shortlist/feed',
  title: 'Shortlist RFPs',
  selfLink: 'https://example.org/feed.atom',
  alternateLink: 'https://example.org/',
  updated: '2026-11-01T00:00:00Z',
  entries: [entry(1), entry(2)],
  ...over
})

interface Text { '#text': string, '@_type': string }
interface Link { '@_rel': string, '@_type': string, '@_href': string }
interface ParsedEntry { id: string[], title: Text[], updated: string[], link: Link[], summary: Text[] }
interface ParsedFeed { '@_xmlns': string, id: string[], title: Text[], updated: string[], author: Array<{ name: string }>, link: Link[], entry?: ParsedEntry[] }

// Every child as a list, so "exactly one" is checkable. Handlebars writes ' = ` as numeric character references,
// which XML defines but this parser decodes only with its HTML table on; parse() checks no HTML-only name is used.
const repeatable = ['entry', 'link', 'id', 'title', 'updated', 'author', 'summary']
const parser = new XMLParser({ ignoreAttributes: false, htmlEntities: true, parseTagValue: false, isArray: (name) => repeatable.includes(name) })

const parse = (t: Test, xml: string): ParsedFeed => {
  t.equal(XMLValidator.validate(xml), true, 'well-formed XML')
  t.notMatch(xml, /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, 'only XML\'s own entity references')
  return (parser.parse(xml) as { feed: ParsedFeed }).feed
}

const one = <T>(t: Test, list: T[] | undefined, name: string): T => {
  t.equal(list?.length, 1, `exactly one ${name}`)
  const [item] = list ?? []
  if (item === undefined) throw new Error(`no ${name}`)
  return item
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

t.test('the feed element carries the RFC 4287 essentials', async (t) => {
  const xml = render(feed())
  t.match(xml, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/)
  const root = parse(t, xml)
  t.equal(root['@_xmlns'], 'http://www.w3.org/2005/Atom')
  t.equal(one(t, root.id, 'feed id'), 'tag:example.org,2026-11-01:shortlist/feed')
  t.equal(one(t, root.title, 'feed title')['#text'], 'Shortlist RFPs')
  t.match(one(t, root.updated, 'feed updated'), RFC3339)
  t.equal(one(t, root.author, 'feed author').name, 'Shortlist')
  t.same(root.link.map((l) => [l['@_rel'], l['@_type'], l['@_href']]), [
    ['self', 'application/atom+xml', 'https://example.org/feed.atom'],
    ['alternate', 'text/html', 'https://example.org/']
  ])
})

t.test('every entry has its id, title, updated, link and a text summary', async (t) => {
  const root = parse(t, render(feed()))
  t.equal(root.entry?.length, 2)
  for (const [i, e] of (root.entry ?? []).entries()) {
    const given = entry(i + 1)
    t.equal(one(t, e.id, 'entry id'), given.id)
    t.equal(one(t, e.title, 'entry title')['#text'], given.title)
    const updated = one(t, e.updated, 'entry updated')
    t.match(updated, RFC3339)
    t.equal(Date.parse(updated), Date.parse(given.updated))
    t.same(e.link.map((l) => [l['@_rel'], l['@_href']]), [['alternate', given.link]])
    const summary = one(t, e.summary, 'entry summary')
    t.equal(summary['@_type'], 'text')
    t.equal(summary['#text'], given.summary)
  }
  t.same(root.entry?.map((e) => e.id[0]), ['tag:example.org,2026-11-26:shortlist/event/1', 'tag:example.org,2026-11-26:shortlist/event/2'])
})

t.test('XML special characters round-trip as text', async (t) => {
  const nasty = '<script>alert("x")</script> & \'quoted\' `a=b` &amp; ]]>'
  const xml = render(feed({
    title: nasty,
    entries: [entry(1, { title: nasty, summary: `${nasty}\nsecond line`, link: 'https://example.org/rfps/a?x=1&y="2"' })]
  }))
  t.notMatch(xml, '<script>', 'no markup leaks through')
  const root = parse(t, xml)
  t.equal(one(t, root.title, 'feed title')['#text'], nasty)
  const e = one(t, root.entry, 'entry')
  t.equal(one(t, e.title, 'entry title')['#text'], nasty)
  t.equal(one(t, e.summary, 'entry summary')['#text'], `${nasty}\nsecond line`)
  t.equal(one(t, e.link, 'entry link')['@_href'], 'https://example.org/rfps/a?x=1&y=%222%22', 'the URL as serialised')
})

t.test('characters XML cannot carry are dropped, the rest is kept', async (t) => {
  const root = parse(t, render(feed({ entries: [entry(1, { title: 'a\u0000b\u0008c\uFFFEd\uD800e é 😀' })] })))
  t.equal(one(t, one(t, root.entry, 'entry').title, 'entry title')['#text'], 'abcde é 😀')
})

t.test('the feed is as new as its newest entry, or the given date when empty', async (t) => {
  t.same(parse(t, render(feed({ entries: [entry(1), entry(3), entry(2)] }))).updated, ['2026-11-23T09:00:00Z'])
  const empty = parse(t, render(feed({ entries: [] })))
  t.same(empty.updated, ['2026-11-01T00:00:00Z'])
  t.notOk(empty.entry, 'no entry elements')
})

t.test('rendering is deterministic', async (t) => {
  t.equal(render(feed()), createAtomRenderer()(feed()))
})

t.test('bad input is an error, not a broken feed', async (t) => {
  t.throws(() => render(feed({ updated: 'yesterday', entries: [] })), /not an instant/)
  t.throws(() => render(feed({ entries: [entry(1, { updated: 'soon' })] })), /not an instant/)
  t.throws(() => render(feed({ selfLink: '/feed.atom' })), /not an absolute URL/)
  t.throws(() => render(feed({ entries: [entry(1, { link: 'rfps/x' })] })), /not an absolute URL/)
})

t.test('tagUri builds RFC 4151 tag URIs from the public URL', async (t) => {
  t.equal(tagUri('https://example.org:8443/x', '2026-11-26T10:00:00Z', 'shortlist/event/42'), 'tag:example.org,2026-11-26:shortlist/event/42', 'host without port or path')
  t.equal(tagUri('https://Example.ORG', '2026-11-26T23:30:00-02:00', 'rfp/a'), 'tag:example.org,2026-11-27:rfp/a', 'host lower-cased, UTC day')
  t.match(tagUri('http://localhost:3000', '2026-01-02T00:00:00Z', 'x'), /^tag:[a-z0-9.-]+,\d{4}-\d{2}-\d{2}:x$/)
  t.throws(() => tagUri('https://example.org', 'not a date', 'x'), /not an instant/)
  t.throws(() => tagUri('https://example.org', '2026-11-26T00:00:00Z', 'has space'), /specific/)
  t.throws(() => tagUri('not a url', '2026-11-26T00:00:00Z', 'x'))
})

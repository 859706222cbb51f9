// The static archive's pure core: where each URL lands, how links are rewritten, which tiles a checkpoint
// names, and the crawl over a fake site (no app, no database).
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import t from 'tap'
import {
  ArchiveBuildError, archivePath, buildStaticSite, decodeAttribute, isArchived, linksInCss, linksInHtml, linksInText,
  rewriteCss, rewriteHtml, rewriteReference, transparencyPaths, urlKey, type Fetch, type Fetched, type LinkContext
} from '../../../src/archive/static-site.js'

const LIVE = 'https://rfp.example.org'
const key = (ref: string): string => urlKey(new URL(ref, 'http://x.invalid'))

t.test('URL keys: the listing keeps its page number, page 1 is the home page, other queries are kept as given', async (t) => {
  t.equal(key('/'), '/')
  t.equal(key('/?page=1'), '/')
  t.equal(key('/?page=3'), '/?page=3')
  t.equal(key('/?page=3&utm=x'), '/?page=3&utm=x')
  t.equal(key('/rfps/a-b?x=1'), '/rfps/a-b?x=1')
  t.equal(key('/rfps/a-b#answers'), '/rfps/a-b', 'the fragment is not part of the key')
})

t.test('only public, anonymous GETs are archived', async (t) => {
  for (const yes of ['/', '/?page=2', '/feed.atom', '/ocds/releases.json', '/rfps/a-b', '/rfps/a-b/versions/12', '/rfps/a-b/receipts',
    '/rfps/a-b/receipts.json', '/rfps/a-b/decision', '/rfps/a-b/decision.json', '/rfps/a-b/decision.md', '/rfps/a-b/rfp.md',
    '/rfps/a-b/ocds.json', '/rfps/a-b/calendar.ics', '/rfps/a-b/feed.atom', '/rfps/a-b/ocds/releases/3.json', '/transparency/checkpoint',
    '/transparency/vkey', '/transparency/tile/0/x001/234', '/transparency/tile/entries/005.p/7', '/assets/pico.min.css']) {
    t.ok(isArchived(yes), yes)
  }
  for (const no of ['/sign-in', '/rfps/a-b/questions/new', '/rfps/a-b/diff?from=1&to=2', '/rfps/a-b?utm=1', '/?page=0', '/?page=2&x=1',
    '/vendor', '/committee/rfps/a-b', '/admin/users', '/api/v1/rfps', '/rfps/A', '/rfps/a-b/versions/0', '/assets/../config/default.json',
    '/assets/.hidden', '/transparency/tile/0/1234', '/healthz']) {
    t.notOk(isArchived(no), no)
  }
})

t.test('archive paths: HTML at path/index.html, data files under their own names', async (t) => {
  t.equal(archivePath('/', true), 'index.html')
  t.equal(archivePath('/?page=3', true), 'page/3/index.html')
  t.equal(archivePath('/rfps/a-b', true), 'rfps/a-b/index.html')
  t.equal(archivePath('/rfps/a-b/versions/2', true), 'rfps/a-b/versions/2/index.html')
  t.equal(archivePath('/rfps/a-b/decision.json', false), 'rfps/a-b/decision.json')
  t.equal(archivePath('/rfps/a-b/calendar.ics', false), 'rfps/a-b/calendar.ics')
  t.equal(archivePath('/transparency/tile/0/x001/234.p/5', false), 'transparency/tile/0/x001/234.p/5')
  t.equal(archivePath('/assets/pico.min.css', false), 'assets/pico.min.css')
  t.equal(archivePath('/feed.atom', false), 'feed.atom')
  for (const unsafe of ['/a/../b', '/a/./b', '/a//b', '/a/', '/a b', '/%2e%2e/x', '/a?b=1', '/README.md', '/SHA256SUMS', 'relative']) {
    t.equal(archivePath(unsafe, false), undefined, unsafe)
  }
  t.equal(archivePath('/', false), undefined, 'the root cannot be a data file')
})

/** The RFP page's context, over a folder that holds the given keys. */
function context (pageKey: string, held: Record<string, string>, publicUrl = LIVE): LinkContext {
  return { pageKey, pageFile: held[pageKey] as string, fileOf: (k) => held[k], publicUrl }
}

const HELD: Record<string, string> = {
  '/': 'index.html',
  '/?page=2': 'page/2/index.html',
  '/rfps/a-b': 'rfps/a-b/index.html',
  '/rfps/a-b/versions/2': 'rfps/a-b/versions/2/index.html',
  '/rfps/a-b/receipts': 'rfps/a-b/receipts/index.html',
  '/rfps/a-b/decision.json': 'rfps/a-b/decision.json',
  '/assets/pico.min.css': 'assets/pico.min.css',
  '/feed.atom': 'feed.atom'
}

t.test('site-absolute references become relative paths to the file that holds them', async (t) => {
  const onRfp = context('/rfps/a-b', HELD)
  t.equal(rewriteReference('/', onRfp), '../../index.html', 'the root')
  t.equal(rewriteReference('/rfps/a-b', onRfp), 'index.html', 'the page itself')
  t.equal(rewriteReference('/rfps/a-b#answers', onRfp), 'index.html#answers', 'the fragment is kept')
  t.equal(rewriteReference('/rfps/a-b/versions/2', onRfp), 'versions/2/index.html')
  t.equal(rewriteReference('/rfps/a-b/decision.json', onRfp), 'decision.json')
  t.equal(rewriteReference('/assets/pico.min.css', onRfp), '../../assets/pico.min.css', 'assets')
  t.equal(rewriteReference('/?page=2', onRfp), '../../page/2/index.html')
  t.equal(rewriteReference('/?page=1', onRfp), '../../index.html', 'page 1 is the home page')

  const onVersion = context('/rfps/a-b/versions/2', HELD)
  t.equal(rewriteReference('/rfps/a-b', onVersion), '../../index.html')
  t.equal(rewriteReference('/feed.atom', onVersion), '../../../../feed.atom')
  // Every rewritten link resolves, from the page's folder, to the file that holds the target.
  for (const [target, file] of Object.entries(HELD)) {
    const rewritten = rewriteReference(target, onVersion)
    t.equal(posix.normalize(posix.join(posix.dirname(onVersion.pageFile), rewritten)), file, target)
  }
})

t.test('query-only references resolve against the page, as the browser does on the live site', async (t) => {
  t.equal(rewriteReference('?page=2', context('/', HELD)), 'page/2/index.html')
  t.equal(rewriteReference('?page=1', context('/?page=2', HELD)), '../../index.html')
  t.equal(rewriteReference('?page=3', context('/?page=2', HELD)), `${LIVE}/?page=3`, 'a page the archive lacks is on the live site')
})

t.test('what the archive does not hold is linked on the live site, with its query and fragment', async (t) => {
  const onRfp = context('/rfps/a-b', HELD)
  t.equal(rewriteReference('/sign-in', onRfp), `${LIVE}/sign-in`)
  t.equal(rewriteReference('/rfps/a-b/questions/new', onRfp), `${LIVE}/rfps/a-b/questions/new`)
  t.equal(rewriteReference('/rfps/a-b/diff?from=1&to=2#changes', onRfp), `${LIVE}/rfps/a-b/diff?from=1&to=2#changes`)
  t.equal(rewriteReference('/rfps/a-b?utm=x', onRfp), `${LIVE}/rfps/a-b?utm=x`, 'a query the archive cannot answer')
  t.equal(rewriteReference('/sign-in', context('/rfps/a-b', HELD, `${LIVE}/`)), `${LIVE}/sign-in`, 'no double slash after a public URL ending in /')
  t.equal(rewriteReference('/rfps/a-b/receipts', onRfp, 'form'), `${LIVE}/rfps/a-b/receipts`, 'a form goes live even where the page is archived')
})

t.test('references that are not site-absolute are left exactly as they are', async (t) => {
  const onRfp = context('/rfps/a-b', HELD)
  for (const ref of ['//cdn.example/x.css', 'https://example.org/rfps/a-b', `${LIVE}/rfps/a-b`, 'mailto:chair@example.org', '#answers', '',
    'versions/2', '../x', './y', 'data:image/svg+xml,%3Csvg%3E', '/\\evil.example/x', 'javascript:alert(1)']) {
    t.equal(rewriteReference(ref, onRfp), ref, JSON.stringify(ref))
  }
})

t.test('HTML: href, src and action rewritten with entities decoded and re-encoded; every other byte kept', async (t) => {
  const html = [
    '<link rel="stylesheet" href="/assets/pico.min.css">',
    "<a class='x' href='/rfps/a-b/versions/2'>v2</a>",
    '<a href="?page&#x3D;2" rel="next">Older</a>',
    '<a href="/rfps/a-b/diff?from&#x3D;1&amp;to&#x3D;2">diff</a>',
    '<img src="/assets/pico.min.css" alt="/rfps/a-b">',
    '<form method="get" action="/rfps/a-b/receipts"><input name="hash"></form>',
    '<a data-href="/rfps/a-b" href="https://example.org/">out</a>',
    '<p>Read /rfps/a-b or href="/rfps/a-b" in text</p>',
    '<a HREF = "/feed.atom">feed</a>',
    '<a title="a>b" href="/rfps/a-b">quoted &gt;</a>'
  ].join('\n')
  const out = rewriteHtml(html, context('/', HELD))
  t.equal(out, [
    '<link rel="stylesheet" href="assets/pico.min.css">',
    "<a class='x' href='rfps/a-b/versions/2/index.html'>v2</a>",
    '<a href="page/2/index.html" rel="next">Older</a>',
    `<a href="${LIVE}/rfps/a-b/diff?from=1&amp;to=2">diff</a>`,
    '<img src="assets/pico.min.css" alt="/rfps/a-b">',
    `<form method="get" action="${LIVE}/rfps/a-b/receipts"><input name="hash"></form>`,
    '<a data-href="/rfps/a-b" href="https://example.org/">out</a>',
    '<p>Read /rfps/a-b or href="/rfps/a-b" in text</p>',
    '<a HREF = "feed.atom">feed</a>',
    '<a title="a>b" href="rfps/a-b/index.html">quoted &gt;</a>'
  ].join('\n'))
  t.equal(rewriteHtml('<p>no links</p>', context('/', HELD)), '<p>no links</p>')
  t.equal(decodeAttribute('a&amp;b&#x3D;c&#61;d&quot;&#39;&lt;&unknown;'), 'a&b=c=d"\'<&unknown;')
})

t.test('CSS: url() references to the site are rewritten relative to the stylesheet', async (t) => {
  const held = { ...HELD, '/assets/font.woff2': 'assets/font.woff2', '/assets/sub/a.css': 'assets/sub/a.css' }
  const css = '@font-face{src:url(/assets/font.woff2)}a{background:url("data:image/svg+xml,%3Csvg%3E")}b{background:url(\'/assets/pico.min.css\')}'
  t.equal(rewriteCss(css, context('/assets/sub/a.css', held)),
    '@font-face{src:url(../font.woff2)}a{background:url("data:image/svg+xml,%3Csvg%3E")}b{background:url(\'../pico.min.css\')}')
  t.same(linksInCss(css, '/assets/sub/a.css'), ['/assets/font.woff2', '/assets/pico.min.css'])
})

t.test('links found for the crawl: the site\'s own, never a form\'s action; data files by their absolute URLs', async (t) => {
  const html = '<a href="/rfps/a-b">a</a><a href="?page=2">b</a><form action="/rfps/a-b/questions"></form><a href="https://x.example/">c</a><a href="//x.example/d">d</a><a href="versions/2">e</a><img src="/assets/x.svg">'
  t.same(linksInHtml(html, '/'), ['/rfps/a-b', '/?page=2', '/assets/x.svg'])
  const atom = `<link href="${LIVE}/rfps/a-b"/><link href="${LIVE}/feed.atom"/>"${LIVE}/rfps/c-d/ocds/releases/1.json", ${LIVE}.evil.example/x https://rfp.example.org:8443/x ${LIVE}/?page=1`
  t.same(linksInText(atom, LIVE), ['/rfps/a-b', '/feed.atom', '/rfps/c-d/ocds/releases/1.json', '/'])
  t.same(linksInText(`${LIVE}/rfps/a-b`, `${LIVE}/`), ['/rfps/a-b'], 'a public URL given with a trailing slash')
})

const checkpoint = (size: string): string => `rfp.example.org/log\n${size}\nq0fGzX3UyLXK6FvPq0fGzX3UyLXK6FvPq0fGzX3UyLw=\n\n— rfp.example.org/log AAAA\n`

t.test('the tiles a checkpoint names: full and partial at each level, and the entry bundles', async (t) => {
  t.same(transparencyPaths(checkpoint('0')), [])
  t.same(transparencyPaths(checkpoint('3')), ['/transparency/tile/entries/000.p/3', '/transparency/tile/0/000.p/3'])
  t.same(transparencyPaths(checkpoint('256')), ['/transparency/tile/entries/000', '/transparency/tile/0/000', '/transparency/tile/1/000.p/1'])
  t.same(transparencyPaths(checkpoint('300')), [
    '/transparency/tile/entries/000', '/transparency/tile/entries/001.p/44',
    '/transparency/tile/0/000', '/transparency/tile/0/001.p/44', '/transparency/tile/1/000.p/1'
  ])
  const big = transparencyPaths(checkpoint('65536'))
  t.equal(big.filter((p) => p.startsWith('/transparency/tile/0/')).length, 256)
  t.equal(big.filter((p) => p.startsWith('/transparency/tile/entries/')).length, 256)
  t.same(big.filter((p) => /tile\/[12]\//.test(p)), ['/transparency/tile/1/000', '/transparency/tile/2/000.p/1'])
  t.ok(big.includes('/transparency/tile/0/255'))
  for (const path of big) t.ok(isArchived(path), path)
  for (const bad of ['', 'origin\n', 'origin\n-1\n', 'origin\n1e3\n', 'origin\n007\n', 'origin\n 5\n']) t.same(transparencyPaths(bad), [], JSON.stringify(bad))
})

// A small site: what the crawl must find, follow, skip and refuse.
const PAGE = (body: string): string => `<!doctype html><link rel="stylesheet" href="/assets/site.css"><a href="/">Home</a><a href="/sign-in">Sign in</a>${body}`
type FakeAnswer = Partial<Fetched> & { text?: string }
const SITE: Record<string, FakeAnswer> = {
  '/': { text: PAGE('<a href="/rfps/one">One</a><a href="?page=2">Older</a>') },
  '/?page=2': { text: PAGE('<a href="/rfps/two">Two</a><a href="?page=1">Newer</a>') },
  '/feed.atom': { contentType: 'application/atom+xml; charset=utf-8', text: `<feed><link href="${LIVE}/rfps/one"/><link href="${LIVE}/rfps/old-name"/></feed>` },
  '/rfps/old-name': { status: 301, location: '/rfps/one' },
  '/rfps/one': { text: PAGE('<a href="/rfps/one/versions/1">v1</a><a href="/rfps/one/questions/new">Ask</a><a href="/rfps/gone">Gone</a>') },
  '/rfps/one/versions/1': { text: PAGE('<a href="/rfps/one">Back</a>') },
  '/rfps/one/decision.json': { contentType: 'application/json; charset=utf-8', text: '{"format":"shortlist-decision/1"}' },
  '/rfps/one/decision': { status: 409 },
  '/rfps/two': { text: PAGE('') },
  '/rfps/two/calendar.ics': { contentType: 'text/calendar; charset=utf-8', text: `BEGIN:VCALENDAR\r\nURL:${LIVE}/rfps/two\r\nEND:VCALENDAR\r\n` },
  '/transparency/checkpoint': { contentType: 'text/plain; charset=utf-8', text: checkpoint('2') },
  '/transparency/tile/0/000.p/2': { contentType: 'application/octet-stream', body: Buffer.alloc(64, 7) },
  '/assets/site.css': { contentType: 'text/css; charset=utf-8', text: 'body{background:url(/assets/bg.svg)}' },
  '/assets/bg.svg': { contentType: 'image/svg+xml', text: '<svg xmlns="http://www.w3.org/2000/svg"/>' }
}

function fakeSite (site: Record<string, FakeAnswer>, asked: string[] = []): Fetch {
  return async (url) => {
    asked.push(url)
    const answer = site[url] ?? { status: 404 }
    return {
      status: answer.status ?? 200,
      contentType: answer.contentType ?? 'text/html; charset=utf-8',
      location: answer.location,
      setsCookie: answer.setsCookie ?? false,
      body: answer.body ?? Buffer.from(answer.text ?? '', 'utf8')
    }
  }
}

const AS_OF = { at: '2026-12-01T09:00:00.000Z', seq: 41, head: 'ab'.repeat(32) }

t.test('the crawl: every archived URL reachable from the start, each RFP\'s data files, tiles from the checkpoint', async (t) => {
  const asked: string[] = []
  const progress: [number, number, string][] = []
  const files = await buildStaticSite(fakeSite(SITE, asked), { publicUrl: LIVE, asOf: AS_OF, onProgress: (...report) => progress.push(report) })
  t.same(files.map((f) => f.path), [
    'README.md', 'assets/bg.svg', 'assets/site.css', 'feed.atom', 'index.html', 'page/2/index.html',
    'rfps/one/decision.json', 'rfps/one/index.html', 'rfps/one/versions/1/index.html', 'rfps/two/calendar.ics', 'rfps/two/index.html',
    'transparency/checkpoint', 'transparency/tile/0/000.p/2', 'SHA256SUMS'
  ], 'sorted by path, the manifest last')
  t.notOk(asked.includes('/sign-in'), 'pages outside the allow-list are never asked for')
  t.notOk(asked.includes('/rfps/one/questions/new'))
  t.ok(asked.includes('/rfps/gone') && asked.includes('/rfps/one/decision') && asked.includes('/rfps/two/ocds.json'), 'a 404 or 409 is asked for and left out')
  t.ok(asked.includes('/rfps/old-name'), 'a redirect found in a feed is followed')
  t.equal(new Set(asked).size, asked.length, 'each URL is asked for once')

  t.equal(progress.length, asked.length, 'one report per URL asked')
  t.same(progress.map(([done]) => done), asked.map((_, i) => i + 1))
  t.ok(progress.every(([done, total]) => done <= total))
  t.equal(progress.at(-1)?.[0], progress.at(-1)?.[1], 'the last report is complete')
  t.ok(progress.some(([, , label]) => label === 'rfps/one/index.html'), 'labelled with the file written')

  const text = (path: string): string => files.find((f) => f.path === path)?.bytes.toString('utf8') ?? ''
  t.equal(text('rfps/one/index.html'), `<!doctype html><link rel="stylesheet" href="../../assets/site.css"><a href="../../index.html">Home</a><a href="${LIVE}/sign-in">Sign in</a><a href="versions/1/index.html">v1</a><a href="${LIVE}/rfps/one/questions/new">Ask</a><a href="${LIVE}/rfps/gone">Gone</a>`)
  t.match(text('page/2/index.html'), '<a href="../../rfps/two/index.html">Two</a><a href="../../index.html">Newer</a>')
  t.equal(text('assets/site.css'), 'body{background:url(bg.svg)}')
  t.equal(text('feed.atom'), SITE['/feed.atom']?.text, 'feeds keep their absolute URLs')
  t.same(files.find((f) => f.path === 'transparency/tile/0/000.p/2')?.bytes, Buffer.alloc(64, 7), 'binary files byte for byte')
  t.match(text('README.md'), /^# Shortlist archive\n/)
  t.match(text('README.md'), `as of 2026-12-01T09:00:00.000Z, the instant of audit event #41\n(chain hash ${'ab'.repeat(32)})`)
  t.match(text('README.md'), 'the other 13 files')

  const sums = files.map((f) => `${createHash('sha256').update(f.bytes).digest('hex')}  ${f.path}\n`).filter((line) => !line.endsWith('  SHA256SUMS\n'))
  t.equal(text('SHA256SUMS'), [...sums].sort((a, b) => a.slice(66) < b.slice(66) ? -1 : 1).join(''), 'every other file, hashed, sorted by path')

  const again = await buildStaticSite(fakeSite(SITE), { publicUrl: LIVE, asOf: AS_OF })
  t.same(again, files, 'the same answers give the same bytes')
})

t.test('the crawl stops at an answer that would leave a hole or a session in the record', async (t) => {
  await t.rejects(buildStaticSite(fakeSite({ ...SITE, '/rfps/two': { status: 500 } }), { publicUrl: LIVE, asOf: AS_OF }), new ArchiveBuildError('/rfps/two answered 500'))
  await t.rejects(buildStaticSite(fakeSite({ ...SITE, '/rfps/two': { status: 400 } }), { publicUrl: LIVE, asOf: AS_OF }), { message: '/rfps/two answered 400' })
  await t.rejects(buildStaticSite(fakeSite({ ...SITE, '/rfps/two': { text: PAGE(''), setsCookie: true } }), { publicUrl: LIVE, asOf: AS_OF }),
    { message: '/rfps/two set a cookie: a page that makes a session cannot be archived' })
  await t.rejects(buildStaticSite(fakeSite({ ...SITE, '/': { contentType: 'application/json', text: '{}' } }), { publicUrl: LIVE, asOf: AS_OF }),
    { message: '/ (application/json) has no place in a static folder' })
  // The RFP served as a data file: rfps/one would be that file and the folder of rfps/one/decision.json.
  await t.rejects(buildStaticSite(fakeSite({ ...SITE, '/rfps/one': { contentType: 'text/plain', text: 'x' } }), { publicUrl: LIVE, asOf: AS_OF }),
    { message: /^\/rfps\/one and \/rfps\/one\/(versions\/1|decision\.json) cannot both be files: rfps\/one would be a file and a folder$/ })
})

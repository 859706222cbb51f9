// The static archive (DESIGN §5): which public URLs it holds, where each lands in the folder, links made
// relative so the folder works from any path and from file://, and the crawl that collects it from the app.
// Crawled rather than listed: links are followed from the start pages within an allow-list of public paths,
// so the archive holds what the site links to, and a new public page joins it once its path is allowed.
import { posix } from 'node:path'
import { tilePathsOf } from '../domain/tlog-tiles.js'
import { formatManifest, MANIFEST_NAME, sha256Hex } from './manifest.js'

export const README_NAME = 'README.md'

/** What the crawl reads of one anonymous GET: the app answering through `inject`, or a fake in tests. */
export interface Fetched {
  status: number
  contentType: string
  location: string | undefined
  setsCookie: boolean
  body: Buffer
}

export type Fetch = (url: string) => Promise<Fetched>

export interface ArchiveFile { path: string, bytes: Buffer }

/** The instant the archive is the record of: its newest audit event. */
export interface AsOf { at: string, seq: number, head: string }

export class ArchiveBuildError extends Error {
  override name = 'ArchiveBuildError'
}

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*'

/**
 * The public, anonymous GETs the archive holds (DESIGN §6 lists them). A page joins the archive when its path
 * is here and something links to it; anything else a page links to (signing in, asking a question, the diff
 * form, the signed-in areas) stays on the live site, and its links go there.
 */
const ARCHIVED_PATHS: readonly RegExp[] = [
  /^\/$/,
  /^\/verify$/,
  /^\/feed\.atom$/,
  /^\/ocds\/releases\.json$/,
  new RegExp(`^/rfps/${SLUG}$`),
  new RegExp(`^/rfps/${SLUG}/versions/[1-9][0-9]*$`),
  new RegExp(`^/rfps/${SLUG}/(?:receipts|receipts\\.json|decision|decision\\.json|decision\\.md|rfp\\.md|ocds\\.json|calendar\\.ics|feed\\.atom)$`),
  new RegExp(`^/rfps/${SLUG}/ocds/releases/[A-Za-z0-9._-]+\\.json$`),
  /^\/transparency\/(?:checkpoint|vkey)$/,
  /^\/transparency\/tile\/(?:entries|[0-9]+)\/(?:x[0-9]{3}\/)*[0-9]{3}(?:\.p\/[0-9]+)?$/,
  /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/
]

/** Where the crawl starts: the listing and the site-wide files, which pages may not link to. */
const START = ['/', '/feed.atom', '/ocds/releases.json', '/transparency/checkpoint', '/transparency/vkey']

/** Each RFP's data files, asked for whether or not its page links them; missing ones (404) are skipped. */
const RFP_FILES = ['versions/1', 'receipts', 'receipts.json', 'calendar.ics', 'feed.atom', 'decision', 'decision.json', 'decision.md', 'rfp.md', 'ocds.json']
const RFP_PAGE = new RegExp(`^/rfps/(${SLUG})$`)

/** Answers that mean "not public, or not yet": the URL is left out and links to it go to the live site. */
const LEFT_OUT = new Set([403, 404, 409, 410])

// Any origin will do: references are resolved against it and only ones that stay on it are the site's.
const BASE = 'http://archive.invalid'

const SAFE_SEGMENT = /^[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]*$/

/**
 * The one spelling of a URL the archive keys on: path and query. A static file cannot answer to a query
 * string, so the listing's page number is the only query the archive holds (each page a file of its own,
 * `/?page=1` being the home page); any other query keeps a URL out of the archive.
 */
export function urlKey (url: URL): string {
  if (url.pathname === '/' && url.search !== '') {
    const page = url.searchParams.get('page')
    if ([...url.searchParams.keys()].length === 1 && page !== null && /^[1-9][0-9]*$/.test(page)) return page === '1' ? '/' : `/?page=${page}`
  }
  return url.pathname + url.search
}

export function isArchived (key: string): boolean {
  if (/^\/\?page=[1-9][0-9]*$/.test(key)) return true
  return !key.includes('?') && ARCHIVED_PATHS.some((pattern) => pattern.test(key))
}

/**
 * The file a URL's answer is kept in: an HTML page at `path/index.html` (the listing's page N at
 * `page/N/index.html`), so links can name a file (file:// has no directory index); any other file under its
 * own path, so data keeps its name. Undefined when no static file can stand for the URL.
 */
export function archivePath (key: string, html: boolean): string | undefined {
  const listing = /^\/\?page=([1-9][0-9]*)$/.exec(key)
  if (listing !== null) return html ? `page/${listing[1]}/index.html` : undefined
  if (key === '/') return html ? 'index.html' : undefined
  if (!key.startsWith('/') || key.includes('?') || key.includes('#')) return undefined
  const segments = key.slice(1).split('/')
  if (!segments.every((segment) => SAFE_SEGMENT.test(segment))) return undefined
  const path = segments.join('/')
  if (path === README_NAME || path === MANIFEST_NAME) return undefined
  return html ? `${path}/index.html` : path
}

/** How a reference is used: a link or embedded file may point into the archive; a form always goes live. */
export type ReferenceKind = 'link' | 'form'

export interface LinkContext {
  /** The URL key of the page being rewritten, which query-only references resolve against. */
  pageKey: string
  /** The archive file of that page, which relative links start from. */
  pageFile: string
  /** The archive file of a URL key, or undefined when the archive does not hold it. */
  fileOf: (key: string) => string | undefined
  publicUrl: string
}

/** A reference resolved against the page when it is the site's own (site-absolute or query-only); else undefined. */
function ownUrl (ref: string, pageKey: string): URL | undefined {
  if (!(ref.startsWith('/') && !ref.startsWith('//')) && !ref.startsWith('?')) return undefined
  let url: URL
  try {
    url = new URL(ref, BASE + pageKey)
  } catch {
    return undefined
  }
  // "/\host" is "//host" to a browser: another site, not ours.
  return url.origin === BASE ? url : undefined
}

/**
 * A reference as the archived page should carry it. Only the site's own absolute paths (one leading "/") and
 * query-only references ("?page=2", which the live site resolves against its own path) change: to a relative
 * path to the file that holds the target, with its fragment, or to the live site when the archive does not
 * hold it. Other sites, protocol-relative "//host", fragments and references already relative are kept.
 */
export function rewriteReference (ref: string, context: LinkContext, kind: ReferenceKind = 'link'): string {
  const url = ownUrl(ref, context.pageKey)
  if (url === undefined) return ref
  const file = kind === 'link' ? context.fileOf(urlKey(url)) : undefined
  if (file === undefined) return context.publicUrl.replace(/\/+$/, '') + url.pathname + url.search + url.hash
  return posix.relative(posix.dirname(context.pageFile), file) + url.hash
}

// A start tag (quoted values may hold ">"), and in it an href, src or action: text between tags is never
// touched, even where it reads like an attribute.
const TAG = /<[a-zA-Z](?:"[^"]*"|'[^']*'|[^'">])*>/g
const ATTRIBUTE = /(\s(href|src|action)\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi
const CSS_URL = /url\(\s*(["']?)([^"')\s]*)\1\s*\)/g

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Attribute values as written by Handlebars (which escapes & < > " ' ` =) back to text. */
export function decodeAttribute (value: string): string {
  return value.replace(/&(?:#x([0-9a-f]+)|#([0-9]+)|([a-z]+));/gi, (entity, hex?: string, decimal?: string, name?: string) => {
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16))
    if (decimal !== undefined) return String.fromCodePoint(parseInt(decimal, 10))
    return NAMED_ENTITIES[(name ?? '').toLowerCase()] ?? entity
  })
}

function encodeAttribute (value: string, quote: string): string {
  return value.replaceAll('&', '&amp;').replaceAll(quote, quote === '"' ? '&quot;' : '&#39;')
}

/** Every href, src and action of a page, rewritten by rewriteReference; the rest of the bytes are kept. */
export function rewriteHtml (html: string, context: LinkContext): string {
  return html.replace(TAG, (tag) => tag.replace(ATTRIBUTE, (whole, prefix: string, name: string, doubled?: string, single?: string) => {
    const quote = doubled !== undefined ? '"' : "'"
    const ref = decodeAttribute(doubled ?? single ?? '')
    const rewritten = rewriteReference(ref, context, name.toLowerCase() === 'action' ? 'form' : 'link')
    return rewritten === ref ? whole : `${prefix}${quote}${encodeAttribute(rewritten, quote)}${quote}`
  }))
}

/** A stylesheet's url(…) references, rewritten the same way (relative to the stylesheet's own file). */
export function rewriteCss (css: string, context: LinkContext): string {
  return css.replace(CSS_URL, (whole, quote: string, ref: string) => {
    const rewritten = rewriteReference(ref, context)
    return rewritten === ref ? whole : `url(${quote}${rewritten}${quote})`
  })
}

/** The site's own URLs a page links to or embeds (not its forms' actions), as keys. */
export function linksInHtml (html: string, pageKey: string): string[] {
  const keys: string[] = []
  for (const [tag] of html.matchAll(TAG)) {
    for (const match of tag.matchAll(ATTRIBUTE)) {
      if ((match[2] ?? '').toLowerCase() === 'action') continue
      const url = ownUrl(decodeAttribute(match[3] ?? match[4] ?? ''), pageKey)
      if (url !== undefined) keys.push(urlKey(url))
    }
  }
  return keys
}

export function linksInCss (css: string, pageKey: string): string[] {
  return [...css.matchAll(CSS_URL)].flatMap((match) => {
    const url = ownUrl(match[2] ?? '', pageKey)
    return url === undefined ? [] : [urlKey(url)]
  })
}

/** Absolute URLs on the public site in a data file (a feed's entries, OCDS release URLs), as keys. */
export function linksInText (text: string, publicUrl: string): string[] {
  const base = publicUrl.replace(/\/+$/, '')
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return [...text.matchAll(new RegExp(`${escaped}(/[^\\s"'<>\\\\)\\]]*)`, 'g'))].flatMap((match) => {
    try {
      return [urlKey(new URL(match[1] ?? '/', BASE))]
    } catch {
      return []
    }
  })
}

/**
 * The transparency log's static files for the tree a checkpoint names (C2SP tlog-tiles): at each level the full
 * tiles and the partial one at the right edge, and the entry bundles. Nothing links to them, so the crawl asks for
 * them once the checkpoint answers; any that the site does not serve (404) are left out.
 */
export function transparencyPaths (checkpoint: string): string[] {
  const sizeLine = checkpoint.split('\n')[1] ?? ''
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeLine)) return []
  return tilePathsOf(Number(sizeLine)).map((path) => `/transparency/${path}`)
}

const isHtml = (contentType: string): boolean => /^text\/html\b/i.test(contentType)
const isCss = (contentType: string): boolean => /^text\/css\b/i.test(contentType)
const isText = (contentType: string): boolean => /^text\/|json|xml/i.test(contentType)

interface Collected { key: string, file: string, contentType: string, body: Buffer }

export type ProgressReport = (done: number, total: number, label: string) => void

/**
 * GETs every archived URL reachable from the start pages, anonymously, one at a time. A URL that answers
 * 200 is kept; one that is not public or not there yet (403, 404, 409, 410) is left out; a redirect is left
 * out and its target followed; anything else (a 400, a 500) stops the build, since a page would be missing
 * from the record without anyone noticing.
 */
async function crawl (fetch: Fetch, publicUrl: string, onProgress: ProgressReport): Promise<Collected[]> {
  const seen = new Set<string>()
  const queue: string[] = []
  const enqueue = (key: string): void => {
    if (!seen.has(key) && isArchived(key)) {
      seen.add(key)
      queue.push(key)
    }
  }
  START.forEach(enqueue)
  const collected: Collected[] = []
  for (let done = 0; done < queue.length; done++) {
    const key = queue[done] as string
    const answer = await fetch(key)
    if (answer.status === 200) {
      if (answer.setsCookie) throw new ArchiveBuildError(`${key} set a cookie: a page that makes a session cannot be archived`)
      const file = archivePath(key, isHtml(answer.contentType))
      if (file === undefined) throw new ArchiveBuildError(`${key} (${answer.contentType}) has no place in a static folder`)
      collected.push({ key, file, contentType: answer.contentType, body: answer.body })
      const text = isText(answer.contentType) ? answer.body.toString('utf8') : ''
      if (isHtml(answer.contentType)) linksInHtml(text, key).forEach(enqueue)
      else if (isCss(answer.contentType)) linksInCss(text, key).forEach(enqueue)
      else if (text !== '') linksInText(text, publicUrl).forEach(enqueue)
      const rfp = RFP_PAGE.exec(key)
      if (rfp !== null) RFP_FILES.forEach((name) => { enqueue(`/rfps/${rfp[1]}/${name}`) })
      if (key === '/transparency/checkpoint') transparencyPaths(text).forEach(enqueue)
      onProgress(done + 1, queue.length, file)
    } else if (answer.status >= 300 && answer.status < 400) {
      const target = answer.location === undefined ? undefined : ownUrl(answer.location, key)
      if (target !== undefined) enqueue(urlKey(target))
      onProgress(done + 1, queue.length, key)
    } else if (LEFT_OUT.has(answer.status)) {
      onProgress(done + 1, queue.length, key)
    } else {
      throw new ArchiveBuildError(`${key} answered ${answer.status}`)
    }
  }
  return collected
}

/** Two files cannot share a name, and a file cannot be the folder of another. */
function checkLayout (files: readonly { key: string, file: string }[]): void {
  const byFile = new Map(files.map((f) => [f.file, f.key]))
  for (const { key, file } of files) {
    const parts = file.split('/')
    for (let n = 1; n < parts.length; n++) {
      const folder = parts.slice(0, n).join('/')
      const other = byFile.get(folder)
      if (other !== undefined) throw new ArchiveBuildError(`${other} and ${key} cannot both be files: ${folder} would be a file and a folder`)
    }
  }
  if (byFile.size !== files.length) throw new ArchiveBuildError('two URLs map to the same file')
}

/** Byte order, not the locale's: the same everywhere, so rebuilt manifests are identical. */
export function byPath (a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0
}

/** The archive's own README: what it is, as of when, and how to check it. Deterministic, like every file. */
export function archiveReadme (publicUrl: string, asOf: AsOf, fileCount: number): string {
  return `# Shortlist archive

A static copy of the public record published at ${publicUrl}
as of ${asOf.at}, the instant of audit event #${asOf.seq}
(chain hash ${asOf.head}).

Every page and data file is what the live site answered at that instant, rendered by the same
templates; nothing that happened after it is here.

Open index.html in a browser, or serve this folder from any static web host, at any path: every link
between its files is relative. Links to what a static folder cannot do (signing in, asking a question,
checking a receipt hash, the signed-in areas) go to the live site. Feeds, calendars and data files keep
their absolute URLs on the live site, as programs read them.

## What is in it

- index.html (and page/N/index.html): the published RFPs;
- rfps/SLUG/index.html: each RFP, with versions/N/index.html for every version, and, where published,
  receipts, the decision record, decision.json, decision.md, rfp.md, ocds.json, calendar.ics, feed.atom;
- feed.atom and ocds/releases.json: the site's news and its OCDS bulk release package;
- transparency/: the transparency log's checkpoint, verifier key and tiles, when the site publishes them;
- assets/: the style sheets and icons the pages use.

## Checking it

SHA256SUMS lists the SHA-256 of each of the other ${fileCount} files. Check them with

    sha256sum -c SHA256SUMS

or with \`shortlist archive verify DIR\`, which also names files that are not listed and checks each
decision.json against its published schema.
`
}

export interface StaticSiteOptions {
  publicUrl: string
  asOf: AsOf
  onProgress?: ProgressReport
}

/**
 * Every file of the archive, sorted by path: the crawled pages with their links rewritten, the README, and
 * SHA256SUMS last. Pure but for `fetch`: the same answers give the same bytes.
 */
export async function buildStaticSite (fetch: Fetch, { publicUrl, asOf, onProgress = () => {} }: StaticSiteOptions): Promise<ArchiveFile[]> {
  const collected = await crawl(fetch, publicUrl, onProgress)
  checkLayout(collected)
  const fileOfKey = new Map(collected.map((c) => [c.key, c.file]))
  const fileOf = (key: string): string | undefined => fileOfKey.get(key)
  const files: ArchiveFile[] = collected.map(({ key, file, contentType, body }) => {
    const rewrite = isHtml(contentType) ? rewriteHtml : isCss(contentType) ? rewriteCss : undefined
    if (rewrite === undefined) return { path: file, bytes: body }
    const text = body.toString('utf8')
    const rewritten = rewrite(text, { pageKey: key, pageFile: file, fileOf, publicUrl })
    // Untouched bytes stay the served bytes, even where they are not valid UTF-8.
    return { path: file, bytes: rewritten === text ? body : Buffer.from(rewritten, 'utf8') }
  })
  files.push({ path: README_NAME, bytes: Buffer.from(archiveReadme(publicUrl, asOf, files.length + 1), 'utf8') })
  files.sort(byPath)
  const manifest = formatManifest(files.map((f) => ({ path: f.path, sha256: sha256Hex(f.bytes) })))
  return [...files, { path: MANIFEST_NAME, bytes: Buffer.from(manifest, 'utf8') }]
}

// shortlist archive build / verify on the demo: byte-identical rebuilds, the manifest, links that resolve
// inside the folder, verification that names what changed, the progress bar, and folders it must not touch.
import { createHash } from 'node:crypto'
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { main } from '../../src/cli.js'
import { DECISION_SCHEMA } from '../../src/archive/decision-schema.js'
import { archiveCommand } from '../../src/commands/archive.js'
import { progressText, type CliIo } from '../../src/commands/io.js'
import { loadConfig } from '../../src/config.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { testConfig, testContext } from '../helpers/app.js'

interface Run { code: number, out: string[], err: string[] }

const PUBLIC_URL = 'http://localhost:3000'

function io (env: Record<string, string>, terminal?: CliIo['terminal']): CliIo & { out: (l: string) => void, lines: { out: string[], err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] }
  return {
    env: { SHORTLIST_CONFIG_FILE: 'config/test.json', ...env },
    cwd: process.cwd(),
    out: (l) => { lines.out.push(l) },
    err: (l) => { lines.err.push(l) },
    ...(terminal === undefined ? {} : { terminal }),
    lines
  }
}

async function run (args: string[], env: Record<string, string>): Promise<Run> {
  const cli = io(env)
  return { code: await main(args, cli), ...cli.lines }
}

/** Every file under `dir`, by its "/" path, with its bytes. */
function readTree (dir: string): Map<string, Buffer> {
  const paths = (readdirSync(dir, { recursive: true }) as string[]).filter((p) => statSync(join(dir, p)).isFile()).sort()
  return new Map(paths.map((p) => [p.split('\\').join('/'), readFileSync(join(dir, p))]))
}

function differences (a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()])
  return [...paths].filter((p) => a.get(p) === undefined || b.get(p) === undefined || !a.get(p)?.equals(b.get(p) as Buffer)).sort()
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

// One demo for the whole file: seeding it takes seconds, and the archive only reads it.
const demoDir = t.testdir()
const env = { SHORTLIST_DATA_DIR: demoDir }
t.before(async () => {
  const seeded = await run(['demo'], env)
  if (seeded.code !== 0) throw new Error(seeded.err.join('\n'))
})

/** A copy of the demo's database in `dir`, for a test that changes it. */
function demoCopy (dir: string): Record<string, string> {
  mkdirSync(dir)
  // The database and the log's key travel together, as a backup keeps them: the checkpoints stored are signed with it.
  for (const file of ['shortlist.sqlite', 'transparency-key']) copyFileSync(join(demoDir, file), join(dir, file))
  return { SHORTLIST_DATA_DIR: dir }
}

t.test('rebuilding from the same data gives the same bytes; the manifest lists every file; verify agrees', async (t) => {
  const parent = t.testdir()
  const first = join(parent, 'archive')
  const built = await run(['archive', 'build', '--out', first], env)
  t.equal(built.code, 0, built.err.join('\n'))
  t.match(built.out, [new RegExp(`^archive built: \\d+ files \\(\\d+ KiB\\) in ${first}, as of \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\(audit event #\\d+\\)$`)])
  t.same(built.err, [], 'standard error is no terminal: no progress bar, only the summary line')
  const tree = readTree(first)

  t.equal((await run(['archive', 'build', '--out', join(parent, 'second')], env)).code, 0)
  t.same(differences(tree, readTree(join(parent, 'second'))), [], 'a second build is byte-identical, file by file')
  t.equal((await run(['archive', 'build', '--out', first], env)).code, 0, 'a previous archive is rebuilt in place')
  t.same(differences(tree, readTree(first)), [], 'and again identical')
  t.same(readdirSync(parent).sort(), ['archive', 'second'], 'no temporary folder is left beside it')
  t.equal(statSync(first).mode & 0o777, 0o755, 'readable by a web server')

  const listed = tree.get('SHA256SUMS')?.toString('utf8')
  const expected = [...tree].filter(([path]) => path !== 'SHA256SUMS').map(([path, bytes]) => `${sha256(bytes)}  ${path}\n`)
  t.equal(listed, expected.sort((a, b) => a.slice(66) < b.slice(66) ? -1 : 1).join(''), 'every other file with its SHA-256, sorted by path')

  // The archive is the record as of its newest event: the README names the chain head `shortlist verify` prints.
  const head = /head ([0-9a-f]{64})$/.exec((await run(['verify'], env)).out[0] ?? '')?.[1]
  const events = /intact: (\d+) events/.exec((await run(['verify'], env)).out[0] ?? '')?.[1]
  t.ok(head !== undefined && events !== undefined)
  t.match(tree.get('README.md')?.toString('utf8'), `the instant of audit event #${events}\n(chain hash ${head})`)

  const verified = await run(['archive', 'verify', first], env)
  t.equal(verified.code, 0, verified.out.join('\n'))
  t.match(verified.out, [new RegExp(`^archive intact: ${tree.size - 1} files match SHA256SUMS; 1 decision record\\(s\\) match decision\\.schema\\.json and recompute$`), /^transparency\/: log intact: \d+ entries under the checkpoint signed by /])

  // The log's copy in the archive is checked against its own checkpoint: a changed entry byte is found, even with
  // SHA256SUMS recomputed to match, as someone rewriting the copy would.
  const bundle = [...tree.keys()].find((path) => path.startsWith('transparency/tile/entries/'))!
  const forged = Buffer.from(tree.get(bundle)!)
  forged[forged.length - 2] = forged[forged.length - 2]! ^ 1
  writeFileSync(join(first, bundle), forged)
  const sums = readFileSync(join(first, 'SHA256SUMS'), 'utf8').replace(/^[0-9a-f]{64}(?= {2}transparency\/tile\/entries\/)/m, createHash('sha256').update(forged).digest('hex'))
  writeFileSync(join(first, 'SHA256SUMS'), sums)
  const rewritten = await run(['archive', 'verify', first], env)
  t.equal(rewritten.code, 1)
  t.match(rewritten.out, [/^archive intact/, new RegExp(`^transparency/: log BROKEN at ${bundle.slice('transparency/'.length).replace(/[.]/g, '\\.')}: entry \\d+ does not hash to its leaf hash`)])
})

t.test('the archive reads as of its newest event, not as of the day it is built', async (t) => {
  // The demo seeded years ago: by today's clock its RFP open for questions would long be past its deadline.
  const ctx = await testContext(t, testConfig(t), new Date('2021-03-01T09:00:00.000Z'))
  await seedDemo(ctx)
  const out = join(ctx.config.dataDir, 'archive')
  // The same database the demo went into: the SQLite file in the data folder, or the test's PostgreSQL one.
  const database: Record<string, string> = ctx.config.database.url === '' ? {} : { SHORTLIST_DATABASE_URL: ctx.config.database.url }
  const built = await run(['archive', 'build', '--out', out], { SHORTLIST_DATA_DIR: ctx.config.dataDir, ...database })
  t.equal(built.code, 0, built.err.join('\n'))
  t.match(built.out, [/, as of 2021-03-0\dT[0-9:.]+Z \(audit event #\d+\)$/])
  const home = readFileSync(join(out, 'index.html'), 'utf8')
  t.match(home, /href="rfps\/driftwood-security-audit-2027\/index\.html">[^<]*<\/a><\/h2>\s*<p class="phase phase-questions_open">/)
})

t.test('every link in every page resolves to a file in the folder, or goes to the live site for what it lacks', async (t) => {
  const out = join(t.testdir(), 'archive')
  t.equal((await run(['archive', 'build', '--out', out], env)).code, 0)
  const tree = readTree(out)
  const pages = [...tree.keys()].filter((p) => p.endsWith('.html'))
  t.ok(pages.length > 10, `${pages.length} pages`)
  const broken: string[] = []
  let inside = 0
  let live = 0
  for (const page of pages) {
    const html = tree.get(page)?.toString('utf8') ?? ''
    for (const [tag] of html.matchAll(/<[a-zA-Z](?:"[^"]*"|'[^']*'|[^'">])*>/g)) {
      for (const match of tag.matchAll(/\s(href|src|action)\s*=\s*"([^"]*)"/gi)) {
        const ref = (match[2] ?? '').replaceAll('&amp;', '&')
        if (/^\/(?!\/)/.test(ref) || ref.startsWith('?')) {
          broken.push(`${page}: ${ref} was left site-absolute`)
        } else if (ref.startsWith(`${PUBLIC_URL}/`)) {
          live++
          const path = new URL(ref).pathname.slice(1)
          const held = path === '' || tree.has(path) || tree.has(`${path}/index.html`)
          if (held && match[1] !== 'action') broken.push(`${page}: ${ref} goes live though the archive holds it`)
        } else if (!/^[a-z]+:|^#|^\/\//.test(ref)) {
          inside++
          const target = normalize(join(dirname(page), ref.replace(/[#?].*$/, ''))).split('\\').join('/')
          if (target.startsWith('..') || !tree.has(target)) broken.push(`${page}: ${ref} → ${target} is not in the archive`)
        }
      }
    }
  }
  t.same(broken, [])
  t.ok(inside > 100 && live > 0, `${inside} links inside, ${live} to the live site`)

  // The demo's decided RFP, its decision record and its data files are in it.
  const rfp = `rfps/${DECIDED_RFP_SLUG}`
  for (const file of ['index.html', 'versions/1/index.html', 'receipts/index.html', 'receipts.json', 'calendar.ics', 'feed.atom', 'decision/index.html', 'decision.json']) {
    t.ok(tree.has(`${rfp}/${file}`), `${rfp}/${file}`)
  }
  t.match(tree.get(`${rfp}/index.html`)?.toString('utf8'), 'href="decision/index.html"')
  t.equal(JSON.parse(tree.get(`${rfp}/decision.json`)?.toString('utf8') ?? '{}').format, 'shortlist-decision/1')
  t.ok(tree.has('index.html') && tree.has('feed.atom') && tree.has('assets/pico.min.css') && tree.has('assets/shortlist.css'))
  t.match(tree.get('index.html')?.toString('utf8'), `href="${PUBLIC_URL}/sign-in"`, 'signing in is linked on the live site')
  const ocds = tree.get(`${rfp}/ocds.json`)
  t.ok(ocds !== undefined && JSON.parse(ocds.toString('utf8')).records?.[0]?.ocid?.endsWith(DECIDED_RFP_SLUG), 'the record package of the decided RFP', { todo: ocds === undefined ? 'the OCDS routes are not registered in src/app.ts yet' : false })
})

t.test('verify names what was altered, deleted and added, and exits 1; a rebuild keeps the added file', async (t) => {
  const out = join(t.testdir(), 'archive')
  t.equal((await run(['archive', 'build', '--out', out], env)).code, 0)
  appendFileSync(join(out, 'rfps', DECIDED_RFP_SLUG, 'index.html'), '<!-- edited -->')
  rmSync(join(out, 'feed.atom'))
  writeFileSync(join(out, 'notes.txt'), 'mine')
  const verified = await run(['archive', 'verify', out], env)
  t.same(verified, {
    code: 1,
    out: ['missing  feed.atom', 'extra    notes.txt', `altered  rfps/${DECIDED_RFP_SLUG}/index.html`, `archive BROKEN: 3 problem(s) in ${out}`],
    err: []
  })

  const refused = await run(['archive', 'build', '--out', out], env)
  t.same(refused, { code: 1, out: [], err: [`shortlist archive build: ${out} holds what its SHA256SUMS does not list (notes.txt); a rebuild would delete it, so nothing was written: move it away first`] })
  t.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine', 'someone\'s file is still there')
  rmSync(join(out, 'notes.txt'))
  t.equal((await run(['archive', 'build', '--out', out], env)).code, 0, 'altered and missing files are simply rebuilt')
  t.equal((await run(['archive', 'verify', out], env)).code, 0)
})

t.test('each decision.json is checked against the decision schema, at build and at verify', async (t) => {
  const dir = t.testdir({ 'strict.schema.json': JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['format'], properties: { format: { const: 'something-else/9' } } }) })
  const strict = join(dir, 'strict.schema.json')
  const out = join(dir, 'archive')
  const config = loadConfig({ env: { SHORTLIST_CONFIG_FILE: 'config/test.json', ...env }, cwd: process.cwd() })

  const refusing = io(env)
  t.equal(await archiveCommand(config, refusing, 'build', undefined, { out, schemaFile: strict }), 1)
  t.match(refusing.lines.out, [new RegExp(`^invalid  rfps/${DECIDED_RFP_SLUG}/decision\\.json: does not match strict\\.schema\\.json: /format `)])
  t.same(refusing.lines.err, ['shortlist archive build: 1 decision record(s) do not match their published schema; nothing was written'])
  t.notOk(existsSync(out), 'nothing was written')

  t.equal((await run(['archive', 'build', '--out', out], env)).code, 0)
  const verifying = io(env)
  t.equal(await archiveCommand(config, verifying, 'verify', out, { out: undefined, schemaFile: strict }), 1)
  t.match(verifying.lines.out, [/^invalid {2}rfps\/.*\/decision\.json: does not match strict\.schema\.json: \/format /, /^archive BROKEN: 1 problem\(s\)/])

  const absent = io(env)
  t.equal(await archiveCommand(config, absent, 'verify', out, { out: undefined, schemaFile: join(dir, 'none.json') }), 0)
  t.match(absent.lines.out, [/; decision records not checked \(no none\.json\)$/])

  const real = await run(['archive', 'verify', out], env)
  t.equal(real.code, 0, real.out.join('\n'))
  if (existsSync(DECISION_SCHEMA)) t.match(real.out, [/; 1 decision record\(s\) match decision\.schema\.json and recompute$/], 'the demo\'s record matches the published schema')
})

t.test('on a terminal, a one-line progress bar redrawn in place; erased before the summary', async (t) => {
  t.equal(progressText(42, 120, 'rfps/x/index.html', 80), '[#######             ] 42/120 rfps/x/index.html')
  t.equal(progressText(0, 0, 'x', 80), '[                    ] 0/0 x')
  t.equal(progressText(5, 5, 'x', 80), '[####################] 5/5 x')
  t.equal(progressText(1, 2, 'a-long-label', 20), `[##########${' '.repeat(8)}`, 'cut to the width less one')
  t.equal(progressText(1, 2, 'rfps/x/ocds/releases/52.json', 40), '[##########          ] 1/2 …ses/52.json', 'a long label keeps its end')
  t.equal(progressText(1, 2, 'rfps/x/ocds/releases/52.json', 29), '[##########          ] 1/2 ', 'no room for a label')

  const writes: string[] = []
  const cli = io(env, { columns: 100, write: (text) => { writes.push(text) } })
  t.equal(await main(['archive', 'build', '--out', join(t.testdir(), 'archive')], cli), 0, cli.lines.err.join('\n'))
  t.equal(writes.at(-1), '\r\x1b[K', 'the bar is erased at the end')
  const ERASE_TO_END = '\x1b[K'
  const bars = writes.slice(0, -1).map((w) => w.endsWith(ERASE_TO_END) ? /^\r(\[[# ]{20}\] (\d+)\/(\d+) .*)$/.exec(w.slice(0, -ERASE_TO_END.length)) : null)
  t.ok(bars.length > 20 && bars.every((m) => m !== null), 'every other write redraws the line')
  t.ok(bars.every((m) => (m?.[1]?.length ?? 999) <= 99), 'never wider than the terminal')
  t.same(bars.map((m) => Number(m?.[2])), bars.map((_, i) => i + 1), 'one step per URL')
  t.equal(bars.at(-1)?.[2], bars.at(-1)?.[3], 'complete at the end')
  t.ok(bars.some((m) => m?.[1]?.endsWith(` rfps/${DECIDED_RFP_SLUG}/index.html`)), 'labelled with the file')
  t.same(cli.lines.err, [])
  t.match(cli.lines.out, [/^archive built: /], 'the summary is still printed')
})

t.test('never writes over a folder that is not a previous archive, nor over a file', async (t) => {
  const root = t.testdir({
    mine: { 'mine.txt': 'keep', sub: { 'b.txt': 'b' } },
    downloads: { SHA256SUMS: `${sha256(Buffer.from('iso'))}  a.iso\n`, 'a.iso': 'iso' },
    'file.txt': 'x',
    empty: {}
  })
  const mine = join(root, 'mine')
  t.same(await run(['archive', 'build', '--out', mine], env), {
    code: 1, out: [], err: [`shortlist archive build: ${mine} is not empty and is not a Shortlist archive (no SHA256SUMS and README.md of one); nothing was written: name a new or empty folder`]
  })
  t.same([...readTree(mine).keys()], ['mine.txt', 'sub/b.txt'])
  t.same(readdirSync(root).sort(), ['downloads', 'empty', 'file.txt', 'mine'], 'no temporary folder left')

  const downloads = join(root, 'downloads')
  t.match(await run(['archive', 'build', '--out', downloads], env), { code: 1, err: [/is not a Shortlist archive/] }, 'a SHA256SUMS of someone else\'s')
  t.equal(readFileSync(join(downloads, 'a.iso'), 'utf8'), 'iso')

  const file = join(root, 'file.txt')
  t.same(await run(['archive', 'build', '--out', file], env), { code: 1, out: [], err: [`shortlist archive build: ${file} exists and is not a folder`] })

  const link = join(root, 'link')
  symlinkSync(join(root, 'empty'), link)
  t.same(await run(['archive', 'build', '--out', link], env), { code: 1, out: [], err: [`shortlist archive build: ${link} is a symbolic link; name the folder itself`] })
  rmSync(link)

  const empty = join(root, 'empty')
  t.equal((await run(['archive', 'build', '--out', empty], env)).code, 0, 'an empty folder is fine')
  t.ok(existsSync(join(empty, 'index.html')))
})

t.test('a build that fails leaves the previous archive exactly as it was', async (t) => {
  const root = t.testdir()
  const copy = demoCopy(join(root, 'data'))
  const out = join(root, 'site', 'archive')
  t.equal((await run(['archive', 'build', '--out', out], copy)).code, 0)
  const before = readTree(out)
  const sqlite = new SQLite(join(copy.SHORTLIST_DATA_DIR as string, 'shortlist.sqlite'))
  sqlite.prepare("update rfp_versions set content = '{not json' where rfp_id = (select id from rfps where slug = ?)").run(DECIDED_RFP_SLUG)
  sqlite.close()
  // On a terminal, so the order of the bar and the message shows: the bar is erased first.
  const screen: string[] = []
  const cli = io(copy, { columns: 100, write: (text) => { screen.push(text) } })
  const err = cli.err
  cli.err = (line) => { screen.push(`${line}\n`); err(line) }
  t.equal(await main(['archive', 'build', '--out', out], cli), 1)
  // Whichever page reads the damaged version first (the bulk OCDS package, or the RFP's own pages) stops it.
  t.match(cli.lines.err, [/^shortlist archive build: \/\S+ answered 500; nothing was written$/])
  t.same(screen.slice(-2, -1), ['\r\x1b[K'], 'the bar is erased before the message is written')
  t.same(differences(before, readTree(out)), [], 'the old archive is untouched')
  t.same(readdirSync(dirname(out)), ['archive'], 'and nothing is left beside it')
  const reverified = await run(['archive', 'verify', out], copy)
  t.equal(reverified.code, 0, reverified.out.join('\n'))
})

t.test('usage errors, a missing database, an empty one, and folders that are no archive', async (t) => {
  const root = t.testdir({ dir: {}, fresh: {} })
  const dir = join(root, 'dir')
  t.same(await run(['archive'], env), { code: 2, out: [], err: ['usage: shortlist archive build --out DIR | shortlist archive verify DIR'] })
  t.same(await run(['archive', 'build'], env), { code: 2, out: [], err: ['usage: shortlist archive build --out DIR'] })
  t.same(await run(['archive', 'build', 'somewhere'], env), { code: 2, out: [], err: ['usage: shortlist archive build --out DIR'] })
  t.same(await run(['archive', 'verify'], env), { code: 2, out: [], err: ['usage: shortlist archive verify DIR'] })
  t.match(await run(['archive', 'verify', 'a', 'b'], env), { code: 2, err: ['shortlist archive: unexpected argument "b"'] })
  t.same(await run(['archive', 'verify', join(dir, 'nowhere')], env), { code: 1, out: [], err: [`shortlist archive verify: there is no folder at ${join(dir, 'nowhere')}`] })
  t.same(await run(['archive', 'verify', dir], env), { code: 1, out: [], err: [`shortlist archive verify: ${dir} has no SHA256SUMS: it is not a Shortlist archive`] })

  const fresh = join(root, 'fresh')
  const out = join(fresh, 'archive')
  t.same(await run(['archive', 'build', '--out', out], { SHORTLIST_DATA_DIR: fresh }), { code: 1, out: [], err: [`shortlist archive build: there is no database at ${join(fresh, 'shortlist.sqlite')}`] })
  new SQLite(join(fresh, 'shortlist.sqlite')).close()
  t.same(await run(['archive', 'build', '--out', out], { SHORTLIST_DATA_DIR: fresh }), { code: 1, out: [], err: ['shortlist archive build: the database has no schema yet (run "shortlist migrate" first)'] })
  t.equal((await run(['migrate'], { SHORTLIST_DATA_DIR: fresh })).code, 0)
  t.same(await run(['archive', 'build', '--out', out], { SHORTLIST_DATA_DIR: fresh }), { code: 1, out: [], err: ['shortlist archive build: nothing has happened yet: the audit log is empty'] })
  t.notOk(existsSync(out))
})

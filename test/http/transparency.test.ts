// /transparency/ and /verify over HTTP, as a tlog client and a reader see them: the checkpoint and key as text that
// parses, tiles as octets with the cache lives C2SP tlog-tiles asks for (a full tile immutable, a partial one short),
// proofs as JSON, errors as JSON naming what was wrong, the verify page showing the key and checkpoint escaped —
// and no cookie on any of them.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { canonicalJson, type JsonValue } from '../../src/domain/canonical-json.js'
import { leafHash, treeLevels, treeRoot, verifyConsistency, verifyInclusion } from '../../src/domain/merkle.js'
import { openCheckpoint, parseVerifierKey } from '../../src/domain/signed-note.js'
import { entryBundlesOf, parseEntryBundle, tilesOf } from '../../src/domain/tlog-tiles.js'
import { amendRfp } from '../../src/services/amendments.js'
import { createRfpDraft, getRfp, publishRfp } from '../../src/services/rfps.js'
import { buildTestApp, createOwner, T0, type TestApp } from '../helpers/app.js'

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const IMMUTABLE = 'public, max-age=31536000, immutable'
const SHORT = 'public, max-age=60'
const fromBase64 = (value: string): Uint8Array => Uint8Array.from(Buffer.from(value, 'base64'))

/** The app over a published RFP amended `amendments` times through the service: 1 + amendments leaves. */
async function appWithLog (t: Test, amendments: number, config: Record<string, unknown> = {}): Promise<TestApp> {
  const built = await buildTestApp(t, { config })
  const { ctx } = built
  const owner = await createOwner(ctx)
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  const document = (await getRfp(ctx, owner, slug)).document
  for (let version = 2; version <= amendments + 1; version++) {
    await amendRfp(ctx, owner, slug, { ...document, title: `${document.title} (version ${version})` }, `Revision ${version}.`)
  }
  return built
}

/** Entries rebuilt from the rows, as anyone holding the public events could. */
async function expectedEntries ({ ctx }: TestApp): Promise<{ seqs: number[], entries: Uint8Array[] }> {
  const rows = await ctx.db.selectFrom('audit_events').select(['seq', 'at', 'type', 'data']).where('is_public', '=', 1).orderBy('seq').execute()
  return { seqs: rows.map((r) => r.seq), entries: rows.map((r) => Uint8Array.from(Buffer.from(canonicalJson({ at: r.at, data: JSON.parse(r.data) as JsonValue, seq: r.seq, type: r.type }), 'utf8'))) }
}

async function get (app: FastifyInstance, url: string): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'GET', url })
}

function noCookie (t: Test, response: LightMyRequestResponse, url: string): void {
  t.equal(response.headers['set-cookie'], undefined, `${url}: no cookie`)
}

/** Handlebars' escaping, written out: what {{value}} puts in the page. */
const escaped = (value: string): string => value.replace(/[&<>"'`=]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!)

t.test('a log of 257 leaves: the checkpoint, the key, full and partial tiles, proofs', async (t) => {
  const built = await appWithLog(t, 256)
  const { app, ctx } = built
  const { seqs, entries } = await expectedEntries(built)
  const levels = treeLevels(entries.map(leafHash))
  t.equal(entries.length, 257)

  const vkey = await get(app, '/transparency/vkey')
  t.same([vkey.statusCode, vkey.headers['content-type'], vkey.headers['cache-control']], [200, TEXT, 'public, max-age=3600'])
  t.match(vkey.body, /^[^\n]+\n$/, 'one line')
  const verifier = parseVerifierKey(vkey.body.trim())
  t.equal(verifier.name, ctx.transparency.origin)
  t.equal(verifier.name, 'localhost:3000', 'the public URL\'s host, no origin being configured')

  const checkpoint = await get(app, '/transparency/checkpoint')
  t.same([checkpoint.statusCode, checkpoint.headers['content-type'], checkpoint.headers['cache-control']], [200, TEXT, 'public, max-age=5'])
  const opened = openCheckpoint(checkpoint.body, [verifier]).checkpoint
  t.same([opened.origin, opened.size, Buffer.from(opened.rootHash).toString('hex')], ['localhost:3000', 257, Buffer.from(treeRoot(levels)).toString('hex')])
  t.equal((await get(app, '/transparency/checkpoint')).body, checkpoint.body, 'the same note again')

  const tiles: Array<[string, string, Uint8Array]> = [
    ['tile/0/000', IMMUTABLE, tilesOf(levels, 257)[0]!.bytes],
    ['tile/0/001.p/1', SHORT, tilesOf(levels, 257)[1]!.bytes],
    ['tile/1/000.p/1', SHORT, tilesOf(levels, 257)[2]!.bytes],
    ['tile/0/000.p/7', SHORT, tilesOf(levels, 7)[0]!.bytes],
    ['tile/entries/000', IMMUTABLE, entryBundlesOf(entries, 257)[0]!.bytes],
    ['tile/entries/001.p/1', SHORT, entryBundlesOf(entries, 257)[1]!.bytes]
  ]
  t.same(tilesOf(levels, 257).map((f) => f.path), ['tile/0/000', 'tile/0/001.p/1', 'tile/1/000.p/1'])
  for (const [path, cache, bytes] of tiles) {
    const response = await get(app, `/transparency/${path}`)
    t.same([response.statusCode, response.headers['content-type'], response.headers['cache-control']], [200, 'application/octet-stream', cache], path)
    t.ok(response.rawPayload.equals(Buffer.from(bytes)), `${path}: ${bytes.length} bytes, the domain's`)
    noCookie(t, response, path)
  }
  t.equal(parseEntryBundle((await get(app, '/transparency/tile/entries/001.p/1')).rawPayload).length, 1)

  const seq = seqs[100]!
  const inclusion = await get(app, `/transparency/proofs/inclusion?seq=${seq}`)
  t.same([inclusion.statusCode, inclusion.headers['content-type'], inclusion.headers['cache-control']], [200, JSON_TYPE, 'no-cache'])
  const proof = inclusion.json() as { seq: number, index: number, treeSize: number, entry: string, leafHash: string, rootHash: string, proof: string[] }
  t.same([proof.seq, proof.index, proof.treeSize, proof.entry], [seq, 100, 257, Buffer.from(entries[100]!).toString('utf8')])
  t.ok(verifyInclusion(leafHash(Buffer.from(proof.entry, 'utf8')), proof.index, proof.treeSize, proof.proof.map(fromBase64), opened.rootHash), 'proved under the signed root')
  const older = (await get(app, `/transparency/proofs/inclusion?seq=${seq}&size=101`)).json() as typeof proof
  t.ok(verifyInclusion(leafHash(entries[100]!), 100, 101, older.proof.map(fromBase64), treeRoot(levels, 101)), 'and in the tree of 101')

  const consistency = await get(app, '/transparency/proofs/consistency?from=7&to=257')
  t.same([consistency.statusCode, consistency.headers['content-type'], consistency.headers['cache-control']], [200, JSON_TYPE, 'no-cache'])
  const between = consistency.json() as { from: number, to: number, fromRoot: string, toRoot: string, proof: string[] }
  t.same([between.from, between.to, between.toRoot], [7, 257, Buffer.from(opened.rootHash).toString('base64')])
  t.ok(verifyConsistency(7, 257, treeRoot(levels, 7), opened.rootHash, between.proof.map(fromBase64)))

  for (const url of ['/transparency/checkpoint', '/transparency/vkey', `/transparency/proofs/inclusion?seq=${seq}`, '/transparency/proofs/consistency?from=7&to=257']) {
    noCookie(t, await get(app, url), url)
  }
})

t.test('bad tile paths are 404s in JSON; bad queries 400s in JSON naming the field', async (t) => {
  const built = await appWithLog(t, 2)
  const { app } = built
  const { seqs } = await expectedEntries(built)
  const privateSeq = (await built.ctx.db.selectFrom('audit_events').select('seq').where('is_public', '=', 0).orderBy('seq').executeTakeFirstOrThrow()).seq

  for (const path of ['tile/x/1', 'tile/0/1', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/4', 'tile/0/000', 'tile/1/000.p/1', 'tile/entries/000.p/4', 'tile/entries/001', 'tile/', 'tile/0/000/']) {
    const url = `/transparency/${path}`
    const response = await get(app, url)
    t.same([response.statusCode, response.headers['content-type']], [404, JSON_TYPE], url)
    t.match(response.json(), { statusCode: 404, code: 'SL_NOT_FOUND', message: String }, url)
    noCookie(t, response, url)
  }
  t.match((await get(app, '/transparency/tile/0/000.p/4')).json(), { message: /tile\/0\/000\.p\/4/ }, 'the message names the path')

  const bad: Array<[string, RegExp]> = [
    ['/transparency/proofs/inclusion', /querystring must have required property 'seq'/],
    ['/transparency/proofs/inclusion?seq=abc', /querystring\/seq must be integer/],
    ['/transparency/proofs/inclusion?seq=0', /querystring\/seq must be >= 1/],
    [`/transparency/proofs/inclusion?seq=${seqs[0]!}&size=0`, /querystring\/size must be >= 1/],
    [`/transparency/proofs/inclusion?seq=${seqs[2]!}&size=2`, /^size: must be more than the leaf index 2 and at most 3$/],
    [`/transparency/proofs/inclusion?seq=${seqs[0]!}&size=4`, /^size: /],
    ['/transparency/proofs/consistency?from=1', /querystring must have required property 'to'/],
    ['/transparency/proofs/consistency?from=x&to=2', /querystring\/from must be integer/],
    ['/transparency/proofs/consistency?from=3&to=2', /^from: the sizes must satisfy 1 ≤ from ≤ to ≤ 3/],
    ['/transparency/proofs/consistency?from=1&to=4', /^to: the sizes must satisfy/]
  ]
  for (const [url, message] of bad) {
    const response = await get(app, url)
    t.same([response.statusCode, response.headers['content-type']], [400, JSON_TYPE], url)
    t.match(response.json(), { statusCode: 400, message }, url)
    noCookie(t, response, url)
  }
  for (const url of [`/transparency/proofs/inclusion?seq=${privateSeq}`, '/transparency/proofs/inclusion?seq=9999']) {
    const response = await get(app, url)
    t.same([response.statusCode, response.headers['content-type']], [404, JSON_TYPE], url)
    t.match(response.json(), { code: 'SL_NOT_FOUND', message: /is not in the public log/ }, url)
  }
})

t.test('/verify shows the key and the checkpoint to pin, escaped, and sets no cookie', async (t) => {
  // An origin with characters HTML must not take raw (the config allows anything but spaces and "+").
  const origin = 'example.org/<log>&"x"'
  const built = await appWithLog(t, 1, { publicRecord: { transparencyOrigin: origin } })
  const { app } = built
  const vkey = (await get(app, '/transparency/vkey')).body.trim()
  const note = (await get(app, '/transparency/checkpoint')).body
  t.equal(parseVerifierKey(vkey).name, origin)
  t.equal(openCheckpoint(note, [parseVerifierKey(vkey)]).checkpoint.size, 2)

  const page = await get(app, '/verify')
  t.same([page.statusCode, page.headers['content-type']], [200, 'text/html; charset=utf-8'])
  noCookie(t, page, '/verify')
  t.ok(page.body.includes(`<code>${escaped(vkey)}</code>`), 'the verifier key, escaped')
  t.ok(page.body.includes(`<code>${escaped(note)}</code>`), 'the whole signed note, escaped')
  t.ok(page.body.includes('(2 entries;'), 'its size')
  t.ok(page.body.includes(`--vkey '${escaped(vkey)}'`), 'in the command to copy')
  t.notOk(page.body.includes('<log>'), 'nothing of the origin unescaped')
  t.ok(escaped(note).includes('&#x3D;') && escaped(note).includes('&lt;log&gt;&amp;&quot;x&quot;'), 'the escaping was needed')
})

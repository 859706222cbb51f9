// The verify commands as a reader runs them, through main() with a recording CliIo: `shortlist verify` on a demo
// database and on copies an attacker with the file has changed; `verify decision FILE` on the demo's published
// decision.json and on edits of it; `verify log DIR` on a copy of /transparency/ fetched from the app, with bytes
// flipped, a wrong key, and an earlier checkpoint (kept, or forged with the log's own key).
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import SQLite from 'better-sqlite3'
import t, { type Test } from 'tap'
import { transparencyPaths } from '../../src/archive/static-site.js'
import { main } from '../../src/cli.js'
import type { CliIo } from '../../src/commands/io.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { hashAuditEvent, type JsonValue } from '../../src/domain/audit-chain.js'
import { checkpointText, ed25519PrivateKeyFromSeed, ed25519PublicKeyBytes, openCheckpoint, parseVerifierKey, signNote, verifierKey } from '../../src/domain/signed-note.js'
import { amendRfp } from '../../src/services/amendments.js'
import { createRfpDraft, getRfp, publishRfp } from '../../src/services/rfps.js'
import { buildTestApp, createOwner, T0 } from '../helpers/app.js'

const CONFIG_FILE = join(process.cwd(), 'config/test.json')
const ORIGIN = 'localhost:3000'

interface Run { code: number, out: string[], err: string[] }

async function run (args: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<Run> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env: { SHORTLIST_CONFIG_FILE: CONFIG_FILE, ...env }, cwd, out: (l) => out.push(l), err: (l) => err.push(l) }
  return { code: await main(args, io), out, err }
}

/** The log's key as the data folder holds it. */
const keyIn = (dataDir: string) => ed25519PrivateKeyFromSeed(Buffer.from(readFileSync(join(dataDir, 'transparency-key'), 'utf8').trim(), 'base64url'))

const note = (size: number, root: Uint8Array, key: ReturnType<typeof keyIn>): string => signNote(checkpointText({ origin: ORIGIN, size, rootHash: root }), ORIGIN, key)

/** A demo database made by `shortlist demo`, and what it holds: events, public events, stored checkpoints. */
async function demoDatabase (t: Test) {
  const dir = t.testdir()
  t.equal((await run(['demo'], { SHORTLIST_DATA_DIR: dir })).code, 0)
  const sqlite = new SQLite(join(dir, 'shortlist.sqlite'), { readonly: true })
  const count = (query: string): number => (sqlite.prepare(query).get() as { n: number }).n
  const counts = {
    events: count('select count(*) as n from audit_events'),
    publicEvents: count('select count(*) as n from audit_events where is_public = 1'),
    checkpoints: count('select count(*) as n from transparency_checkpoints'),
    firstPublic: count('select min(seq) as n from audit_events where is_public = 1'),
    sizes: (sqlite.prepare('select size from transparency_checkpoints order by size').all() as Array<{ size: number }>).map((r) => r.size)
  }
  sqlite.close()
  return { dir, ...counts }
}

/** A copy of the demo database an attacker changes, with `SHORTLIST_DATABASE_URL` pointing at it. */
function tamperedCopy (dir: string, name: string, change: (db: SQLite.Database) => void): Record<string, string> {
  const copy = join(dir, `${name}.sqlite`)
  copyFileSync(join(dir, 'shortlist.sqlite'), copy)
  const db = new SQLite(copy)
  change(db)
  db.close()
  return { SHORTLIST_DATA_DIR: dir, SHORTLIST_DATABASE_URL: copy }
}

const INTACT_CHAIN = /^audit chain intact: \d+ events, head [0-9a-f]{64}$/

t.test('shortlist verify on the demo: the chain and the log intact, every checkpoint verified', async (t) => {
  const demo = await demoDatabase(t)
  t.ok(demo.checkpoints >= 3, 'the demo signed checkpoints as it went')
  const verify = await run(['verify'], { SHORTLIST_DATA_DIR: demo.dir })
  t.same(verify, {
    code: 0,
    out: [
      verify.out[0],
      `transparency log intact: ${demo.publicEvents} public events, ${demo.checkpoints} signed checkpoints verified (${ORIGIN})`
    ],
    err: []
  })
  t.match(verify.out[0], INTACT_CHAIN)
  t.match(verify.out[0], new RegExp(`^audit chain intact: ${demo.events} events`))
})

t.test('shortlist verify on a tampered copy exits 1, naming the checkpoint or event that broke', async (t) => {
  const demo = await demoDatabase(t)
  const [first, second] = demo.sizes as [number, number]
  const between = first + 1
  t.ok(between < second, 'room for a checkpoint between the first two')
  const insert = (size: number, text: string, rootHex: string) => (db: SQLite.Database) => {
    db.prepare('insert into transparency_checkpoints (size, root_hash, note, signed_at) values (?, ?, ?, ?)').run(size, rootHex, text, '2026-12-01T09:00:00.000Z')
  }
  const forgedRoot = Buffer.alloc(32, 0xab)

  const wrongRoot = await run(['verify'], tamperedCopy(demo.dir, 'wrong-root', insert(between, note(between, forgedRoot, keyIn(demo.dir)), forgedRoot.toString('hex'))))
  t.equal(wrongRoot.code, 1)
  t.match(wrongRoot.out[0], INTACT_CHAIN, 'the chain is intact: checkpoints are not chained')
  t.same(wrongRoot.out.slice(1), [`transparency log BROKEN at the checkpoint of size ${between}: its root is not the root of the public events now: an event it covers was changed, removed or reordered (1 checkpoints before it verified)`])

  const otherKey = await run(['verify'], tamperedCopy(demo.dir, 'other-key', insert(between, note(between, forgedRoot, generateKeyPairSync('ed25519').privateKey), forgedRoot.toString('hex'))))
  t.equal(otherKey.code, 1)
  t.same(otherKey.out.slice(1), [`transparency log BROKEN at the checkpoint of size ${between}: the checkpoint is not signed by any known key (1 checkpoints before it verified)`])

  // Someone with the file changes the first public event and rewrites every hash after it: the chain recomputes,
  // but the checkpoints readers fetched (and the instance stored) no longer match.
  const rewritten = await run(['verify'], tamperedCopy(demo.dir, 'rewritten', (db) => {
    db.exec('DROP TRIGGER audit_events_no_update')
    const rows = db.prepare('select * from audit_events order by seq').all() as Array<{ seq: number, at: string, type: string, actor_id: string | null, rfp_id: string | null, is_public: number, data: string, prev_hash: string, hash: string }>
    let prevHash = '0'.repeat(64)
    for (const row of rows) {
      const data = JSON.parse(row.data) as Record<string, JsonValue>
      if (row.seq === demo.firstPublic) data.title = 'A different RFP'
      const hash = hashAuditEvent(prevHash, { seq: row.seq, at: row.at, type: row.type, actorId: row.actor_id, rfpId: row.rfp_id, public: row.is_public === 1, data })
      db.prepare('update audit_events set data = ?, prev_hash = ?, hash = ? where seq = ?').run(JSON.stringify(data), prevHash, hash, row.seq)
      prevHash = hash
    }
  }))
  t.equal(rewritten.code, 1)
  t.match(rewritten.out[0], INTACT_CHAIN, 'the rewritten chain holds together')
  t.same(rewritten.out.slice(1), [`transparency log BROKEN at the checkpoint of size ${first}: its root is not the root of the public events now: an event it covers was changed, removed or reordered (0 checkpoints before it verified)`])

  const edited = await run(['verify'], tamperedCopy(demo.dir, 'edited', (db) => {
    db.exec('DROP TRIGGER audit_events_no_update')
    db.prepare("update audit_events set data = json_set(data, '$.title', 'A different RFP') where seq = ?").run(demo.firstPublic)
  }))
  t.same(edited, { code: 1, out: [`audit chain BROKEN at event #${demo.firstPublic}: its content does not match its hash (${demo.firstPublic - 1} events before it are intact)`], err: [] }, 'merely edited: the chain breaks first')

  t.equal((await run(['verify'], { SHORTLIST_DATA_DIR: demo.dir })).code, 0, 'the original is untouched')
})

t.test('verify decision FILE: the demo\'s decision.json recomputes; edits, non-JSON and schema failures exit 1', async (t) => {
  const { app, config } = await buildTestApp(t, { demo: true })
  const response = await app.inject({ url: `/rfps/${DECIDED_RFP_SLUG}/decision.json` })
  t.equal(response.statusCode, 200)
  // Beside the app's data folder (a second t.testdir() would empty it).
  const dir = join(config.dataDir, 'downloads')
  mkdirSync(dir)
  const env = { SHORTLIST_DATA_DIR: config.dataDir }
  writeFileSync(join(dir, 'decision.json'), response.body)
  const document = response.json() as { rounds: Array<{ proposals: Array<{ label: string, result: { score: string, rank: number } | null, scores: Array<{ score: number }> }>, sheets: unknown[] }> }
  const proposals = document.rounds.flatMap((r) => r.proposals)
  const sheets = document.rounds.flatMap((r) => r.sheets).length
  t.ok(sheets >= 2)

  t.same(await run(['verify', 'decision', 'decision.json'], env, dir), {
    code: 0,
    out: [`decision.json: every result recomputed to the digit (${proposals.length} proposal results), and ${sheets} sealed score sheets match their published hashes`],
    err: []
  }, 'a path relative to the working directory')

  const leader = proposals.find((p) => p.result?.rank === 1)!
  const edit = (change: (copy: typeof document) => void): string => {
    const copy = structuredClone(document)
    change(copy)
    return JSON.stringify(copy)
  }
  writeFileSync(join(dir, 'result.json'), edit((copy) => { copy.rounds[0]!.proposals.find((p) => p.label === leader.label)!.result = { score: '99.99', rank: 1 } }))
  const result = await run(['verify', 'decision', join(dir, 'result.json')], env)
  t.same(result, {
    code: 1,
    out: [
      `MISMATCH round 1, ${leader.label}: published 99.99 (rank 1), recomputed ${leader.result!.score} (rank 1)`,
      `${join(dir, 'result.json')}: 1 problem; ${proposals.length - 1} results and ${sheets} sealed sheets matched`
    ],
    err: []
  })

  writeFileSync(join(dir, 'score.json'), edit((copy) => {
    const score = copy.rounds[0]!.proposals.find((p) => p.label === leader.label)!.scores[0]!
    score.score = score.score === 1 ? 2 : 1
  }))
  const score = await run(['verify', 'decision', 'score.json'], env, dir)
  t.equal(score.code, 1)
  t.match(score.out[0], new RegExp(`^MISMATCH round 1, ${leader.label}: published ${leader.result!.score.replace('.', '\\.')} \\(rank 1\\), recomputed `), 'the result it moved')
  t.ok(score.out.some((line) => /^MISMATCH round 1, the sheet of .+: its scores are not the ones the file lists for that evaluator$/.test(line)), 'and the sheet that sealed it')
  t.ok(score.out.slice(0, -1).every((line) => line.startsWith('MISMATCH ')))
  t.match(score.out.at(-1), /^score\.json: \d+ problems; \d+ results and \d+ sealed sheets matched$/)

  writeFileSync(join(dir, 'cut.json'), response.body.slice(0, 200))
  const cut = await run(['verify', 'decision', 'cut.json'], env, dir)
  t.equal(cut.code, 1)
  t.match(cut.out, [/^cut\.json: not JSON \(.+\)$/])

  writeFileSync(join(dir, 'invalid.json'), edit((copy) => {
    const loose = copy as unknown as Record<string, unknown>
    loose.format = 'shortlist-decision/2'
    delete loose.selected
  }))
  const invalid = await run(['verify', 'decision', 'invalid.json'], env, dir)
  t.equal(invalid.code, 1)
  t.same(invalid.out.at(-1), 'invalid.json does NOT follow formats/decision.schema.json')
  // One line per problem, each naming where: the missing property and the wrong format.
  t.equal(invalid.out.length, 3)
  t.ok(invalid.out.some((line) => /^invalid\.json: .*\bselected\b/.test(line)), 'names the missing "selected"')
  t.ok(invalid.out.some((line) => /^invalid\.json: \/format /.test(line)), 'names /format')

  t.same(await run(['verify', 'decision', 'missing.json'], env, dir), { code: 1, out: [], err: [`shortlist verify: there is no file at ${join(dir, 'missing.json')}`] })
  t.same(await run(['verify', 'decision'], env), { code: 2, out: [], err: ['usage: shortlist verify decision FILE (a decision.json)'] })
  t.same(await run(['verify', 'decision', 'a.json', 'b.json'], env), { code: 2, out: [], err: ['shortlist verify: unexpected argument "b.json"'] })
})

t.test('verify log DIR: a copy of /transparency/ checks out; flipped bytes, a wrong key and a forged earlier checkpoint do not', async (t) => {
  const { app, ctx, config } = await buildTestApp(t, { demo: true })
  const earlier = await app.inject({ url: '/transparency/checkpoint' })
  const vkeyText = (await app.inject({ url: '/transparency/vkey' })).body.trim()
  const earlierSize = openCheckpoint(earlier.body, [parseVerifierKey(vkeyText)]).checkpoint.size

  // Three public events more: a new RFP published and amended twice.
  const owner = await createOwner(ctx, 'another-owner@example.org')
  const { id, slug } = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'harbour-pentest-2027' })
  await publishRfp(ctx, owner, id)
  const document = (await getRfp(ctx, owner, slug)).document
  for (const version of [2, 3]) await amendRfp(ctx, owner, slug, { ...document, title: `${document.title} (version ${version})` }, `Revision ${version}.`)
  const size = earlierSize + 3

  // Folders beside the app's data (a second t.testdir() would empty it).
  const scratch = (name: string): string => join(config.dataDir, name)
  const dir = join(scratch('mirror'), 'transparency')
  // The files the static archive mirrors: the checkpoint, the key, and the tiles the checkpoint names.
  const checkpoint = (await app.inject({ url: '/transparency/checkpoint' })).body
  const paths = ['/transparency/checkpoint', '/transparency/vkey', ...transparencyPaths(checkpoint)]
  t.same(paths.slice(2).sort(), [`/transparency/tile/0/000.p/${size}`, `/transparency/tile/entries/000.p/${size}`])
  for (const path of paths) {
    const response = await app.inject({ url: path })
    t.equal(response.statusCode, 200, path)
    const file = join(dir, path.slice('/transparency/'.length))
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, response.rawPayload)
  }
  const env = { SHORTLIST_DATA_DIR: config.dataDir }
  const intact = `log intact: ${size} entries under the checkpoint signed by ${ORIGIN}, every tile and entry bundle checked`
  const unpinned = 'the key was the folder\'s own: pass --vkey with the key the log publishes (/verify) to check it is that log'
  t.same(await run(['verify', 'log', dir], env), { code: 0, out: [intact, unpinned], err: [] }, 'without --vkey it says what that proves')
  t.same(await run(['verify', 'log', dir, '--vkey', vkeyText], env), { code: 0, out: [intact], err: [] }, 'with the key given')

  /** A copy of the folder with one byte of `file` flipped, verified. */
  const flipped = async (file: string, at: number): Promise<Run> => {
    const copy = scratch('copy')
    rmSync(copy, { recursive: true, force: true })
    cpSync(dir, copy, { recursive: true })
    const bytes = readFileSync(join(copy, file))
    bytes[at] = bytes[at]! ^ 0x01
    writeFileSync(join(copy, file), bytes)
    return await run(['verify', 'log', copy], env)
  }
  const tile = await flipped(`tile/0/000.p/${size}`, 40)
  t.equal(tile.code, 1)
  t.match(tile.out, [new RegExp(`^log BROKEN at checkpoint: the right-edge tiles \\(tile/0/000\\.p/${size}\\) give the root hash `)], 'names the tile')
  // Entry 0 starts after its 2-byte length; byte 10 is inside its JSON.
  const entry = await flipped(`tile/entries/000.p/${size}`, 10)
  t.same(entry, { code: 1, out: [`log BROKEN at tile/entries/000.p/${size}: entry 0 does not hash to its leaf hash in tile/0/000.p/${size}`], err: [] })
  const length = await flipped(`tile/entries/000.p/${size}`, 1)
  t.equal(length.code, 1)
  t.match(length.out, [new RegExp(`^log BROKEN at tile/entries/000\\.p/${size}: `)], 'a length prefix flipped')

  const stranger = verifierKey(ORIGIN, ed25519PublicKeyBytes(generateKeyPairSync('ed25519').privateKey))
  t.same(await run(['verify', 'log', dir, '--vkey', stranger], env), { code: 1, out: ['checkpoint REFUSED: the checkpoint is not signed by any known key'], err: [] }, 'a key of the same name that did not sign it')
  const garbled = await run(['verify', 'log', dir, '--vkey', 'not a key'], env)
  t.equal(garbled.code, 1)
  t.match(garbled.out, [/^checkpoint REFUSED: /])

  const saved = scratch('saved-checkpoint.txt')
  writeFileSync(saved, earlier.body)
  t.same(await run(['verify', 'log', dir, '--vkey', vkeyText, '--checkpoint', saved], env), {
    code: 0,
    out: [intact, `the earlier checkpoint of size ${earlierSize} is consistent with the log now`],
    err: []
  }, 'the checkpoint kept from before the log grew')

  // Signed with the log's own key over another root: only the tiles can tell.
  const forged = scratch('forged-checkpoint.txt')
  writeFileSync(forged, note(earlierSize, Buffer.alloc(32, 0xab), keyIn(config.dataDir)))
  t.same(await run(['verify', 'log', dir, '--checkpoint', forged], env), {
    code: 1,
    out: [intact, unpinned, 'earlier checkpoint REFUSED: its root is not the root of the first entries of the log now: the log was rewritten since'],
    err: []
  })
  writeFileSync(forged, note(size + 1, Buffer.alloc(32, 0xab), keyIn(config.dataDir)))
  t.same((await run(['verify', 'log', dir, '--checkpoint', forged], env)).out.at(-1), `earlier checkpoint REFUSED: it has ${size + 1} entries, more than the ${size} of the current checkpoint`)
  writeFileSync(forged, note(earlierSize, Buffer.alloc(32, 0xab), generateKeyPairSync('ed25519').privateKey))
  t.same((await run(['verify', 'log', dir, '--checkpoint', forged], env)).out.at(-1), 'earlier checkpoint REFUSED: the checkpoint is not signed by any known key')

  t.same(await run(['verify', 'log', dir, '--checkpoint', join(dir, 'nowhere.txt')], env), { code: 1, out: [], err: [`shortlist verify: there is no file at ${join(dir, 'nowhere.txt')}`] })
  const empty = scratch('empty')
  mkdirSync(empty)
  t.same(await run(['verify', 'log', empty], env), { code: 1, out: [], err: [`shortlist verify: there is no file at ${join(empty, 'checkpoint')}`] })
  t.same(await run(['verify', 'log'], env), { code: 2, out: [], err: ['usage: shortlist verify log DIR [--vkey KEY] [--checkpoint FILE] (DIR holds checkpoint, vkey and tile/)'] })
})

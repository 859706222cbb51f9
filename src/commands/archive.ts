// shortlist archive build --out DIR | archive verify DIR: the static archive of the public record (DESIGN §5).
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { buildApp } from '../app.js'
import { DECISION_SCHEMA, decisionSchemaProblems } from '../archive/decision-schema.js'
import { ArchiveBuildError, buildStaticSite, README_NAME, type ArchiveFile, type AsOf, type Fetch } from '../archive/static-site.js'
import { checkFolder, MANIFEST_NAME, parseManifest, type ArchiveProblem } from '../archive/manifest.js'
import { sqliteFile, type Config } from '../config.js'
import { databaseKindOf, type Db } from '../db/database.js'
import { appliedMigrationNames, migrationStatus } from '../db/migrator.js'
import { checkDecisionFile, type DecisionFile } from '../domain/decision-check.js'
import { systemRandom, type RandomSource } from '../deps.js'
import { loadOrCreateSecret } from '../secrets.js'
import { readAuditEvents, verifyAuditChain } from '../services/audit.js'
import { withDatabase } from './database.js'
import { checkLogFolder } from './verify-files.js'
import { progressBar, type CliIo } from './io.js'

/** The first line of the README every archive carries: how a rebuild knows a folder is one of ours. */
const README_TITLE = '# Shortlist archive\n'

/** Builds to try when events keep arriving during the crawl. */
const BUILD_ATTEMPTS = 3

/** How many problems `archive verify` lists before it only counts the rest. */
const SHOWN_PROBLEMS = 20

/** The archive's instant: the newest event of an intact chain, or why there is nothing to archive. */
async function archiveInstant (db: Db): Promise<AsOf | string> {
  // Asked first: listing pending migrations would create Kysely's tables, which a read-only handle cannot.
  if ((await appliedMigrationNames(db)).length === 0) return 'the database has no schema yet (run "shortlist migrate" first)'
  const pending = (await migrationStatus(db)).filter((m) => m.executedAt === undefined)
  if (pending.length > 0) return `the database lacks ${pending.length} migration(s) (run "shortlist migrate" first)`
  const chain = await verifyAuditChain(db)
  if (!chain.intact) return 'missing' in chain ? 'the database has no audit log (run "shortlist migrate" first)' : `the audit chain is broken at event #${chain.broken.seq} (run "shortlist verify")`
  if (chain.head === undefined) return 'nothing has happened yet: the audit log is empty'
  const [last] = await readAuditEvents(db, chain.count - 1, 1)
  if (last === undefined) throw new Error('the audit log changed while it was read')
  return { at: last.at, seq: last.seq, head: chain.head }
}

/** Request ids are all these pages draw at random; a counter keeps even those the same on every build. */
function countingRandom (): RandomSource {
  let counter = 0
  return {
    bytes (size) {
      const out = Buffer.alloc(size)
      for (let filled = 0; filled < size; filled += 32) createHash('sha256').update(`shortlist-archive:${counter++}`).digest().copy(out, filled)
      return out
    }
  }
}

/**
 * Every file, from the app itself answering anonymous GETs in-process: the archive is exactly what the live
 * site serves, by the same templates, with the clock held at the archive's instant so every phase, date and
 * "as of" reads as it did then.
 */
async function renderArchive (config: Config, asOf: AsOf, onProgress: (done: number, total: number, label: string) => void): Promise<ArchiveFile[]> {
  const app = await buildApp({
    ...config,
    log: { ...config.log, level: 'silent' },
    // Never signs anything (a page that sets a cookie stops the build), and no secret file is written for it.
    session: { ...config.session, secret: randomBytes(32).toString('base64url') },
    keys: {
      // The log's key is the instance's own, read (or made, with real randomness, as serve would) here: the
      // counter below must never make a key. No archived page opens a proposal, so the instance key is a throwaway.
      transparencyKey: config.keys.transparencyKey !== '' ? config.keys.transparencyKey : loadOrCreateSecret(config.dataDir, 'transparency-key', systemRandom),
      instanceKey: randomBytes(32).toString('base64url')
    }
  }, { clock: { now: () => new Date(asOf.at) }, random: countingRandom() })
  try {
    const fetch: Fetch = async (url) => {
      const response = await app.inject({ method: 'GET', url })
      const location = response.headers.location
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        location: typeof location === 'string' ? location : undefined,
        setsCookie: response.headers['set-cookie'] !== undefined,
        body: response.rawPayload
      }
    }
    return await buildStaticSite(fetch, { publicUrl: config.publicUrl, asOf, onProgress })
  } finally {
    await app.close()
  }
}

/** Problems of each decision.json against formats/decision.schema.json; none when the schema is not there. */
export function decisionProblems (files: readonly ArchiveFile[], schemaFile = DECISION_SCHEMA): ArchiveProblem[] {
  const records = files.filter((file) => basename(file.path) === 'decision.json')
  if (records.length === 0 || !existsSync(schemaFile)) return []
  return records.flatMap(({ path, bytes }) => {
    let value: unknown
    try {
      value = JSON.parse(bytes.toString('utf8'))
    } catch {
      return [{ kind: 'invalid' as const, path, detail: 'is not JSON' }]
    }
    const [first] = decisionSchemaProblems(value, schemaFile, 1)
    return first === undefined ? [] : [{ kind: 'invalid' as const, path, detail: `does not match ${basename(schemaFile)}: ${first}` }]
  })
}

type Target = { state: 'absent' | 'empty' | 'archive' } | { refused: string }

/**
 * What is at the output path. A rebuild replaces the whole folder, so it goes ahead only where nobody's
 * files can be lost: nothing there, an empty folder, or a previous archive holding nothing it does not list.
 */
async function inspectTarget (target: string): Promise<Target> {
  let stats
  try {
    stats = await lstat(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' }
    throw error
  }
  if (stats.isSymbolicLink()) return { refused: `${target} is a symbolic link; name the folder itself` }
  if (!stats.isDirectory()) return { refused: `${target} exists and is not a folder` }
  if ((await readdir(target)).length === 0) return { state: 'empty' }
  const notOurs = { refused: `${target} is not empty and is not a Shortlist archive (no ${MANIFEST_NAME} and ${README_NAME} of one); nothing was written: name a new or empty folder` }
  const check = await checkFolder(target)
  if (check === undefined) return notOurs
  const readme = await readFile(join(target, README_NAME), 'utf8').catch(() => '')
  if (!readme.startsWith(README_TITLE)) return notOurs
  const foreign = check.problems.filter((p) => p.kind === 'extra' || p.kind === 'not a file' || p.kind === 'malformed')
  if (foreign.length > 0) {
    return { refused: `${target} holds what its ${MANIFEST_NAME} does not list (${foreign.slice(0, 3).map((p) => p.kind === 'malformed' ? `${p.path}: ${p.detail ?? ''}` : p.path).join(', ')}${foreign.length > 3 ? ', …' : ''}); a rebuild would delete it, so nothing was written: move it away first` }
  }
  return { state: 'archive' }
}

/**
 * Writes the files (in their sorted order) into a temporary sibling, then renames it into place: a build that
 * fails leaves the previous archive as it was. The old folder is moved aside before the new one takes its
 * name (a directory cannot be swapped in one step) and put back if that fails.
 */
async function writeArchive (target: string, files: readonly ArchiveFile[], state: 'absent' | 'empty' | 'archive'): Promise<void> {
  const parent = dirname(target)
  await mkdir(parent, { recursive: true })
  const building = await mkdtemp(join(parent, `.${basename(target)}.building-`))
  try {
    // mkdtemp makes the folder private; a static host's server must be able to read it.
    await chmod(building, 0o755)
    for (const file of files) {
      const path = join(building, ...file.path.split('/'))
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, file.bytes)
    }
    if (state !== 'archive') {
      await rename(building, target)
      return
    }
    const previous = await mkdtemp(join(parent, `.${basename(target)}.previous-`))
    await rename(target, previous)
    try {
      await rename(building, target)
    } catch (error) {
      await rename(previous, target)
      throw error
    }
    await rm(previous, { recursive: true, force: true })
  } catch (error) {
    await rm(building, { recursive: true, force: true })
    throw error
  }
}

function listProblems (io: CliIo, problems: readonly ArchiveProblem[]): void {
  for (const p of problems.slice(0, SHOWN_PROBLEMS)) io.out(`${p.kind.padEnd(8)} ${p.path}${p.detail === undefined ? '' : `: ${p.detail}`}`)
  if (problems.length > SHOWN_PROBLEMS) io.out(`… and ${problems.length - SHOWN_PROBLEMS} more`)
}

async function buildCommand (config: Config, io: CliIo, out: string, schemaFile: string): Promise<number> {
  const target = resolve(io.cwd, out)
  const inspected = await inspectTarget(target)
  if ('refused' in inspected) {
    io.err(`shortlist archive build: ${inspected.refused}`)
    return 1
  }
  if (databaseKindOf(config.database.url) === 'sqlite' && !existsSync(sqliteFile(config))) {
    io.err(`shortlist archive build: there is no database at ${sqliteFile(config)}`)
    return 1
  }
  let asOf: AsOf | string
  let files: ArchiveFile[]
  for (let attempt = 1; ; attempt++) {
    asOf = await withDatabase(config, archiveInstant, { readonly: true })
    if (typeof asOf === 'string') {
      io.err(`shortlist archive build: ${asOf}`)
      return 1
    }
    const progress = progressBar(io)
    let rendered: ArchiveFile[] | ArchiveBuildError
    try {
      rendered = await renderArchive(config, asOf, progress.update)
    } catch (error) {
      if (!(error instanceof ArchiveBuildError)) throw error
      rendered = error
    } finally {
      // Erased before any message, which would otherwise be glued to the end of the bar.
      progress.end()
    }
    if (rendered instanceof ArchiveBuildError) {
      io.err(`shortlist archive build: ${rendered.message}; nothing was written`)
      return 1
    }
    files = rendered
    // Beside a running server, an event recorded during the crawl could show on pages rendered after it,
    // and the archive would no longer be the record as of its instant: build again from the new one.
    const after = asOf.seq
    if (!await withDatabase(config, async (db) => (await readAuditEvents(db, after, 1)).length > 0, { readonly: true })) break
    if (attempt === BUILD_ATTEMPTS) {
      io.err(`shortlist archive build: the record changed during each of ${BUILD_ATTEMPTS} builds; nothing was written: try again`)
      return 1
    }
  }
  const invalid = decisionProblems(files, schemaFile)
  if (invalid.length > 0) {
    listProblems(io, invalid)
    io.err(`shortlist archive build: ${invalid.length} decision record(s) do not match their published schema; nothing was written`)
    return 1
  }
  await writeArchive(target, files, inspected.state)
  const bytes = files.reduce((sum, f) => sum + f.bytes.length, 0)
  io.out(`archive built: ${files.length} files (${Math.ceil(bytes / 1024)} KiB) in ${target}, as of ${asOf.at} (audit event #${asOf.seq})`)
  return 0
}

async function verifyFolder (io: CliIo, dir: string, schemaFile: string): Promise<number> {
  const folder = resolve(io.cwd, dir)
  const stats = await lstat(folder).catch(() => undefined)
  if (stats?.isDirectory() !== true) {
    io.err(`shortlist archive verify: there is no folder at ${folder}`)
    return 1
  }
  const check = await checkFolder(folder)
  if (check === undefined) {
    io.err(`shortlist archive verify: ${folder} has no ${MANIFEST_NAME}: it is not a Shortlist archive`)
    return 1
  }
  // Only records whose bytes are the listed ones are worth a schema check; the others are reported already.
  const reported = new Set(check.problems.map((p) => p.path))
  const records = await Promise.all((await listedDecisionRecords(folder)).filter((path) => !reported.has(path))
    .map(async (path) => ({ path, bytes: await readFile(join(folder, path)) })))
  const problems = [...check.problems, ...decisionProblems(records, schemaFile)].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  // Each record recomputed from itself, as `shortlist verify decision` does.
  for (const record of problems.length === 0 ? records : []) {
    for (const mismatch of checkDecisionFile(JSON.parse(record.bytes.toString('utf8')) as DecisionFile).problems) problems.push({ kind: 'invalid', path: record.path, detail: mismatch })
  }
  if (problems.length === 0) {
    const schemaNote = records.length === 0 ? '' : existsSync(schemaFile) ? `; ${records.length} decision record(s) match ${basename(schemaFile)} and recompute` : `; decision records not checked (no ${basename(schemaFile)})`
    io.out(`archive intact: ${check.listed} files match ${MANIFEST_NAME}${schemaNote}`)
    // The log's copy verifies on its own, against the checkpoint it holds.
    if (!existsSync(join(folder, 'transparency', 'checkpoint'))) return 0
    const log = checkLogFolder(join(folder, 'transparency'))
    for (const line of log.lines) io.out(`transparency/: ${line}`)
    return log.ok ? 0 : 1
  }
  listProblems(io, problems)
  io.out(`archive BROKEN: ${problems.length} problem(s) in ${folder}`)
  return 1
}

/** The decision.json files the manifest lists. */
async function listedDecisionRecords (folder: string): Promise<string[]> {
  const text = await readFile(join(folder, MANIFEST_NAME), 'utf8')
  return parseManifest(text).entries.map((e) => e.path).filter((path) => basename(path) === 'decision.json')
}

export async function archiveCommand (config: Config, io: CliIo, action: string | undefined, dir: string | undefined, { out, schemaFile = DECISION_SCHEMA }: { out: string | undefined, schemaFile?: string }): Promise<number> {
  switch (action) {
    case 'build':
      if (out === undefined || out === '' || dir !== undefined) {
        io.err('usage: shortlist archive build --out DIR')
        return 2
      }
      return await buildCommand(config, io, out, schemaFile)
    case 'verify':
      if (dir === undefined || out !== undefined) {
        io.err('usage: shortlist archive verify DIR')
        return 2
      }
      return await verifyFolder(io, dir, schemaFile)
    default:
      io.err('usage: shortlist archive build --out DIR | shortlist archive verify DIR')
      return 2
  }
}

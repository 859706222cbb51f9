// shortlist verify decision FILE and shortlist verify log DIR: what anyone can run on published files, without
// the instance's database — a decision.json recomputed from itself, and a copy of the transparency log (the
// archive's transparency/ folder, or a mirror of /transparency/) checked against its signed checkpoint.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { decisionSchemaProblems } from '../archive/decision-schema.js'
import { checkDecisionFile, type DecisionFile } from '../domain/decision-check.js'
import { NoteError, openCheckpoint, parseVerifierKey, type NoteVerifier } from '../domain/signed-note.js'
import { HASH_SIZE } from '../domain/merkle.js'
import { checkTiles, rootFromTiles, TileError, TILE_WIDTH, type TileReader } from '../domain/tlog-tiles.js'
import type { CliIo } from './io.js'

function readText (io: CliIo, file: string): string | undefined {
  const path = resolve(io.cwd, file)
  if (!existsSync(path)) {
    io.err(`shortlist verify: there is no file at ${path}`)
    return undefined
  }
  return readFileSync(path, 'utf8')
}

export async function verifyDecisionCommand (io: CliIo, file: string | undefined): Promise<number> {
  if (file === undefined) {
    io.err('usage: shortlist verify decision FILE (a decision.json)')
    return 2
  }
  const text = readText(io, file)
  if (text === undefined) return 1
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    io.out(`${file}: not JSON (${(error as Error).message})`)
    return 1
  }
  const invalid = decisionSchemaProblems(document)
  if (invalid.length > 0) {
    for (const problem of invalid) io.out(`${file}: ${problem}`)
    io.out(`${file} does NOT follow formats/decision.schema.json`)
    return 1
  }
  const check = checkDecisionFile(document as DecisionFile)
  for (const problem of check.problems) io.out(`MISMATCH ${problem}`)
  if (check.problems.length > 0) {
    io.out(`${file}: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}; ${check.results} results and ${check.sheets} sealed sheets matched`)
    return 1
  }
  io.out(`${file}: every result recomputed to the digit (${check.results} proposal results), and ${check.sheets} sealed score sheet${check.sheets === 1 ? '' : 's'} match their published hashes`)
  return 0
}

/**
 * Reads tiles from a folder. A partial tile an older checkpoint needs is the first hashes of the wider tile the
 * folder holds now — the log only grows — so an old checkpoint can be checked against a newer copy. (Hash
 * tiles only: an old checkpoint is checked by its root, not its entries.)
 */
function folderReader (dir: string): TileReader {
  return (path) => {
    const file = join(dir, path)
    if (existsSync(file)) return readFileSync(file)
    const partial = /^(tile\/\d+\/.*)\.p\/(\d+)$/.exec(path)
    if (partial === null) return undefined
    const [, base, width] = partial as unknown as [string, string, string]
    const wanted = Number(width)
    const candidates = [join(dir, base), ...Array.from({ length: TILE_WIDTH - wanted - 1 }, (_, i) => join(dir, `${base}.p/${wanted + 1 + i}`))]
    const found = candidates.find((candidate) => existsSync(candidate))
    return found === undefined ? undefined : readFileSync(found).subarray(0, wanted * HASH_SIZE)
  }
}

export interface LogFolderCheck { ok: boolean, lines: string[] }

/**
 * Checks a copy of the log in `folder` (checkpoint, vkey, tile/): the checkpoint's signature under `vkey` (else
 * the folder's own key), every tile and entry bundle against it, and an earlier checkpoint's text against it.
 */
export function checkLogFolder (folder: string, options: { vkey?: string, earlier?: string } = {}): LogFolderCheck {
  const read = (name: string): string | undefined => existsSync(join(folder, name)) ? readFileSync(join(folder, name), 'utf8') : undefined
  const note = read('checkpoint')
  const keyText = options.vkey ?? read('vkey')?.trim()
  if (note === undefined || keyText === undefined) return { ok: false, lines: [`log MISSING: ${folder} has no ${note === undefined ? 'checkpoint' : 'vkey'}`] }
  let verifier: NoteVerifier
  let checkpoint
  try {
    verifier = parseVerifierKey(keyText)
    checkpoint = openCheckpoint(note, [verifier]).checkpoint
  } catch (error) {
    if (!(error instanceof NoteError)) throw error
    return { ok: false, lines: [`checkpoint REFUSED: ${error.message}`] }
  }
  const tiles = folderReader(folder)
  const problem = checkTiles(checkpoint.size, checkpoint.rootHash, tiles)
  if (problem !== undefined) return { ok: false, lines: [`log BROKEN at ${problem.path}: ${problem.problem}`] }
  const lines = [`log intact: ${checkpoint.size} entries under the checkpoint signed by ${verifier.name}, every tile and entry bundle checked`]
  // A copy checked with its own key proves it is whole, not that it is the log: whoever rewrote it could re-sign.
  if (options.vkey === undefined) lines.push('the key was the folder\'s own: pass --vkey with the key the log publishes (/verify) to check it is that log')
  if (options.earlier === undefined) return { ok: true, lines }
  try {
    const old = openCheckpoint(options.earlier, [verifier]).checkpoint
    if (old.origin !== checkpoint.origin) throw new NoteError(`it is of the log "${old.origin}", not "${checkpoint.origin}"`)
    if (old.size > checkpoint.size) throw new NoteError(`it has ${old.size} entries, more than the ${checkpoint.size} of the current checkpoint`)
    const root = rootFromTiles(old.size, tiles)
    if (!Buffer.from(root).equals(Buffer.from(old.rootHash))) throw new NoteError('its root is not the root of the first entries of the log now: the log was rewritten since')
    return { ok: true, lines: [...lines, `the earlier checkpoint of size ${old.size} is consistent with the log now`] }
  } catch (error) {
    if (!(error instanceof NoteError) && !(error instanceof TileError)) throw error
    return { ok: false, lines: [...lines, `earlier checkpoint REFUSED: ${error instanceof TileError ? `${error.path ?? ''} ${error.problem}` : error.message}`] }
  }
}

export async function verifyLogCommand (io: CliIo, dir: string | undefined, options: { vkey?: string, checkpoint?: string }): Promise<number> {
  if (dir === undefined) {
    io.err('usage: shortlist verify log DIR [--vkey KEY] [--checkpoint FILE] (DIR holds checkpoint, vkey and tile/)')
    return 2
  }
  const folder = resolve(io.cwd, dir)
  for (const name of ['checkpoint', ...(options.vkey === undefined ? ['vkey'] : [])]) {
    if (readText(io, join(folder, name)) === undefined) return 1
  }
  let earlier: string | undefined
  if (options.checkpoint !== undefined) {
    earlier = readText(io, options.checkpoint)
    if (earlier === undefined) return 1
  }
  const check = checkLogFolder(folder, { vkey: options.vkey, earlier })
  for (const line of check.lines) io.out(line)
  return check.ok ? 0 : 1
}

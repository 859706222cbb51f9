// The public transparency log (DESIGN §3.5): an RFC 6962/9162 Merkle tree whose leaves are the public audit
// events in order, signed C2SP checkpoints, proofs, and the C2SP tlog-tiles files served under /transparency/.
//
// The leaves are not stored twice: each process keeps the tree's stored hashes in memory and extends them from
// audit_events (seq only grows, and appenders commit in seq order under the chain's lock, so reading "after the
// last seq seen" never skips an event). What is stored is each checkpoint signed, append-only: a commitment that
// every later tree must extend, which `shortlist verify` checks.
import type { KeyObject } from 'node:crypto'
import { publicEventsAfter } from '../db/audit-events.js'
import type { Executor } from '../db/database.js'
import { checkpointsAfter, findCheckpoint, insertCheckpoint } from '../db/transparency.js'
import { consistencyProof, inclusionProof, leafHash, MerkleLevels, treeRoot } from '../domain/merkle.js'
import { checkpointText, ed25519PublicKeyBytes, NoteError, openCheckpoint, parseVerifierKey, signNote, verifierKey } from '../domain/signed-note.js'
import { entryBundle, hashTile, parseTilePath, TILE_HEIGHT, TILE_WIDTH } from '../domain/tlog-tiles.js'
import { logEntry } from '../domain/transparency-log.js'
import { invalidInput, NotFoundError } from '../errors.js'
import { nowIso, type ServiceContext } from './context.js'

const PAGE = 1000

interface LogState {
  levels: MerkleLevels
  entries: Uint8Array[]
  /** The audit seq of each leaf, ascending: leaf i is the event seqs[i]. */
  seqs: number[]
  /** Refreshes run one after another, so two requests never append the same events twice. */
  turn: Promise<void>
}

const states = new WeakMap<object, LogState>()

async function extend (db: Executor, state: LogState): Promise<void> {
  for (;;) {
    const rows = await publicEventsAfter(db, state.seqs.at(-1) ?? 0, PAGE)
    for (const row of rows) {
      const entry = logEntry(row)
      state.entries.push(entry)
      state.levels.append(leafHash(entry))
      state.seqs.push(row.seq)
    }
    if (rows.length < PAGE) return
  }
}

/** The log as of now: every public event committed so far is a leaf. */
async function currentLog (db: Executor): Promise<LogState> {
  let state = states.get(db)
  if (state === undefined) {
    state = { levels: new MerkleLevels(), entries: [], seqs: [], turn: Promise.resolve() }
    states.set(db, state)
  }
  const current = state
  const turn = current.turn.then(async () => { await extend(db, current) })
  current.turn = turn.catch(() => {})
  await turn
  return current
}

/** A tree built from the database alone, for verification: nothing cached is trusted. */
async function rebuiltLog (db: Executor): Promise<LogState> {
  const state: LogState = { levels: new MerkleLevels(), entries: [], seqs: [], turn: Promise.resolve() }
  await extend(db, state)
  return state
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

/** The signed-note verifier key of the log: `origin+keyhash+base64(0x01 ‖ public key)` (served at /transparency/vkey). */
export function logVerifierKey (ctx: ServiceContext): string {
  return verifierKey(ctx.transparency.origin, ed25519PublicKeyBytes(ctx.transparency.signingKey()))
}

/**
 * The newest checkpoint: the signed note for the tree of every public event so far. Signed on first request
 * for a size and stored; Ed25519 is deterministic, so the same tree always gets the very same note.
 */
export async function latestCheckpoint (ctx: ServiceContext): Promise<{ size: number, note: string }> {
  const log = await currentLog(ctx.db)
  const size = log.levels.size
  const stored = await findCheckpoint(ctx.db, size)
  const root = treeRoot(log.levels, size)
  if (stored !== undefined) {
    // Never serve a commitment the tiles contradict (a restore, a rewritten event): that is for `shortlist verify`.
    if (stored.root_hash !== hex(root)) throw new Error(`the stored checkpoint of size ${size} does not match the public events: run shortlist verify`)
    return { size, note: stored.note }
  }
  const { origin, signingKey } = ctx.transparency
  const note = signNote(checkpointText({ origin, size, rootHash: root }), origin, signingKey())
  await insertCheckpoint(ctx.db, { size, rootHash: hex(root), note, at: nowIso(ctx) })
  return { size, note: (await findCheckpoint(ctx.db, size))?.note ?? note }
}

/**
 * One tile file by its C2SP path (`tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`). A full tile never
 * changes; a partial one is served at any width the tree has reached.
 */
export async function readTile (ctx: ServiceContext, path: string): Promise<{ bytes: Uint8Array, full: boolean }> {
  const address = parseTilePath(path)
  if (address === undefined) throw new NotFoundError(`"${path}" is not a tile path (tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>])`)
  const log = await currentLog(ctx.db)
  const start = address.index * TILE_WIDTH
  if (address.kind === 'entries') {
    if (start + address.width > log.entries.length) throw new NotFoundError(`the log has ${log.entries.length} entries: there is no ${path} yet`)
    return { bytes: entryBundle(log.entries.slice(start, start + address.width)), full: address.width === TILE_WIDTH }
  }
  const available = log.levels.count(TILE_HEIGHT * address.level)
  if (start + address.width > available) throw new NotFoundError(`the log's tree has no ${path} yet`)
  return { bytes: hashTile(log.levels, address.level, address.index, address.width), full: address.width === TILE_WIDTH }
}

/** Where an event sits in the log and the RFC 9162 inclusion proof for it in the tree of `size` leaves (default: all). */
export async function inclusionProofOf (ctx: ServiceContext, seq: number, size?: number) {
  const log = await currentLog(ctx.db)
  const index = binarySearch(log.seqs, seq)
  if (index < 0) throw new NotFoundError(`audit event #${seq} is not in the public log: it does not exist or is not public`)
  const treeSize = size ?? log.levels.size
  if (treeSize <= index || treeSize > log.levels.size) throw invalidInput([{ path: 'size', message: `must be more than the leaf index ${index} and at most ${log.levels.size}` }])
  return {
    seq,
    index,
    treeSize,
    entry: Buffer.from(log.entries[index]!).toString('utf8'),
    leafHash: base64(leafHash(log.entries[index]!)),
    rootHash: base64(treeRoot(log.levels, treeSize)),
    proof: inclusionProof(log.levels, index, treeSize).map(base64)
  }
}

/** The RFC 9162 consistency proof between two tree sizes. */
export async function consistencyProofOf (ctx: ServiceContext, from: number, to: number) {
  const log = await currentLog(ctx.db)
  if (!(from >= 1 && from <= to && to <= log.levels.size)) throw invalidInput([{ path: from < 1 || from > to ? 'from' : 'to', message: `the sizes must satisfy 1 ≤ from ≤ to ≤ ${log.levels.size}, the log's size now` }])
  return {
    from,
    to,
    fromRoot: base64(treeRoot(log.levels, from)),
    toRoot: base64(treeRoot(log.levels, to)),
    proof: consistencyProof(log.levels, from, to).map(base64)
  }
}

function binarySearch (sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const at = sorted[mid]!
    if (at === value) return mid
    if (at < value) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

export type LogReport =
  | { intact: true, size: number, checkpoints: number }
  | { intact: false, size: number, checkpoints: number, broken: { size: number, problem: string } }

/**
 * Rebuilds the tree from the public events and checks every stored checkpoint in order: its signature under
 * the log's key (undefined when the instance has none: then any checkpoint is a break), its origin, and that its
 * root is the root of the first `size` leaves now. Every checkpoint matching the one rebuilt tree is what makes
 * each extend the one before, so no consistency proof between them is computed. Reports the first that fails.
 */
export async function verifyTransparencyLog (db: Executor, origin: string, publicKey: KeyObject | undefined): Promise<LogReport> {
  const log = await rebuiltLog(db)
  const verifier = publicKey === undefined ? undefined : parseVerifierKey(verifierKey(origin, ed25519PublicKeyBytes(publicKey)))
  let checked = 0
  for (let after = -1; ;) {
    const page = await checkpointsAfter(db, after, PAGE)
    for (const row of page) {
      const broken = (problem: string): LogReport => ({ intact: false, size: log.levels.size, checkpoints: checked, broken: { size: row.size, problem } })
      if (verifier === undefined) return broken('there is no transparency key to check its signature with (set keys.transparencyKey, or restore <dataDir>/transparency-key)')
      let checkpoint
      try {
        checkpoint = openCheckpoint(row.note, [verifier]).checkpoint
      } catch (error) {
        if (error instanceof NoteError) return broken(error.message)
        throw error
      }
      if (checkpoint.origin !== origin) return broken(`its origin is "${checkpoint.origin}", not "${origin}"`)
      if (checkpoint.size !== row.size) return broken(`its note says size ${checkpoint.size}`)
      if (checkpoint.size > log.levels.size) return broken(`it commits to ${checkpoint.size} leaves but the log has ${log.levels.size} public events`)
      const root = treeRoot(log.levels, checkpoint.size)
      if (!Buffer.from(root).equals(Buffer.from(checkpoint.rootHash)) || row.root_hash !== hex(checkpoint.rootHash)) {
        return broken('its root is not the root of the public events now: an event it covers was changed, removed or reordered')
      }
      checked++
      after = row.size
    }
    if (page.length < PAGE) break
  }
  return { intact: true, size: log.levels.size, checkpoints: checked }
}

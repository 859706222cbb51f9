// The static files of the transparency log (DESIGN §3.5, §6) in the layout of c2sp.org/tlog-tiles: hash tiles,
// entry bundles and their paths, and the checks a verifier makes on them with no access to the database. Pure.
//
// Tiles have height 8: the tile at level L, index N holds the hashes at tree level 8·L, indices 256·N onwards —
// 256 of them in a full tile, fewer (W) in the right-edge partial tile, served at `.p/<W>`.
import { equalHashes, foldSubtrees, HASH_SIZE, leafHash, rootOfHashes, treeSubtrees, type MerkleLevels } from './merkle.js'

export const TILE_HEIGHT = 8
export const TILE_WIDTH = 2 ** TILE_HEIGHT
/** An entry bundle prefixes each entry with its length as a big-endian uint16. */
export const MAX_ENTRY_SIZE = 0xffff
const MAX_LEVEL = 63

/** A tile or bundle that is missing, truncated or does not say what it should. */
export class TileError extends Error {
  override name = 'TileError'

  /** The file at fault, when known, and what is wrong with it. */
  constructor (readonly path: string | undefined, readonly problem: string) {
    super(path === undefined ? problem : `${path}: ${problem}`)
  }
}

function checkCount (value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`)
}

/** N in zero-padded groups of three digits, every group but the last prefixed "x": 1234067 → x001/x234/067. */
function encodeIndex (index: number): string {
  checkCount(index, 'a tile index')
  const digits = String(index)
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0')
  const groups = padded.match(/.{3}/g) as string[]
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/')
}

function widthSuffix (width: number | undefined): string {
  if (width === undefined || width === TILE_WIDTH) return ''
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`a tile is 1 to ${TILE_WIDTH} wide, not ${width}`)
  return `.p/${width}`
}

/** `tile/<L>/<N>[.p/<W>]`; a width of 256 (or none) is a full tile. */
export function tilePath (level: number, index: number, width?: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) throw new RangeError(`a tile level is 0 to ${MAX_LEVEL}, not ${level}`)
  return `tile/${level}/${encodeIndex(index)}${widthSuffix(width)}`
}

/** `tile/entries/<N>[.p/<W>]`: the entry bundle beside the level 0 tile N. */
export function entriesTilePath (index: number, width?: number): string {
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`
}

export type TileAddress =
  | { kind: 'hashes', level: number, index: number, width: number }
  | { kind: 'entries', index: number, width: number }

/** What a path names, or undefined unless it is exactly what tilePath or entriesTilePath would write. */
export function parseTilePath (path: string): TileAddress | undefined {
  const match = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path)
  if (match === null) return undefined
  const [, levelText, indexText, widthText] = match as unknown as [string, string, string, string | undefined]
  const index = Number(indexText.replaceAll(/[x/]/g, ''))
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText)
  if (!Number.isSafeInteger(index) || (widthText !== undefined && width >= TILE_WIDTH)) return undefined
  const address: TileAddress = levelText === 'entries'
    ? { kind: 'entries', index, width }
    : { kind: 'hashes', level: Number(levelText), index, width }
  if (address.kind === 'hashes' && address.level > MAX_LEVEL) return undefined
  const canonical = address.kind === 'entries' ? entriesTilePath(index, width) : tilePath(address.level, index, width)
  return canonical === path ? address : undefined
}

/** Entries, each as its big-endian uint16 length and its bytes. */
export function entryBundle (entries: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const [i, entry] of entries.entries()) {
    if (entry.length > MAX_ENTRY_SIZE) throw new RangeError(`entry ${i} is ${entry.length} bytes; an entry bundle holds at most ${MAX_ENTRY_SIZE}`)
    const length = Buffer.alloc(2)
    length.writeUInt16BE(entry.length)
    parts.push(length, entry)
  }
  return Uint8Array.from(Buffer.concat(parts))
}

/** The entries of a bundle; TileError when it ends inside a length or an entry. */
export function parseEntryBundle (bytes: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = []
  let at = 0
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new TileError(undefined, `entry bundle truncated: entry ${entries.length} has half a length`)
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
    at += 2
    if (at + length > bytes.length) throw new TileError(undefined, `entry bundle truncated: entry ${entries.length} needs ${length} bytes, ${bytes.length - at} are left`)
    entries.push(bytes.slice(at, at + length))
    at += length
  }
  return entries
}

/** How many hashes a tree of `size` has at tile level L (tree level 8·L). */
function levelCount (size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level)
}

/** The width of tile N at tile level L that a tree of `size` publishes: 256 if full, else the partial width. */
function publishedWidth (size: number, level: number, index: number): number {
  return Math.min(TILE_WIDTH, levelCount(size, level) - index * TILE_WIDTH)
}

export interface TileFile {
  path: string
  bytes: Uint8Array
}

/** The bytes of one hash tile: `width` hashes at tree level 8·level from index 256·index. */
export function hashTile (levels: MerkleLevels, level: number, index: number, width: number = TILE_WIDTH): Uint8Array {
  tilePath(level, index, width)
  const start = index * TILE_WIDTH
  return levels.hashes(TILE_HEIGHT * level, start, start + width)
}

function checkSizes (size: number, fromSize: number, available: number): void {
  checkCount(size, 'size')
  checkCount(fromSize, 'fromSize')
  if (fromSize > size) throw new RangeError(`fromSize ${fromSize} is larger than size ${size}`)
  if (size > available) throw new RangeError(`only ${available} leaves are at hand, not ${size}`)
}

/**
 * For each tile level, the tiles of `count` hashes that a tree with `oldCount` hashes there did not publish: the
 * tiles that grew (a partial tile becomes wider or full) and the new ones.
 */
function * grownTiles (count: number, oldCount: number): Generator<{ index: number, width: number }> {
  for (let index = Math.floor(oldCount / TILE_WIDTH); index * TILE_WIDTH < count; index++) {
    const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH)
    const oldWidth = Math.max(0, Math.min(TILE_WIDTH, oldCount - index * TILE_WIDTH))
    if (width > oldWidth) yield { index, width }
  }
}

/**
 * Every hash tile a tree of `size` publishes (full tiles and the partial tile of each level), or with `fromSize`
 * only those a tree of `fromSize` did not publish. Empty tiles are never published.
 */
export function tilesOf (levels: MerkleLevels, size: number, fromSize = 0): TileFile[] {
  checkSizes(size, fromSize, levels.size)
  const tiles: TileFile[] = []
  for (let level = 0; levelCount(size, level) > 0; level++) {
    for (const { index, width } of grownTiles(levelCount(size, level), levelCount(fromSize, level))) {
      tiles.push({ path: tilePath(level, index, width), bytes: hashTile(levels, level, index, width) })
    }
  }
  return tiles
}

/** The paths of every file a tree of `size` publishes, without their bytes: entry bundles first, then hash tiles by level. */
export function tilePathsOf (size: number): string[] {
  checkCount(size, 'size')
  const paths = [...grownTiles(size, 0)].map(({ index, width }) => entriesTilePath(index, width))
  for (let level = 0; levelCount(size, level) > 0; level++) {
    for (const { index, width } of grownTiles(levelCount(size, level), 0)) paths.push(tilePath(level, index, width))
  }
  return paths
}

/** The entry bundles of a tree of `size` (entries[i] is leaf i), or those a tree of `fromSize` did not publish. */
export function entryBundlesOf (entries: readonly Uint8Array[], size: number, fromSize = 0): TileFile[] {
  checkSizes(size, fromSize, entries.length)
  return [...grownTiles(size, fromSize)].map(({ index, width }) => ({
    path: entriesTilePath(index, width),
    bytes: entryBundle(entries.slice(index * TILE_WIDTH, index * TILE_WIDTH + width))
  }))
}

/** Reads a published file by its path (relative to the log's prefix); undefined when there is none. */
export type TileReader = (path: string) => Uint8Array | undefined

function splitHashes (bytes: Uint8Array): Uint8Array[] {
  const hashes: Uint8Array[] = []
  for (let at = 0; at < bytes.length; at += HASH_SIZE) hashes.push(bytes.subarray(at, at + HASH_SIZE))
  return hashes
}

function readHashTile (read: TileReader, size: number, level: number, index: number): Uint8Array {
  const width = publishedWidth(size, level, index)
  const path = tilePath(level, index, width)
  const bytes = read(path)
  if (bytes === undefined) throw new TileError(path, 'missing')
  if (bytes.length !== width * HASH_SIZE) throw new TileError(path, `${bytes.length} bytes, not ${width * HASH_SIZE}`)
  return bytes
}

/** Reads the right-edge tiles of a tree of `size` and computes its root; TileError for a missing or short tile. */
function rightEdge (size: number, read: TileReader): { root: Uint8Array, tiles: Map<string, Uint8Array> } {
  const tiles = new Map<string, Uint8Array>()
  const subtreeHashes = treeSubtrees(size).map(({ level, index }) => {
    // A subtree at tree level 8·L + r is the root of 2^r consecutive hashes of one tile at tile level L.
    const tileLevel = Math.floor(level / TILE_HEIGHT)
    const span = 2 ** (level % TILE_HEIGHT)
    const first = index * span
    const tileIndex = Math.floor(first / TILE_WIDTH)
    const path = tilePath(tileLevel, tileIndex, publishedWidth(size, tileLevel, tileIndex))
    const bytes = tiles.get(path) ?? readHashTile(read, size, tileLevel, tileIndex)
    tiles.set(path, bytes)
    const offset = (first - tileIndex * TILE_WIDTH) * HASH_SIZE
    return rootOfHashes(splitHashes(bytes.subarray(offset, offset + span * HASH_SIZE)))
  })
  return { root: foldSubtrees(subtreeHashes), tiles }
}

/**
 * The root hash of a tree of `size` from its published tiles, reading only the right-edge tiles it needs (at most
 * one per level). A verifier compares it with a checkpoint's root; TileError when a tile is missing or the wrong size.
 */
export function rootFromTiles (size: number, read: TileReader): Uint8Array {
  checkCount(size, 'size')
  return rightEdge(size, read).root
}

export interface TileProblem {
  /** The file at fault, or "checkpoint" when the right-edge tiles do not give the checkpoint's root hash. */
  path: string
  problem: string
}

function bundleProblem (read: TileReader, index: number, width: number, tile: Uint8Array): TileProblem | undefined {
  const path = entriesTilePath(index, width)
  const bytes = read(path)
  if (bytes === undefined) return { path, problem: 'missing' }
  let entries: Uint8Array[]
  try {
    entries = parseEntryBundle(bytes)
  } catch (error) {
    if (!(error instanceof TileError)) throw error
    return { path, problem: error.problem }
  }
  if (entries.length !== width) return { path, problem: `holds ${entries.length} entries, not ${width}` }
  const at = entries.findIndex((entry, i) => !equalHashes(leafHash(entry), tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)))
  if (at >= 0) return { path, problem: `entry ${index * TILE_WIDTH + at} does not hash to its leaf hash in ${tilePath(0, index, width)}` }
  return undefined
}

/**
 * Checks every file a tree of `size` publishes against `rootHash`, top down so that the file named is the one at
 * fault: the right-edge tiles must give the root, each full tile must hash to its (already checked) hash in the
 * tile above, and unless `entries` is false each entry bundle must hash to its level 0 tile. Returns the first
 * problem, or undefined when every byte is accounted for.
 */
export function checkTiles (size: number, rootHash: Uint8Array, read: TileReader, options: { entries?: boolean } = {}): TileProblem | undefined {
  checkCount(size, 'size')
  const checkEntries = options.entries ?? true
  let edge: ReturnType<typeof rightEdge>
  try {
    edge = rightEdge(size, read)
  } catch (error) {
    if (!(error instanceof TileError)) throw error
    return { path: error.path ?? 'checkpoint', problem: error.problem }
  }
  if (!equalHashes(edge.root, rootHash)) {
    const paths = [...edge.tiles.keys()].join(', ')
    return { path: 'checkpoint', problem: `the right-edge tiles (${paths}) give the root hash ${Buffer.from(edge.root).toString('base64')}, not ${Buffer.from(rootHash).toString('base64')}` }
  }
  // The checked hashes of the level above, to which each full tile of this level must hash.
  let above: Uint8Array = new Uint8Array(0)
  for (let level = levelsOf(size) - 1; level >= 0; level--) {
    const count = levelCount(size, level)
    // Level 0 is never held whole: its tiles are checked one by one and need not be kept.
    const hashes = new Uint8Array(level === 0 ? 0 : count * HASH_SIZE)
    for (let index = 0; index * TILE_WIDTH < count; index++) {
      const width = publishedWidth(size, level, index)
      const path = tilePath(level, index, width)
      let bytes = edge.tiles.get(path)
      if (bytes === undefined) {
        try {
          bytes = readHashTile(read, size, level, index)
        } catch (error) {
          if (!(error instanceof TileError)) throw error
          return { path, problem: error.problem }
        }
        const parent = tilePath(level + 1, Math.floor(index / TILE_WIDTH), publishedWidth(size, level + 1, Math.floor(index / TILE_WIDTH)))
        if (!equalHashes(rootOfHashes(splitHashes(bytes)), above.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE))) {
          return { path, problem: `its hashes do not hash to hash ${index % TILE_WIDTH} of ${parent}` }
        }
      }
      if (level > 0) hashes.set(bytes, index * TILE_WIDTH * HASH_SIZE)
      if (level === 0 && checkEntries) {
        const problem = bundleProblem(read, index, width, bytes)
        if (problem !== undefined) return problem
      }
    }
    above = hashes
  }
  return undefined
}

/** The number of tile levels a tree of `size` publishes. */
function levelsOf (size: number): number {
  let levels = 0
  while (levelCount(size, levels) > 0) levels++
  return levels
}

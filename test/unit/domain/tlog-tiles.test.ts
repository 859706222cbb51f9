import t from 'tap'
import { leafHash, treeLevels, treeRoot } from '../../../src/domain/merkle.js'
import {
  checkTiles, entriesTilePath, entryBundle, entryBundlesOf, hashTile, parseEntryBundle, parseTilePath, rootFromTiles,
  TileError, tilePath, tilesOf, type TileFile
} from '../../../src/domain/tlog-tiles.js'

const b64 = (h: Uint8Array): string => Buffer.from(h).toString('base64')

t.test('tile paths: three-digit groups, "x" before all but the last, ".p/W" for partial tiles', async (t) => {
  // c2sp.org/tlog-tiles: "index 1234067 will be encoded as x001/x234/067".
  t.equal(tilePath(0, 1234067), 'tile/0/x001/x234/067')
  // golang.org/x/mod/sumdb/tlog tlog_test.go tilePaths, without the sumdb's tile height element.
  t.equal(tilePath(0, 1), 'tile/0/001')
  t.equal(tilePath(0, 1, 5), 'tile/0/001.p/5')
  t.equal(tilePath(5, 123456078), 'tile/5/x123/x456/078')
  t.equal(tilePath(5, 123456078, 2), 'tile/5/x123/x456/078.p/2')
  t.equal(tilePath(0, 3057500), 'tile/0/x003/x057/500')
  t.equal(tilePath(0, 0), 'tile/0/000')
  t.equal(tilePath(1, 999), 'tile/1/999')
  t.equal(tilePath(1, 1000), 'tile/1/x001/000')
  t.equal(tilePath(63, 0, 256), 'tile/63/000', 'a width of 256 is a full tile')
  t.equal(entriesTilePath(273, 112), 'tile/entries/273.p/112')
  t.equal(entriesTilePath(1234067), 'tile/entries/x001/x234/067')
  for (const width of [0, 257, 1.5, -1]) t.throws(() => tilePath(0, 0, width), RangeError, `width ${width}`)
  for (const level of [-1, 64, 0.5]) t.throws(() => tilePath(level, 0), RangeError, `level ${level}`)
  for (const index of [-1, 1.5, 2 ** 53]) t.throws(() => tilePath(0, index), RangeError, `index ${index}`)
})

t.test('parseTilePath reads exactly the paths tilePath writes', async (t) => {
  t.same(parseTilePath('tile/0/x001/x234/067'), { kind: 'hashes', level: 0, index: 1234067, width: 256 })
  t.same(parseTilePath('tile/5/x123/x456/078.p/2'), { kind: 'hashes', level: 5, index: 123456078, width: 2 })
  t.same(parseTilePath('tile/63/000.p/255'), { kind: 'hashes', level: 63, index: 0, width: 255 })
  t.same(parseTilePath('tile/entries/273.p/112'), { kind: 'entries', index: 273, width: 112 })
  t.same(parseTilePath('tile/entries/000'), { kind: 'entries', index: 0, width: 256 })
  const refused = [
    'tile/3/123/456/078', 'tile/3/-1/123/456/078', 'tile/1/data/x003/x057/500', 'tile/0/1', 'tile/0/0001', 'tile/0/x000/001',
    'tile/0/001.p/0', 'tile/0/001.p/256', 'tile/0/001.p/012', 'tile/64/000', 'tile/00/000', 'tile/0/000/', '/tile/0/000',
    'tile/0/x001', 'tile/0/001.p/', 'tile/entries/x001/x234/067.p/1000', 'tile/0/x999/x999/x999/x999/x999/x999/999'
  ]
  for (const path of refused) t.equal(parseTilePath(path), undefined, path)
  for (const [level, index, width] of [[0, 0, 1], [2, 999, 256], [7, 1000, 17], [1, 1234067, 255]] as const) {
    t.same(parseTilePath(tilePath(level, index, width)), { kind: 'hashes', level, index, width })
  }
})

t.test('entry bundles: each entry as a big-endian uint16 length and its bytes', async (t) => {
  const bundle = entryBundle([Buffer.from('ab'), new Uint8Array(0), Buffer.alloc(258, 7)])
  t.same([...bundle.subarray(0, 6)], [0x00, 0x02, 0x61, 0x62, 0x00, 0x00])
  t.same([...bundle.subarray(6, 8)], [0x01, 0x02])
  t.equal(bundle.length, 4 + 2 + 2 + 258)
  t.same(parseEntryBundle(bundle).map((e) => Buffer.from(e).toString('hex')), ['6162', '', '07'.repeat(258)])
  const largest = Buffer.alloc(0xffff, 1)
  t.same(parseEntryBundle(entryBundle([largest]))[0]?.length, 0xffff)
  t.throws(() => entryBundle([Buffer.alloc(0x10000)]), RangeError)
  t.same(parseEntryBundle(new Uint8Array(0)), [])
  t.throws(() => parseEntryBundle(Uint8Array.of(0x00)), { name: 'TileError', message: /entry 0 has half a length/ })
  t.throws(() => parseEntryBundle(Uint8Array.of(0x00, 0x05, 1, 2)), { name: 'TileError', message: /entry 0 needs 5 bytes, 2 are left/ })
  t.throws(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1)), TileError, 'the last byte cut off')
})

// A tree of 70 000 entries whose content is cheap to make: the entry is its index, 4 bytes big-endian.
const SIZE = 70_000
const entries = Array.from({ length: SIZE }, (_, i) => {
  const entry = Buffer.alloc(4)
  entry.writeUInt32BE(i)
  return entry
})
const levels = treeLevels(entries.map(leafHash))
const root = treeRoot(levels)

function store (...files: TileFile[][]): Map<string, Uint8Array> {
  return new Map(files.flat().map(({ path, bytes }) => [path, bytes]))
}

t.test('a tree of 70 000 publishes the tiles c2sp.org/tlog-tiles lists for it', async (t) => {
  const tiles = tilesOf(levels, SIZE)
  const paths = tiles.map((tile) => tile.path)
  // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile, one partial level 1
  // tile of width 17, and one partial level 2 tile of width 1."
  t.equal(paths.filter((p) => /^tile\/0\/\d{3}$/.test(p)).length, 273)
  t.same(paths.filter((p) => p.includes('.p/') || !p.startsWith('tile/0/')), ['tile/0/273.p/112', 'tile/1/000', 'tile/1/001.p/17', 'tile/2/000.p/1'])
  t.equal(paths.length, 277)
  t.ok(tiles.every(({ path, bytes }) => bytes.length === (parseTilePath(path)?.width ?? 0) * 32), 'each tile is its width in hashes')
  const store0 = store(tiles)
  t.same(store0.get('tile/0/000'), levels.hashes(0, 0, 256), 'level 0 holds the leaf hashes')
  t.same(store0.get('tile/1/000')?.subarray(0, 32), levels.hash(8, 0), 'level 1 holds the roots of 256 leaves')
  t.same(store0.get('tile/2/000.p/1'), levels.hash(16, 0), 'level 2 holds the root of 65 536 leaves')
  t.same(tilesOf(levels, 256).map((tile) => tile.path), ['tile/0/000', 'tile/1/000.p/1'], '"a tree of size 256" from the spec')
  t.same(tilesOf(levels, 0), [], 'the empty tree publishes nothing')
})

t.test('the root of 70 000 is rebuilt from its tiles, reading only the right edge', async (t) => {
  const files = store(tilesOf(levels, SIZE))
  const read: string[] = []
  const rebuilt = rootFromTiles(SIZE, (path) => {
    read.push(path)
    return files.get(path)
  })
  t.equal(b64(rebuilt), b64(root))
  t.same(read.sort(), ['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1'])
})

t.test('every tree size up to 600 rebuilds its root from its tiles; sizes around the tile edges check out whole', async (t) => {
  const wrong: number[] = []
  for (let size = 0; size <= 600; size++) {
    const files = store(tilesOf(levels, size))
    if (b64(rootFromTiles(size, (path) => files.get(path))) !== b64(treeRoot(levels, size))) wrong.push(size)
  }
  t.same(wrong, [], 'rootFromTiles')
  const unchecked = [0, 1, 2, 3, 7, 8, 9, 254, 255, 256, 257, 258, 300, 511, 512, 513, 600].filter((size) => {
    const files = store(tilesOf(levels, size), entryBundlesOf(entries, size))
    return checkTiles(size, treeRoot(levels, size), (path) => files.get(path)) !== undefined
  })
  t.same(unchecked, [], 'checkTiles')
})

t.test('a flipped byte in any tile is found, and the tile named', async (t) => {
  const files = store(tilesOf(levels, SIZE), entryBundlesOf(entries, SIZE))
  const flipped = (path: string, at: number) => (p: string): Uint8Array | undefined => {
    const bytes = files.get(p)
    if (p !== path || bytes === undefined) return bytes
    const copy = Uint8Array.from(bytes)
    copy[at] = (copy[at] as number) ^ 0x01
    return copy
  }
  t.equal(checkTiles(SIZE, root, (p) => files.get(p)), undefined, 'untouched, everything checks out')
  // The check goes top down and left to right, stopping at the first fault: early tiles keep this test quick.
  for (const [path, at] of [['tile/1/000', 77], ['tile/0/000', 0], ['tile/0/003', 4000], ['tile/0/272', 8191]] as const) {
    t.match(checkTiles(SIZE, root, flipped(path, at), { entries: false }), { path, problem: /do not hash to hash/ }, path)
  }
  for (const [path, at] of [['tile/0/273.p/112', 3583], ['tile/1/001.p/17', 0], ['tile/2/000.p/1', 31]] as const) {
    t.match(checkTiles(SIZE, root, flipped(path, at)), { path: 'checkpoint', problem: new RegExp(`right-edge tiles .*${path.replace('.', '\\.')}`) }, path)
    t.not(b64(rootFromTiles(SIZE, flipped(path, at))), b64(root), `${path} changes the rebuilt root`)
  }
  t.match(checkTiles(SIZE, root, flipped('tile/entries/002', 10)), { path: 'tile/entries/002', problem: /entry 513 does not hash to its leaf hash in tile\/0\/002/ })
  t.match(checkTiles(SIZE, root, flipped('tile/entries/273.p/112', 1)), { path: 'tile/entries/273.p/112', problem: /entry bundle truncated|does not hash|entries, not/ })
  t.match(checkTiles(SIZE, treeRoot(levels, SIZE - 1), (p) => files.get(p)), { path: 'checkpoint' }, 'another root hash')
})

t.test('missing or wrong-sized files are named', async (t) => {
  const files = store(tilesOf(levels, SIZE), entryBundlesOf(entries, SIZE))
  const without = (path: string) => (p: string): Uint8Array | undefined => (p === path ? undefined : files.get(p))
  t.same(checkTiles(SIZE, root, without('tile/0/010')), { path: 'tile/0/010', problem: 'missing' })
  t.same(checkTiles(SIZE, root, without('tile/1/001.p/17')), { path: 'tile/1/001.p/17', problem: 'missing' })
  t.same(checkTiles(SIZE, root, without('tile/entries/005')), { path: 'tile/entries/005', problem: 'missing' })
  t.equal(checkTiles(SIZE, root, without('tile/entries/005'), { entries: false }), undefined, 'entries not asked for')
  const short = (p: string): Uint8Array | undefined => (p === 'tile/0/007' ? files.get(p)?.subarray(32) : files.get(p))
  t.same(checkTiles(SIZE, root, short), { path: 'tile/0/007', problem: '8160 bytes, not 8192' })
  t.throws(() => rootFromTiles(SIZE, without('tile/2/000.p/1')), { name: 'TileError', path: 'tile/2/000.p/1', message: 'tile/2/000.p/1: missing' })
  const shortBundle = entryBundle(entries.slice(256, 511))
  t.same(checkTiles(SIZE, root, (p) => (p === 'tile/entries/001' ? shortBundle : files.get(p))), { path: 'tile/entries/001', problem: 'holds 255 entries, not 256' })
})

t.test('publishing as the log grows gives the same files as publishing at once', async (t) => {
  const published = new Map<string, Uint8Array>()
  const sizes = [0, 1, 255, 256, 257, 600, 65_535, 65_536, 65_792, SIZE]
  const republished: string[] = []
  for (let i = 1; i < sizes.length; i++) {
    const [from, to] = [sizes[i - 1] as number, sizes[i] as number]
    for (const { path, bytes } of [...tilesOf(levels, to, from), ...entryBundlesOf(entries, to, from)]) {
      if (published.has(path)) republished.push(path)
      published.set(path, bytes)
    }
  }
  t.same(republished, [], 'no path is published twice')
  const atOnce = store(tilesOf(levels, SIZE), entryBundlesOf(entries, SIZE))
  const differing = [...atOnce].filter(([path, bytes]) => Buffer.compare(published.get(path) ?? new Uint8Array(0), bytes) !== 0)
  t.same(differing.map(([path]) => path), [], 'every file of the final tree, byte for byte')
  t.equal(atOnce.size, 277 + 274)
  // The partial tiles of earlier sizes stay where they were: a verifier of an old checkpoint still finds them.
  t.equal(checkTiles(600, treeRoot(levels, 600), (p) => published.get(p)), undefined)
  t.same(tilesOf(levels, 600, 600), [])
  t.same(tilesOf(levels, 257, 256).map((tile) => tile.path), ['tile/0/001.p/1'])
  t.same(tilesOf(levels, 65_536, 65_535).map((tile) => tile.path), ['tile/0/255', 'tile/1/000', 'tile/2/000.p/1'])
})

t.test('one tile at a time, for serving; and impossible requests', async (t) => {
  t.same(hashTile(levels, 1, 1, 17), levels.hashes(8, 256, 273))
  t.same(hashTile(levels, 0, 273, 112), levels.hashes(0, 273 * 256, SIZE))
  t.throws(() => hashTile(levels, 0, 273), RangeError, 'the full tile does not exist yet')
  t.throws(() => tilesOf(levels, SIZE + 1), RangeError)
  t.throws(() => tilesOf(levels, 10, 11), RangeError)
  t.throws(() => entryBundlesOf(entries.slice(0, 10), 11), RangeError)
  t.throws(() => rootFromTiles(-1, () => undefined), RangeError)
  t.equal(b64(rootFromTiles(0, () => undefined)), b64(treeRoot(levels, 0)), 'the empty tree needs no tile')
})

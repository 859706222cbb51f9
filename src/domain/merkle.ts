// The Merkle tree of the public transparency log (DESIGN §3.5), as RFC 9162 §2.1 (= RFC 6962 §2.1) defines it:
// tree hashes, inclusion and consistency proofs and their verification. Pure; node:crypto only.
//
// A tree is held as its "stored hashes" (the name Go's tlog package gives them): for every level k, the hashes of
// the complete subtrees of 2^k leaves, left to right. Those never change once made, so appending is amortised O(1),
// any earlier tree size is still answerable, and the tiles of c2sp.org/tlog-tiles are slices of them.
import { hash } from 'node:crypto'

export const HASH_SIZE = 32

// Kept private so that a caller writing into the exported copy cannot change what verification compares with.
const EMPTY = hash('sha256', new Uint8Array(0), 'buffer')

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Uint8Array = Uint8Array.from(EMPTY)

const LEAF_PREFIX = Uint8Array.of(0x00)
const NODE_PREFIX = Uint8Array.of(0x01)
// A tree of n leaves costs 2n hashes: one-shot hashing of one reused buffer is about twice as fast as a createHash
// object per node. Sharing it is safe because hashing is synchronous.
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE)
NODE_INPUT.set(NODE_PREFIX)

/** The hash of a log entry: SHA-256(0x00 ‖ entry). */
export function leafHash (entry: Uint8Array): Uint8Array {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, entry]), 'buffer')
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash (left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer')
  }
  NODE_INPUT.set(left, 1)
  NODE_INPUT.set(right, 1 + HASH_SIZE)
  return hash('sha256', NODE_INPUT, 'buffer')
}

export function equalHashes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

function checkCount (value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`)
}

function checkHash (hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) throw new RangeError(`${what} must be ${HASH_SIZE} bytes, got ${hash.length}`)
}

/** The largest power of two below n (n ≥ 2): the size of the left subtree in RFC 9162's split. */
function splitPoint (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** log2 of n when n is a power of two, else -1. Arithmetic rather than bit operators: sizes may pass 2^32. */
function exactLog2 (n: number): number {
  let level = 0
  for (let p = 1; p <= n; p *= 2, level++) if (p === n) return level
  return -1
}

/** The complete subtrees that make up a tree of `size` leaves, largest (leftmost) first: one per bit of size. */
export function treeSubtrees (size: number): Array<{ level: number, index: number }> {
  checkCount(size, 'size')
  const subtrees: Array<{ level: number, index: number }> = []
  let start = 0
  for (let level = Math.floor(Math.log2(size || 1)) + 1; level >= 0; level--) {
    const width = 2 ** level
    if (size - start >= width) {
      subtrees.push({ level, index: start / width })
      start += width
    }
  }
  return subtrees
}

/** The root from the hashes of the subtrees `treeSubtrees` lists, in its order: right to left, RFC 9162 MTH. */
export function foldSubtrees (hashes: readonly Uint8Array[]): Uint8Array {
  let root: Uint8Array | undefined
  for (let i = hashes.length - 1; i >= 0; i--) {
    const hash = hashes[i] as Uint8Array
    root = root === undefined ? hash : nodeHash(hash, root)
  }
  return Uint8Array.from(root ?? EMPTY)
}

/** The stored hashes of a tree: level 0 holds the leaf hashes, level k the roots of complete subtrees of 2^k leaves. */
export class MerkleLevels {
  // Level k is one growing buffer of 32-byte hashes (capacity doubles), so a tile is one slice of it.
  #buffers: Uint8Array[] = []
  #counts: number[] = []
  #size = 0

  static from (leafHashes: Iterable<Uint8Array>): MerkleLevels {
    const levels = new MerkleLevels()
    for (const hash of leafHashes) levels.append(hash)
    return levels
  }

  /** The number of leaves. */
  get size (): number {
    return this.#size
  }

  /** The number of levels that hold at least one hash. */
  get height (): number {
    return this.#counts.length
  }

  /** How many hashes level `level` holds: ⌊size / 2^level⌋. */
  count (level: number): number {
    return this.#counts[level] ?? 0
  }

  append (leafHash: Uint8Array): void {
    checkHash(leafHash, 'a leaf hash')
    let hash = leafHash
    for (let level = 0; ; level++) {
      const index = this.#push(level, hash)
      if (index % 2 === 0) break
      hash = nodeHash(this.#view(level, index - 1), this.#view(level, index))
    }
    this.#size++
  }

  /** A copy of the hash at `level`, `index`. */
  hash (level: number, index: number): Uint8Array {
    return this.hashes(level, index, index + 1)
  }

  /** A copy of the hashes `start` (inclusive) to `end` (exclusive) of a level, concatenated. */
  hashes (level: number, start: number, end: number): Uint8Array {
    checkCount(start, 'start')
    if (!(Number.isSafeInteger(end) && start <= end && end <= this.count(level))) {
      throw new RangeError(`level ${level} holds ${this.count(level)} hashes, not ${start}..${end}`)
    }
    return this.#buffers[level]?.slice(start * HASH_SIZE, end * HASH_SIZE) ?? new Uint8Array(0)
  }

  #view (level: number, index: number): Uint8Array {
    return (this.#buffers[level] as Uint8Array).subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE)
  }

  #push (level: number, hash: Uint8Array): number {
    const index = this.count(level)
    let buffer = this.#buffers[level] ?? new Uint8Array(16 * HASH_SIZE)
    if ((index + 1) * HASH_SIZE > buffer.length) {
      const grown = new Uint8Array(buffer.length * 2)
      grown.set(buffer)
      buffer = grown
    }
    buffer.set(hash, index * HASH_SIZE)
    this.#buffers[level] = buffer
    this.#counts[level] = index + 1
    return index
  }
}

/** Stored hashes for these leaf hashes, in O(n). */
export function treeLevels (leafHashes: Iterable<Uint8Array>): MerkleLevels {
  return MerkleLevels.from(leafHashes)
}

/** The RFC 9162 root (MTH) of a list of hashes taken as leaf hashes: e.g. the hash a full tile stands for. */
export function rootOfHashes (hashes: readonly Uint8Array[]): Uint8Array {
  return treeRoot(MerkleLevels.from(hashes), hashes.length)
}

function checkTreeSize (levels: MerkleLevels, size: number): void {
  checkCount(size, 'size')
  if (size > levels.size) throw new RangeError(`the tree has ${levels.size} leaves, not ${size}`)
}

/** The root of the tree of the first `size` leaves, in O(log n). */
export function treeRoot (levels: MerkleLevels, size: number = levels.size): Uint8Array {
  checkTreeSize(levels, size)
  return foldSubtrees(treeSubtrees(size).map(({ level, index }) => levels.hash(level, index)))
}

/**
 * MTH(D[a:b]) for the ranges RFC 9162's recursions visit in a tree of `size`: each is either a complete subtree
 * (a stored hash) or a right-edge range [a, size) starting where one of the tree's complete subtrees starts, whose
 * hashes are folded once here.
 */
function rangeHasher (levels: MerkleLevels, size: number): (a: number, b: number) => Uint8Array {
  const rightEdge = new Map<number, Uint8Array>()
  const subtrees = treeSubtrees(size)
  let folded: Uint8Array | undefined
  for (let i = subtrees.length - 1; i >= 0; i--) {
    const { level, index } = subtrees[i] as { level: number, index: number }
    const hash = levels.hash(level, index)
    folded = folded === undefined ? hash : nodeHash(hash, folded)
    rightEdge.set(index * 2 ** level, folded)
  }
  return (a, b) => {
    const level = exactLog2(b - a)
    if (level >= 0) return levels.hash(level, a / (b - a))
    const hash = b === size ? rightEdge.get(a) : undefined
    if (hash === undefined) throw new Error(`internal: ${a}..${b} is not a subtree of a tree of ${size}`)
    return Uint8Array.from(hash)
  }
}

/** PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf up. */
export function inclusionProof (levels: MerkleLevels, index: number, size: number): Uint8Array[] {
  checkTreeSize(levels, size)
  checkCount(index, 'index')
  if (index >= size) throw new RangeError(`index ${index} is not in a tree of ${size}`)
  const range = rangeHasher(levels, size)
  const fromTop: Uint8Array[] = []
  let a = 0
  let b = size
  while (b - a > 1) {
    const k = splitPoint(b - a)
    if (index < a + k) {
      fromTop.push(range(a + k, b))
      b = a + k
    } else {
      fromTop.push(range(a, a + k))
      a += k
    }
  }
  return fromTop.reverse()
}

/** PROOF(oldSize, D[0:newSize]) of RFC 9162 §2.1.4.1; empty when oldSize is 0 or equals newSize. */
export function consistencyProof (levels: MerkleLevels, oldSize: number, newSize: number): Uint8Array[] {
  checkTreeSize(levels, newSize)
  checkCount(oldSize, 'oldSize')
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`)
  if (oldSize === 0 || oldSize === newSize) return []
  const range = rangeHasher(levels, newSize)
  const fromTop: Uint8Array[] = []
  // SUBPROOF(m, D[a:b], whole), unrolled: `m` counts from a, `whole` is false once we went right.
  let a = 0
  let b = newSize
  let m = oldSize
  let whole = true
  for (;;) {
    if (m === b - a) {
      if (!whole) fromTop.push(range(a, b))
      break
    }
    const k = splitPoint(b - a)
    if (m <= k) {
      fromTop.push(range(a + k, b))
      b = a + k
    } else {
      fromTop.push(range(a, a + k))
      a += k
      m -= k
      whole = false
    }
  }
  return fromTop.reverse()
}

function isHashList (hashes: readonly Uint8Array[]): boolean {
  return hashes.every((hash) => hash.length === HASH_SIZE)
}

/**
 * RFC 9162 §2.1.3.2. False for any proof that does not prove it (wrong length, wrong hashes, wrong root);
 * RangeError only for arguments no tree can have (index ≥ size, negative or fractional numbers).
 */
export function verifyInclusion (leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  checkCount(index, 'index')
  checkCount(size, 'size')
  if (index >= size) throw new RangeError(`index ${index} is not in a tree of ${size}`)
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || !isHashList(proof)) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equalHashes(r, root)
}

/**
 * RFC 9162 §2.1.4.2 for 0 < oldSize < newSize. Equal sizes need an empty proof and equal roots; an old size of 0
 * needs an empty proof and the empty tree's root. RangeError only when oldSize > newSize or a size is not a count.
 */
export function verifyConsistency (oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  checkCount(oldSize, 'oldSize')
  checkCount(newSize, 'newSize')
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`)
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE || !isHashList(proof)) return false
  if (oldSize === newSize) return proof.length === 0 && equalHashes(oldRoot, newRoot)
  if (oldSize === 0) return proof.length === 0 && equalHashes(oldRoot, EMPTY)
  if (proof.length === 0) return false
  const path = exactLog2(oldSize) >= 0 ? [oldRoot, ...proof] : proof
  let fn = oldSize - 1
  let sn = newSize - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equalHashes(fr, oldRoot) && equalHashes(sr, newRoot)
}

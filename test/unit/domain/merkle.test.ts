import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import {
  consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, MerkleLevels, nodeHash, rootOfHashes, treeLevels, treeRoot,
  treeSubtrees, verifyConsistency, verifyInclusion
} from '../../../src/domain/merkle.js'

const hex = (h: Uint8Array): string => Buffer.from(h).toString('hex')
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const unb64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'))

// --- An independent reference: RFC 6962 §2.1 MTH, PATH and PROOF as literal recursions over the entries. ----------

function sha256 (...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

function largestPowerOfTwoBelow (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function mth (d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256()
  if (d.length === 1) return sha256(Uint8Array.of(0), d[0] as Uint8Array)
  const k = largestPowerOfTwoBelow(d.length)
  return sha256(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)))
}

function path (m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return []
  const k = largestPowerOfTwoBelow(d.length)
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))]
}

function subproof (m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)]
  const k = largestPowerOfTwoBelow(d.length)
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))]
}

const referenceProof = (m: number, d: Uint8Array[]): Uint8Array[] => (m === 0 ? [] : subproof(m, d, true))

// --- The RFC 6962 test tree of certificate-transparency, as kept in transparency-dev/merkle. ----------------------

// testonly/constants.go: LeafInputs, NodeHashes (level 0), RootHashes.
const leafInputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex)
const goldenLeafHashes = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7', '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1'
]
const goldenRoots = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4', '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c', '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
]
// proof/verify_test.go: inclusionProofs and consistencyProofs (its leaf numbers are 1-based; here indexes are 0-based).
const goldenInclusion: Array<{ index: number, size: number, proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] }
]
const goldenConsistency: Array<{ oldSize: number, newSize: number, proof: string[] }> = [
  { oldSize: 1, newSize: 1, proof: [] },
  { oldSize: 1, newSize: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { oldSize: 6, newSize: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { oldSize: 2, newSize: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { oldSize: 6, newSize: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] }
]

const golden = treeLevels(leafInputs.map(leafHash))
const goldenRoot = (size: number): Uint8Array => unhex(goldenRoots[size] as string)

t.test('leaf and node hashes, and the empty root, are RFC 6962 §2.1', async (t) => {
  t.same(leafInputs.map((entry) => hex(leafHash(entry))), goldenLeafHashes)
  t.equal(hex(EMPTY_ROOT), goldenRoots[0])
  t.equal(hex(nodeHash(unhex(goldenLeafHashes[0] as string), unhex(goldenLeafHashes[1] as string))), goldenRoots[2])
  // golang.org/x/mod/sumdb/tlog note_test.go: RecordHash("hello world") in a tree note.
  t.equal(Buffer.from(leafHash(Buffer.from('hello world'))).toString('base64'), 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=')
})

t.test('the roots of the golden tree for sizes 0 to 8', async (t) => {
  for (let size = 0; size <= 8; size++) t.equal(hex(treeRoot(golden, size)), goldenRoots[size], `size ${size}`)
  t.equal(hex(treeRoot(golden)), goldenRoots[8], 'the whole tree by default')
})

t.test('the golden inclusion proofs are made and verified', async (t) => {
  for (const { index, size, proof } of goldenInclusion) {
    t.same(inclusionProof(golden, index, size).map(hex), proof, `made for ${index} in ${size}`)
    t.ok(verifyInclusion(golden.hash(0, index), index, size, proof.map(unhex), goldenRoot(size)), `verified for ${index} in ${size}`)
  }
})

t.test('the golden consistency proofs are made and verified', async (t) => {
  for (const { oldSize, newSize, proof } of goldenConsistency) {
    t.same(consistencyProof(golden, oldSize, newSize).map(hex), proof, `made for ${oldSize} → ${newSize}`)
    t.ok(verifyConsistency(oldSize, newSize, goldenRoot(oldSize), goldenRoot(newSize), proof.map(unhex)), `verified for ${oldSize} → ${newSize}`)
  }
})

// The probes of transparency-dev/merkle proof/verify_test.go (corruptInclusionProof, corruptConsistencyProof).
const someHash = unhex('abacaba000000000000000000000000000000000000000000060061e00123456')
const flip = (h: Uint8Array, mask: number): Uint8Array => Uint8Array.from(h, (byte, i) => (i === 0 ? byte ^ mask : byte))

t.test('corrupted golden inclusion proofs fail', async (t) => {
  for (const { index, size, proof: proofHex } of goldenInclusion.filter((v) => v.size > 1)) {
    const proof = proofHex.map(unhex)
    const root = goldenRoot(size)
    const leaf = golden.hash(0, index)
    const probes: Array<[string, () => boolean]> = [
      ['index - 1', () => index > 0 && verifyInclusion(leaf, index - 1, size, proof, root)],
      ['index + 1', () => index + 1 < size && verifyInclusion(leaf, index + 1, size, proof, root)],
      ['index ^ 2', () => (index ^ 2) < size && verifyInclusion(leaf, index ^ 2, size, proof, root)],
      ['size * 2', () => verifyInclusion(leaf, index, size * 2, proof, root)],
      ['size / 2', () => index < Math.floor(size / 2) && verifyInclusion(leaf, index, Math.floor(size / 2), proof, root)],
      ['wrong leaf', () => verifyInclusion(Buffer.from('WrongLeaf'), index, size, proof, root)],
      ['empty root', () => verifyInclusion(leaf, index, size, proof, EMPTY_ROOT)],
      ['random root', () => verifyInclusion(leaf, index, size, proof, someHash)],
      ['trailing garbage', () => verifyInclusion(leaf, index, size, [...proof, new Uint8Array(0)], root)],
      ['trailing root', () => verifyInclusion(leaf, index, size, [...proof, root], root)],
      ['preceding garbage', () => verifyInclusion(leaf, index, size, [new Uint8Array(0), ...proof], root)],
      ['preceding root', () => verifyInclusion(leaf, index, size, [root, ...proof], root)],
      ['removed component', () => verifyInclusion(leaf, index, size, proof.slice(0, -1), root)],
      ['inserted component', () => proof.length > 1 && verifyInclusion(leaf, index, size, [proof[0] as Uint8Array, someHash, ...proof.slice(1)], root)],
      ...proof.map((_, i): [string, () => boolean] => [`proof[${i}] bit 3`, () => verifyInclusion(leaf, index, size, proof.map((h, j) => (j === i ? flip(h, 8) : h)), root)])
    ]
    for (const [what, probe] of probes) t.notOk(probe(), `${index} in ${size}: ${what}`)
  }
})

t.test('corrupted golden consistency proofs fail', async (t) => {
  for (const { oldSize, newSize, proof: proofHex } of goldenConsistency.filter((v) => v.proof.length > 0)) {
    const proof = proofHex.map(unhex)
    const root1 = goldenRoot(oldSize)
    const root2 = goldenRoot(newSize)
    const probes: Array<[string, () => boolean]> = [
      ['oldSize - 1', () => verifyConsistency(oldSize - 1, newSize, root1, root2, proof)],
      ['oldSize + 1', () => oldSize + 1 <= newSize && verifyConsistency(oldSize + 1, newSize, root1, root2, proof)],
      ['oldSize ^ 2', () => (oldSize ^ 2) <= newSize && verifyConsistency(oldSize ^ 2, newSize, root1, root2, proof)],
      ['newSize * 2', () => verifyConsistency(oldSize, newSize * 2, root1, root2, proof)],
      ['newSize / 2', () => oldSize <= Math.floor(newSize / 2) && verifyConsistency(oldSize, Math.floor(newSize / 2), root1, root2, proof)],
      ['wrong root1', () => verifyConsistency(oldSize, newSize, Buffer.from('WrongRoot'), root2, proof)],
      ['wrong root2', () => verifyConsistency(oldSize, newSize, root1, Buffer.from('WrongRoot'), proof)],
      ['swapped roots', () => verifyConsistency(oldSize, newSize, root2, root1, proof)],
      ['empty proof', () => verifyConsistency(oldSize, newSize, root1, root2, [])],
      ['trailing garbage', () => verifyConsistency(oldSize, newSize, root1, root2, [...proof, new Uint8Array(0)])],
      ['trailing root1', () => verifyConsistency(oldSize, newSize, root1, root2, [...proof, root1])],
      ['trailing root2', () => verifyConsistency(oldSize, newSize, root1, root2, [...proof, root2])],
      ['preceding garbage', () => verifyConsistency(oldSize, newSize, root1, root2, [new Uint8Array(0), ...proof])],
      ['preceding root1', () => verifyConsistency(oldSize, newSize, root1, root2, [root1, ...proof])],
      ['preceding root2', () => verifyConsistency(oldSize, newSize, root1, root2, [root2, ...proof])],
      ['preceding proof[0]', () => verifyConsistency(oldSize, newSize, root1, root2, [proof[0] as Uint8Array, ...proof])],
      ['truncated proof', () => verifyConsistency(oldSize, newSize, root1, root2, proof.slice(0, -1))],
      ...proof.map((_, i): [string, () => boolean] => [`proof[${i}] bit 4`, () => verifyConsistency(oldSize, newSize, root1, root2, proof.map((h, j) => (j === i ? flip(h, 16) : h)))])
    ]
    for (const [what, probe] of probes) t.notOk(probe(), `${oldSize} → ${newSize}: ${what}`)
  }
})

t.test('a real CT log: Argon 2020 inclusion and consistency proofs verify (test/data/tlog/argon2020.json)', async (t) => {
  const v = JSON.parse(readFileSync(new URL('../../data/tlog/argon2020.json', import.meta.url), 'utf8')) as {
    treeSize: number, rootHash: string, leafIndex: number, leafInput: string, auditPath: string[], oldSize: number, oldRootHash: string, consistency: string[]
  }
  const leaf = leafHash(unb64(v.leafInput))
  const audit = v.auditPath.map(unb64)
  const consistency = v.consistency.map(unb64)
  const root = unb64(v.rootHash)
  const oldRoot = unb64(v.oldRootHash)
  t.ok(verifyInclusion(leaf, v.leafIndex, v.treeSize, audit, root), 'inclusion of leaf 10000')
  t.ok(verifyConsistency(v.oldSize, v.treeSize, oldRoot, root, consistency), 'consistency 3654490 → 961984013')
  t.notOk(verifyInclusion(leaf, v.leafIndex + 1, v.treeSize, audit, root), 'at the next index')
  // Only the size's bit length shapes a proof of a leaf far from the right edge: the signed root binds the size.
  t.notOk(verifyInclusion(leaf, v.leafIndex, Math.floor(v.treeSize / 2), audit, root), 'at half the size')
  t.notOk(verifyConsistency(v.oldSize + 1, v.treeSize, oldRoot, root, consistency), 'from another old size')
  t.notOk(verifyConsistency(v.oldSize, v.treeSize, oldRoot, root, consistency.slice(1)), 'missing its first hash')
})

// --- Every size up to 70, every index and every old size, against the reference. ---------------------------------

const entries = Array.from({ length: 70 }, (_, i) => Buffer.from(`entry ${i}`))
const big = treeLevels(entries.map(leafHash))

t.test('roots, inclusion and consistency proofs match the literal RFC recursions for sizes 0 to 70', async (t) => {
  let checked = 0
  for (let size = 0; size <= entries.length; size++) {
    const d = entries.slice(0, size)
    const root = treeRoot(big, size)
    if (hex(root) !== hex(mth(d))) t.fail(`root of ${size}`)
    for (let index = 0; index < size; index++) {
      const proof = inclusionProof(big, index, size)
      if (proof.map(hex).join() !== path(index, d).map(hex).join()) t.fail(`PATH(${index}, D[${size}])`)
      if (!verifyInclusion(leafHash(entries[index] as Uint8Array), index, size, proof, root)) t.fail(`inclusion of ${index} in ${size} does not verify`)
      checked++
    }
    for (let oldSize = 0; oldSize <= size; oldSize++) {
      const proof = consistencyProof(big, oldSize, size)
      if (proof.map(hex).join() !== referenceProof(oldSize, d).map(hex).join()) t.fail(`PROOF(${oldSize}, D[${size}])`)
      if (!verifyConsistency(oldSize, size, treeRoot(big, oldSize), root, proof)) t.fail(`consistency ${oldSize} → ${size} does not verify`)
      checked++
    }
  }
  t.equal(checked, 2485 + 2556, 'every index and every old size was compared')
})

t.test('appending one at a time gives the same stored hashes as building at once', async (t) => {
  const grown = new MerkleLevels()
  for (const [i, entry] of entries.entries()) {
    grown.append(leafHash(entry))
    t.equal(hex(treeRoot(grown)), hex(treeRoot(big, i + 1)))
  }
  t.equal(grown.height, big.height)
  for (let level = 0; level < big.height; level++) {
    t.equal(grown.count(level), Math.floor(70 / 2 ** level), `level ${level} holds ⌊70 / 2^${level}⌋ hashes`)
    t.equal(hex(grown.hashes(level, 0, grown.count(level))), hex(big.hashes(level, 0, big.count(level))))
  }
  t.equal(hex(big.hash(6, 0)), hex(mth(entries.slice(0, 64))), 'level 6 holds the root of the first 64 leaves')
})

t.test('the tree subtrees are the bits of the size, and rootOfHashes is MTH over given leaf hashes', async (t) => {
  t.same(treeSubtrees(0), [])
  t.same(treeSubtrees(13), [{ level: 3, index: 0 }, { level: 2, index: 2 }, { level: 0, index: 12 }])
  t.same(treeSubtrees(2 ** 40), [{ level: 40, index: 0 }])
  t.equal(hex(rootOfHashes(entries.slice(0, 9).map(leafHash))), hex(mth(entries.slice(0, 9))))
  t.equal(hex(rootOfHashes([])), goldenRoots[0])
})

t.test('hashes handed out are copies', async (t) => {
  const tree = treeLevels(entries.slice(0, 4).map(leafHash))
  const before = hex(treeRoot(tree))
  tree.hash(0, 1).fill(0)
  treeRoot(tree).fill(0)
  inclusionProof(tree, 0, 4).forEach((h) => h.fill(0))
  EMPTY_ROOT.fill(1)
  t.equal(hex(treeRoot(tree)), before)
  t.ok(verifyConsistency(0, 4, unhex(goldenRoots[0] as string), treeRoot(tree), []), 'the empty root used by verification is its own')
  EMPTY_ROOT.set(unhex(goldenRoots[0] as string))
})

t.test('edge cases of the verifiers', async (t) => {
  const root = treeRoot(golden, 5)
  t.ok(verifyConsistency(0, 5, EMPTY_ROOT, root, []), 'from the empty tree with an empty proof')
  t.notOk(verifyConsistency(0, 5, someHash, root, []), 'from "the empty tree" with another root')
  t.notOk(verifyConsistency(0, 5, EMPTY_ROOT, root, [someHash]), 'from the empty tree with a proof')
  t.ok(verifyConsistency(5, 5, root, root, []), 'same size, same root')
  t.notOk(verifyConsistency(5, 5, root, someHash, []), 'same size, other root')
  t.notOk(verifyConsistency(5, 5, root, root, [root]), 'same size with a proof')
  t.ok(verifyInclusion(golden.hash(0, 0), 0, 1, [], golden.hash(0, 0)), 'a one-leaf tree')
  t.notOk(verifyInclusion(golden.hash(0, 0), 0, 1, [someHash], golden.hash(0, 0)), 'a one-leaf tree with a proof')
  const proof = inclusionProof(golden, 3, 8)
  t.notOk(verifyInclusion(golden.hash(0, 3), 3, 8, [...proof.slice(0, 2), (proof[2] as Uint8Array).subarray(0, 31)], treeRoot(golden)), 'a 31-byte hash in the proof')
  t.notOk(verifyInclusion(golden.hash(0, 3), 3, 8, proof, treeRoot(golden).subarray(0, 31)), 'a 31-byte root')
  t.notOk(verifyInclusion(golden.hash(0, 3).subarray(1), 3, 8, proof, treeRoot(golden)), 'a 31-byte leaf hash')
})

t.test('impossible arguments are RangeErrors, not false', async (t) => {
  const root = treeRoot(golden)
  t.throws(() => verifyInclusion(golden.hash(0, 0), 8, 8, [], root), RangeError, 'index = size')
  t.throws(() => verifyInclusion(golden.hash(0, 0), 0, 0, [], root), RangeError, 'empty tree')
  t.throws(() => verifyInclusion(golden.hash(0, 0), -1, 8, [], root), RangeError, 'negative index')
  t.throws(() => verifyInclusion(golden.hash(0, 0), 0.5, 8, [], root), RangeError, 'fractional index')
  t.throws(() => verifyConsistency(6, 5, root, root, []), RangeError, 'old size above new size')
  t.throws(() => verifyConsistency(1, 2 ** 53, root, root, []), RangeError, 'size beyond safe integers')
  t.throws(() => inclusionProof(golden, 8, 8), RangeError)
  t.throws(() => inclusionProof(golden, 0, 9), RangeError, 'a size the tree has not reached')
  t.throws(() => consistencyProof(golden, 5, 4), RangeError)
  t.throws(() => consistencyProof(golden, 1, 9), RangeError)
  t.throws(() => treeRoot(golden, 9), RangeError)
  t.throws(() => golden.hash(3, 1), RangeError, 'a subtree not yet complete')
  t.same(golden.hashes(9, 0, 0), new Uint8Array(0), 'no hashes from a level not yet begun')
  t.throws(() => new MerkleLevels().append(new Uint8Array(31)), RangeError, 'a leaf hash of 31 bytes')
})

// --- Trees beyond 2^32 leaves: a virtual tree whose every leaf hash is the same, so any subtree hash is cheap. -----

const uniformLeaf = leafHash(Buffer.from('same'))
const uniformRoots = new Map<number, Uint8Array>([[1, uniformLeaf]])
function uniformMth (n: number): Uint8Array {
  const known = uniformRoots.get(n)
  if (known !== undefined) return known
  const k = largestPowerOfTwoBelow(n)
  const hash = sha256(Uint8Array.of(1), uniformMth(k), uniformMth(n - k))
  uniformRoots.set(n, hash)
  return hash
}
function uniformPath (m: number, n: number): Uint8Array[] {
  if (n <= 1) return []
  const k = largestPowerOfTwoBelow(n)
  return m < k ? [...uniformPath(m, k), uniformMth(n - k)] : [...uniformPath(m - k, n - k), uniformMth(k)]
}
function uniformSubproof (m: number, n: number, b: boolean): Uint8Array[] {
  if (m === n) return b ? [] : [uniformMth(n)]
  const k = largestPowerOfTwoBelow(n)
  return m <= k ? [...uniformSubproof(m, k, b), uniformMth(n - k)] : [...uniformSubproof(m - k, n - k, false), uniformMth(k)]
}

t.test('verification holds for sizes past 2^32 (no 32-bit arithmetic)', async (t) => {
  const size = 2 ** 33 + 2 ** 31 + 12345
  for (const index of [0, 2 ** 32 + 7, 2 ** 33 + 5, size - 1]) {
    t.ok(verifyInclusion(uniformLeaf, index, size, uniformPath(index, size), uniformMth(size)), `inclusion of ${index}`)
  }
  for (const oldSize of [1, 2 ** 32, 2 ** 32 + 3, 2 ** 33 + 1]) {
    t.ok(verifyConsistency(oldSize, size, uniformMth(oldSize), uniformMth(size), uniformSubproof(oldSize, size, true)), `consistency from ${oldSize}`)
  }
  t.notOk(verifyInclusion(uniformLeaf, 2 ** 32 + 7, size, uniformPath(2 ** 32 + 7, size - 2 ** 31), uniformMth(size)), 'a proof for another size')
})

// --- Properties: whatever is tampered with, verification fails. ---------------------------------------------------

const propertyEntries = Array.from({ length: 300 }, (_, i) => Buffer.from(`property entry ${i}`))
const propertyTree = treeLevels(propertyEntries.map(leafHash))

const inclusionCase = fc.integer({ min: 1, max: 300 }).chain((size) => fc.record({ size: fc.constant(size), index: fc.nat(size - 1) }))
const consistencyCase = fc.integer({ min: 2, max: 300 }).chain((newSize) => fc.record({ newSize: fc.constant(newSize), oldSize: fc.integer({ min: 1, max: newSize - 1 }) }))

function flipBit (h: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(h)
  copy[Math.floor(bit / 8) % copy.length] = (copy[Math.floor(bit / 8) % copy.length] as number) ^ (1 << (bit % 8))
  return copy
}

t.test('a tampered inclusion proof, root, leaf, index or size fails', async () => {
  fc.assert(fc.property(inclusionCase, fc.nat(255), fc.nat(), ({ size, index }, bit, pick) => {
    const leaf = propertyTree.hash(0, index)
    const proof = inclusionProof(propertyTree, index, size)
    const root = treeRoot(propertyTree, size)
    if (!verifyInclusion(leaf, index, size, proof, root)) return false
    const other = pick % size
    const otherSize = index + 1 + (pick % (300 - index))
    const tampered = [
      proof.length > 0 && verifyInclusion(leaf, index, size, proof.map((h, i) => (i === pick % proof.length ? flipBit(h, bit) : h)), root),
      verifyInclusion(leaf, index, size, proof, flipBit(root, bit)),
      verifyInclusion(flipBit(leaf, bit), index, size, proof, root),
      other !== index && verifyInclusion(leaf, other, size, proof, root),
      otherSize !== size && verifyInclusion(leaf, index, otherSize, proof, treeRoot(propertyTree, otherSize)),
      verifyInclusion(leaf, index, size, [...proof, root], root),
      proof.length > 0 && verifyInclusion(leaf, index, size, proof.slice(1), root)
    ]
    return tampered.every((accepted) => !accepted)
  }), { seed: 9162, numRuns: 500 })
})

t.test('a tampered consistency proof, root or size fails', async () => {
  fc.assert(fc.property(consistencyCase, fc.nat(255), fc.nat(), ({ oldSize, newSize }, bit, pick) => {
    const proof = consistencyProof(propertyTree, oldSize, newSize)
    const oldRoot = treeRoot(propertyTree, oldSize)
    const newRoot = treeRoot(propertyTree, newSize)
    if (!verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)) return false
    const otherOld = 1 + (pick % (newSize - 1))
    const otherNew = oldSize + (pick % (300 - oldSize + 1))
    const tampered = [
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.map((h, i) => (i === pick % proof.length ? flipBit(h, bit) : h))),
      verifyConsistency(oldSize, newSize, flipBit(oldRoot, bit), newRoot, proof),
      verifyConsistency(oldSize, newSize, oldRoot, flipBit(newRoot, bit), proof),
      otherOld !== oldSize && verifyConsistency(otherOld, newSize, treeRoot(propertyTree, otherOld), newRoot, proof),
      otherNew !== newSize && verifyConsistency(oldSize, otherNew, oldRoot, treeRoot(propertyTree, otherNew), proof),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, newRoot]),
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1))
    ]
    return tampered.every((accepted) => !accepted)
  }), { seed: 6962, numRuns: 500 })
})

t.test('a consistency proof does not pass for a log that rewrote an old entry', async () => {
  fc.assert(fc.property(consistencyCase, fc.nat(), ({ oldSize, newSize }, pick) => {
    const rewritten = propertyEntries.slice(0, newSize).map((entry, i) => (i === pick % oldSize ? Buffer.from('rewritten') : entry))
    const forked = treeLevels(rewritten.map(leafHash))
    return !verifyConsistency(oldSize, newSize, treeRoot(propertyTree, oldSize), treeRoot(forked, newSize), consistencyProof(forked, oldSize, newSize))
  }), { seed: 2014, numRuns: 200 })
})

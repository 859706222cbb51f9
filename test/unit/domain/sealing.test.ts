// The sealed stream of DESIGN §3.1: byte-exact round trips at every chunk edge and for a large file streamed in
// odd pieces, and every way of altering a sealed stream (a changed byte, a cut, an extension, a reordering,
// another key or context, content that was never sealed) refused with a SealError that says what went wrong.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto'
import t from 'tap'
import type { Test } from 'tap'
import {
  CHUNK_BYTES, HEADER_BYTES, SEAL_MAGIC, SealError, openingKeyPairFrom, seal, sealBytes, sealedSize, unseal, unsealBytes,
  type OpeningKeyPair
} from '../../../src/domain/sealing.js'

const TAG = 16
const SEALED_CHUNK = CHUNK_BYTES + TAG
const CONTEXT = 'rfp:0b6f3c1e-7a52-4a43-9d1f-3f0c2b7d9e10:proposals'

/** Deterministic bytes: SHA-256 of a label and a counter, as many as asked. */
function bytesFrom (label: string, size: number): Buffer {
  const out = Buffer.alloc(size)
  for (let filled = 0, i = 0; filled < size; filled += 32, i++) createHash('sha256').update(`${label}:${i}`).digest().copy(out, filled)
  return out
}

/** Deterministic bulk content: AES-256-CTR keystream, fast enough for tens of MiB. */
function content (label: string, size: number): Buffer {
  const cipher = createCipheriv('aes-256-ctr', bytesFrom(`${label}:key`, 32), Buffer.alloc(16))
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()])
}

/** A small seeded PRNG (mulberry32) for piece sizes, so a failure can be repeated. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** `data` cut into pieces whose sizes come from `size` (never empty, except when `data` is). */
function split (data: Buffer, size: () => number): Buffer[] {
  const pieces: Buffer[] = []
  for (let at = 0; at < data.length;) {
    const n = Math.max(1, Math.min(data.length - at, size()))
    pieces.push(data.subarray(at, at + n))
    at += n
  }
  return pieces
}

const randomSizes = (seed: number, max: number): () => number => {
  const next = prng(seed)
  return () => 1 + Math.floor(next() * max)
}

async function collect (stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of stream) parts.push(Buffer.from(part))
  return Buffer.concat(parts)
}

/** What unsealing yields before it fails, and the failure. */
async function unsealUntilError (sealed: Iterable<Uint8Array>, key: OpeningKeyPair, context = CONTEXT): Promise<{ yielded: Buffer, error: unknown }> {
  const parts: Buffer[] = []
  try {
    for await (const part of unseal(sealed, { privateKey: key.privateKey, context })) parts.push(part)
  } catch (error) {
    return { yielded: Buffer.concat(parts), error }
  }
  return { yielded: Buffer.concat(parts), error: undefined }
}

const recipient = openingKeyPairFrom(bytesFrom('recipient', 32))
const stranger = openingKeyPairFrom(bytesFrom('stranger', 32))
const randomness = (label: string): Buffer => bytesFrom(`randomness:${label}`, 48)
const sealOptions = (label = 'one') => ({ publicKey: recipient.publicKey, context: CONTEXT, randomBytes: randomness(label) })
const unsealOptions = { privateKey: recipient.privateKey, context: CONTEXT }

const chunkMessage = (n: number): string =>
  `chunk ${n} of the sealed content does not authenticate: it was altered, cut or reordered after sealing, or sealed to another key`

/** Asserts that unsealing `sealed` fails with a SealError whose message is `message`, and nothing more is released than `releasedBytes`. */
async function refused (t: Test, sealed: Buffer, message: string, { key = recipient, context = CONTEXT, plain, releasedBytes = 0 }: { key?: OpeningKeyPair, context?: string, plain?: Buffer, releasedBytes?: number } = {}): Promise<void> {
  const { yielded, error } = await unsealUntilError([sealed], key, context)
  t.type(error, SealError, 'a SealError')
  t.equal((error as Error).message, message, 'with a message that says what is wrong')
  t.equal(yielded.length, releasedBytes, `only the ${releasedBytes} bytes of the chunks that authenticated were released`)
  if (plain !== undefined) t.ok(yielded.equals(plain.subarray(0, releasedBytes)), 'and those bytes are the plaintext')
}

t.test('openingKeyPairFrom: a seed makes the same X25519 pair every time', async (t) => {
  const again = openingKeyPairFrom(bytesFrom('recipient', 32))
  t.ok(again.publicKey.equals(recipient.publicKey))
  t.ok(again.privateKey.equals(recipient.privateKey))
  t.equal(recipient.publicKey.length, 32)
  t.equal(recipient.privateKey.length, 32)
  t.notOk(recipient.publicKey.equals(stranger.publicKey), 'another seed, another key')
  // The public key is the one node:crypto derives from the private key (not, say, the seed itself).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), recipient.privateKey])
  const jwk = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' })
  t.equal(Buffer.from(jwk.x!, 'base64url').toString('hex'), recipient.publicKey.toString('hex'))
  t.throws(() => openingKeyPairFrom(Buffer.alloc(31)), new SealError('an X25519 private key is 32 bytes'))
})

t.test('round trips at every chunk edge, whole and in random pieces both ways', async (t) => {
  const sizes = [0, 1, 15, 16, 17, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 1]
  for (const [i, size] of sizes.entries()) {
    const plain = content(`edge-${size}`, size)
    const sealed = await collect(seal([plain], sealOptions(`edge-${size}`)))
    t.equal(sealed.length, sealedSize(size), `${size}: sealedSize predicts the sealed length`)
    t.ok(sealed.subarray(0, 4).equals(SEAL_MAGIC), `${size}: starts with SLS1`)
    t.notOk(size >= 32 && sealed.includes(plain.subarray(0, 32)), `${size}: the plaintext does not appear in the sealed bytes`)
    t.ok((await unsealBytes(sealed, unsealOptions)).equals(plain), `${size}: unsealed whole, byte for byte`)

    // Source pieces of random sizes (some tiny, some larger than a chunk) seal to the same bytes: the chunking
    // depends on the content only, not on how it arrived.
    const pieces = split(plain, randomSizes(1000 + i, 3 * CHUNK_BYTES / 2))
    const sealedFromPieces = await collect(seal(pieces, sealOptions(`edge-${size}`)))
    t.ok(sealedFromPieces.equals(sealed), `${size}: the same sealed bytes from ${pieces.length} source pieces`)
    // And the sealed bytes unseal whatever pieces they arrive in, down to single bytes for the small sizes.
    const sealedPieces = split(sealed, size <= 17 ? () => 1 : randomSizes(2000 + i, 100_000))
    t.ok((await collect(unseal(sealedPieces, unsealOptions))).equals(plain), `${size}: unsealed from ${sealedPieces.length} pieces`)
  }
})

t.test('the stream layout: header, then one sealed chunk per 64 KiB, the last possibly empty', async (t) => {
  const plain = content('layout', 2 * CHUNK_BYTES + 5)
  const parts: Buffer[] = []
  for await (const part of seal(split(plain, () => 1000), sealOptions())) parts.push(part)
  t.same(parts.map((part) => part.length), [HEADER_BYTES, SEALED_CHUNK, SEALED_CHUNK, 5 + TAG])
  const empty: Buffer[] = []
  for await (const part of seal([], sealOptions())) empty.push(part)
  t.same(empty.map((part) => part.length), [HEADER_BYTES, TAG], 'no content: the header and one empty chunk')
  t.equal(sealedSize(0), HEADER_BYTES + TAG)
  t.equal(sealedSize(CHUNK_BYTES), HEADER_BYTES + SEALED_CHUNK, 'a full last chunk needs no empty one after it')
  t.equal(sealedSize(CHUNK_BYTES + 1), HEADER_BYTES + SEALED_CHUNK + 1 + TAG)
  t.equal(sealedSize(3 * CHUNK_BYTES), HEADER_BYTES + 3 * SEALED_CHUNK)
})

t.test('the format is the one documented: X25519, HKDF-SHA256, AES-256-GCM with STREAM nonces and the header as AAD', async (t) => {
  // Unsealed here with node:crypto directly, from the description in sealing.ts, so the format cannot drift.
  const plain = content('format', CHUNK_BYTES + 10)
  const sealed = await sealBytes(plain, sealOptions('format'))
  const header = sealed.subarray(0, HEADER_BYTES)
  const ephemeral = header.subarray(4, 36)
  const salt = header.subarray(36, 52)
  t.ok(salt.equals(randomness('format').subarray(32, 48)), 'the salt is the last 16 random bytes')
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), recipient.privateKey]), format: 'der', type: 'pkcs8' })
  const ephemeralKey = { key: { kty: 'OKP', crv: 'X25519', x: ephemeral.toString('base64url') }, format: 'jwk' as const }
  const shared = diffieHellman({ privateKey, publicKey: createPublicKey(ephemeralKey) })
  const info = Buffer.concat([Buffer.from('shortlist/seal/v1'), ephemeral, recipient.publicKey, Buffer.from(CONTEXT)])
  const key = Buffer.from(hkdfSync('sha256', shared, salt, info, 32))
  const open = (sealedChunk: Buffer, counter: number, last: boolean): Buffer => {
    const nonce = Buffer.alloc(12)
    nonce.writeUIntBE(counter, 5, 6)
    nonce[11] = last ? 1 : 0
    const decipher = createDecipheriv('aes-256-gcm', key, nonce)
    decipher.setAAD(header)
    decipher.setAuthTag(sealedChunk.subarray(sealedChunk.length - TAG))
    return Buffer.concat([decipher.update(sealedChunk.subarray(0, sealedChunk.length - TAG)), decipher.final()])
  }
  const first = open(sealed.subarray(HEADER_BYTES, HEADER_BYTES + SEALED_CHUNK), 0, false)
  const second = open(sealed.subarray(HEADER_BYTES + SEALED_CHUNK), 1, true)
  t.ok(Buffer.concat([first, second]).equals(plain))
  t.throws(() => open(sealed.subarray(HEADER_BYTES + SEALED_CHUNK), 1, false), 'the last chunk is sealed with the last-chunk flag')
})

t.test('a 20 MiB file streamed in odd-sized pieces comes back byte for byte', async (t) => {
  const size = 20 * 1024 * 1024 + 12_345
  const plain = content('large', size)
  const sizes = prng(7)
  // Odd sizes from 1 byte to a little over two chunks, as a network delivers them.
  async function * source (): AsyncIterable<Uint8Array> {
    for (let at = 0; at < size;) {
      const n = Math.min(size - at, 2 * Math.floor(sizes() * 70_000) + 1)
      yield new Uint8Array(plain.buffer, plain.byteOffset + at, n)
      at += n
    }
  }
  const sealedParts: Buffer[] = []
  let sealedBytes = 0
  let largestPart = 0
  for await (const part of seal(source(), sealOptions('large'))) {
    largestPart = Math.max(largestPart, part.length)
    sealedParts.push(part)
    sealedBytes += part.length
  }
  t.equal(largestPart, SEALED_CHUNK, 'never more than one sealed chunk at a time')
  t.equal(sealedBytes, sealedSize(size), 'sealedSize predicts the sealed length')
  t.equal(sealedParts.length, 1 + Math.ceil(size / CHUNK_BYTES), 'a header and one part per chunk')
  const sealed = Buffer.concat(sealedParts)
  const unsealed = await collect(unseal(split(sealed, randomSizes(8, 150_001)), unsealOptions))
  t.equal(unsealed.length, size)
  t.ok(unsealed.equals(plain), 'byte-exact')
  t.equal(createHash('sha256').update(unsealed).digest('hex'), createHash('sha256').update(plain).digest('hex'))
})

t.test('the same plaintext sealed twice gives different ciphertexts (a fresh ephemeral key and salt each time)', async (t) => {
  const plain = Buffer.from('the same proposal, twice')
  const a = await sealBytes(plain, sealOptions('first'))
  const b = await sealBytes(plain, sealOptions('second'))
  t.notOk(a.subarray(4, 36).equals(b.subarray(4, 36)), 'different ephemeral public keys')
  t.notOk(a.subarray(36, 52).equals(b.subarray(36, 52)), 'different salts')
  t.notOk(a.subarray(HEADER_BYTES).equals(b.subarray(HEADER_BYTES)), 'different ciphertexts')
  t.ok((await unsealBytes(a, unsealOptions)).equals(plain))
  t.ok((await unsealBytes(b, unsealOptions)).equals(plain))
  // The randomness is the caller's: the same 48 bytes give the same stream (which is why callers draw fresh ones).
  t.ok((await sealBytes(plain, sealOptions('first'))).equals(a))
})

t.test('sealBytes and unsealBytes: the whole-value forms of seal and unseal', async (t) => {
  const content = Buffer.from(JSON.stringify({ summary: 'We audit Go. — Ünïcödé ✓', personnel: [] }))
  const sealed = await sealBytes(content, sealOptions('bytes'))
  t.equal(sealed.length, sealedSize(content.length))
  t.ok(sealed.equals(await collect(seal([content], sealOptions('bytes')))), 'the same bytes as the streaming form')
  t.ok((await unsealBytes(sealed, unsealOptions)).equals(content))
  t.ok((await unsealBytes(await sealBytes(new Uint8Array(0), sealOptions()), unsealOptions)).equals(Buffer.alloc(0)), 'an empty value')
  await t.rejects(unsealBytes(sealed, { privateKey: stranger.privateKey, context: CONTEXT }), new SealError(chunkMessage(1)))
  await t.rejects(sealBytes(content, { ...sealOptions(), randomBytes: Buffer.alloc(47) }), new TypeError('sealing takes 48 random bytes'))
  await t.rejects(sealBytes(content, { ...sealOptions(), publicKey: Buffer.alloc(31) }), new SealError('an X25519 public key is 32 bytes'))
  await t.rejects(unsealBytes(sealed, { privateKey: Buffer.alloc(33), context: CONTEXT }), new SealError('an X25519 private key is 32 bytes'))
})

// Four chunks: three full ones and a short last one.
const PLAIN = content('tamper', 3 * CHUNK_BYTES + 100)
const chunkStart = (n: number): number => HEADER_BYTES + (n - 1) * SEALED_CHUNK
const flip = (sealed: Buffer, at: number): Buffer => {
  const copy = Buffer.from(sealed)
  copy[at]! ^= 0x01
  return copy
}

t.test('a changed byte anywhere is refused, and no unauthenticated plaintext is released', async (t) => {
  const sealed = await sealBytes(PLAIN, sealOptions('tamper'))
  t.ok((await unsealBytes(sealed, unsealOptions)).equals(PLAIN), 'untouched, it unseals')
  t.test('in the magic', async (t) => refused(t, flip(sealed, 0), 'this is not sealed content (no SLS1 header)'))
  t.test('in the ephemeral public key', async (t) => refused(t, flip(sealed, 4 + 7), chunkMessage(1)))
  t.test('in the salt', async (t) => refused(t, flip(sealed, 36 + 3), chunkMessage(1)))
  t.test('in the middle of the first chunk', async (t) => refused(t, flip(sealed, chunkStart(1) + CHUNK_BYTES / 2), chunkMessage(1)))
  t.test('in the middle of the third chunk', async (t) =>
    refused(t, flip(sealed, chunkStart(3) + 12_345), chunkMessage(3), { plain: PLAIN, releasedBytes: 2 * CHUNK_BYTES }))
  t.test('in the tag of the second chunk', async (t) =>
    refused(t, flip(sealed, chunkStart(2) + CHUNK_BYTES + 5), chunkMessage(2), { plain: PLAIN, releasedBytes: CHUNK_BYTES }))
  t.test('in the tag of the last chunk', async (t) =>
    refused(t, flip(sealed, sealed.length - 1), chunkMessage(4), { plain: PLAIN, releasedBytes: 3 * CHUNK_BYTES }))
  t.test('an all-zero ephemeral key (a low-order point) in the header', async (t) => {
    const copy = Buffer.from(sealed)
    copy.fill(0, 4, 36)
    await refused(t, copy, 'the sealed content\'s header is damaged')
  })
})

t.test('cuts, extensions and reorderings are refused', async (t) => {
  const sealed = await sealBytes(PLAIN, sealOptions('tamper'))
  t.test('dropping the last sealed chunk (a cut at a chunk boundary)', async (t) =>
    refused(t, sealed.subarray(0, chunkStart(4)), chunkMessage(3), { plain: PLAIN, releasedBytes: 2 * CHUNK_BYTES }))
  t.test('dropping the last chunk of a stream whose chunks are all full', async (t) => {
    const plain = content('full', 3 * CHUNK_BYTES)
    const full = await sealBytes(plain, sealOptions('full'))
    t.equal(full.length, chunkStart(4))
    await refused(t, full.subarray(0, chunkStart(3)), chunkMessage(2), { plain, releasedBytes: CHUNK_BYTES })
  })
  t.test('dropping every chunk: the header alone', async (t) =>
    refused(t, sealed.subarray(0, HEADER_BYTES), 'the sealed content is cut short in chunk 1'))
  t.test('a cut inside the header', async (t) =>
    refused(t, sealed.subarray(0, HEADER_BYTES - 1), 'the sealed content is cut short in its header'))
  t.test('nothing at all', async (t) => refused(t, Buffer.alloc(0), 'the sealed content is cut short in its header'))
  t.test('one byte removed at the end', async (t) =>
    refused(t, sealed.subarray(0, sealed.length - 1), chunkMessage(4), { plain: PLAIN, releasedBytes: 3 * CHUNK_BYTES }))
  t.test('the whole last tag removed', async (t) =>
    refused(t, sealed.subarray(0, sealed.length - TAG), chunkMessage(4), { plain: PLAIN, releasedBytes: 3 * CHUNK_BYTES }))
  t.test('the last chunk cut shorter than a tag', async (t) =>
    refused(t, sealed.subarray(0, chunkStart(4) + TAG - 1), 'the sealed content is cut short in chunk 4', { plain: PLAIN, releasedBytes: 3 * CHUNK_BYTES }))
  t.test('one byte appended', async (t) =>
    refused(t, Buffer.concat([sealed, Buffer.from([0])]), chunkMessage(4), { plain: PLAIN, releasedBytes: 3 * CHUNK_BYTES }))
  t.test('a copy of a chunk appended', async (t) =>
    refused(t, Buffer.concat([sealed, sealed.subarray(chunkStart(1), chunkStart(2))]), chunkMessage(4), { plain: PLAIN, releasedBytes: 3 * CHUNK_BYTES }))
  t.test('bytes appended after a stream whose last chunk is full', async (t) => {
    const plain = content('full', CHUNK_BYTES)
    const full = await sealBytes(plain, sealOptions('full'))
    await refused(t, Buffer.concat([full, Buffer.alloc(TAG)]), chunkMessage(1))
  })
  t.test('the first two chunks swapped', async (t) => {
    const swapped = Buffer.concat([sealed.subarray(0, HEADER_BYTES), sealed.subarray(chunkStart(2), chunkStart(3)), sealed.subarray(chunkStart(1), chunkStart(2)), sealed.subarray(chunkStart(3))])
    t.equal(swapped.length, sealed.length)
    await refused(t, swapped, chunkMessage(1))
  })
  t.test('the second and third chunks swapped', async (t) => {
    const swapped = Buffer.concat([sealed.subarray(0, chunkStart(2)), sealed.subarray(chunkStart(3), chunkStart(4)), sealed.subarray(chunkStart(2), chunkStart(3)), sealed.subarray(chunkStart(4))])
    await refused(t, swapped, chunkMessage(2), { plain: PLAIN, releasedBytes: CHUNK_BYTES })
  })
  t.test('a chunk from another stream to the same key spliced in', async (t) => {
    const other = await sealBytes(PLAIN, sealOptions('other'))
    const spliced = Buffer.concat([sealed.subarray(0, chunkStart(2)), other.subarray(chunkStart(2), chunkStart(3)), sealed.subarray(chunkStart(3))])
    await refused(t, spliced, chunkMessage(2), { plain: PLAIN, releasedBytes: CHUNK_BYTES })
  })
  t.test('the header of another stream put in front of these chunks', async (t) => {
    const other = await sealBytes(PLAIN, sealOptions('other'))
    await refused(t, Buffer.concat([other.subarray(0, HEADER_BYTES), sealed.subarray(HEADER_BYTES)]), chunkMessage(1))
  })
})

t.test('another private key or another context unseals nothing', async (t) => {
  const sealed = await sealBytes(PLAIN, sealOptions('tamper'))
  t.test('wrong private key', async (t) => refused(t, sealed, chunkMessage(1), { key: stranger }))
  t.test('wrong context', async (t) => refused(t, sealed, chunkMessage(1), { context: CONTEXT.replace(':proposals', ':prices') }))
  t.test('a context differing only by a trailing byte', async (t) => refused(t, sealed, chunkMessage(1), { context: `${CONTEXT} ` }))
  t.test('sealed to the other key, it opens with that key only', async (t) => {
    const toStranger = await sealBytes(PLAIN, { ...sealOptions('stranger'), publicKey: stranger.publicKey })
    t.ok((await unsealBytes(toStranger, { privateKey: stranger.privateKey, context: CONTEXT })).equals(PLAIN))
    await refused(t, toStranger, chunkMessage(1))
  })
})

t.test('content that was never sealed is refused as such', async (t) => {
  const pdf = Buffer.from(`%PDF-1.7\n${'%'.repeat(200)}\n%%EOF\n`)
  await refused(t, pdf, 'this is not sealed content (no SLS1 header)')
  await refused(t, Buffer.concat([Buffer.from('SLS2'), (await sealBytes(PLAIN, sealOptions())).subarray(4)]), 'this is not sealed content (no SLS1 header)')
  // Shorter than a header: it cannot be told apart from a cut header, and is still a SealError.
  const { error } = await unsealUntilError([Buffer.from('hello')], recipient)
  t.type(error, SealError)
})

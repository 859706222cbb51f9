// Sealing (DESIGN §3.1): content is encrypted on arrival to an RFP's X25519 opening key, so that accepting a
// bid never needs the private key. node:crypto only.
//
// Sealed stream, version 1:
//   header  = "SLS1" ‖ ephemeral X25519 public key (32) ‖ salt (16)                       — 52 bytes
//   key     = HKDF-SHA256(X25519(ephemeral, recipient), salt, "shortlist/seal/v1" ‖ eph ‖ recipient ‖ context)
//   chunks  = AES-256-GCM of each 64 KiB of plaintext, the last one shorter (possibly empty), each followed by
//             its 16-byte tag; nonce = 11-byte big-endian chunk counter ‖ 0x01 on the last chunk, else 0x00
//             (the STREAM construction, as in age); the header is every chunk's associated data.
// A fresh ephemeral key per stream makes the key unique, so counter nonces never repeat under one key. Cutting
// the stream at a chunk boundary, reordering, extending or changing any byte makes a chunk fail to authenticate.
// Memory stays at one chunk whatever the size of the file.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, type KeyObject } from 'node:crypto'

export const SEAL_MAGIC = Buffer.from('SLS1', 'latin1')
export const HEADER_BYTES = 4 + 32 + 16
export const CHUNK_BYTES = 64 * 1024
const TAG_BYTES = 16
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
const INFO = Buffer.from('shortlist/seal/v1', 'latin1')

/** Content that cannot be unsealed: damaged or altered after it was sealed, or sealed to another key. */
export class SealError extends Error {
  override name = 'SealError'
}

/** X25519 private keys in PKCS #8 are this prefix and the 32 raw bytes. */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
/** And public keys in SPKI are this prefix and the 32 raw bytes. */
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

export interface OpeningKeyPair {
  /** The raw 32-byte X25519 public key. */
  publicKey: Buffer
  /** The raw 32-byte X25519 private key: never stored as it is, only wrapped. */
  privateKey: Buffer
}

function privateKeyObject (raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new SealError('an X25519 private key is 32 bytes')
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' })
}

function publicKeyObject (raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new SealError('an X25519 public key is 32 bytes')
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: 'der', type: 'spki' })
}

function rawPublicKey (privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519_PREFIX.length)
}

/** A key pair from 32 random bytes (the caller's randomness, so tests can repeat it). */
export function openingKeyPairFrom (seed: Uint8Array): OpeningKeyPair {
  const privateKey = privateKeyObject(seed)
  return { publicKey: rawPublicKey(privateKey), privateKey: Buffer.from(seed) }
}

function streamKey (shared: Buffer, salt: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, context: string): Buffer {
  const info = Buffer.concat([INFO, ephemeral, recipient, Buffer.from(context, 'utf8')])
  return Buffer.from(hkdfSync('sha256', shared, salt, info, 32))
}

function nonce (counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12)
  n.writeUIntBE(counter, 5, 6)
  n[11] = last ? 1 : 0
  return n
}

export interface SealOptions {
  /** The recipient's raw X25519 public key. */
  publicKey: Uint8Array
  /** Binds the stream to where it belongs (e.g. the RFP): unsealing under another context fails. */
  context: string
  /** 48 random bytes: 32 for the ephemeral key, 16 for the salt. */
  randomBytes: Uint8Array
}

/** The sealed form of `source`, produced chunk by chunk. */
export async function * seal (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, { publicKey, context, randomBytes }: SealOptions): AsyncIterable<Buffer> {
  if (randomBytes.length !== 48) throw new TypeError('sealing takes 48 random bytes')
  const ephemeral = privateKeyObject(randomBytes.subarray(0, 32))
  const ephemeralPublic = rawPublicKey(ephemeral)
  const salt = randomBytes.subarray(32, 48)
  const recipient = publicKeyObject(publicKey)
  let shared: Buffer
  try {
    shared = diffieHellman({ privateKey: ephemeral, publicKey: recipient })
  } catch {
    throw new SealError('the opening public key is not a usable X25519 key')
  }
  const key = streamKey(shared, salt, ephemeralPublic, publicKey, context)
  const header = Buffer.concat([SEAL_MAGIC, ephemeralPublic, salt])
  yield header

  let counter = 0
  const sealChunk = (plain: Buffer, last: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(counter++, last))
    cipher.setAAD(header)
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
  }
  // One full chunk is held back until more arrives: only then is it known not to be the last.
  let pending = Buffer.alloc(0)
  for await (const piece of source) {
    pending = pending.length === 0 ? Buffer.from(piece) : Buffer.concat([pending, piece])
    while (pending.length > CHUNK_BYTES) {
      yield sealChunk(pending.subarray(0, CHUNK_BYTES), false)
      pending = pending.subarray(CHUNK_BYTES)
    }
  }
  yield sealChunk(pending, true)
}

/** How many bytes sealing `plainBytes` of content produces. */
export function sealedSize (plainBytes: number): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / CHUNK_BYTES))
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES
}

export interface UnsealOptions {
  /** The recipient's raw X25519 private key. */
  privateKey: Uint8Array
  context: string
}

/** The plaintext of a sealed stream, chunk by chunk; a SealError as soon as something does not authenticate. */
export async function * unseal (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, { privateKey, context }: UnsealOptions): AsyncIterable<Buffer> {
  let buffered = Buffer.alloc(0)
  let key: Buffer | undefined
  let header: Buffer | undefined
  let counter = 0
  const open = (sealed: Buffer, last: boolean): Buffer => {
    if (sealed.length < TAG_BYTES) throw new SealError(`the sealed content is cut short in chunk ${counter + 1}`)
    const decipher = createDecipheriv('aes-256-gcm', key!, nonce(counter, last))
    decipher.setAAD(header!)
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
    try {
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()])
      counter++
      return plain
    } catch {
      throw new SealError(`chunk ${counter + 1} of the sealed content does not authenticate: it was altered, cut or reordered after sealing, or sealed to another key`)
    }
  }
  for await (const piece of source) {
    buffered = buffered.length === 0 ? Buffer.from(piece) : Buffer.concat([buffered, piece])
    if (key === undefined) {
      if (buffered.length >= 4 && !buffered.subarray(0, 4).equals(SEAL_MAGIC)) throw new SealError('this is not sealed content (no SLS1 header)')
      if (buffered.length < HEADER_BYTES) continue
      header = Buffer.from(buffered.subarray(0, HEADER_BYTES))
      if (!header.subarray(0, 4).equals(SEAL_MAGIC)) throw new SealError('this is not sealed content (no SLS1 header)')
      const ephemeralPublic = header.subarray(4, 36)
      const recipient = privateKeyObject(privateKey)
      let shared: Buffer
      try {
        shared = diffieHellman({ privateKey: recipient, publicKey: publicKeyObject(ephemeralPublic) })
      } catch {
        throw new SealError('the sealed content\'s header is damaged')
      }
      key = streamKey(shared, header.subarray(36, 52), ephemeralPublic, rawPublicKey(recipient), context)
      buffered = buffered.subarray(HEADER_BYTES)
    }
    // A whole sealed chunk followed by more bytes is not the last one.
    while (buffered.length > SEALED_CHUNK_BYTES) {
      yield open(buffered.subarray(0, SEALED_CHUNK_BYTES), false)
      buffered = buffered.subarray(SEALED_CHUNK_BYTES)
    }
  }
  if (key === undefined) throw new SealError('the sealed content is cut short in its header')
  yield open(buffered, true)
}

/** Seals a small value whole (the structured content of a proposal). */
export async function sealBytes (plain: Uint8Array, options: SealOptions): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of seal([plain], options)) parts.push(part)
  return Buffer.concat(parts)
}

export async function unsealBytes (sealed: Uint8Array, options: UnsealOptions): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of unseal([sealed], options)) parts.push(part)
  return Buffer.concat(parts)
}

// Signed notes (c2sp.org/signed-note) with Ed25519 keys, and the checkpoint body of c2sp.org/tlog-checkpoint:
// how the transparency log (DESIGN §3.5) signs its tree heads and how anyone checks them. Pure; node:crypto only.
//
//   note           = text ‖ "\n" ‖ one or more signature lines
//   signature line = "— " ‖ key name ‖ " " ‖ base64(key ID (4 bytes, big-endian) ‖ Ed25519 signature of text) ‖ "\n"
//   key ID         = SHA-256(key name ‖ "\n" ‖ 0x01 ‖ 32-byte public key)[:4]
//   verifier key   = key name ‖ "+" ‖ 8 hex digits of the key ID ‖ "+" ‖ base64(0x01 ‖ public key)
//   checkpoint     = origin "\n" tree size "\n" base64(root hash) "\n" [extension lines]
// Base64 is read strictly: only the canonical encoding of the bytes is accepted, so no value has two spellings.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

/** A note, key or checkpoint that does not follow its specification; the message says how. */
export class NoteError extends Error {
  override name = 'NoteError'
}

/** The signature type byte c2sp.org/signed-note assigns to Ed25519. */
export const ED25519_SIGNATURE_TYPE = 0x01
const EM_DASH_SPACE = '\u2014 '
/** At least the 16 the spec requires; Go's sumdb note package stops at 100 too. */
export const MAX_SIGNATURES = 100

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// eslint-disable-next-line no-control-regex -- the spec forbids exactly these
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F]/
const WHITE_SPACE = /\p{White_Space}/u
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Key names are non-empty, with no Unicode white space and no "+" (and are well-formed Unicode). */
export function isValidKeyName (name: string): boolean {
  return name !== '' && !WHITE_SPACE.test(name) && !name.includes('+') && !LONE_SURROGATE.test(name)
}

function checkKeyName (name: string): void {
  if (!isValidKeyName(name)) throw new NoteError(`key name ${JSON.stringify(name)} is empty or has a space or "+"`)
}

/** The bytes `text` encodes in canonical base64, or undefined when it is anything else. */
export function decodeBase64Strict (text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  return bytes.toString('base64') === text ? bytes : undefined
}

function checkPublicKey (publicKey: Uint8Array): void {
  if (publicKey.length !== 32) throw new NoteError(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`)
}

/** The key ID of an Ed25519 key: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), as a uint32. */
export function keyHash (name: string, publicKey: Uint8Array): number {
  checkKeyName(name)
  checkPublicKey(publicKey)
  const digest = createHash('sha256').update(name, 'utf8').update('\n').update(Uint8Array.of(ED25519_SIGNATURE_TYPE)).update(publicKey).digest()
  return digest.readUInt32BE(0)
}

function hex8 (n: number): string {
  return n.toString(16).padStart(8, '0')
}

export interface NoteVerifier {
  name: string
  keyHash: number
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array
}

/** The verifier key text: `name+<key ID in hex>+<base64(0x01 ‖ public key)>`. */
export function verifierKey (name: string, publicKey: Uint8Array): string {
  const id = keyHash(name, publicKey)
  return `${name}+${hex8(id)}+${Buffer.concat([Uint8Array.of(ED25519_SIGNATURE_TYPE), publicKey]).toString('base64')}`
}

/** The text cut at its first count - 1 "+" signs (the last field, base64, may hold "+" itself). */
function splitKey (text: string, count: number): string[] | undefined {
  const parts: string[] = []
  let rest = text
  for (let i = 1; i < count; i++) {
    const plus = rest.indexOf('+')
    if (plus < 0) return undefined
    parts.push(rest.slice(0, plus))
    rest = rest.slice(plus + 1)
  }
  return [...parts, rest]
}

/** Reads a verifier key, checking its key ID against its name and key. Only Ed25519 keys are known. */
export function parseVerifierKey (text: string): NoteVerifier {
  const parts = splitKey(text, 3)
  if (parts === undefined) throw new NoteError('a verifier key is name+keyid+key')
  const [name, id, key] = parts as [string, string, string]
  checkKeyName(name)
  if (!/^[0-9a-f]{8}$/.test(id)) throw new NoteError('the key ID of a verifier key is 8 lowercase hex digits')
  const bytes = decodeBase64Strict(key)
  if (bytes === undefined || bytes.length === 0) throw new NoteError('the key of a verifier key is not base64')
  if (bytes[0] !== ED25519_SIGNATURE_TYPE) throw new NoteError(`unknown signature type 0x${(bytes[0] as number).toString(16).padStart(2, '0')} (only Ed25519, 0x01, is known)`)
  const publicKey = bytes.subarray(1)
  checkPublicKey(publicKey)
  if (keyHash(name, publicKey) !== Number.parseInt(id, 16)) throw new NoteError('the key ID of the verifier key does not match its name and key')
  return { name, keyHash: Number.parseInt(id, 16), publicKey: Uint8Array.from(publicKey) }
}

/** The Ed25519 private key whose 32-byte seed (RFC 8032 private key) this is. */
export function ed25519PrivateKeyFromSeed (seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new NoteError(`an Ed25519 seed is 32 bytes, got ${seed.length}`)
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}

/** The raw 32-byte public key of an Ed25519 private or public key. */
export function ed25519PublicKeyBytes (key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== 'ed25519') throw new NoteError(`not an Ed25519 key: ${key.asymmetricKeyType ?? key.type}`)
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  return Uint8Array.from(publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length))
}

/**
 * Reads a signer key as Go's golang.org/x/mod/sumdb/note writes it: PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed),
 * checking the key ID against the public key the seed gives.
 */
export function parseSignerKey (text: string): { name: string, keyHash: number, privateKey: KeyObject } {
  const parts = splitKey(text, 5)
  if (parts === undefined || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new NoteError('a signer key is PRIVATE+KEY+name+keyid+key')
  const [, , name, id, key] = parts as [string, string, string, string, string]
  checkKeyName(name)
  if (!/^[0-9a-f]{8}$/.test(id)) throw new NoteError('the key ID of a signer key is 8 lowercase hex digits')
  const bytes = decodeBase64Strict(key)
  if (bytes === undefined || bytes.length !== 33 || bytes[0] !== ED25519_SIGNATURE_TYPE) throw new NoteError('the key of a signer key is not base64 of 0x01 and a 32-byte Ed25519 seed')
  const privateKey = ed25519PrivateKeyFromSeed(bytes.subarray(1))
  const keyId = Number.parseInt(id, 16)
  if (keyHash(name, ed25519PublicKeyBytes(privateKey)) !== keyId) throw new NoteError('the key ID of the signer key does not match its name and key')
  return { name, keyHash: keyId, privateKey }
}

/** Why `text` cannot be the text of a note, or undefined when it can. */
function textProblem (text: string): string | undefined {
  if (!text.endsWith('\n')) return 'the text must end with a newline'
  if (CONTROL_BUT_NEWLINE.test(text)) return 'the text has a control character other than newline'
  if (LONE_SURROGATE.test(text)) return 'the text is not well-formed Unicode'
  return undefined
}

/** The note: `text`, a blank line, and the signature line of `name` with its Ed25519 key. */
export function signNote (text: string, name: string, privateKey: KeyObject): string {
  const problem = textProblem(text)
  if (problem !== undefined) throw new NoteError(problem)
  if (privateKey.type !== 'private') throw new NoteError('signing needs a private key')
  const id = keyHash(name, ed25519PublicKeyBytes(privateKey))
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey)
  const idBytes = Buffer.alloc(4)
  idBytes.writeUInt32BE(id)
  return `${text}\n${EM_DASH_SPACE}${name} ${Buffer.concat([idBytes, signature]).toString('base64')}\n`
}

export interface NoteSignature {
  name: string
  keyHash: number
  /** A verifier with this name and key ID was given. */
  known: boolean
  /** Known, and the signature is valid. */
  verified: boolean
}

export interface OpenedNote {
  text: string
  /** Every signature line, in order. */
  signatures: NoteSignature[]
  /** The spec's verdict: some known key's signature is valid and no known key's signature is invalid. */
  verified: boolean
}

function validSignature (text: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' })
    return verify(null, text, key, signature)
  } catch {
    // A public key that is not a curve point verifies nothing.
    return false
  }
}

function decodeNote (note: string | Uint8Array): string {
  if (typeof note === 'string') return note
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note)
  } catch {
    throw new NoteError('malformed note: not UTF-8')
  }
}

/**
 * Parses a note and checks its signatures against `verifiers`. Signatures by unknown keys (no verifier with the
 * same name and key ID) are listed but not checked. Throws NoteError for a note that is not well formed; a bad
 * signature is not an error but `verified: false`, and the note as a whole is `verified` only per the spec.
 */
export function openNote (note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const message = decodeNote(note)
  if (CONTROL_BUT_NEWLINE.test(message)) throw new NoteError('malformed note: it has a control character other than newline')
  if (LONE_SURROGATE.test(message)) throw new NoteError('malformed note: not well-formed Unicode')
  const split = message.lastIndexOf('\n\n')
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures')
  const text = message.slice(0, split + 1)
  const block = message.slice(split + 2)
  if (block === '') throw new NoteError('malformed note: no signatures')
  if (!block.endsWith('\n')) throw new NoteError('malformed note: the last signature line does not end with a newline')
  const lines = block.slice(0, -1).split('\n')
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`malformed note: more than ${MAX_SIGNATURES} signatures`)
  const textBytes = Buffer.from(text, 'utf8')
  const signatures = lines.map((line, i): NoteSignature => {
    const where = `signature line ${i + 1}`
    if (!line.startsWith(EM_DASH_SPACE)) throw new NoteError(`malformed note: ${where} does not start with an em dash and a space`)
    const rest = line.slice(EM_DASH_SPACE.length)
    const space = rest.indexOf(' ')
    const name = space < 0 ? rest : rest.slice(0, space)
    if (space < 0 || !isValidKeyName(name)) throw new NoteError(`malformed note: ${where} has no valid key name`)
    const bytes = decodeBase64Strict(rest.slice(space + 1))
    if (bytes === undefined || bytes.length < 5) throw new NoteError(`malformed note: ${where} has no base64 key ID and signature`)
    const id = bytes.readUInt32BE(0)
    const matching = verifiers.filter((v) => v.name === name && v.keyHash === id)
    const [verifier] = matching
    if (verifier === undefined) return { name, keyHash: id, known: false, verified: false }
    if (matching.some((v) => Buffer.compare(v.publicKey, verifier.publicKey) !== 0)) throw new NoteError(`ambiguous key ${name}+${hex8(id)}: two verifiers have it`)
    return { name, keyHash: id, known: true, verified: validSignature(textBytes, verifier.publicKey, bytes.subarray(4)) }
  })
  const verified = signatures.some((s) => s.verified) && !signatures.some((s) => s.known && !s.verified)
  return { text, signatures, verified }
}

export interface Checkpoint {
  origin: string
  size: number
  rootHash: Uint8Array
  /** Opaque extension lines, if any: c2sp.org/tlog-checkpoint advises against them. */
  extensions: string[]
}

function lineProblem (line: string): string | undefined {
  if (line === '') return 'is empty'
  if (line.includes('\n') || CONTROL_BUT_NEWLINE.test(line)) return 'has a newline or control character'
  if (LONE_SURROGATE.test(line)) return 'is not well-formed Unicode'
  return undefined
}

/** The checkpoint's note text: origin, size and base64 root hash, each on its line, then any extension lines. */
export function checkpointText (checkpoint: { origin: string, size: number, rootHash: Uint8Array, extensions?: readonly string[] }): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint
  const originProblem = lineProblem(origin)
  if (originProblem !== undefined) throw new NoteError(`the origin ${originProblem}`)
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError(`the tree size must be a non-negative integer, got ${size}`)
  if (rootHash.length !== 32) throw new NoteError(`the root hash must be 32 bytes, got ${rootHash.length}`)
  for (const [i, line] of extensions.entries()) {
    const problem = lineProblem(line)
    if (problem !== undefined) throw new NoteError(`extension line ${i + 1} ${problem}`)
  }
  return [origin, String(size), Buffer.from(rootHash).toString('base64'), ...extensions].join('\n') + '\n'
}

/** Reads a checkpoint's note text (the text of an opened note, not the signed note itself). */
export function parseCheckpoint (text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteError('malformed checkpoint: it must end with a newline')
  const lines = text.slice(0, -1).split('\n')
  if (lines.length < 3) throw new NoteError('malformed checkpoint: it needs origin, tree size and root hash lines')
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]]
  const originProblem = lineProblem(origin)
  if (originProblem !== undefined) throw new NoteError(`malformed checkpoint: the origin ${originProblem}`)
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) throw new NoteError('malformed checkpoint: the tree size is not a decimal number without leading zeros')
  const size = Number(sizeText)
  if (!Number.isSafeInteger(size)) throw new NoteError('malformed checkpoint: the tree size is too large')
  const rootHash = decodeBase64Strict(rootText)
  if (rootHash === undefined || rootHash.length !== 32) throw new NoteError('malformed checkpoint: the root hash is not base64 of 32 bytes')
  for (const [i, line] of extensions.entries()) {
    const problem = lineProblem(line)
    if (problem !== undefined) throw new NoteError(`malformed checkpoint: extension line ${i + 1} ${problem}`)
  }
  return { origin, size, rootHash: Uint8Array.from(rootHash), extensions }
}

/** A signed checkpoint, opened: NoteError unless the note is well formed, verified per the spec, and a checkpoint. */
export function openCheckpoint (note: string | Uint8Array, verifiers: readonly NoteVerifier[]): { checkpoint: Checkpoint, signatures: NoteSignature[] } {
  const opened = openNote(note, verifiers)
  if (!opened.verified) {
    const invalid = opened.signatures.find((s) => s.known && !s.verified)
    throw new NoteError(invalid === undefined
      ? 'the checkpoint is not signed by any known key'
      : `the signature of ${invalid.name}+${hex8(invalid.keyHash)} is invalid`)
  }
  return { checkpoint: parseCheckpoint(opened.text), signatures: opened.signatures }
}

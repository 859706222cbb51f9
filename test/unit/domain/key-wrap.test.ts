// Instance-key custody of an opening key (DESIGN §3.1): the private key is stored only wrapped, bound to its
// context; another instance key, another context or any changed byte unwraps nothing.
import { createHash } from 'node:crypto'
import t from 'tap'
import { instanceKeyId, unwrapKey, wrapKey } from '../../../src/domain/key-wrap.js'
import { SealError } from '../../../src/domain/sealing.js'

const bytes = (label: string, size: number): Buffer => {
  const out = Buffer.alloc(size)
  for (let filled = 0, i = 0; filled < size; filled += 32, i++) createHash('sha256').update(`${label}:${i}`).digest().copy(out, filled)
  return out
}

const instanceKey = bytes('instance', 32)
const otherInstanceKey = bytes('other instance', 32)
const secret = bytes('opening private key', 32)
const context = 'rfp:0b6f3c1e-7a52-4a43-9d1f-3f0c2b7d9e10:proposals'
const nonce = bytes('nonce', 12)
const wrongKey = 'the opening key does not unwrap with this instance key: it was wrapped by another instance key, or it was altered'

t.test('wrap then unwrap gives the secret back; the wrapped form is nonce ‖ ciphertext ‖ tag', async (t) => {
  const wrapped = wrapKey(secret, instanceKey, context, nonce)
  t.equal(wrapped.length, 12 + secret.length + 16)
  t.ok(wrapped.subarray(0, 12).equals(nonce), 'the nonce leads')
  t.notOk(wrapped.includes(secret), 'the secret is not stored in the clear')
  t.notOk(wrapped.includes(secret.subarray(0, 8)), 'not even a part of it')
  t.ok(unwrapKey(wrapped, instanceKey, context).equals(secret))
  t.ok(unwrapKey(wrapKey(Buffer.alloc(0), instanceKey, context, nonce), instanceKey, context).equals(Buffer.alloc(0)), 'an empty secret round-trips too')
  const longKey = bytes('long instance key', 64)
  t.ok(unwrapKey(wrapKey(secret, longKey, context, nonce), longKey, context).equals(secret), 'an instance key longer than 32 bytes is used whole')
})

t.test('another nonce, another wrapping; both unwrap', async (t) => {
  const a = wrapKey(secret, instanceKey, context, nonce)
  const b = wrapKey(secret, instanceKey, context, bytes('nonce 2', 12))
  t.notOk(a.subarray(12).equals(b.subarray(12)))
  t.ok(unwrapKey(b, instanceKey, context).equals(secret))
  t.throws(() => wrapKey(secret, instanceKey, context, Buffer.alloc(11)), new TypeError('wrapping takes a 12-byte nonce'))
  t.throws(() => wrapKey(secret, instanceKey, context, Buffer.alloc(16)), new TypeError('wrapping takes a 12-byte nonce'))
})

t.test('another instance key unwraps nothing', async (t) => {
  const wrapped = wrapKey(secret, instanceKey, context, nonce)
  t.throws(() => unwrapKey(wrapped, otherInstanceKey, context), new SealError(wrongKey))
  const oneBitOff = Buffer.from(instanceKey)
  oneBitOff[31]! ^= 0x80
  t.throws(() => unwrapKey(wrapped, oneBitOff, context), new SealError(wrongKey), 'one bit off')
  t.throws(() => unwrapKey(wrapped, Buffer.concat([instanceKey, Buffer.from([0])]), context), new SealError(wrongKey), 'the same key with a byte more')
  const longKey = bytes('long instance key', 64)
  t.throws(() => unwrapKey(wrapKey(secret, longKey, context, nonce), longKey.subarray(0, 32), context), new SealError(wrongKey), 'a long key is not cut to 32 bytes')
})

t.test('an instance key shorter than 32 bytes is refused', async (t) => {
  t.throws(() => wrapKey(secret, Buffer.alloc(31, 1), context, nonce), new SealError('the instance key is shorter than 32 bytes'))
  t.throws(() => unwrapKey(wrapKey(secret, instanceKey, context, nonce), Buffer.alloc(0), context), new SealError('the instance key is shorter than 32 bytes'))
})

t.test('another context unwraps nothing: a key wrapped for one RFP or purpose is not another\'s', async (t) => {
  const wrapped = wrapKey(secret, instanceKey, context, nonce)
  t.throws(() => unwrapKey(wrapped, instanceKey, context.replace(':proposals', ':prices')), new SealError(wrongKey))
  t.throws(() => unwrapKey(wrapped, instanceKey, context.replace('0b6f', '1b6f')), new SealError(wrongKey))
  t.throws(() => unwrapKey(wrapped, instanceKey, ''), new SealError(wrongKey))
  t.throws(() => unwrapKey(wrapped, instanceKey, `${context}\n`), new SealError(wrongKey))
})

t.test('any changed byte of the wrapped key is refused: nonce, ciphertext or tag', async (t) => {
  const wrapped = wrapKey(secret, instanceKey, context, nonce)
  for (let i = 0; i < wrapped.length; i++) {
    const copy = Buffer.from(wrapped)
    copy[i]! ^= 0x01
    const part = i < 12 ? 'nonce' : i < 12 + secret.length ? 'ciphertext' : 'tag'
    t.throws(() => unwrapKey(copy, instanceKey, context), new SealError(wrongKey), `byte ${i} (${part})`)
  }
  t.throws(() => unwrapKey(wrapped.subarray(0, wrapped.length - 1), instanceKey, context), new SealError(wrongKey), 'a byte removed')
  t.throws(() => unwrapKey(Buffer.concat([wrapped, Buffer.from([0])]), instanceKey, context), new SealError(wrongKey), 'a byte appended')
})

t.test('input shorter than a nonce and a tag is refused as cut short', async (t) => {
  const wrapped = wrapKey(secret, instanceKey, context, nonce)
  for (const length of [0, 1, 12, 27]) {
    t.throws(() => unwrapKey(wrapped.subarray(0, length), instanceKey, context), new SealError('the wrapped key is cut short'), `${length} bytes`)
  }
  t.throws(() => unwrapKey(wrapped.subarray(0, 28), instanceKey, context), new SealError(wrongKey), '28 bytes: long enough to try, and it fails to authenticate')
})

t.test('instanceKeyId names a key without revealing it: stable, distinct, short', async (t) => {
  const id = instanceKeyId(instanceKey)
  t.match(id, /^[0-9a-f]{16}$/)
  t.equal(instanceKeyId(Buffer.from(instanceKey)), id, 'the same key, the same id')
  t.equal(instanceKeyId(bytes('instance', 32)), id, 'stable across calls')
  t.not(instanceKeyId(otherInstanceKey), id, 'another key, another id')
  const oneBitOff = Buffer.from(instanceKey)
  oneBitOff[0]! ^= 0x01
  t.not(instanceKeyId(oneBitOff), id, 'one bit off, another id')
  t.notOk(instanceKey.toString('hex').includes(id), 'the id is not a piece of the key')
  t.not(id, createHash('sha256').update(instanceKey).digest('hex').slice(0, 16), 'nor the prefix of its plain SHA-256')
  // Pinned, so that an id written down by an operator (or in a stored row) keeps naming the same key.
  t.equal(id, '486c4b5ac4d51952')
})

// Instance-key custody of an RFP's opening key (DESIGN §3.1): the private key is stored only wrapped by the
// instance key, with AES-256-GCM under a key derived for that purpose; the RFP and purpose are bound in.
import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto'
import { SealError } from './sealing.js'

const INFO = 'shortlist/key-wrap/v1'

function wrappingKey (instanceKey: Uint8Array, context: string): Buffer {
  if (instanceKey.length < 32) throw new SealError('the instance key is shorter than 32 bytes')
  return Buffer.from(hkdfSync('sha256', instanceKey, Buffer.alloc(0), Buffer.from(`${INFO}\n${context}`, 'utf8'), 32))
}

/** Names an instance key without revealing it, so a mismatch can be reported by name. */
export function instanceKeyId (instanceKey: Uint8Array): string {
  return createHash('sha256').update('shortlist/instance-key-id\n').update(instanceKey).digest('hex').slice(0, 16)
}

/** nonce (12) ‖ ciphertext ‖ tag (16). `nonce` is 12 random bytes. */
export function wrapKey (secret: Uint8Array, instanceKey: Uint8Array, context: string, nonce: Uint8Array): Buffer {
  if (nonce.length !== 12) throw new TypeError('wrapping takes a 12-byte nonce')
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(instanceKey, context), nonce)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  return Buffer.concat([nonce, cipher.update(secret), cipher.final(), cipher.getAuthTag()])
}

export function unwrapKey (wrapped: Uint8Array, instanceKey: Uint8Array, context: string): Buffer {
  if (wrapped.length < 12 + 16) throw new SealError('the wrapped key is cut short')
  const decipher = createDecipheriv('aes-256-gcm', wrappingKey(instanceKey, context), wrapped.subarray(0, 12))
  decipher.setAAD(Buffer.from(context, 'utf8'))
  decipher.setAuthTag(wrapped.subarray(wrapped.length - 16))
  try {
    return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()])
  } catch {
    throw new SealError('the opening key does not unwrap with this instance key: it was wrapped by another instance key, or it was altered')
  }
}

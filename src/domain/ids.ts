// Identifiers made from the injected random source, so tests and the demo can make them reproducibly.

/** A version 4 UUID (RFC 9562) from 16 random bytes. */
export function uuidFromBytes (bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError('a UUID takes exactly 16 bytes')
  const b = Uint8Array.from(bytes)
  b[6] = ((b[6] as number) & 0x0f) | 0x40
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  const hex = Buffer.from(b).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// RFC 8785 (JCS) canonical JSON: the one byte form of a value that every hash in Shortlist is taken over.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export function canonicalJson (value: JsonValue): string {
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('value has no JSON form')
  return text
}

/** SHA-256 in lowercase hex of the canonical JSON of a value. */
export function canonicalHash (value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}

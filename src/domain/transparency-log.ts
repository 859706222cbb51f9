// What the public transparency log (DESIGN §3.5) is made of: one leaf per public audit event, in the order the
// events happened, and the names its checkpoints are signed under. The tree itself is in merkle.ts, the notes
// in signed-note.ts and the static layout in tlog-tiles.ts.
import { createHash } from 'node:crypto'
import { canonicalJson, type JsonValue } from './canonical-json.js'
import { MAX_ENTRY_SIZE } from './tlog-tiles.js'

/** A public event as the log takes it: its data is the canonical JSON text the audit chain hashed. */
export interface PublicEvent { seq: number, at: string, type: string, dataText: string }

/**
 * A leaf's entry: the RFC 8785 canonical JSON of `{ at, data, seq, type }` in UTF-8 — the event as the feeds
 * and the record show it. Entry bundles carry at most 65 535 bytes per entry; an event whose entry would be longer
 * (a very long answer in an astral script) is logged as `{ at, dataSha256, seq, type }` instead, the SHA-256 of
 * its data's canonical JSON, which the event's public page lets anyone recompute.
 */
export function logEntry (event: PublicEvent): Uint8Array {
  const data = JSON.parse(event.dataText) as JsonValue
  const full = Buffer.from(canonicalJson({ at: event.at, data, seq: event.seq, type: event.type }), 'utf8')
  if (full.length <= MAX_ENTRY_SIZE) return Uint8Array.from(full)
  const dataSha256 = createHash('sha256').update(canonicalJson(data), 'utf8').digest('hex')
  return Uint8Array.from(Buffer.from(canonicalJson({ at: event.at, dataSha256, seq: event.seq, type: event.type }), 'utf8'))
}

/**
 * The log's origin, which is also its key's name: the configured one, else the public URL's host and path
 * (`shortlist.example.org`, `example.org/shortlist`) — a schema-less URL, as C2SP tlog-checkpoint advises.
 */
export function logOrigin (configured: string, publicUrl: string): string {
  if (configured !== '') return configured
  const url = new URL(publicUrl)
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`
}

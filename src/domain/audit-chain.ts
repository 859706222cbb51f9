// The hash chain of the audit log (DESIGN §3.5): each event's hash covers the previous hash and the event itself.
import { createHash } from 'node:crypto'
import { canonicalJson, type JsonValue } from './canonical-json.js'

export type { JsonValue }
export { canonicalJson }

/** The fields of an event that its hash covers. */
export interface AuditEvent {
  seq: number
  at: string
  type: string
  actorId: string | null
  rfpId: string | null
  public: boolean
  data: { [key: string]: JsonValue }
}

export interface ChainedAuditEvent extends AuditEvent {
  prevHash: string
  hash: string
}

/** The previous hash of the first event: 32 zero bytes. */
export const GENESIS_HASH = '0'.repeat(64)

/** hash = SHA-256(prev_hash as 32 raw bytes ‖ UTF-8 of the JCS text of the event), in lowercase hex. */
export function hashAuditEvent (prevHash: string, event: AuditEvent): string {
  if (!/^[0-9a-f]{64}$/.test(prevHash)) throw new TypeError('prevHash must be 64 lowercase hex digits')
  const body: JsonValue = {
    seq: event.seq,
    at: event.at,
    type: event.type,
    actorId: event.actorId,
    rfpId: event.rfpId,
    public: event.public,
    data: event.data
  }
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(body), 'utf8').digest('hex')
}

/** The event that follows `previous` (undefined before the first), with its seq and hashes filled in. */
export function chainAuditEvent (previous: Pick<ChainedAuditEvent, 'seq' | 'hash'> | undefined, event: Omit<AuditEvent, 'seq'>): ChainedAuditEvent {
  const seq = previous === undefined ? 1 : previous.seq + 1
  const prevHash = previous === undefined ? GENESIS_HASH : previous.hash
  const full = { ...event, seq }
  return { ...full, prevHash, hash: hashAuditEvent(prevHash, full) }
}

export type ChainBreak = { seq: number, problem: string }

/**
 * Checks one link: that `event` follows `previous` and that its stored hash is
 * the one its content gives. Returns the problem, or undefined when it holds.
 */
export function checkAuditLink (previous: Pick<ChainedAuditEvent, 'seq' | 'hash'> | undefined, event: ChainedAuditEvent): ChainBreak | undefined {
  const expectedSeq = previous === undefined ? 1 : previous.seq + 1
  if (event.seq !== expectedSeq) return { seq: event.seq, problem: `expected event #${expectedSeq} next, found #${event.seq}` }
  const expectedPrev = previous === undefined ? GENESIS_HASH : previous.hash
  if (event.prevHash !== expectedPrev) return { seq: event.seq, problem: 'its prev_hash is not the hash of the event before it' }
  if (hashAuditEvent(event.prevHash, event) !== event.hash) return { seq: event.seq, problem: 'its content does not match its hash' }
  return undefined
}

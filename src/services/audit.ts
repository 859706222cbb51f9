// Appends to the audit chain inside the caller's transaction, and checks the whole chain.
import { auditEventsAfter, hasAuditTable, insertAuditEvent, lastAuditLink, type StoredAuditEvent } from '../db/audit-events.js'
import { lockForTransaction, type Db, type Trx } from '../db/database.js'
import { canonicalJson, chainAuditEvent, checkAuditLink, type AuditEvent, type ChainBreak, type ChainedAuditEvent, type JsonValue } from '../domain/audit-chain.js'

export type NewAuditEvent = Omit<AuditEvent, 'seq'>

/** Call only inside the transaction that makes the change the event records. */
export async function appendAuditEvent (trx: Trx, event: NewAuditEvent): Promise<void> {
  // One chain: appenders on several instances take turns from reading the last link until they commit.
  await lockForTransaction(trx, 'audit_chain')
  const chained = chainAuditEvent(await lastAuditLink(trx), event)
  await insertAuditEvent(trx, chained, canonicalJson(chained.data))
}

/** True before anything has happened: no event has been recorded. */
export async function isPristine (db: Db): Promise<boolean> {
  return await lastAuditLink(db) === undefined
}

function parseData ({ dataText, ...event }: StoredAuditEvent): ChainedAuditEvent | undefined {
  let data: unknown
  try {
    data = JSON.parse(dataText)
  } catch {
    return undefined
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...event, data: data as Record<string, JsonValue> } : undefined
}

/** Events after `afterSeq`, in order; a damaged row is an error here (verify reports it instead). */
export async function readAuditEvents (db: Db, afterSeq: number, limit: number): Promise<ChainedAuditEvent[]> {
  return (await auditEventsAfter(db, afterSeq, limit)).map((stored) => {
    const event = parseData(stored)
    if (event === undefined) throw new Error(`audit event #${stored.seq} has unreadable data; run shortlist verify`)
    return event
  })
}

export type ChainReport =
  | { intact: true, count: number, head: string | undefined }
  | { intact: false, count: number, broken: ChainBreak }
  | { intact: false, count: 0, missing: true }

const PAGE = 1000

/** Recomputes every link from the first event; stops at the first break. */
export async function verifyAuditChain (db: Db): Promise<ChainReport> {
  if (!await hasAuditTable(db)) return { intact: false, count: 0, missing: true }
  let previous: { seq: number, hash: string } | undefined
  let count = 0
  for (;;) {
    const events = await auditEventsAfter(db, previous?.seq ?? 0, PAGE)
    for (const stored of events) {
      const event = parseData(stored)
      const broken = event === undefined ? { seq: stored.seq, problem: 'its data is not a JSON object' } : checkAuditLink(previous, event)
      if (broken !== undefined) return { intact: false, count, broken }
      previous = stored
      count++
    }
    if (events.length < PAGE) return { intact: true, count, head: previous?.hash }
  }
}

// Appends to the audit chain inside the caller's transaction, and checks the whole chain.
import { auditEventsAfter, insertAuditEvent, lastAuditLink } from '../db/audit-events.js'
import type { Db, Executor } from '../db/database.js'
import { canonicalJson, chainAuditEvent, checkAuditLink, type AuditEvent, type ChainBreak } from '../domain/audit-chain.js'

export type NewAuditEvent = Omit<AuditEvent, 'seq'>

/** Call only inside the transaction that makes the change the event records. */
export async function appendAuditEvent (trx: Executor, event: NewAuditEvent): Promise<void> {
  const chained = chainAuditEvent(await lastAuditLink(trx), event)
  await insertAuditEvent(trx, chained, canonicalJson(chained.data))
}

export type ChainReport =
  | { intact: true, count: number, head: string | undefined }
  | { intact: false, count: number, broken: ChainBreak }

const PAGE = 1000

/** Recomputes every link from the first event; stops at the first break. */
export async function verifyAuditChain (db: Db): Promise<ChainReport> {
  let previous: { seq: number, hash: string } | undefined
  let count = 0
  for (;;) {
    const events = await auditEventsAfter(db, previous?.seq ?? 0, PAGE)
    for (const event of events) {
      const broken = checkAuditLink(previous, event)
      if (broken !== undefined) return { intact: false, count, broken }
      previous = event
      count++
    }
    if (events.length < PAGE) return { intact: true, count, head: previous?.hash }
  }
}

// The append-only audit table: the last link, appends, and reading the chain in order.
import type { ChainedAuditEvent } from '../domain/audit-chain.js'
import type { Executor } from './database.js'
import type { AuditEventRow } from './schema.js'

/** An event as stored: its data still the JSON text, which a damaged file may not hold. */
export type StoredAuditEvent = Omit<ChainedAuditEvent, 'data'> & { dataText: string }

function toStored (row: AuditEventRow): StoredAuditEvent {
  return {
    seq: row.seq,
    at: row.at,
    type: row.type,
    actorId: row.actor_id,
    rfpId: row.rfp_id,
    public: row.is_public === 1,
    dataText: row.data,
    prevHash: row.prev_hash,
    hash: row.hash
  }
}

export async function lastAuditLink (db: Executor): Promise<{ seq: number, hash: string } | undefined> {
  return await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
}

/** Stores an event already chained by the domain; `canonicalData` is the JCS text of its data. */
export async function insertAuditEvent (db: Executor, event: ChainedAuditEvent, canonicalData: string): Promise<void> {
  await db.insertInto('audit_events').values({
    seq: event.seq,
    at: event.at,
    type: event.type,
    actor_id: event.actorId,
    rfp_id: event.rfpId,
    is_public: event.public ? 1 : 0,
    data: canonicalData,
    prev_hash: event.prevHash,
    hash: event.hash
  }).execute()
}

/** Events with seq > afterSeq in order, at most `limit` of them: the chain is read in pages. */
export async function auditEventsAfter (db: Executor, afterSeq: number, limit: number): Promise<StoredAuditEvent[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()
  return rows.map(toStored)
}

export async function hasAuditTable (db: Executor): Promise<boolean> {
  const tables = await db.introspection.getTables()
  return tables.some((table) => table.name === 'audit_events')
}

/** The newest public events of the given types, newest first, of one RFP or of all: what the feeds list. */
export async function latestPublicEvents (db: Executor, types: readonly string[], rfpId: string | null, limit: number) {
  let query = db.selectFrom('audit_events').select(['seq', 'at', 'type', 'rfp_id', 'data'])
    .where('is_public', '=', 1).where('type', 'in', types)
  if (rfpId !== null) query = query.where('rfp_id', '=', rfpId)
  const rows = await query.orderBy('seq', 'desc').limit(limit).execute()
  return rows.map((row) => ({ seq: row.seq, at: row.at, type: row.type, rfpId: row.rfp_id, data: JSON.parse(row.data) as Record<string, unknown> }))
}

/** When the chain began: the instance's first recorded event. */
export async function firstAuditEventAt (db: Executor): Promise<string | undefined> {
  return (await db.selectFrom('audit_events').select('at').where('seq', '=', 1).executeTakeFirst())?.at
}

/** Public events with seq > afterSeq, in order, at most `limit`: the transparency log's leaves, read in pages. */
export async function publicEventsAfter (db: Executor, afterSeq: number, limit: number) {
  return await db.selectFrom('audit_events').select(['seq', 'at', 'type', 'data as dataText'])
    .where('is_public', '=', 1).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()
}

/**
 * The newest event about one RFP (or about any RFP, with null): what a record computed from RFP data depends on.
 * Events about no RFP (sign-ins, accounts) never move it, so a stranger cannot make the record be recomputed.
 */
export async function lastRfpEventSeq (db: Executor, rfpId: string | null): Promise<number> {
  let query = db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('seq'))
  query = rfpId === null ? query.where('rfp_id', 'is not', null) : query.where('rfp_id', '=', rfpId)
  const row = await query.executeTakeFirst()
  return Number(row?.seq ?? 0)
}

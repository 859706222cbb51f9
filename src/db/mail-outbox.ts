// Queries on the mail outbox. Claiming is a conditional update, so two workers never both take a message,
// and every later mark names the claim, so a worker whose lease ran out changes nothing.
import type { MailStatus } from '../domain/mail-delivery.js'
import type { Executor } from './database.js'
import type { MailOutboxRow, MailOutboxTable } from './schema.js'

export async function insertMail (db: Executor, row: MailOutboxTable): Promise<void> {
  await db.insertInto('mail_outbox').values(row).execute()
}

/** Ids of messages due at `now`: pending and due, or left sending by a worker whose lease ran out. */
export async function dueMailIds (db: Executor, now: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('mail_outbox').select('id')
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
      eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)])
    ]))
    .orderBy('next_attempt_at').orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => r.id)
}

/** Takes a due message for one attempt under `claimId`; undefined when another worker took it first. */
export async function claimMail (db: Executor, id: string, claimId: string, now: string, leaseUntil: string): Promise<MailOutboxRow | undefined> {
  const result = await db.updateTable('mail_outbox')
    .set((eb) => ({ status: 'sending', lease_until: leaseUntil, claim_id: claimId, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
      eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)])
    ]))
    .executeTakeFirst()
  if (result.numUpdatedRows !== 1n) return undefined
  return await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

interface Claim { id: string, claimId: string }

async function settle (db: Executor, { id, claimId }: Claim, values: Partial<Pick<MailOutboxTable, 'status' | 'sent_at' | 'next_attempt_at' | 'last_error' | 'text_body' | 'html_body'>>): Promise<boolean> {
  const result = await db.updateTable('mail_outbox')
    .set({ ...values, lease_until: null, claim_id: null })
    .where('id', '=', id).where('status', '=', 'sending').where('claim_id', '=', claimId)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * Sent: the bodies are cleared, since a sign-in link in a body is a live secret; the headers stay as the record.
 * Each mark returns false when the claim was lost (the lease ran out and another worker took over).
 */
export async function markMailSent (db: Executor, claim: Claim, at: string): Promise<boolean> {
  return await settle(db, claim, { status: 'sent', sent_at: at, last_error: null, text_body: '', html_body: '' })
}

export async function scheduleMailRetry (db: Executor, claim: Claim, nextAttemptAt: string, error: string): Promise<boolean> {
  return await settle(db, claim, { status: 'pending', next_attempt_at: nextAttemptAt, last_error: error })
}

export async function markMailFailed (db: Executor, claim: Claim, error: string): Promise<boolean> {
  return await settle(db, claim, { status: 'failed', last_error: error })
}

/** Puts a failed message back in the queue, due now, with a fresh count of attempts. */
export async function requeueFailedMail (db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db.updateTable('mail_outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, last_error: null })
    .where('id', '=', id).where('status', '=', 'failed')
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findMail (db: Executor, id: string): Promise<MailOutboxRow | undefined> {
  return await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listMail (db: Executor, status: MailStatus | undefined, limit: number): Promise<MailOutboxRow[]> {
  let query = db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit)
  if (status !== undefined) query = query.where('status', '=', status)
  return await query.execute()
}

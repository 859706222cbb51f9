// Queries on the mail outbox. Claiming is a conditional update, so two workers never both take a message.
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

/** Takes a due message for one attempt; undefined when another worker took it first. */
export async function claimMail (db: Executor, id: string, now: string, leaseUntil: string): Promise<MailOutboxRow | undefined> {
  const result = await db.updateTable('mail_outbox')
    .set((eb) => ({ status: 'sending', lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
      eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)])
    ]))
    .executeTakeFirst()
  if (result.numUpdatedRows !== 1n) return undefined
  return await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markMailSent (db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: at, lease_until: null, last_error: null }).where('id', '=', id).execute()
}

export async function scheduleMailRetry (db: Executor, id: string, nextAttemptAt: string, error: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ status: 'pending', next_attempt_at: nextAttemptAt, lease_until: null, last_error: error }).where('id', '=', id).execute()
}

export async function markMailFailed (db: Executor, id: string, error: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ status: 'failed', lease_until: null, last_error: error }).where('id', '=', id).execute()
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

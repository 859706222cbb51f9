// Questions on an RFP and their answers. The asker's identity stays in this table; public reads select
// only the published wording and the answer.
import type { Insertable, Updateable } from 'kysely'
import type { Executor } from './database.js'
import type { RfpQuestionsTable } from './schema.js'

export async function insertQuestion (db: Executor, row: Insertable<RfpQuestionsTable>): Promise<void> {
  await db.insertInto('rfp_questions').values(row).execute()
}

export async function findQuestion (db: Executor, rfpId: string, id: string) {
  return await db.selectFrom('rfp_questions').selectAll().where('rfp_id', '=', rfpId).where('id', '=', id).executeTakeFirst()
}

export async function findQuestionByConfirmToken (db: Executor, tokenHash: string) {
  return await db.selectFrom('rfp_questions').selectAll().where('confirm_token_hash', '=', tokenHash).executeTakeFirst()
}

/** Changes a question when it is still in `from`: false when another request moved it first. */
export async function updateQuestion (db: Executor, id: string, from: readonly string[], values: Updateable<RfpQuestionsTable>): Promise<boolean> {
  const result = await db.updateTable('rfp_questions').set(values).where('id', '=', id).where('status', 'in', from).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function nextQuestionNumber (db: Executor, rfpId: string): Promise<number> {
  const { n } = await db.selectFrom('rfp_questions').select((eb) => eb.fn.max<number | null>('number').as('n')).where('rfp_id', '=', rfpId).executeTakeFirstOrThrow()
  return Number(n ?? 0) + 1
}

/**
 * Confirmed questions asked by one address since `since`, whatever became of them: the per-asker limit counts
 * these. Unconfirmed ones do not count, so nobody can use up another's quota by asking in their name.
 */
export async function countQuestionsBy (db: Executor, rfpId: string, askerEmail: string, since: string): Promise<number> {
  const { n } = await db.selectFrom('rfp_questions').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('rfp_id', '=', rfpId).where('asker_email', '=', askerEmail).where('asked_at', '>=', since).where('status', '!=', 'unconfirmed')
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** Questions to one address still waiting for their confirmation link to be opened. */
export async function countUnconfirmedFor (db: Executor, rfpId: string, askerEmail: string, now: string): Promise<number> {
  const { n } = await db.selectFrom('rfp_questions').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('rfp_id', '=', rfpId).where('asker_email', '=', askerEmail).where('status', '=', 'unconfirmed').where('confirm_expires_at', '>', now)
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** The public Q&A: answered questions by number, without anything about who asked. */
export async function listAnswered (db: Executor, rfpId: string, limit: number) {
  const rows = await db.selectFrom('rfp_questions')
    .select(['id', 'number', 'published_question', 'answer', 'answered_at', 'updated_at'])
    .where('rfp_id', '=', rfpId).where('status', '=', 'answered')
    .orderBy('number')
    .limit(limit)
    .execute()
  return rows.map((row) => ({ id: row.id, number: row.number as number, question: row.published_question as string, answer: row.answer as string, answeredAt: row.answered_at as string, updatedAt: row.updated_at }))
}

/** Every confirmed question for the committee, open ones first, oldest first; at most `limit`. */
export async function listForCommittee (db: Executor, rfpId: string, limit: number) {
  return await db.selectFrom('rfp_questions')
    .select(['id', 'status', 'asker_email', 'body', 'asked_at', 'number', 'published_question', 'answer', 'answered_at', 'reason', 'merged_into'])
    .where('rfp_id', '=', rfpId).where('status', '!=', 'unconfirmed')
    .orderBy((eb) => eb.case().when('status', '=', 'open').then(0).else(1).end())
    .orderBy('asked_at').orderBy('id')
    .limit(limit)
    .execute()
}

export async function deleteUnconfirmedBefore (db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('rfp_questions').where('status', '=', 'unconfirmed').where('confirm_expires_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Who asked a question, and who asked the duplicates merged into it. */
export async function askerAddresses (db: Executor, rfpId: string, questionId: string): Promise<string[]> {
  const rows = await db.selectFrom('rfp_questions').select('asker_email').where('rfp_id', '=', rfpId)
    .where((eb) => eb.or([eb('id', '=', questionId), eb.and([eb('merged_into', '=', questionId), eb('status', '=', 'merged')])]))
    .execute()
  return rows.map((row) => row.asker_email)
}

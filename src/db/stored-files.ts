// Stored files' metadata, and the chunks of the database backend.
import { lockForTransaction, type Executor, type Trx } from './database.js'
import type { StoredFilesTable } from './schema.js'

export async function insertStoredFile (db: Executor, row: StoredFilesTable): Promise<void> {
  await db.insertInto('stored_files').values(row).execute()
}

export async function finishStoredFile (db: Executor, id: string, size: number, sha256: string): Promise<void> {
  await db.updateTable('stored_files').set({ size, sha256 }).where('id', '=', id).execute()
}

/**
 * Marks a finished file as used by the caller's transaction; false when it is missing (swept), unfinished or
 * committed. Takes the file's lock, which the sweep takes too, so a file is either committed or swept.
 */
export async function commitStoredFile (trx: Trx, id: string, at: string): Promise<boolean> {
  await lockForTransaction(trx, `stored_files:${id}`)
  const db = trx
  const result = await db.updateTable('stored_files').set({ committed_at: at })
    .where('id', '=', id).where('committed_at', 'is', null).where('sha256', 'is not', null).executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findStoredFile (db: Executor, id: string) {
  return await db.selectFrom('stored_files').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Files of `backend` never committed and older than `before`: the orphans of uploads whose action failed or never came. */
export async function listOrphanFiles (db: Executor, backend: string, before: string, limit: number) {
  return await db.selectFrom('stored_files').select('id')
    .where('backend', '=', backend).where('committed_at', 'is', null).where('created_at', '<', before)
    .orderBy('created_at').limit(limit).execute()
}

/** Deletes an orphan's chunks and row, under the file's lock; false when an action committed it meanwhile (then it stays). */
export async function deleteOrphanFile (trx: Trx, id: string): Promise<boolean> {
  await lockForTransaction(trx, `stored_files:${id}`)
  const row = await trx.selectFrom('stored_files').select('committed_at').where('id', '=', id).executeTakeFirst()
  if (row === undefined || row.committed_at !== null) return false
  await trx.deleteFrom('stored_file_chunks').where('file_id', '=', id).execute()
  await trx.deleteFrom('stored_files').where('id', '=', id).execute()
  return true
}

export async function deleteStoredFileRow (db: Executor, id: string): Promise<void> {
  await db.deleteFrom('stored_file_chunks').where('file_id', '=', id).execute()
  await db.deleteFrom('stored_files').where('id', '=', id).execute()
}

export async function insertChunk (db: Executor, fileId: string, n: number, data: Uint8Array): Promise<void> {
  await db.insertInto('stored_file_chunks').values({ file_id: fileId, n, data }).execute()
}

export async function readChunk (db: Executor, fileId: string, n: number): Promise<Uint8Array | undefined> {
  return (await db.selectFrom('stored_file_chunks').select('data').where('file_id', '=', fileId).where('n', '=', n).executeTakeFirst())?.data
}

export async function deleteChunks (db: Executor, fileId: string): Promise<void> {
  await db.deleteFrom('stored_file_chunks').where('file_id', '=', fileId).execute()
}

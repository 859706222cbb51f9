// The transparency log's signed checkpoints: append-only, one per tree size the instance has signed.
import type { Executor } from './database.js'

export async function findCheckpoint (db: Executor, size: number) {
  return await db.selectFrom('transparency_checkpoints').selectAll().where('size', '=', size).executeTakeFirst()
}

/** Stores a checkpoint unless one of that size exists: signing is deterministic, so two instances write the same note. */
export async function insertCheckpoint (db: Executor, row: { size: number, rootHash: string, note: string, at: string }): Promise<void> {
  await db.insertInto('transparency_checkpoints').values({ size: row.size, root_hash: row.rootHash, note: row.note, signed_at: row.at })
    .onConflict((oc) => oc.column('size').doNothing()).execute()
}

/** Checkpoints in order of size, after `afterSize`, at most `limit`. */
export async function checkpointsAfter (db: Executor, afterSize: number, limit: number) {
  return await db.selectFrom('transparency_checkpoints').selectAll().where('size', '>', afterSize).orderBy('size').limit(limit).execute()
}

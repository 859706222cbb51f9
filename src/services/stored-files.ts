// Storing a file: written outside any transaction (it may take long to arrive), counted and hashed on the
// way in, refused past its limit with nothing left behind; then committed by the transaction of the action
// that uses it. Files never committed are orphans, swept after a grace period.
import { createHash } from 'node:crypto'
import { deleteOrphanFile, deleteStoredFileRow, finishStoredFile, findStoredFile, insertStoredFile, listOrphanFiles } from '../db/stored-files.js'
import { InvalidStateError, NotFoundError, TooLargeError } from '../errors.js'
import { newId, nowIso, type ServiceContext } from './context.js'

export interface StoredFile { id: string, size: number, sha256: string }

/** An upload's grace period: one not committed by then was abandoned. */
export const ORPHAN_GRACE_MS = 24 * 60 * 60 * 1000

async function * measured (source: AsyncIterable<Uint8Array>, maxBytes: number, into: { size: number, hash: ReturnType<typeof createHash> }): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    into.size += chunk.length
    if (into.size > maxBytes) throw new TooLargeError(`the file is larger than ${maxBytes} bytes`)
    into.hash.update(chunk)
    yield chunk
  }
}

export async function storeFile (ctx: ServiceContext, source: AsyncIterable<Uint8Array>, { maxBytes }: { maxBytes: number }): Promise<StoredFile> {
  const id = newId(ctx)
  // The row first: should this process die mid-upload, the sweep still finds the bytes by it.
  await insertStoredFile(ctx.db, { id, backend: ctx.files.backend, size: 0, sha256: null, created_at: nowIso(ctx), committed_at: null })
  const progress = { size: 0, hash: createHash('sha256') }
  try {
    await ctx.files.write(id, measured(source, maxBytes, progress))
  } catch (error) {
    await ctx.files.remove(id)
    await deleteStoredFileRow(ctx.db, id)
    throw error
  }
  const sha256 = progress.hash.digest('hex')
  await finishStoredFile(ctx.db, id, progress.size, sha256)
  return { id, size: progress.size, sha256 }
}

/** The stored bytes are missing or not the size that was written: a storage fault, to restore from a backup. */
export class StoredFileDamagedError extends Error {
  override name = 'StoredFileDamagedError'
}

/** The bytes as stored, checked against the recorded size: a missing chunk or a cut file is an error, not a short read. */
async function * checked (source: AsyncIterable<Uint8Array>, size: number, id: string): AsyncIterable<Uint8Array> {
  let read = 0
  try {
    for await (const chunk of source) {
      read += chunk.length
      if (read > size) break
      yield chunk
    }
  } catch (error) {
    // Not the error itself: it names the path on the server.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileDamagedError(`stored file ${id} is missing`)
    throw error
  }
  if (read !== size) throw new StoredFileDamagedError(`stored file ${id} has ${read} bytes where ${size} were written`)
}

/** A committed file's bytes; an orphan or unknown id is missing. */
export async function readStoredFile (ctx: ServiceContext, id: string): Promise<StoredFile & { content: AsyncIterable<Uint8Array> }> {
  const file = await findStoredFile(ctx.db, id)
  if (file === undefined || file.committed_at === null || file.sha256 === null) throw new NotFoundError('no such file')
  if (file.backend !== ctx.files.backend) {
    throw new InvalidStateError(`file ${id} is in the ${file.backend} store, and this instance uses the ${ctx.files.backend} one; move the files before changing storage.backend`)
  }
  const size = Number(file.size)
  return { id, size, sha256: file.sha256, content: checked(ctx.files.read(id), size, id) }
}

/** Removes files never committed within the grace period, bytes first; run by the server's housekeeping. */
export async function sweepOrphanFiles (ctx: ServiceContext, graceMs = ORPHAN_GRACE_MS, batch = 100): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - graceMs).toISOString()
  let swept = 0
  // Only this store's own orphans: a file of the other backend (the setting changed since) is not its to remove.
  for (const orphan of await listOrphanFiles(ctx.db, ctx.files.backend, before, batch)) {
    // The row goes first, and only if still uncommitted: an action committing the file meanwhile keeps it.
    if (!await ctx.db.transaction().execute(async (trx) => await deleteOrphanFile(trx, orphan.id))) continue
    await ctx.files.remove(orphan.id)
    swept++
  }
  return swept
}

/** Removes files an action stored but did not commit (it was refused): nothing of a refused upload is kept. */
export async function discardStoredFiles (ctx: ServiceContext, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    if (await ctx.db.transaction().execute(async (trx) => await deleteOrphanFile(trx, id))) await ctx.files.remove(id)
  }
}

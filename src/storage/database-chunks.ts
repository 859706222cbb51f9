// Files as chunks of `chunkBytes` in the database, so that every instance reads what any instance wrote.
// Each chunk is its own short write: a transaction is never held open while an upload arrives.
import type { Db } from '../db/database.js'
import { deleteChunks, insertChunk, readChunk } from '../db/stored-files.js'
import type { FileStore } from './file-store.js'

export function databaseChunkStore (db: Db, chunkBytes: number): FileStore {
  return {
    backend: 'database',
    async write (id, source) {
      let n = 0
      let pending: Buffer[] = []
      let pendingBytes = 0
      /** Writes every full chunk held; with `last`, the remainder too. */
      const flush = async (last: boolean): Promise<void> => {
        const minimum = last ? 1 : chunkBytes
        while (pendingBytes >= minimum) {
          const joined = Buffer.concat(pending)
          const chunk = joined.subarray(0, chunkBytes)
          const rest = joined.subarray(chunk.length)
          await insertChunk(db, id, n++, chunk)
          pending = rest.length > 0 ? [rest] : []
          pendingBytes = rest.length
        }
      }
      try {
        for await (const piece of source) {
          pending.push(Buffer.from(piece))
          pendingBytes += piece.length
          await flush(false)
        }
        await flush(true)
      } catch (error) {
        await deleteChunks(db, id)
        throw error
      }
    },
    async * read (id) {
      for (let n = 0; ; n++) {
        const chunk = await readChunk(db, id, n)
        if (chunk === undefined) return
        yield chunk
      }
    },
    async remove (id) {
      await deleteChunks(db, id)
    }
  }
}

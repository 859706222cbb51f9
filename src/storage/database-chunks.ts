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
      // One chunk being filled; whole chunks inside a large piece are written straight from it.
      const filling = Buffer.alloc(chunkBytes)
      let filled = 0
      try {
        for await (const piece of source) {
          let offset = 0
          while (offset < piece.length) {
            if (filled === 0 && piece.length - offset >= chunkBytes) {
              await insertChunk(db, id, n++, piece.subarray(offset, offset + chunkBytes))
              offset += chunkBytes
              continue
            }
            const taken = Math.min(chunkBytes - filled, piece.length - offset)
            filling.set(piece.subarray(offset, offset + taken), filled)
            filled += taken
            offset += taken
            if (filled === chunkBytes) {
              await insertChunk(db, id, n++, Buffer.from(filling))
              filled = 0
            }
          }
        }
        if (filled > 0) await insertChunk(db, id, n++, Buffer.from(filling.subarray(0, filled)))
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

// Files in <dataDir>/files, written to a temporary name, flushed to disk, then renamed into place.
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FileStore } from './file-store.js'

/** Ids are server-made UUIDs; anything else never reaches the file system. */
const SAFE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function localFolderStore (folder: string): FileStore {
  const pathOf = (id: string): string => {
    if (!SAFE_ID.test(id)) throw new TypeError('a stored file id is a UUID')
    return join(folder, id.slice(0, 2), id)
  }
  return {
    backend: 'local',
    async write (id, source) {
      const path = pathOf(id)
      const partial = `${path}.partial`
      await mkdir(join(folder, id.slice(0, 2)), { recursive: true, mode: 0o700 })
      try {
        await pipeline(Readable.from(source), createWriteStream(partial, { flags: 'wx', mode: 0o600 }))
        const handle = await open(partial, 'r')
        try { await handle.sync() } finally { await handle.close() }
        await rename(partial, path)
        // The rename is durable once the folder's entry is on disk too.
        const folderHandle = await open(join(folder, id.slice(0, 2)), 'r')
        try { await folderHandle.sync() } finally { await folderHandle.close() }
      } catch (error) {
        await rm(partial, { force: true })
        throw error
      }
    },
    read (id) {
      return createReadStream(pathOf(id))
    },
    async remove (id) {
      await rm(pathOf(id), { force: true })
      await rm(`${pathOf(id)}.partial`, { force: true })
    }
  }
}

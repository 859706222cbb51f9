// The file store the configuration names.
import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { databaseChunkStore } from './database-chunks.js'
import type { FileStore } from './file-store.js'
import { localFolderStore } from './local-folder.js'

export function createFileStore (config: Config, db: Db): FileStore {
  return config.storage.backend === 'database'
    ? databaseChunkStore(db, config.storage.chunkBytes)
    : localFolderStore(join(config.dataDir, 'files'))
}

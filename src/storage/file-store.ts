// Where the bytes of stored files live, behind one interface: a local folder (one machine) or chunks in the
// database (several instances). Metadata, limits, hashing and orphans are the services' business
// (src/services/stored-files.ts); a backend only writes, reads and removes bytes under a server-chosen id.
// Sealing (encryption until proposals are opened) belongs to sealed intake, above this layer.

export type StorageBackend = 'local' | 'database'

export interface FileStore {
  readonly backend: StorageBackend
  /** Writes file `id` from `source`; on failure nothing readable is left under `id`. */
  write: (id: string, source: AsyncIterable<Uint8Array>) => Promise<void>
  read: (id: string) => AsyncIterable<Uint8Array>
  /** Removes file `id`; nothing happens when there is none. */
  remove: (id: string) => Promise<void>
}

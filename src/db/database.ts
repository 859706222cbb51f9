// Opens the database: Kysely over better-sqlite3, set for durability (DESIGN §3.6).
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type Transaction } from 'kysely'
import { sqliteFile, type Config } from '../config.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>
/** A database handle or an open transaction: repository functions accept either. */
export type Executor = Kysely<Database> | Transaction<Database>

export interface OpenOptions {
  readonly?: boolean
}

export function openDatabase (config: Config, { readonly = false }: OpenOptions = {}): Db {
  const file = sqliteFile(config)
  if (!readonly) mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const sqlite = new SQLite(file, { readonly, fileMustExist: readonly, timeout: config.database.busyTimeoutMs })
  if (!readonly) sqlite.pragma('journal_mode = WAL')
  // better-sqlite3 leaves WAL at synchronous=NORMAL, which can lose a committed row on power loss.
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}

export const databaseKind = 'sqlite'

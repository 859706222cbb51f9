// Opens the database: Kysely over better-sqlite3, set for durability (DESIGN §3.6).
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig, type Transaction } from 'kysely'
import { sqliteFile, type Config } from '../config.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>
/** A database handle or an open transaction: repository functions accept either. */
export type Executor = Kysely<Database> | Transaction<Database>
/** An open transaction: for writes that must commit together with the change they record. */
export type Trx = Transaction<Database>

// Kysely's SQLite transactions start with a deferred BEGIN, which takes the write lock only at the first
// write: a transaction that read first (the audit chain's last link) then fails with SQLITE_BUSY when another
// process (a CLI command beside the server) wrote meanwhile. BEGIN IMMEDIATE takes the lock up front and waits
// for it within the busy timeout.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig

  constructor (config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }

  override createDriver (): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
}

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
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) })
}

export const databaseKind = 'sqlite'

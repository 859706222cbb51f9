// Opens the database: Kysely over better-sqlite3, set for durability (DESIGN §3.6).
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDialectConfig, type Transaction } from 'kysely'
import pg from 'pg'
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

export type DatabaseKind = 'sqlite' | 'postgres'

/** `postgres://…` (or `postgresql://…`) is a PostgreSQL server; anything else is an SQLite file. */
export function databaseKindOf (url: string): DatabaseKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite'
}

/** Which database a handle or transaction talks to: the few queries that differ ask this. */
export function kindOf (db: Executor): DatabaseKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}

/**
 * Serialises the transactions that take the same `key` until they end: a PostgreSQL transaction-scoped
 * advisory lock. On SQLite every write transaction holds the one write lock already (BEGIN IMMEDIATE).
 */
export async function lockForTransaction (trx: Trx, key: string): Promise<void> {
  if (kindOf(trx) === 'sqlite') return
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx)
}

export function openDatabase (config: Config, options: OpenOptions = {}): Db {
  return databaseKindOf(config.database.url) === 'postgres' ? openPostgres(config) : openSqlite(config, options)
}

// Numbers come back as numbers: bigint counts (count(*)) arrive as strings otherwise. Instants are text
// on both databases, so no date parsing is involved.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

function openPostgres (config: Config): Db {
  const pool = new pg.Pool({
    connectionString: config.database.url,
    max: config.database.poolSize,
    // 0 means "do not wait" for SQLite; to pg it would mean "wait for ever".
    connectionTimeoutMillis: Math.max(1, config.database.busyTimeoutMs),
    // An instance that stalls or loses its network inside a transaction must not hold the audit chain's
    // lock (or any other) for the two hours TCP takes to notice: the server ends such a session.
    idle_in_transaction_session_timeout: 30_000,
    keepAlive: true
  })
  // A pooled connection can die while idle (the server restarts, an operator ends it): the pool drops it
  // and the next query opens another. Without a listener the error would end the process.
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

function openSqlite (config: Config, { readonly = false }: OpenOptions): Db {
  const file = sqliteFile(config)
  if (!readonly) mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const sqlite = new SQLite(file, { readonly, fileMustExist: readonly, timeout: config.database.busyTimeoutMs })
  if (!readonly) sqlite.pragma('journal_mode = WAL')
  // better-sqlite3 leaves WAL at synchronous=NORMAL, which can lose a committed row on power loss.
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) })
}

/** The database server's clock, for PostgreSQL; undefined for SQLite, which runs on this machine's. */
export async function databaseNow (db: Executor): Promise<Date | undefined> {
  if (kindOf(db) === 'sqlite') return undefined
  const { rows } = await sql<{ now: string }>`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`.execute(db)
  return rows[0] === undefined ? undefined : new Date(rows[0].now)
}

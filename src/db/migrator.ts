// Runs the dated migrations in migrations/ with Kysely's Migrator.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, sql, type MigrationResultSet } from 'kysely'
import { migrationsDir } from '../paths.js'
import type { Db, Executor } from './database.js'

function migratorFor (db: Db): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsDir })
  })
}

export interface MigrationOutcome {
  applied: { name: string, direction: 'Up' | 'Down' }[]
  error?: Error
}

function outcome ({ results = [], error }: MigrationResultSet): MigrationOutcome {
  const applied = results.filter((r) => r.status === 'Success').map((r) => ({ name: r.migrationName, direction: r.direction }))
  const failed = results.find((r) => r.status === 'Error')
  if (error === undefined) return { applied }
  const cause = error instanceof Error ? error : new Error(String(error))
  return { applied, error: failed === undefined ? cause : new Error(`migration ${failed.migrationName} failed: ${cause.message}`, { cause }) }
}

/** Names of the migrations the database has applied, oldest first; empty for a database never migrated. */
export async function appliedMigrationNames (db: Executor): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  if (!tables.some((table) => table.name === 'kysely_migration')) return []
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
  return rows.map((row) => row.name)
}

/** The last migration applied, by one query: for the health check, which runs on a migrated database. */
export async function lastAppliedMigration (db: Executor): Promise<string | null> {
  const { rows } = await sql<{ name: string | null }>`select max(name) as name from kysely_migration`.execute(db)
  return rows[0]?.name ?? null
}

/**
 * Applies pending migrations, after refusing a database that a newer Shortlist has migrated: this code
 * does not know that schema, and running on it (or migrating "down" past it) could damage it.
 */
export async function migrateToLatest (db: Db): Promise<MigrationOutcome> {
  const known = new Set((await migratorFor(db).getMigrations()).map((m) => m.name))
  const newer = (await appliedMigrationNames(db)).filter((name) => !known.has(name))
  if (newer.length > 0) {
    return { applied: [], error: new Error(`the database has migrations newer than this version of Shortlist (${newer.join(', ')}); run that version or a later one`) }
  }
  return outcome(await migratorFor(db).migrateToLatest())
}

/** Up or down to exactly the named migration: upgrade tests start from an older schema this way. */
export async function migrateTo (db: Db, name: string): Promise<MigrationOutcome> {
  return outcome(await migratorFor(db).migrateTo(name))
}

export async function migrateDown (db: Db): Promise<MigrationOutcome> {
  return outcome(await migratorFor(db).migrateDown())
}

export interface MigrationStatus { name: string, executedAt: Date | undefined }

export async function migrationStatus (db: Db): Promise<MigrationStatus[]> {
  const migrations = await migratorFor(db).getMigrations()
  return migrations.map((m) => ({ name: m.name, executedAt: m.executedAt }))
}

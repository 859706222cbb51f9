// Runs the dated migrations in migrations/ with Kysely's Migrator.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely'
import { migrationsDir } from '../paths.js'
import type { Db } from './database.js'

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

export async function migrateToLatest (db: Db): Promise<MigrationOutcome> {
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

// Opening and migrating the database for a command, with failures reported as one line.
import type { Config } from '../config.js'
import { openDatabase, type Db } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import type { CliIo } from './io.js'

/** Brings the schema up to date; returns false (after saying why) when a migration failed. */
export async function migrateOrReport (config: Config, io: CliIo): Promise<boolean> {
  const db = openDatabase(config)
  try {
    const { applied, error } = await migrateToLatest(db)
    for (const { name } of applied) io.out(`migrated up: ${name}`)
    if (error !== undefined) io.err(`shortlist: ${error.message}`)
    return error === undefined
  } finally {
    await db.destroy()
  }
}

export async function withDatabase<T> (config: Config, use: (db: Db) => Promise<T>, options?: { readonly?: boolean }): Promise<T> {
  const db = openDatabase(config, options)
  try {
    return await use(db)
  } finally {
    await db.destroy()
  }
}

// shortlist migrate [latest|down|status]
import type { Config } from '../config.js'
import { migrateDown, migrationStatus } from '../db/migrator.js'
import { migrateOrReport, withDatabase } from './database.js'
import type { CliIo } from './io.js'

export async function migrateCommand (config: Config, io: CliIo, action: string | undefined): Promise<number> {
  switch (action ?? 'latest') {
    case 'latest': {
      const ok = await migrateOrReport(config, io)
      if (ok) io.out('database schema is up to date')
      return ok ? 0 : 1
    }
    case 'down':
      return await withDatabase(config, async (db) => {
        const { applied, error } = await migrateDown(db)
        for (const { name } of applied) io.out(`migrated down: ${name}`)
        if (applied.length === 0 && error === undefined) io.out('no migration to undo')
        if (error !== undefined) io.err(`shortlist: ${error.message}`)
        return error === undefined ? 0 : 1
      })
    case 'status':
      return await withDatabase(config, async (db) => {
        for (const { name, executedAt } of await migrationStatus(db)) {
          io.out(`${executedAt === undefined ? 'pending ' : 'applied '} ${name}${executedAt === undefined ? '' : `  (${executedAt.toISOString()})`}`)
        }
        return 0
      })
    default:
      io.err(`shortlist migrate: unknown action "${action}" (use latest, down or status)`)
      return 2
  }
}

// shortlist verify: recomputes the audit chain and names the first broken event.
import { existsSync } from 'node:fs'
import { sqliteFile, type Config } from '../config.js'
import { databaseKindOf } from '../db/database.js'
import { verifyAuditChain } from '../services/audit.js'
import { withDatabase } from './database.js'
import type { CliIo } from './io.js'

/** Where the database is, for messages: the SQLite file, or the server and database without credentials. */
function databaseLabel (config: Config): string {
  if (databaseKindOf(config.database.url) === 'sqlite') return sqliteFile(config)
  const url = new URL(config.database.url)
  return `postgres://${url.host}${url.pathname}`
}

export async function verifyCommand (config: Config, io: CliIo): Promise<number> {
  if (databaseKindOf(config.database.url) === 'sqlite' && !existsSync(sqliteFile(config))) {
    io.err(`shortlist verify: there is no database at ${sqliteFile(config)}`)
    return 1
  }
  const report = await withDatabase(config, verifyAuditChain, { readonly: true })
  if (report.intact) {
    io.out(`audit chain intact: ${report.count} events${report.head === undefined ? '' : `, head ${report.head}`}`)
    return 0
  }
  if ('missing' in report) {
    io.err(`shortlist verify: the database at ${databaseLabel(config)} has no audit log (run "shortlist migrate" first)`)
    return 1
  }
  io.out(`audit chain BROKEN at event #${report.broken.seq}: ${report.broken.problem} (${report.count} events before it are intact)`)
  return 1
}

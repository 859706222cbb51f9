// shortlist verify: recomputes the audit chain and names the first broken event.
import { existsSync } from 'node:fs'
import { sqliteFile, type Config } from '../config.js'
import { verifyAuditChain } from '../services/audit.js'
import { withDatabase } from './database.js'
import type { CliIo } from './io.js'

export async function verifyCommand (config: Config, io: CliIo): Promise<number> {
  if (!existsSync(sqliteFile(config))) {
    io.err(`shortlist verify: there is no database at ${sqliteFile(config)}`)
    return 1
  }
  const report = await withDatabase(config, verifyAuditChain, { readonly: true })
  if (report.intact) {
    io.out(`audit chain intact: ${report.count} events${report.head === undefined ? '' : `, head ${report.head}`}`)
    return 0
  }
  if ('missing' in report) {
    io.err(`shortlist verify: the database at ${sqliteFile(config)} has no audit log (run "shortlist migrate" first)`)
    return 1
  }
  io.out(`audit chain BROKEN at event #${report.broken.seq}: ${report.broken.problem} (${report.count} events before it are intact)`)
  return 1
}

// shortlist verify: recomputes the audit chain and names the first broken event, then rebuilds the transparency
// log from the public events and checks every checkpoint it signed.
import { createPublicKey } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { sqliteFile, type Config } from '../config.js'
import { databaseKindOf } from '../db/database.js'
import { systemRandom } from '../deps.js'
import { logOrigin } from '../domain/transparency-log.js'
import { verifyAuditChain } from '../services/audit.js'
import { transparencyKeyOf } from '../services/context.js'
import { verifyTransparencyLog } from '../services/transparency.js'
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
    return await verifyLog(config, io)
  }
  if ('missing' in report) {
    io.err(`shortlist verify: the database at ${databaseLabel(config)} has no audit log (run "shortlist migrate" first)`)
    return 1
  }
  io.out(`audit chain BROKEN at event #${report.broken.seq}: ${report.broken.problem} (${report.count} events before it are intact)`)
  return 1
}

/** The transparency log: every checkpoint the instance signed must still be the root of the public events. */
async function verifyLog (config: Config, io: CliIo): Promise<number> {
  const origin = logOrigin(config.publicRecord.transparencyOrigin, config.publicUrl)
  // Checking reads and never writes: a missing key file is not made (a new key could verify nothing).
  const hasKey = config.keys.transparencyKey !== '' || existsSync(join(config.dataDir, 'transparency-key'))
  const key = hasKey ? createPublicKey(transparencyKeyOf(config, systemRandom)()) : undefined
  const report = await withDatabase(config, async (db) => await verifyTransparencyLog(db, origin, key), { readonly: true })
  if (report.intact) {
    io.out(`transparency log intact: ${report.size} public events, ${report.checkpoints} signed checkpoint${report.checkpoints === 1 ? '' : 's'} verified (${origin})`)
    return 0
  }
  io.out(`transparency log BROKEN at the checkpoint of size ${report.broken.size}: ${report.broken.problem} (${report.checkpoints} checkpoints before it verified)`)
  return 1
}

// shortlist serve [--demo-if-empty]: migrates, optionally seeds the demo into an empty database, and listens.
import type { Config } from '../config.js'
import { systemClock, systemRandom } from '../deps.js'
import { seedDemo } from '../demo/seed-demo.js'
import { startServer } from '../server.js'
import { isPristine } from '../services/audit.js'
import { clockSkewProblem, measureClockSkew } from '../services/clock-check.js'
import { createServiceContext } from '../services/context.js'
import { migrateOrReport, withDatabase } from './database.js'
import type { CliIo } from './io.js'

export async function serveCommand (config: Config, io: CliIo, { demoIfEmpty }: { demoIfEmpty: boolean }): Promise<number> {
  if (!await migrateOrReport(config, io)) return 1
  const skew = await withDatabase(config, async (db) => await measureClockSkew(createServiceContext({ config, db, clock: systemClock, random: systemRandom })))
  const problem = clockSkewProblem(skew)
  if (problem !== undefined) {
    io.err(`shortlist serve: ${problem}`)
    return 1
  }
  if (demoIfEmpty) {
    await withDatabase(config, async (db) => {
      const ctx = createServiceContext({ config, db, clock: systemClock, random: systemRandom })
      if (await isPristine(db)) io.out(`demo seeded: ${config.publicUrl}/rfps/${(await seedDemo(ctx)).slug}`)
    })
  }
  const app = await startServer(config)
  io.out(`Shortlist is listening on ${app.listeningOrigin}, public URL ${config.publicUrl}`)
  return 0
}

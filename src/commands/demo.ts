// shortlist demo: seeds the demo RFP into an empty database.
import type { Config } from '../config.js'
import { systemClock, systemRandom } from '../deps.js'
import { seedDemo } from '../demo/seed-demo.js'
import { createServiceContext } from '../services/context.js'
import { migrateOrReport, withDatabase } from './database.js'
import type { CliIo } from './io.js'

export async function demoCommand (config: Config, io: CliIo): Promise<number> {
  if (!await migrateOrReport(config, io)) return 1
  const { slug } = await withDatabase(config, async (db) => await seedDemo(createServiceContext({ config, db, clock: systemClock, random: systemRandom })))
  io.out(`demo seeded: ${config.publicUrl}/rfps/${slug}`)
  return 0
}

// The service context routes pass to use cases: the database with the injected clock and randomness.
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import type { Clock, RandomSource } from '../../deps.js'
import { createServiceContext, type ServiceContext } from '../../services/context.js'

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServiceContext
  }
}

export default fp<{ config: Config, clock: Clock, random: RandomSource }>(async (app, { config, clock, random }) => {
  app.decorate('ctx', createServiceContext({ config, db: app.db, clock, random }))
}, { name: 'shortlist-services', dependencies: ['shortlist-database'] })

// The service context routes pass to use cases: the database with the injected clock and randomness.
import fp from 'fastify-plugin'
import type { Clock, RandomSource } from '../../deps.js'
import type { ServiceContext } from '../../services/context.js'

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServiceContext
  }
}

export default fp<{ clock: Clock, random: RandomSource }>(async (app, { clock, random }) => {
  app.decorate('ctx', { db: app.db, clock, random })
}, { name: 'shortlist-services', dependencies: ['shortlist-database'] })

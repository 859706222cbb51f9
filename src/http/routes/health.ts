// GET /healthz: up only when the database takes a write.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { createHealthCheck } from '../../services/health.js'

/** At most one database write per this many milliseconds, however often /healthz is asked. */
const WRITE_INTERVAL_MS = 5000

const Healthy = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  /** The last migration applied: which schema this instance runs against. */
  migration: Type.Union([Type.String(), Type.Null()]),
  at: Type.String()
})
const Unhealthy = Type.Object({ status: Type.Literal('unavailable'), problem: Type.String() })

const health: FastifyPluginAsyncTypebox<{ instance: string }> = async (app, { instance }) => {
  const checkHealth = createHealthCheck(app.ctx, instance, WRITE_INTERVAL_MS)
  app.get('/healthz', { schema: { response: { 200: Healthy, 503: Unhealthy } } }, async (request, reply) => {
    try {
      const health = await checkHealth()
      return await reply.header('cache-control', 'no-store').send({ status: 'ok' as const, ...health })
    } catch (error) {
      request.log.error({ err: error }, 'health check: database write failed')
      return await reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable' as const, problem: 'the database did not take a write' })
    }
  })
}

export default health

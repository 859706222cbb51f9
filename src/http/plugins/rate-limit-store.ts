// A store for @fastify/rate-limit that keeps its counters in the database (src/services/rate-limits.ts),
// so that limits hold across instances. The plugin constructs stores itself: hence a class made per app.
import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import type { ServiceContext } from '../../services/context.js'
import { countRequest, type RateLimitState } from '../../services/rate-limits.js'

type Callback = (error: Error | null, state?: RateLimitState) => void
type ChildOptions = Parameters<FastifyRateLimitStore['child']>[0]

export function databaseRateLimitStore (ctx: ServiceContext) {
  return class DatabaseRateLimitStore {
    readonly prefix: string

    constructor (_global?: unknown, prefix = '') {
      this.prefix = prefix
    }

    incr (key: string, done: Callback, timeWindow: number): void {
      countRequest(ctx, this.prefix + key, timeWindow).then((state) => { done(null, state) }, (error: Error) => { done(error) })
    }

    /** Each route counts on its own, as the plugin's own stores do. */
    child (options: ChildOptions): DatabaseRateLimitStore {
      // The plugin hands over its merged settings with the route under routeInfo (its types say otherwise).
      const route = (options as unknown as { routeInfo: { method?: string | string[], url?: string } }).routeInfo
      return new DatabaseRateLimitStore(undefined, `${[route.method ?? ''].flat().join(',')} ${route.url ?? ''}|`)
    }
  }
}

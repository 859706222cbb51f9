// Sessions (@fastify/session over the database), form bodies, CSRF tokens, rate limits, and who is signed in.
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import session, { type SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import type { RandomSource } from '../../deps.js'
import { loadOrCreateSecret } from '../../secrets.js'
import { databaseRateLimitStore } from './rate-limit-store.js'
import { endSession, loadSession, storeSession, type SessionData } from '../../services/sessions.js'
import { getViewer, type Viewer } from '../../services/viewer.js'
import type { PendingSignIn } from '../session-sign-in.js'

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** Set only once sign-in is complete: the magic link, or the password and the second factor. */
    userId?: string
    /** When this session last proved the second factor (committee and admins). */
    secondFactorAt?: string
    /** Shown on the account page beside the session, to tell one's devices apart. */
    userAgent?: string
    /** A sign-in half done: the password was right, the second factor (or its enrolment) is to come. */
    pending?: PendingSignIn
  }
}

export default fp<{ config: Config, random: RandomSource }>(async (app, { config, random }) => {
  // Secure cookies need https; over plain http (a laptop) the cookie must go without the flag and the
  // __Host- prefix, which requires it.
  const secure = config.publicUrl.startsWith('https:')
  const limits = config.session
  const store: SessionStore = {
    get: (sessionId, done) => { loadSession(app.ctx, sessionId, limits).then((data) => { done(null, (data ?? null) as Session | null) }, done) },
    set: (sessionId, value, done) => {
      // The cookie's own options are not data: the server decides when a session ends.
      const { cookie: _cookie, ...data } = JSON.parse(JSON.stringify(value)) as SessionData & { cookie?: unknown }
      storeSession(app.ctx, sessionId, data, limits).then(() => { done() }, done)
    },
    destroy: (sessionId, done) => { endSession(app.ctx, sessionId).then(() => { done() }, done) }
  }

  await app.register(cookie)
  await app.register(session, {
    secret: config.session.secret !== '' ? config.session.secret : loadOrCreateSecret(config.dataDir, 'session-secret', random),
    cookieName: secure ? '__Host-shortlist' : 'shortlist',
    // No maxAge: a browser-session cookie; the idle and absolute limits are enforced by the store.
    cookie: { secure, httpOnly: true, sameSite: 'lax', path: '/' },
    saveUninitialized: false,
    // Not rolling: the plugin's default saves the session on every request, a database write each time.
    // The store extends the idle limit itself, at most once a minute.
    rolling: false,
    store
  })
  await app.register(formbody, { bodyLimit: config.http.bodyLimitBytes })
  await app.register(csrf, {
    sessionPlugin: '@fastify/session',
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf
  })
  // Counted in the database: every instance behind a load balancer sees the same counts.
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(app.ctx) })

  app.decorateRequest('viewer', null)
  app.addHook('preHandler', async (request, reply) => {
    const userId = request.session.userId
    if (typeof userId !== 'string') return
    const viewer = await getViewer(app.ctx, userId, request.session.secondFactorAt ?? null)
    if (viewer === undefined) {
      // The account was disabled or removed since sign-in: carry on as a visitor with a fresh, empty session.
      await request.session.regenerate()
      return
    }
    request.viewer = viewer
    reply.locals = { ...reply.locals, viewer, csrfToken: reply.generateCsrf() }
  })
}, { name: 'shortlist-sessions', dependencies: ['shortlist-services', 'shortlist-views'] })

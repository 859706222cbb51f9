// buildApp: the whole web application as one Fastify instance, wired explicitly.
import { hostname } from 'node:os'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import { systemClock, systemRandom, type Clock, type RandomSource } from './deps.js'
import { uuidFromBytes } from './domain/ids.js'
import database from './http/plugins/database.js'
import errors from './http/plugins/errors.js'
import gracefulClose from './http/plugins/graceful-close.js'
import security from './http/plugins/security.js'
import services from './http/plugins/services.js'
import sessions from './http/plugins/sessions.js'
import staticAssets from './http/plugins/static-assets.js'
import views from './http/plugins/views.js'
import health from './http/routes/health.js'
import home from './http/routes/public/home.js'
import rfp from './http/routes/public/rfp.js'
import feeds from './http/routes/public/feeds.js'
import committeeRfps from './http/routes/committee/rfps.js'
import committeeQuestions from './http/routes/committee/questions.js'
import vendorRfps from './http/routes/vendor/rfps.js'
import vendorProposals from './http/routes/vendor/proposals.js'
import committeeProposals from './http/routes/committee/proposals.js'
import committeeEvaluation from './http/routes/committee/evaluation.js'
import vendorDebrief from './http/routes/vendor/debrief.js'
import vendorProtest from './http/routes/vendor/protest.js'
import committeeProtests from './http/routes/committee/protests.js'
import receipts from './http/routes/public/receipts.js'
import transparency from './http/routes/public/transparency.js'
import openData from './http/routes/public/open-data.js'
import publicDecision from './http/routes/public/decision.js'
import verifyPage from './http/routes/public/verify.js'
import signIn from './http/routes/public/sign-in.js'
import committeeSignIn from './http/routes/public/committee-sign-in.js'
import account from './http/routes/account/account.js'
import adminUsers from './http/routes/admin/users.js'
import apiV1 from './http/routes/api/v1.js'
import vendorPortal from './http/routes/vendor/portal.js'
import vendorRegister from './http/routes/vendor/register.js'

declare module 'fastify' {
  interface FastifyInstance {
    routeList: readonly { method: string, url: string }[]
  }
}

export interface AppDeps {
  clock: Clock
  random: RandomSource
  /** Where log lines go (standard output when absent): tests capture them to check nothing secret is logged. */
  logStream: { write: (line: string) => void }
}

/**
 * A malformed URL is refused before routing, so no hook (security headers, views) runs for it: answer with
 * plain text that names the problem, under headers that let a browser do nothing with it.
 */
function refuseBeforeRouting (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  reply.code(error.statusCode ?? 400)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    .header('x-frame-options', 'DENY')
    .send(`Bad request: ${error.message}\n`)
}

/** A number of hops becomes the function proxy-addr would make of it (Fastify's types take no number). */
function trustProxy (setting: Config['http']['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting
}

/** The app over an already migrated database; `shortlist serve` and the test helper migrate first. */
export async function buildApp (config: Config, deps: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock
  const random = deps.random ?? systemRandom
  const app = Fastify({
    logger: config.log.level === 'silent'
      ? false
      : {
          level: config.log.level,
          ...(deps.logStream !== undefined ? { stream: deps.logStream } : {}),
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
          serializers: {
            // Paths only: query strings can carry tokens.
            req: (req) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip, reqId: req.id })
          }
        },
    bodyLimit: config.http.bodyLimitBytes,
    frameworkErrors: refuseBeforeRouting,
    trustProxy: trustProxy(config.http.trustProxy),
    genReqId: () => uuidFromBytes(random.bytes(16)),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Every route, as registered: the policy matrix test checks that each one has a row.
  const routes: { method: string, url: string }[] = []
  app.addHook('onRoute', ({ method, url }) => {
    for (const m of [method].flat()) if (m !== 'HEAD') routes.push({ method: m, url })
  })
  app.decorate('routeList', routes)

  await app.register(gracefulClose)
  await app.register(database, { config })
  await app.register(services, { config, clock, random })
  await app.register(security, { publicUrl: config.publicUrl })
  await app.register(views, { cache: config.views.cache, publicUrl: config.publicUrl })
  await app.register(errors, { publicUrl: config.publicUrl })
  await app.register(staticAssets)
  // Stable across restarts, so the heartbeat table keeps one row per instance rather than one per boot.
  await app.register(health, { instance: `${hostname()}:${config.port}` })

  // Feeds and calendars are polled by programs: no session is read or made for them.
  await app.register(feeds, { publicUrl: config.publicUrl, siteName: 'Shortlist' })
  await app.register(transparency)
  await app.register(openData, { config })

  // Pages live in their own context with sessions: assets and the health check never read a session row.
  await app.register(async (pages) => {
    await pages.register(sessions, { config, random })
    await pages.register(home, { pageSize: config.limits.pageSize, maxPage: config.limits.maxPage })
    await pages.register(rfp, { config })
    await pages.register(signIn, { config })
    await pages.register(vendorRegister, { config })
    await pages.register(vendorPortal, { pageSize: config.limits.pageSize })
    await pages.register(vendorRfps)
    await pages.register(vendorProposals)
    await pages.register(receipts)
    await pages.register(publicDecision, { publicUrl: config.publicUrl, ocidPrefix: config.publicRecord.ocidPrefix })
    await pages.register(verifyPage, { publicUrl: config.publicUrl })
    await pages.register(committeeRfps)
    await pages.register(committeeQuestions)
    await pages.register(committeeProposals)
    await pages.register(committeeEvaluation)
    await pages.register(vendorDebrief)
    await pages.register(vendorProtest)
    await pages.register(committeeProtests)
    await pages.register(committeeSignIn, { config })
    await pages.register(account, { config })
    await pages.register(adminUsers, { config })
  })
  // The API has no sessions and no cookies: bearer tokens only, so no CSRF to guard against.
  await app.register(apiV1, { publicUrl: config.publicUrl, pageSize: config.limits.pageSize, maxPage: config.limits.maxPage })
  return app
}

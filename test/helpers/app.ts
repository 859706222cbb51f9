// Builds the app on a fresh temporary database with a clock and randomness the test controls.
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { ManualClock, type RandomSource } from '../../src/deps.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import type { UserActor } from '../../src/domain/policy.js'
import { totpCode } from '../../src/domain/second-factor.js'
import { completeTotpEnrolment, newTotpSecret } from '../../src/services/committee-sign-in.js'
import { acceptInvitation, inviteUser } from '../../src/services/invitations.js'
import { createUser } from '../../src/services/users.js'
import { createServiceContext, type ServiceContext } from '../../src/services/context.js'

export const T0 = new Date('2026-12-01T09:00:00.000Z')

/** Repeatable "random" bytes: SHA-256 of a seed and a counter. */
export function seededRandom (seed = 'shortlist-tests'): RandomSource {
  let counter = 0
  return {
    bytes (size) {
      const out = Buffer.alloc(size)
      for (let filled = 0; filled < size; filled += 32) {
        createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, filled)
      }
      return out
    }
  }
}

export function testConfig (t: Test, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ env: { SHORTLIST_CONFIG_FILE: 'config/test.json' }, cwd: process.cwd(), overrides: { dataDir: t.testdir(), ...overrides } })
}

/** A migrated database and a service context over it, closed when the test ends. */
export async function testContext (t: Test, config = testConfig(t), now = T0): Promise<ServiceContext & { clock: ManualClock, config: Config }> {
  const db: Db = openDatabase(config)
  t.teardown(async () => { await db.destroy() })
  const { error } = await migrateToLatest(db)
  if (error !== undefined) throw error
  const clock = new ManualClock(now)
  return { ...createServiceContext({ config, db, clock, random: seededRandom() }), clock, config }
}

/** A signed-up user who can draft RFPs. */
export async function createOwner (ctx: ServiceContext, email = 'owner@example.org'): Promise<UserActor> {
  const { id } = await createUser(ctx, null, { email, displayName: 'Owner' })
  return { kind: 'user', userId: id, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
}

export interface TestApp {
  app: FastifyInstance
  ctx: ServiceContext & { clock: ManualClock }
  config: Config
}

export async function buildTestApp (t: Test, { demo = false, config: overrides = {}, now = T0, logStream }: { demo?: boolean, config?: Record<string, unknown>, now?: Date, logStream?: AppDeps['logStream'] } = {}): Promise<TestApp> {
  const config = testConfig(t, overrides)
  const ctx = await testContext(t, config, now)
  if (demo) await seedDemo(ctx)
  const app = await buildApp(config, { clock: ctx.clock, random: seededRandom('app'), ...(logStream !== undefined ? { logStream } : {}) })
  t.teardown(async () => { await app.close() })
  return { app, ctx, config }
}

export const TEST_PASSWORD = 'a long test passphrase of many words'

/** A committee member (or admin) taken through the real invitation and enrolment, as the pages do it. */
export async function createCommitteeMember (ctx: ServiceContext, email: string, { isAdmin = false, displayName = 'Committee member' } = {}) {
  const { userId, path } = await inviteUser(ctx, null, { email, displayName, isAdmin, mail: false })
  const token = new URLSearchParams(path.split('?')[1]).get('token') ?? ''
  await acceptInvitation(ctx, token, TEST_PASSWORD)
  const secret = newTotpSecret(ctx)
  const { recoveryCodes } = await completeTotpEnrolment(ctx, userId, secret, totpCode(secret, ctx.clock.now()))
  const actor: UserActor = { kind: 'user', userId, isAdmin, organisationId: null, hasSecondFactor: true, secondFactorAt: ctx.clock.now().toISOString() }
  return { userId, secret, recoveryCodes, actor }
}

// Builds the app on a fresh temporary database with a clock and randomness the test controls.
import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { sql } from 'kysely'
import { kindOf, openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { ManualClock, type RandomSource } from '../../src/deps.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import type { UserActor } from '../../src/domain/policy.js'
import { totpCode } from '../../src/domain/second-factor.js'
import { completeTotpEnrolment, newTotpSecret } from '../../src/services/committee-sign-in.js'
import { acceptInvitation, inviteUser } from '../../src/services/invitations.js'
import { createUser } from '../../src/services/users.js'
import { registerVendor } from '../../src/services/vendors.js'
import { findUserByEmail } from '../../src/db/users.js'
import { findContact, insertContact } from '../../src/db/vendors.js'
import { normalizeEmail } from '../../src/domain/email.js'
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

/**
 * The suite runs on SQLite, and again on PostgreSQL when TEST_DATABASE=postgres
 * (`npm test` does that second run when TEST_POSTGRES_URL names a server).
 */
export const onPostgres = process.env.TEST_DATABASE === 'postgres'

/** On PostgreSQL, a fresh database for this test on the server, dropped when the test ends; the config points at it. */
async function withTestDatabase (t: Test, config: Config): Promise<Config> {
  if (!onPostgres || config.database.url !== '') return config
  return { ...config, database: { ...config.database, url: await freshPostgresDatabase(t) } }
}

/** The URL of a new, empty database on the PostgreSQL test server, dropped when the test ends. */
export async function freshPostgresDatabase (t: Test): Promise<string> {
  const server = process.env.TEST_POSTGRES_URL
  if (server === undefined || server === '') throw new Error('TEST_DATABASE=postgres needs TEST_POSTGRES_URL')
  const name = `shortlist_test_${randomBytes(8).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  try { await admin.query(`create database ${name}`) } finally { await admin.end() }
  t.teardown(async () => {
    const dropper = new pg.Client({ connectionString: server })
    await dropper.connect()
    try { await dropper.query(`drop database if exists ${name} with (force)`) } finally { await dropper.end() }
  })
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}

/** A migrated database and a service context over it, closed when the test ends. */
export async function testContext (t: Test, baseConfig = testConfig(t), now = T0): Promise<ServiceContext & { clock: ManualClock, config: Config }> {
  const config = await withTestDatabase(t, baseConfig)
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
  ctx: ServiceContext & { clock: ManualClock, config: Config }
  config: Config
}

export async function buildTestApp (t: Test, { demo = false, config: overrides = {}, now = T0, logStream }: { demo?: boolean, config?: Record<string, unknown>, now?: Date, logStream?: AppDeps['logStream'] } = {}): Promise<TestApp> {
  const ctx = await testContext(t, testConfig(t, overrides), now)
  const config = ctx.config
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

/**
 * Makes each `op` on `table` fail with `message` (only for rows whose `when.column` becomes `when.equals`):
 * how tests break the database in the middle of an action, on either database. Test-only constants.
 */
export async function refuseWrites (db: Db, table: string, op: 'INSERT' | 'UPDATE', message: string, when?: { column: string, equals: string }): Promise<void> {
  const name = `refuse_${table}_${op.toLowerCase()}`
  if (kindOf(db) === 'postgres') {
    await sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`).execute(db)
    await sql.raw(`CREATE TRIGGER ${name} BEFORE ${op} ON ${table} FOR EACH ROW ${when === undefined ? '' : `WHEN (NEW.${when.column} = '${when.equals}')`} EXECUTE FUNCTION ${name}()`).execute(db)
  } else {
    await sql.raw(`CREATE TRIGGER ${name} BEFORE ${op} ON ${table} ${when === undefined ? '' : `WHEN NEW.${when.column} = '${when.equals}'`} BEGIN SELECT RAISE(ABORT, '${message}'); END`).execute(db)
  }
}

export interface VendorContact { actor: UserActor, organisationId: string, email: string }

/** A registered vendor organisation with its first contact, as that contact acts once signed in. */
export async function createVendorContact (ctx: ServiceContext, organisation: string, email: string): Promise<VendorContact> {
  await registerVendor(ctx, { organisation, website: '', contactName: `${organisation} contact`, email })
  const user = await findUserByEmail(ctx.db, normalizeEmail(email))
  const contact = user === undefined ? undefined : await findContact(ctx.db, user.id)
  if (user === undefined || contact === undefined) throw new Error(`${email} is no vendor contact`)
  return { actor: { kind: 'user', userId: user.id, isAdmin: false, organisationId: contact.organisationId, hasSecondFactor: false, secondFactorAt: null }, organisationId: contact.organisationId, email }
}

/** Another contact of an existing organisation. */
export async function addVendorContact (ctx: ServiceContext, organisationId: string, email: string): Promise<void> {
  const { id } = await createUser(ctx, null, { email, displayName: 'Second contact' })
  await insertContact(ctx.db, id, organisationId, ctx.clock.now().toISOString())
}

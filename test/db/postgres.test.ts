// The same migrations on PostgreSQL (the PostgreSQL pass of the suite): up from empty, all the way down, up again.
import { readdirSync } from 'node:fs'
import { sql } from 'kysely'
import t from 'tap'
import { kindOf } from '../../src/db/database.js'
import { appliedMigrationNames, migrateDown, migrateToLatest } from '../../src/db/migrator.js'
import { migrationsDir } from '../../src/paths.js'
import { appendAuditEvent } from '../../src/services/audit.js'
import { onPostgres, testContext } from '../helpers/app.js'

const MIGRATIONS = readdirSync(migrationsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort()
const skip = onPostgres ? false : 'runs in the PostgreSQL pass'

t.test('every migration runs up, down and up again on PostgreSQL; the audit log refuses changes there too', { skip }, async (t) => {
  const ctx = await testContext(t)
  t.equal(kindOf(ctx.db), 'postgres')
  t.same(await appliedMigrationNames(ctx.db), MIGRATIONS)
  await ctx.db.transaction().execute(async (trx) => {
    await appendAuditEvent(trx, { at: ctx.clock.now().toISOString(), type: 'test.event', actorId: null, rfpId: null, public: false, data: {} })
  })
  await t.rejects(sql`update audit_events set type = 'forged'`.execute(ctx.db), /append-only/)
  await t.rejects(sql`delete from audit_events`.execute(ctx.db), /append-only/)
  await t.rejects(sql`truncate audit_events`.execute(ctx.db), /append-only/)
  for (let i = MIGRATIONS.length - 1; i >= 0; i--) {
    const { applied, error } = await migrateDown(ctx.db)
    t.equal(error, undefined)
    t.same(applied.map((m) => m.name), [MIGRATIONS[i]])
  }
  t.same(await appliedMigrationNames(ctx.db), [])
  const again = await migrateToLatest(ctx.db)
  t.equal(again.error, undefined)
  t.same(again.applied.map((m) => m.name), MIGRATIONS)
})

// Both storage backends, on whichever database this pass of the suite runs: round trip, limits, commit, orphans.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { commitStoredFile } from '../../src/db/stored-files.js'
import { readStoredFile, storeFile, sweepOrphanFiles } from '../../src/services/stored-files.js'
import { testConfig, testContext } from '../helpers/app.js'

async function * pieces (total: number, size: number): AsyncIterable<Uint8Array> {
  for (let sent = 0; sent < total; sent += size) yield Buffer.alloc(Math.min(size, total - sent), sent % 251)
}

async function collect (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of source) parts.push(Buffer.from(part))
  return Buffer.concat(parts)
}

for (const backend of ['local', 'database'] as const) {
  t.test(`${backend} backend`, async (t) => {
    const ctx = await testContext(t, testConfig(t, { storage: { backend, chunkBytes: 4096 } }))
    t.equal(ctx.files.backend, backend)

    const expected = await collect(pieces(10_000, 3000))
    const stored = await storeFile(ctx, pieces(10_000, 3000), { maxBytes: 10_000 })
    t.equal(stored.size, 10_000)
    t.match(stored.sha256, /^[0-9a-f]{64}$/)
    await t.rejects(readStoredFile(ctx, stored.id), { code: 'SL_NOT_FOUND' }, 'not readable until an action commits it')
    t.equal(await ctx.db.transaction().execute(async (trx) => await commitStoredFile(trx, stored.id, ctx.clock.now().toISOString())), true)
    const read = await readStoredFile(ctx, stored.id)
    t.same(await collect(read.content), expected, 'the same bytes back, across chunk boundaries')
    if (backend === 'database') {
      const chunks = await ctx.db.selectFrom('stored_file_chunks').select('n').where('file_id', '=', stored.id).orderBy('n').execute()
      t.same(chunks.map((c) => c.n), [0, 1, 2], '4096-byte chunks')
    }

    await t.rejects(storeFile(ctx, pieces(10_001, 3000), { maxBytes: 10_000 }), { statusCode: 413, code: 'SL_TOO_LARGE' })
    t.same((await ctx.db.selectFrom('stored_files').select('id').execute()).map((r) => r.id), [stored.id], 'nothing left of the refused file')
    t.equal((await ctx.db.selectFrom('stored_file_chunks').select('n').where('file_id', '!=', stored.id).execute()).length, 0)
    if (backend === 'local') {
      const folder = join(ctx.config.dataDir, 'files')
      t.same(readdirSync(folder).flatMap((sub) => readdirSync(join(folder, sub))), [stored.id], 'and no bytes on disk')
    }

    const orphan = await storeFile(ctx, pieces(100, 100), { maxBytes: 1000 })
    t.equal(await sweepOrphanFiles(ctx), 0, 'within its grace period an upload waits for its action')
    ctx.clock.advance(24 * 60 * 60 * 1000 + 1)
    t.equal(await sweepOrphanFiles(ctx), 1, 'then it is swept')
    t.equal(await ctx.db.selectFrom('stored_files').select('id').where('id', '=', orphan.id).executeTakeFirst(), undefined)
    if (backend === 'local') t.notOk(existsSync(join(ctx.config.dataDir, 'files', orphan.id.slice(0, 2), orphan.id)), 'bytes removed')
    t.same(await collect((await readStoredFile(ctx, stored.id)).content), expected, 'the committed file stays')
  })
}

t.test('one large piece is cut into chunks without copying it whole; a cut file and a file of the other store are errors', async (t) => {
  const ctx = await testContext(t, testConfig(t, { storage: { backend: 'database', chunkBytes: 4096 } }))
  async function * one (): AsyncIterable<Uint8Array> { yield Buffer.alloc(10_000, 3); yield Buffer.alloc(100, 4) }
  const stored = await storeFile(ctx, one(), { maxBytes: 20_000 })
  await ctx.db.transaction().execute(async (trx) => { await commitStoredFile(trx, stored.id, ctx.clock.now().toISOString()) })
  const chunks = await ctx.db.selectFrom('stored_file_chunks').select(['n', 'data']).where('file_id', '=', stored.id).orderBy('n').execute()
  t.same(chunks.map((c) => c.data.length), [4096, 4096, 1908])
  t.same(await collect((await readStoredFile(ctx, stored.id)).content), Buffer.concat([Buffer.alloc(10_000, 3), Buffer.alloc(100, 4)]))

  await ctx.db.deleteFrom('stored_file_chunks').where('file_id', '=', stored.id).where('n', '=', 2).execute()
  await t.rejects(collect((await readStoredFile(ctx, stored.id)).content), /has 8192 bytes where 10100 were written/, 'a missing chunk is not a short read')

  const local = await testContext(t, testConfig(t, { storage: { backend: 'local' } }))
  await local.db.insertInto('stored_files').values({ id: stored.id, backend: 'database', size: 1, sha256: 'x', created_at: 'x', committed_at: 'x' }).execute()
  await t.rejects(readStoredFile(local, stored.id), { code: 'SL_INVALID_STATE', message: /in the database store/ })
})

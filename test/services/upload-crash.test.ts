// DESIGN §3.6 "nothing lost": a crash can leave an orphan file, never a row without its file, and never a
// receipt for what was not kept. A child process opens this test's database and store, starts an upload and
// is killed (SIGKILL) in the middle of it; the orphan it leaves is swept once its grace period is over.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { getMyProposal, submitProposal } from '../../src/services/proposals.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { ORPHAN_GRACE_MS, readStoredFile, sweepOrphanFiles } from '../../src/services/stored-files.js'
import { T0, createOwner, createVendorContact, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

/** Every file under the store's folder, `.partial` ones included, with its size. */
async function filesOnDisk (ctx: Ctx): Promise<{ path: string, size: number }[]> {
  const folder = join(ctx.config.dataDir, 'files')
  if (!existsSync(folder)) return []
  const found: { path: string, size: number }[] = []
  for (const entry of await readdir(folder, { recursive: true })) {
    const info = await stat(join(folder, entry))
    if (info.isFile()) found.push({ path: entry, size: info.size })
  }
  return found.sort((a, b) => a.path.localeCompare(b.path))
}

/** Runs test/fixtures/upload-then-die.ts against this test's database as `actor`, and waits for it to end. */
async function uploadThenDie (ctx: Ctx, actor: UserActor, slug: string): Promise<{ code: number | null, signal: NodeJS.Signals | null, stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'fixtures', 'upload-then-die.ts')], {
    cwd: process.cwd(),
    env: { ...process.env, UPLOAD_JOB: JSON.stringify({ config: ctx.config, actor, slug, now: ctx.clock.now().toISOString() }) },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  return await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => { resolve({ code, signal, stderr }) })
  })
}

async function rowsOf (ctx: Ctx) {
  return {
    proposals: await ctx.db.selectFrom('proposals').select(['id', 'organisation_id']).execute(),
    versions: await ctx.db.selectFrom('proposal_versions').select('receipt_hash').execute(),
    files: await ctx.db.selectFrom('proposal_files').select('stored_file_id').execute(),
    receiptMails: await ctx.db.selectFrom('mail_outbox').select('to_address').where('template', '=', 'proposal-receipt').execute(),
    submitted: (await readAuditEvents(ctx.db, 0, 1000)).filter((e) => e.type === 'proposal.submitted').length
  }
}

t.test('a server killed during an upload leaves no receipt and no row, and the orphan is swept', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const { id, slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  await publishRfp(ctx, owner, id)
  const alpha = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const beta = await createVendorContact(ctx, 'Beta Security', 'bo@beta.example')

  // Another vendor's complete proposal, whose committed files no sweep may touch.
  const kept = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    kept.push(await sealUpload(ctx, beta.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(part)]), maxBytes: 10_000_000 }))
  }
  await submitProposal(ctx, beta.actor, slug, { content: { summary: 'Beta', personnel: [] }, partners: [] }, kept)
  const before = await rowsOf(ctx)
  const keptOnDisk = await filesOnDisk(ctx)
  t.equal(keptOnDisk.length, 3)

  ctx.clock.advance(60_000)
  const crashedAt = ctx.clock.now().toISOString()
  const child = await uploadThenDie(ctx, alpha.actor, slug)
  t.equal(child.signal, 'SIGKILL', `the upload's process was killed mid-stream${child.stderr === '' ? '' : `: ${child.stderr}`}`)
  t.equal(child.code, null)

  t.same(await rowsOf(ctx), before, 'no proposal, version, file row, receipt mail or audit event came of it')
  const mine = await getMyProposal(ctx, alpha.actor, slug)
  t.same([mine.status, mine.currentVersion, mine.versions], [null, 0, []], 'the vendor has no proposal and no receipt')

  const orphans = await ctx.db.selectFrom('stored_files').selectAll().where('committed_at', 'is', null).execute()
  t.equal(orphans.length, 1, 'the interrupted upload left one stored_files row')
  const orphan = orphans[0]!
  t.match(orphan, { committed_at: null, sha256: null, created_at: crashedAt }, 'uncommitted and never finished')
  await t.rejects(readStoredFile(ctx, orphan.id), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'it cannot be read as a file')
  const partial = (await filesOnDisk(ctx)).filter((f) => !keptOnDisk.some((k) => k.path === f.path))
  t.same(partial.map((f) => f.path), [join(orphan.id.slice(0, 2), `${orphan.id}.partial`)], 'its bytes are a .partial file, never renamed into place')
  t.ok(partial[0]!.size > 0, `with the ${partial[0]?.size ?? 0} sealed bytes written before the kill`)

  t.equal(await sweepOrphanFiles(ctx), 0, 'within its grace period the orphan is left alone (the upload might still be going)')
  ctx.clock.set(new Date(Date.parse(crashedAt) + ORPHAN_GRACE_MS))
  t.equal(await sweepOrphanFiles(ctx), 0, 'still at exactly the grace period')
  t.equal((await ctx.db.selectFrom('stored_files').select('id').execute()).length, 4)

  ctx.clock.advance(1)
  t.equal(await sweepOrphanFiles(ctx), 1, 'past it, the orphan is swept')
  t.same(await ctx.db.selectFrom('stored_files').select('id').where('id', '=', orphan.id).execute(), [], 'its row is gone')
  t.same(await filesOnDisk(ctx), keptOnDisk, 'and its bytes, .partial included; the committed files stay')
  t.equal((await ctx.db.selectFrom('stored_files').select('id').where('committed_at', 'is not', null).execute()).length, 3)
  for (const file of kept) t.equal((await readStoredFile(ctx, file.storedFileId)).id, file.storedFileId, 'a committed file is still readable')
  t.equal(await sweepOrphanFiles(ctx), 0, 'a second sweep finds nothing')
  t.same(await rowsOf(ctx), before)
})

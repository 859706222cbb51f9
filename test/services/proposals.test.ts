// Proposals on a real database: replacing and withdrawing, the deadline (checked inside the committing
// transaction), amendments to acknowledge, required parts, eligibility, the limits and the magic-byte check,
// the price envelope, consortium confirmations, the audit events and the receipt mails. Every refusal is
// checked to leave no proposal behind, and a refused upload to leave nothing in the store.
import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { findUserByEmail } from '../../src/db/users.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { canonicalHash, canonicalJson } from '../../src/domain/canonical-json.js'
import { normalizeEmail } from '../../src/domain/email.js'
import type { UserActor } from '../../src/domain/policy.js'
import type { ProposalInput } from '../../src/domain/proposal.js'
import { receiptHash } from '../../src/domain/receipt.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { SealError, unsealBytes } from '../../src/domain/sealing.js'
import { DAY_MS, formatInstant } from '../../src/domain/time.js'
import { amendRfp } from '../../src/services/amendments.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { listProposalsForCommittee } from '../../src/services/opening.js'
import { openingPrivateKey, sealingContext } from '../../src/services/opening-keys.js'
import { sealUpload, type UploadedFile } from '../../src/services/proposal-uploads.js'
import { confirmConsortium, getMyProposal, getReceipt, listPublicReceipts, previewConsortium, submitProposal, withdrawProposal } from '../../src/services/proposals.js'
import { acknowledgeAmendment } from '../../src/services/rfp-vendors.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { discardStoredFiles } from '../../src/services/stored-files.js'
import { T0, addVendorContact, createOwner, createVendorContact, testConfig, testContext, type VendorContact } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
type TestT = Parameters<typeof testContext>[0]

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
const REQUIRED = ['plan', 'cvs', 'example-reports'] as const

async function upload (ctx: Ctx, actor: UserActor, slug: string, part: string, bytes: Buffer | Buffer[], fileName = `${part}.pdf`, maxBytes = 10_000_000): Promise<UploadedFile> {
  return await sealUpload(ctx, actor, slug, { part, fileName, content: Readable.from(Array.isArray(bytes) ? bytes : [bytes]), maxBytes })
}

/** The three required files, their text marked with `tag`. */
async function requiredFiles (ctx: Ctx, actor: UserActor, slug: string, tag: string): Promise<UploadedFile[]> {
  const files: UploadedFile[] = []
  for (const part of REQUIRED) files.push(await upload(ctx, actor, slug, part, pdf(`${part} ${tag}`)))
  return files
}

const proposal = (summary: string, extra: Partial<ProposalInput> = {}): ProposalInput => ({ content: { summary, personnel: [{ name: 'Ada', role: 'Lead', experience: '10 years' }] }, partners: [], ...extra })

type Vendors = { alpha: VendorContact, beta: VendorContact, gamma: VendorContact }

/** A published RFP (its draft may name the vendors, registered first) and three vendor organisations. */
async function published (t: TestT, { draft = securityAuditRfp(T0), config }: { draft?: RfpDraft | ((vendors: Vendors) => RfpDraft), config?: Record<string, unknown> } = {}) {
  const ctx = await testContext(t, testConfig(t, config ?? {}))
  const owner = await createOwner(ctx, 'chair@example.org')
  const alpha = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const beta = await createVendorContact(ctx, 'Beta Security', 'bo@beta.example')
  const gamma = await createVendorContact(ctx, 'Gamma Labs', 'gil@gamma.example')
  const document = typeof draft === 'function' ? draft({ alpha, beta, gamma }) : draft
  const { id, slug } = await createRfpDraft(ctx, owner, document)
  await publishRfp(ctx, owner, id)
  return { ctx, owner, id, slug, document, dueAt: new Date(Date.parse(document.schedule.proposalsDueAt)), alpha, beta, gamma }
}

async function outbox (ctx: Ctx, template: string) {
  return await ctx.db.selectFrom('mail_outbox').selectAll().where('template', '=', template).orderBy('to_address').execute()
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 1000)).filter((e) => e.type === type)
}

async function counts (ctx: Ctx) {
  const n = async (table: 'proposals' | 'proposal_versions' | 'proposal_files' | 'proposal_partners' | 'stored_files'): Promise<number> =>
    (await ctx.db.selectFrom(table).selectAll().execute()).length
  return {
    proposals: await n('proposals'),
    versions: await n('proposal_versions'),
    files: await n('proposal_files'),
    partners: await n('proposal_partners'),
    receiptMails: (await outbox(ctx, 'proposal-receipt')).length,
    submittedEvents: (await eventsOf(ctx, 'proposal.submitted')).length
  }
}

const NOTHING = { proposals: 0, versions: 0, files: 0, partners: 0, receiptMails: 0, submittedEvents: 0 }

async function storedFiles (ctx: Ctx) {
  return await ctx.db.selectFrom('stored_files').selectAll().orderBy('created_at').execute()
}

/** Every file under the store's folder, `.partial` ones included. */
async function filesOnDisk (ctx: Ctx): Promise<string[]> {
  const folder = join(ctx.config.dataDir, 'files')
  if (!existsSync(folder)) return []
  const found: string[] = []
  for (const entry of await readdir(folder, { recursive: true })) {
    if ((await stat(join(folder, entry))).isFile()) found.push(entry)
  }
  return found
}

const storedPath = (ctx: Ctx, id: string): string => join(ctx.config.dataDir, 'files', id.slice(0, 2), id)

async function contactActor (ctx: Ctx, email: string, organisationId: string): Promise<UserActor> {
  const user = await findUserByEmail(ctx.db, normalizeEmail(email))
  if (user === undefined) throw new Error(`no user ${email}`)
  return { kind: 'user', userId: user.id, isAdmin: false, organisationId, hasSecondFactor: false, secondFactorAt: null }
}

t.test('replacing keeps versions 1, 2 and 3 with a receipt each; the last counts, and the public list says so after the deadline', async (t) => {
  const { ctx, owner, slug, dueAt, alpha } = await published(t)
  const receipts: { hash: string, version: number }[] = []
  for (const n of [1, 2, 3]) {
    ctx.clock.advance(60_000)
    const receipt = await submitProposal(ctx, alpha.actor, slug, proposal(`Version ${n}`), await requiredFiles(ctx, alpha.actor, slug, `v${n}`))
    t.equal(receipt.version, n, `submission ${n} is version ${n}`)
    t.equal(receipt.hash, receiptHash(receipt.manifest))
    t.match(receipt.manifest, { proposal: { version: n }, submittedAt: ctx.clock.now().toISOString() })
    receipts.push(receipt)
  }
  t.equal(new Set(receipts.map((r) => r.hash)).size, 3, 'three distinct receipts')

  const versions = await ctx.db.selectFrom('proposal_versions').select(['number', 'receipt_hash']).orderBy('number').execute()
  t.same(versions.map((v) => [v.number, v.receipt_hash]), receipts.map((r) => [r.version, r.hash]), 'every version is kept')
  for (const n of [1, 2, 3]) {
    t.equal((await ctx.db.selectFrom('proposal_files').select('n').where('version', '=', n).execute()).length, 3, `version ${n} keeps its three files`)
  }
  t.equal((await storedFiles(ctx)).filter((f) => f.committed_at !== null).length, 9, 'all nine files are committed')
  t.equal((await ctx.db.selectFrom('proposals').selectAll().execute()).length, 1, 'one proposal')

  const mine = await getMyProposal(ctx, alpha.actor, slug)
  t.equal(mine.currentVersion, 3)
  t.equal(mine.status, 'submitted')
  t.same(mine.versions.map((v) => v.number), [3, 2, 1])
  t.same(mine.files.map((f) => f.name).sort(), ['cvs.pdf', 'example-reports.pdf', 'plan.pdf'])

  for (const [i, r] of receipts.entries()) {
    const back = await getReceipt(ctx, alpha.actor, slug, r.hash)
    t.equal(back.version, i + 1)
    t.equal(back.current, i === 2, `receipt ${i + 1} is ${i === 2 ? '' : 'not '}the current one`)
  }
  const mails = await outbox(ctx, 'proposal-receipt')
  t.equal(mails.length, 3, 'a receipt mail per version')
  for (const r of receipts) t.ok(mails.some((m) => m.text_body.includes(r.hash)), 'each receipt is mailed')

  const sealed = await listProposalsForCommittee(ctx, owner, slug)
  t.equal(sealed.count, 1, 'the committee counts one proposal')
  t.same(sealed.receipts, [receipts[2]!.hash], 'and sees only the hash of the version that counts')

  t.same(await listPublicReceipts(ctx, slug).then((l) => [l.published, l.receipts]), [false, []], 'no public list before the deadline')
  ctx.clock.set(dueAt)
  const list = await listPublicReceipts(ctx, slug)
  t.equal(list.published, true)
  const standing = new Map(list.receipts.map((r) => [r.hash, r.standing]))
  t.same([standing.get(receipts[0]!.hash), standing.get(receipts[1]!.hash), standing.get(receipts[2]!.hash)], ['replaced', 'replaced', 'counted'])
  t.equal(list.receipts.length, 3)
})

t.test('a withdrawn proposal is kept but not counted; a new submission counts again', async (t) => {
  const { ctx, owner, slug, dueAt, alpha, beta } = await published(t)
  const first = await submitProposal(ctx, alpha.actor, slug, proposal('First'), await requiredFiles(ctx, alpha.actor, slug, 'first'))
  const betas = await submitProposal(ctx, beta.actor, slug, proposal('Beta'), await requiredFiles(ctx, beta.actor, slug, 'beta'))
  t.equal((await listProposalsForCommittee(ctx, owner, slug)).count, 2)

  ctx.clock.advance(60_000)
  await withdrawProposal(ctx, alpha.actor, slug)
  const mine = await getMyProposal(ctx, alpha.actor, slug)
  t.equal(mine.status, 'withdrawn')
  t.equal(mine.versions.length, 1, 'the withdrawn version stays on record')
  t.equal((await getReceipt(ctx, alpha.actor, slug, first.hash)).current, false, 'its receipt no longer counts')
  const committee = await listProposalsForCommittee(ctx, owner, slug)
  t.equal(committee.count, 1, 'the committee no longer counts it')
  t.same(committee.receipts, [betas.hash])
  t.equal((await outbox(ctx, 'proposal-withdrawn')).length, 1, 'the contact is told')
  await t.rejects(withdrawProposal(ctx, alpha.actor, slug), { statusCode: 409, message: /no proposal standing to withdraw/ }, 'withdrawing twice is refused')
  await t.rejects(withdrawProposal(ctx, (await createVendorContact(ctx, 'Delta', 'dee@delta.example')).actor, slug), { statusCode: 409, code: 'SL_INVALID_STATE' }, 'so is withdrawing nothing')

  ctx.clock.advance(60_000)
  const again = await submitProposal(ctx, alpha.actor, slug, proposal('Second'), await requiredFiles(ctx, alpha.actor, slug, 'second'))
  t.equal(again.version, 2, 'resubmitting makes version 2')
  t.equal((await getMyProposal(ctx, alpha.actor, slug)).status, 'submitted')
  const counted = await listProposalsForCommittee(ctx, owner, slug)
  t.equal(counted.count, 2, 'and counts again')
  t.same(counted.receipts, [again.hash, betas.hash].sort())

  ctx.clock.advance(60_000)
  await withdrawProposal(ctx, beta.actor, slug)
  ctx.clock.set(dueAt)
  await t.rejects(withdrawProposal(ctx, alpha.actor, slug), { statusCode: 409, message: /deadline has passed/ }, 'no withdrawal after the deadline')
  const standing = new Map((await listPublicReceipts(ctx, slug)).receipts.map((r) => [r.hash, r.standing]))
  t.same([standing.get(first.hash), standing.get(again.hash), standing.get(betas.hash)], ['replaced', 'counted', 'withdrawn'])
  t.equal((await listProposalsForCommittee(ctx, owner, slug)).count, 1)
})

t.test('the deadline is checked inside the committing transaction, to the millisecond, with a message naming it', async (t) => {
  const { ctx, slug, document, dueAt, alpha } = await published(t)
  const deadline = formatInstant(document.schedule.proposalsDueAt, document.timeZone)
  const late = { statusCode: 409, message: new RegExp(`${deadline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*deadline has passed`) }
  t.match(deadline, /2026/, 'the deadline reads as a date')

  const before = new Date(dueAt.getTime() - 1)
  ctx.clock.set(new Date(dueAt.getTime() - 60_000))
  const files = await requiredFiles(ctx, alpha.actor, slug, 'early')

  // The clock passes the deadline the moment the submission's transaction begins: everything before it still
  // saw a time before the deadline, so only a check inside the transaction refuses this one.
  ctx.clock.set(before)
  const db = new Proxy(ctx.db, {
    get (target, prop) {
      const value: unknown = Reflect.get(target, prop, target)
      if (prop === 'transaction') return () => { ctx.clock.set(dueAt); return target.transaction() }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
  })
  await t.rejects(submitProposal({ ...ctx, db }, alpha.actor, slug, proposal('In time?'), files), late, 'the clock at commit decides')
  t.same(await counts(ctx), NOTHING, 'nothing of the refused submission is kept')
  t.same((await storedFiles(ctx)).map((f) => f.committed_at), [null, null, null], 'its files stay uncommitted')

  ctx.clock.set(before)
  const inTime = await submitProposal(ctx, alpha.actor, slug, proposal('Just in time'), files)
  t.equal(inTime.version, 1, 'a millisecond before the deadline is in time')
  t.equal(inTime.manifest.submittedAt, before.toISOString())

  ctx.clock.set(new Date(dueAt.getTime() - 30_000))
  const later = await requiredFiles(ctx, alpha.actor, slug, 'replacement')
  ctx.clock.set(new Date(dueAt.getTime() + 1))
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('One millisecond late'), later), late, 'uploaded in time, submitted a millisecond late: refused')
  ctx.clock.set(dueAt)
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Exactly at the deadline'), later), late, 'exactly at the deadline: refused')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', pdf('late')), late, 'and an upload at the deadline is refused before it starts')
  t.same(await counts(ctx), { ...NOTHING, proposals: 1, versions: 1, files: 3, receiptMails: 1, submittedEvents: 1 }, 'only the submission in time is kept')
  t.equal((await getMyProposal(ctx, alpha.actor, slug)).currentVersion, 1)
  t.equal((await storedFiles(ctx)).filter((f) => f.committed_at === null).length, 3, 'the late files are not committed')
})

t.test('amendments not yet acknowledged are named, and block the submission until they are', async (t) => {
  const { ctx, owner, slug, document, alpha } = await published(t)
  ctx.clock.advance(DAY_MS)
  await amendRfp(ctx, owner, slug, { ...document, summary: `${document.summary} Retests included.` }, 'Retests')
  await amendRfp(ctx, owner, slug, { ...document, summary: `${document.summary} Retests included. Fuzzing too.` }, 'Fuzzing')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', pdf('unread')), { statusCode: 409, message: /acknowledge amendments 2, 3 / }, 'the upload is refused before a byte is stored')
  t.same(await storedFiles(ctx), [])
  await acknowledgeAmendment(ctx, alpha.actor, slug, 2)
  await acknowledgeAmendment(ctx, alpha.actor, slug, 3)
  const files = await requiredFiles(ctx, alpha.actor, slug, 'amended')
  // An amendment issued while the files were arriving is caught by the submission itself.
  await amendRfp(ctx, owner, slug, { ...document, summary: `${document.summary} Retests included. Fuzzing too. Reports in English.` }, 'Language')
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Half read'), files), { statusCode: 409, message: /acknowledge amendment 4 / })
  t.same(await counts(ctx), NOTHING)
  t.same((await getMyProposal(ctx, alpha.actor, slug)).unacknowledged, [4])
  await acknowledgeAmendment(ctx, alpha.actor, slug, 4)
  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('Read'), files)
  t.match(receipt.manifest, { rfp: { version: 4 } }, 'the receipt names the version the proposal answers')
})

t.test('a missing required part is named, nothing is kept, and the uploads are discarded whole', async (t) => {
  const { ctx, slug, alpha } = await published(t)
  const files = [await upload(ctx, alpha.actor, slug, 'plan', pdf('plan')), await upload(ctx, alpha.actor, slug, 'example-reports', pdf('reports'))]
  const paths = files.map((f) => storedPath(ctx, f.storedFileId))
  t.ok(paths.every((p) => existsSync(p)), 'the uploads are stored')
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('No CVs'), files), {
    statusCode: 400, code: 'SL_INVALID_INPUT', message: /CVs of the proposed team is required/, problems: [{ path: 'files.cvs' }]
  })
  const unknownPart = await upload(ctx, alpha.actor, slug, 'appendix', pdf('appendix'))
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Odd part'), [...files, unknownPart]), { statusCode: 400, message: /names no requirement of this RFP \(appendix\)/ })
  t.same(await counts(ctx), NOTHING, 'no proposal, version, file row, mail or event')
  const ids = [...files, unknownPart].map((f) => f.storedFileId)
  t.same((await storedFiles(ctx)).map((f) => f.committed_at), [null, null, null])

  await discardStoredFiles(ctx, ids)
  t.same(await storedFiles(ctx), [], 'the rows are gone')
  t.ok(paths.every((p) => !existsSync(p)), 'and the bytes')
  t.same(await filesOnDisk(ctx), [])
})

t.test('an invited-only RFP refuses a vendor it did not invite', async (t) => {
  const { ctx, slug, alpha, beta } = await published(t, { draft: ({ alpha }) => ({ ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [alpha.organisationId] } }) })
  await t.rejects(upload(ctx, beta.actor, slug, 'plan', pdf('uninvited')), { statusCode: 403, message: /invited vendors only/ }, 'the upload is refused before a byte is stored')
  t.same(await storedFiles(ctx), [])
  await t.rejects(submitProposal(ctx, beta.actor, slug, proposal('Uninvited'), []), { statusCode: 403, message: /invited vendors only/ })
  t.same(await counts(ctx), NOTHING)
  t.equal((await getMyProposal(ctx, beta.actor, slug)).eligible, false)
  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('Invited'), await requiredFiles(ctx, alpha.actor, slug, 'alpha'))
  t.equal(receipt.version, 1, 'the invited vendor may submit')
})

t.test('a receipt is read only by contacts of its own organisation', async (t) => {
  const { ctx, slug, alpha, beta } = await published(t)
  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('Ours'), await requiredFiles(ctx, alpha.actor, slug, 'ours'))
  await addVendorContact(ctx, alpha.organisationId, 'second@alpha.example')
  const colleague = await contactActor(ctx, 'second@alpha.example', alpha.organisationId)
  t.equal((await getReceipt(ctx, colleague, slug, receipt.hash)).hash, receipt.hash, 'a colleague reads it')
  await t.rejects(getReceipt(ctx, beta.actor, slug, receipt.hash), { statusCode: 404, message: /no receipt with that hash/ }, 'another organisation gets a 404')
  await t.rejects(getReceipt(ctx, alpha.actor, slug, 'f'.repeat(64)), { statusCode: 404, code: 'SL_NOT_FOUND' })
})

t.test('the limits: files per proposal, bytes per proposal, bytes per file', async (t) => {
  const { ctx, slug, alpha } = await published(t, { config: { proposals: { maxFiles: 3, maxFileBytes: 4096, maxProposalBytes: 8192, allowedTypes: 'pdf,png,jpeg,text' } } })

  const padded = (tag: string, size: number): Buffer => Buffer.concat([pdf(tag), Buffer.alloc(size - pdf(tag).length, 0x20)])
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', padded('big', 5000)), { statusCode: 413, code: 'SL_TOO_LARGE', message: /"plan.pdf" is larger than 4096 bytes/ }, 'a file over maxFileBytes')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', Array.from({ length: 10 }, (_, i) => i === 0 ? pdf('chunked') : Buffer.alloc(1000, 0x20))), { statusCode: 413, code: 'SL_TOO_LARGE' }, 'also when it arrives in pieces')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', padded('room', 3000), 'plan.pdf', 2000), { statusCode: 413, message: /larger than 2000 bytes/ }, 'and over what is left of the proposal')
  t.same(await storedFiles(ctx), [], 'nothing is left in stored_files')
  t.same(await filesOnDisk(ctx), [], 'nor on disk')

  const exact = await upload(ctx, alpha.actor, slug, 'plan', padded('exact', 4096))
  t.equal(exact.size, 4096, 'exactly maxFileBytes is accepted')
  const four = [exact, await upload(ctx, alpha.actor, slug, 'cvs', pdf('cvs')), await upload(ctx, alpha.actor, slug, 'example-reports', pdf('reports')), await upload(ctx, alpha.actor, slug, 'other', pdf('other'))]
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Four files'), four), { statusCode: 413, code: 'SL_TOO_LARGE', message: /at most 3 files/ }, 'more than maxFiles')

  const heavy = [exact, await upload(ctx, alpha.actor, slug, 'cvs', padded('cvs', 3000)), await upload(ctx, alpha.actor, slug, 'example-reports', padded('reports', 3000))]
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Heavy'), heavy), { statusCode: 413, code: 'SL_TOO_LARGE', message: /total 10096 bytes; a proposal may total 8192/ }, 'more than maxProposalBytes in all')
  t.same(await counts(ctx), NOTHING, 'no proposal is kept')
  t.ok((await storedFiles(ctx)).every((f) => f.committed_at === null), 'no file is committed')

  const fits = await submitProposal(ctx, alpha.actor, slug, proposal('Fits'), [exact, four[1]!, four[2]!])
  t.equal(fits.version, 1, 'within every limit it is accepted')
})

t.test('a renamed executable is refused by its content, naming the accepted types, and nothing is stored', async (t) => {
  const { ctx, slug, alpha } = await published(t)
  const elfHeader = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x3e, 0x00])
  const accepted = /is not an accepted kind of file: accepted are PDF, PNG image, JPEG image, plain text \(UTF-8, e\.g\. Markdown\), recognised by their content, not their name/
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', elfHeader, 'x.pdf'), { statusCode: 400, code: 'SL_INVALID_INPUT', message: accepted }, 'a small ELF named x.pdf')
  const big = [elfHeader, ...Array.from({ length: 20 }, (_, i) => Buffer.alloc(1024, i))]
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', big, 'x.pdf'), { statusCode: 400, message: accepted }, 'a larger one, arriving in pieces')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', Buffer.from('#!/bin/sh\nrm -rf /\n'), 'notes.txt'), { statusCode: 400, message: accepted }, 'a shell script named .txt')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 'plan.pdf'), { statusCode: 400, message: accepted }, 'a ZIP when ZIP is not allowed')
  await t.rejects(upload(ctx, alpha.actor, slug, 'plan', Buffer.alloc(0), 'plan.pdf'), { statusCode: 400, message: /is empty/ }, 'an empty file')
  t.same(await storedFiles(ctx), [], 'nothing is left in stored_files')
  t.same(await filesOnDisk(ctx), [], 'nor on disk')
  const real = await upload(ctx, alpha.actor, slug, 'plan', pdf('real'), 'C:\\Users\\ada\\plan\u0007.exe')
  t.equal(real.fileType, 'pdf', 'a real PDF is a PDF whatever its name')
  t.equal(real.originalName, 'plan.exe', 'the name is kept as metadata only, without folders or control characters')
})

t.test('with a price criterion, the price is required and sealed to the price key, apart from the content', async (t) => {
  const base = securityAuditRfp(T0)
  const draft: RfpDraft = { ...base, rounds: [{ ...base.rounds[0]!, criteria: [...base.rounds[0]!.criteria, { id: 'price', name: 'Price', description: 'Fixed fee in EUR', kind: 'price', weight: '20' }] }] }
  const { ctx, id, slug, alpha } = await published(t, { draft })
  const files = await requiredFiles(ctx, alpha.actor, slug, 'priced')
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('No price'), files), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'price', message: /scores price/ }] })
  t.same(await counts(ctx), NOTHING)

  const price = { amount: '48123.45', currency: 'EUR', notes: 'fixed fee, retest included' }
  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('Priced', { price }), files)
  t.same(receipt.manifest.price, { sha256: canonicalHash(price) }, 'the receipt records the hash of the price')
  const row = await ctx.db.selectFrom('proposal_versions').selectAll().executeTakeFirstOrThrow()
  t.not(row.sealed_price, null, 'the price is sealed in its own envelope')
  const sealedPrice = Buffer.from(row.sealed_price!, 'base64url')
  t.notOk(row.sealed_price!.includes(price.amount) || sealedPrice.includes(price.amount) || sealedPrice.includes('48123'), 'the amount does not appear in it')
  t.notOk(Buffer.from(row.sealed_content, 'base64url').includes('48123'), 'nor in the content envelope')

  const priceKey = await openingPrivateKey(ctx.db, ctx, id, 'price')
  t.equal((await unsealBytes(sealedPrice, { privateKey: priceKey, context: sealingContext(id, 'price') })).toString('utf8'), canonicalJson(price), 'the price key opens it')
  const proposalsKey = await openingPrivateKey(ctx.db, ctx, id, 'proposals')
  await t.rejects(unsealBytes(sealedPrice, { privateKey: proposalsKey, context: sealingContext(id, 'proposals') }), SealError, 'the proposals key does not')
  const content = await unsealBytes(Buffer.from(row.sealed_content, 'base64url'), { privateKey: proposalsKey, context: sealingContext(id, 'proposals') })
  t.same(JSON.parse(content.toString('utf8')), proposal('Priced').content, 'the content envelope holds the content only')
  t.equal((await getMyProposal(ctx, alpha.actor, slug)).scoresPrice, true)
})

t.test('without a price criterion a price is refused', async (t) => {
  const { ctx, slug, alpha } = await published(t)
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Priced', { price: { amount: '1000', currency: 'EUR', notes: '' } }), await requiredFiles(ctx, alpha.actor, slug, 'x')),
    { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'price', message: /does not score price/ }] })
  t.same(await counts(ctx), NOTHING)
})

const CONFIRM_LINK = /\/vendor\/consortia\/confirm\?token=([A-Za-z0-9_-]+)/

t.test('a consortium: each partner contact is mailed a link; only a contact of that partner previews and confirms', async (t) => {
  const { ctx, slug, alpha, beta, gamma } = await published(t)
  await addVendorContact(ctx, beta.organisationId, 'second@beta.example')
  const betaColleague = await contactActor(ctx, 'second@beta.example', beta.organisationId)

  const files = await requiredFiles(ctx, alpha.actor, slug, 'consortium')
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Alone', { partners: [alpha.organisationId] }), files), { statusCode: 400, message: /not its own partner/ })
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('Ghost', { partners: ['00000000-0000-4000-8000-000000000000'] }), files), { statusCode: 400, message: /not a registered vendor organisation/ })
  t.same(await counts(ctx), NOTHING)

  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('Together', { partners: [gamma.organisationId, beta.organisationId] }), files)
  t.same(receipt.manifest.partners, [beta.organisationId, gamma.organisationId].sort(), 'the receipt names the partners')
  const mails = await outbox(ctx, 'consortium-confirm')
  t.same(mails.map((m) => m.to_address), ['bo@beta.example', 'gil@gamma.example', 'second@beta.example'], 'every contact of every partner is mailed')
  const tokenFor = (to: string): string => CONFIRM_LINK.exec(mails.find((m) => m.to_address === to)!.text_body)?.[1] ?? ''
  const betaToken = tokenFor('bo@beta.example')
  const gammaToken = tokenFor('gil@gamma.example')
  t.ok(betaToken !== '' && gammaToken !== '', 'each mail carries a confirm link')
  t.equal(tokenFor('second@beta.example'), betaToken, 'one link per partner organisation')
  t.not(betaToken, gammaToken)
  t.ok(mails.every((m) => m.text_body.includes('Alpha Audits')), 'the mail names the lead')

  t.match(await previewConsortium(ctx, beta.actor, betaToken), { slug, lead: 'Alpha Audits', confirmed: false, current: true })
  await t.rejects(previewConsortium(ctx, alpha.actor, betaToken), { statusCode: 403, message: /contact of the partner organisation/ }, 'the lead cannot preview the partner\'s link')
  await t.rejects(previewConsortium(ctx, gamma.actor, betaToken), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'nor another partner')
  await t.rejects(confirmConsortium(ctx, gamma.actor, betaToken), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'another organisation\'s contact cannot confirm')
  await t.rejects(confirmConsortium(ctx, alpha.actor, betaToken), { statusCode: 403, code: 'SL_FORBIDDEN' })
  await t.rejects(confirmConsortium(ctx, beta.actor, 'not-a-token'), { statusCode: 404, code: 'SL_NOT_FOUND' })
  await t.rejects(confirmConsortium(ctx, beta.actor, gammaToken), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'a partner cannot confirm for another partner')
  t.equal((await eventsOf(ctx, 'proposal.partner.confirmed')).length, 0, 'nothing confirmed by the refusals')

  ctx.clock.advance(60_000)
  t.same(await confirmConsortium(ctx, betaColleague, betaToken), { slug }, 'any contact of the partner confirms')
  const row = await ctx.db.selectFrom('proposal_partners').selectAll().where('organisation_id', '=', beta.organisationId).executeTakeFirstOrThrow()
  t.equal(row.confirmed_by, betaColleague.userId)
  t.equal(row.confirmed_at, ctx.clock.now().toISOString())
  t.same((await getMyProposal(ctx, alpha.actor, slug)).partners, [{ name: 'Beta Security', confirmed: true }, { name: 'Gamma Labs', confirmed: false }], 'the lead sees who confirmed')
  t.match(await previewConsortium(ctx, beta.actor, betaToken), { confirmed: true })
  await confirmConsortium(ctx, beta.actor, betaToken)
  const confirmed = await eventsOf(ctx, 'proposal.partner.confirmed')
  t.equal(confirmed.length, 1, 'confirming twice records it once')
  t.equal(confirmed[0]!.public, false)
  t.match(confirmed[0]!.data, { organisationId: beta.organisationId, version: 1 })

  ctx.clock.advance(60_000)
  await submitProposal(ctx, alpha.actor, slug, proposal('Alone now'), await requiredFiles(ctx, alpha.actor, slug, 'alone'))
  t.match(await previewConsortium(ctx, gamma.actor, gammaToken), { current: false }, 'a link of a replaced version says so')
})

t.test('on an invited RFP every partner must be invited too', async (t) => {
  const { ctx, slug, alpha, beta, gamma } = await published(t, { draft: ({ alpha, beta }) => ({ ...securityAuditRfp(T0), eligibility: { mode: 'invited', vendors: [alpha.organisationId, beta.organisationId] } }) })
  const files = await requiredFiles(ctx, alpha.actor, slug, 'invited')
  await t.rejects(submitProposal(ctx, alpha.actor, slug, proposal('With Gamma', { partners: [beta.organisationId, gamma.organisationId] }), files), {
    statusCode: 400, message: /Gamma Labs is not invited to this RFP: every member of a consortium must be eligible/, problems: [{ path: 'partners.1' }]
  })
  t.same(await counts(ctx), NOTHING)
  t.equal((await outbox(ctx, 'consortium-confirm')).length, 0, 'no partner is mailed')
  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('With Beta', { partners: [beta.organisationId] }), files)
  t.same(receipt.manifest.partners, [beta.organisationId])
  t.same((await outbox(ctx, 'consortium-confirm')).map((m) => m.to_address), ['bo@beta.example'])
})

t.test('submitted and withdrawn are private audit events carrying the receipt hash; the receipt goes to every contact', async (t) => {
  const { ctx, slug, alpha } = await published(t)
  await addVendorContact(ctx, alpha.organisationId, 'second@alpha.example')
  await addVendorContact(ctx, alpha.organisationId, 'third@alpha.example')
  const receipt = await submitProposal(ctx, alpha.actor, slug, proposal('Logged'), await requiredFiles(ctx, alpha.actor, slug, 'logged'))

  const submitted = await eventsOf(ctx, 'proposal.submitted')
  t.equal(submitted.length, 1)
  t.equal(submitted[0]!.public, false, 'proposal.submitted is private')
  t.equal(submitted[0]!.actorId, alpha.actor.userId)
  t.match(submitted[0]!.data, { receiptHash: receipt.hash, version: 1, organisationId: alpha.organisationId })

  const mails = await outbox(ctx, 'proposal-receipt')
  t.same(mails.map((m) => m.to_address), ['ada@alpha.example', 'second@alpha.example', 'third@alpha.example'], 'every contact of the organisation gets the receipt')
  for (const mail of mails) {
    t.ok(mail.text_body.includes(receipt.hash), `${mail.to_address}'s mail carries the hash`)
    t.ok(mail.text_body.includes(`/vendor/rfps/${slug}/receipts/${receipt.hash}`), 'and the link to the receipt')
  }

  ctx.clock.advance(60_000)
  await withdrawProposal(ctx, alpha.actor, slug)
  const withdrawn = await eventsOf(ctx, 'proposal.withdrawn')
  t.equal(withdrawn.length, 1)
  t.equal(withdrawn[0]!.public, false, 'proposal.withdrawn is private')
  t.match(withdrawn[0]!.data, { version: 1, organisationId: alpha.organisationId })
  t.equal(withdrawn[0]!.data.receiptHash, receipt.hash, 'proposal.withdrawn carries the receipt hash of the version withdrawn')
  t.equal((await outbox(ctx, 'proposal-withdrawn')).length, 3, 'every contact is told of the withdrawal')
})

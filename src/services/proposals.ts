// Vendors' proposals: submit (a new version each time, the last one counts), withdraw, consortium partners'
// confirmations, receipts, and what each audience may see of them while they are sealed.
import { commitStoredFile } from '../db/stored-files.js'
import {
  advanceProposal, confirmPartner, findPartnerByToken, findProposalOf, findProposalVersion, findReceipt, insertPartner, insertProposal, insertProposalFile, insertProposalVersion,
  listPartners, listProposalFiles, listProposalVersions, listReceipts, markWithdrawn
} from '../db/proposals.js'
import { contactAddressesOf, listOrganisations, organisationNames } from '../db/rfp-vendors.js'
import type { Executor } from '../db/database.js'
import { canonicalHash, canonicalJson, type JsonValue } from '../domain/canonical-json.js'
import type { UserActor } from '../domain/policy.js'
import { checkProposal, isOnTime, scoresPrice, type ProposalInput } from '../domain/proposal.js'
import { receiptHash, receiptManifest } from '../domain/receipt.js'
import type { RfpRecord } from '../domain/rfp.js'
import { sealBytes } from '../domain/sealing.js'
import { hashSecret, isWellFormedToken } from '../domain/sign-in.js'
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, TooLargeError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { sealingContext, sealingKey } from './opening-keys.js'
import { checkMayBid, lateMessage, type UploadedFile } from './proposal-uploads.js'
import { isEligible, organisationOf, unacknowledgedOf } from './rfp-vendors.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { newSignInToken } from './sign-in.js'

/** Receipts listed on one RFP's public page: more than any RFP gets. */
const RECEIPT_LIST_LIMIT = 5000
/** Organisations offered as consortium partners. */
const PARTNER_CHOICES = 500
/** Versions one proposal may have: every one is kept with its files, so replacing cannot fill the disk. */
export const MAX_VERSIONS = 50

export interface Receipt {
  hash: string
  manifest: { [key: string]: JsonValue }
}

/**
 * Accepts a new version of the actor's organisation's proposal, with files already sealed and stored by
 * `sealUpload`. The deadline is checked by the clock inside the committing transaction; the files are
 * committed by it, and the receipt is mailed through the outbox in it.
 */
export async function submitProposal (ctx: ServiceContext, actor: UserActor, slug: string, input: ProposalInput, files: readonly UploadedFile[]): Promise<Receipt & { version: number }> {
  const visible = await getRfp(ctx, actor, slug)
  // Checked before anything is sealed (the input must be what the schema says), and again under the RFP's lock.
  const early = checkProposal(input, visible.document, files.map((file) => file.part), (await checkMayBid(ctx.db, ctx, actor, visible)).organisationId)
  if (early.length > 0) throw invalidInput(early)
  // Sealing is CPU work on small values: done before the transaction, which then only writes.
  const sealedContent = await sealBytes(Buffer.from(canonicalJson(input.content), 'utf8'), {
    publicKey: await sealingKey(ctx, visible.id, 'proposals', nowIso(ctx)), context: sealingContext(visible.id, 'proposals'), randomBytes: ctx.random.bytes(48)
  })
  const sealedPrice = input.price === undefined
    ? null
    : await sealBytes(Buffer.from(canonicalJson(input.price), 'utf8'), {
      publicKey: await sealingKey(ctx, visible.id, 'price', nowIso(ctx)), context: sealingContext(visible.id, 'price'), randomBytes: ctx.random.bytes(48)
    })
  const proposalId = newId(ctx)
  const partnerTokens = input.partners.map(() => newSignInToken(ctx))

  return await ctx.db.transaction().execute(async (trx) => {
    // Two contacts of one vendor submitting at once take turns here, and get versions n and n+1.
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    // The clock is read here, inside the transaction that commits: a proposal is on time when it is recorded.
    const now = ctx.clock.now()
    const { organisationId, organisationName } = await checkMayBid(trx, ctx, actor, rfp, now)
    const at = now.toISOString()

    const problems = checkProposal(input, rfp.document, files.map((file) => file.part), organisationId)
    const partnerNames = await organisationNames(trx, input.partners)
    input.partners.forEach((id, i) => {
      if (!partnerNames.has(id)) problems.push({ path: `partners.${i}`, message: 'is not a registered vendor organisation' })
      else if (!isEligible(rfp, id)) problems.push({ path: `partners.${i}`, message: `${partnerNames.get(id)!} is not invited to this RFP: every member of a consortium must be eligible` })
    })
    if (problems.length > 0) throw invalidInput(problems)
    if (files.length > ctx.proposals.maxFiles) throw new TooLargeError(`a proposal attaches at most ${ctx.proposals.maxFiles} files`)
    const total = files.reduce((sum, file) => sum + file.size, 0)
    if (total > ctx.proposals.maxProposalBytes) throw new TooLargeError(`the files total ${total} bytes; a proposal may total ${ctx.proposals.maxProposalBytes} at most`)

    let proposal = await findProposalOf(trx, rfp.id, organisationId)
    if (proposal === undefined) {
      await insertProposal(trx, { id: proposalId, rfpId: rfp.id, organisationId, at })
      proposal = (await findProposalOf(trx, rfp.id, organisationId))!
    }
    const version = proposal.current_version + 1
    if (version > MAX_VERSIONS) throw new InvalidStateError(`a proposal may be submitted ${MAX_VERSIONS} times at most; every version is kept`)
    if (!await advanceProposal(trx, proposal.id, version, at)) throw new ConflictError('another submission of your organisation arrived at the same moment: look at your proposal and submit again if needed')
    for (const file of files) {
      if (!await commitStoredFile(trx, file.storedFileId, at)) throw new InvalidStateError(`"${file.originalName}" was not kept (the upload was interrupted or is too old): attach it again`)
    }

    const manifest = receiptManifest({
      rfp: { id: rfp.id, slug: rfp.slug, version: rfp.currentVersion },
      vendor: { id: organisationId, name: organisationName },
      proposal: { id: proposal.id, version },
      submittedAt: at,
      contentSha256: canonicalHash(input.content),
      priceSha256: input.price === undefined ? null : canonicalHash(input.price),
      files: files.map((file) => ({ part: file.part, size: file.size, sha256: file.sha256 })),
      partners: [...input.partners].sort()
    })
    const hash = receiptHash(manifest)
    await insertProposalVersion(trx, {
      proposal_id: proposal.id,
      number: version,
      rfp_version: rfp.currentVersion,
      submitted_by: actor.userId,
      submitted_at: at,
      manifest: canonicalJson(manifest),
      receipt_hash: hash,
      sealed_content: sealedContent.toString('base64url'),
      sealed_price: sealedPrice?.toString('base64url') ?? null
    })
    for (const [n, file] of files.entries()) {
      await insertProposalFile(trx, {
        proposal_id: proposal.id, version, n, part: file.part, stored_file_id: file.storedFileId, original_name: file.originalName, file_type: file.fileType, size: file.size, sha256: file.sha256
      })
    }
    for (const [i, partnerId] of input.partners.entries()) {
      await insertPartner(trx, { proposalId: proposal.id, version, organisationId: partnerId, tokenHash: hashSecret(partnerTokens[i]!) })
      for (const contact of await contactAddressesOf(trx, [partnerId])) {
        await queueMail(trx, ctx, {
          template: 'consortium-confirm',
          to: contact.email,
          data: { title: rfp.title, lead: organisationName, partner: partnerNames.get(partnerId), path: `/vendor/consortia/confirm?token=${partnerTokens[i]!}` }
        })
      }
    }
    await appendAuditEvent(trx, { at, type: 'proposal.submitted', actorId: actor.userId, rfpId: rfp.id, public: false, data: { proposalId: proposal.id, organisationId, version, receiptHash: hash } })
    for (const contact of await contactAddressesOf(trx, [organisationId])) {
      await queueMail(trx, ctx, {
        template: 'proposal-receipt',
        to: contact.email,
        data: {
          title: rfp.title,
          organisationName,
          version,
          receiptHash: hash,
          submittedAt: at,
          timeZone: rfp.timeZone,
          dueAt: rfp.schedule.proposalsDueAt,
          files: files.map((file) => ({ name: file.originalName, size: file.size, sha256: file.sha256 })),
          path: `/vendor/rfps/${rfp.slug}/receipts/${hash}`,
          publicPath: `/rfps/${rfp.slug}/receipts`
        }
      })
    }
    return { hash, manifest, version }
  })
}

/** Withdraws the organisation's proposal before the deadline; its versions stay on record, none counts. */
export async function withdrawProposal (ctx: ServiceContext, actor: UserActor, slug: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'proposal.submit', rfp })
    const { organisationId, organisationName } = await organisationOf(trx, actor)
    const now = ctx.clock.now()
    const at = now.toISOString()
    if (rfp.state !== 'published' || !isOnTime(rfp.schedule.proposalsDueAt, now)) throw new InvalidStateError(rfp.state === 'published' ? lateMessage(rfp.schedule.proposalsDueAt, rfp.timeZone) : `the RFP is ${rfp.state}`)
    const proposal = await findProposalOf(trx, rfp.id, organisationId)
    if (proposal === undefined || !await markWithdrawn(trx, proposal.id, at)) throw new InvalidStateError('your organisation has no proposal standing to withdraw')
    const withdrawn = await findProposalVersion(trx, proposal.id, proposal.current_version)
    await appendAuditEvent(trx, {
      at, type: 'proposal.withdrawn', actorId: actor.userId, rfpId: rfp.id, public: false, data: { proposalId: proposal.id, organisationId, version: proposal.current_version, receiptHash: withdrawn?.receipt_hash ?? null }
    })
    for (const contact of await contactAddressesOf(trx, [organisationId])) {
      await queueMail(trx, ctx, { template: 'proposal-withdrawn', to: contact.email, data: { title: rfp.title, organisationName, withdrawnAt: at, timeZone: rfp.timeZone, path: `/vendor/rfps/${rfp.slug}/proposal` } })
    }
  })
}

/** What the proposal page shows a vendor contact: its organisation's proposal and what the RFP asks for. */
export async function getMyProposal (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'proposal.submit', rfp })
  const { organisationId, organisationName } = await organisationOf(ctx.db, actor)
  const proposal = await findProposalOf(ctx.db, rfp.id, organisationId)
  const versions = proposal === undefined ? [] : await listProposalVersions(ctx.db, proposal.id)
  const current = proposal === undefined || proposal.current_version === 0 ? [] : await listProposalFiles(ctx.db, proposal.id, proposal.current_version)
  const partners = proposal === undefined ? [] : await listPartners(ctx.db, proposal.id, proposal.current_version)
  return {
    rfp,
    organisationId,
    organisationName,
    eligible: isEligible(rfp, organisationId),
    open: rfp.state === 'published' && isOnTime(rfp.schedule.proposalsDueAt, ctx.clock.now()),
    unacknowledged: await unacknowledgedOf(ctx.db, rfp, organisationId),
    scoresPrice: scoresPrice(rfp.document),
    status: proposal?.status ?? null,
    currentVersion: proposal?.current_version ?? 0,
    versions: versions.map((v) => ({ number: v.number, rfpVersion: v.rfp_version, submittedAt: v.submitted_at, receiptHash: v.receipt_hash })),
    files: current.map((file) => ({ part: file.part, name: file.original_name, fileType: file.file_type, size: Number(file.size), sha256: file.sha256 })),
    partners: partners.map((p) => ({ name: p.name, confirmed: p.confirmed_at !== null })),
    partnerChoices: (await partnerChoices(ctx.db, rfp)).filter((choice) => choice.id !== organisationId)
  }
}

/** Organisations that may join a consortium: the invited ones, or any registered organisation for an open RFP. */
async function partnerChoices (db: Executor, rfp: RfpRecord): Promise<{ id: string, name: string }[]> {
  if (rfp.document.eligibility.mode === 'open') return await listOrganisations(db, PARTNER_CHOICES)
  const names = await organisationNames(db, rfp.document.eligibility.vendors)
  return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name))
}

/** A receipt, for a contact of the organisation it was given to. */
export async function getReceipt (ctx: ServiceContext, actor: UserActor, slug: string, hash: string): Promise<Receipt & { submittedAt: string, version: number, current: boolean, rfp: RfpRecord }> {
  const rfp = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'proposal.submit', rfp })
  const { organisationId } = await organisationOf(ctx.db, actor)
  const found = await findReceipt(ctx.db, rfp.id, hash)
  if (found === undefined || found.organisation_id !== organisationId) throw new NotFoundError('your organisation has no receipt with that hash on this RFP')
  return {
    hash: found.receipt_hash,
    manifest: JSON.parse(found.manifest) as Receipt['manifest'],
    submittedAt: found.submitted_at,
    version: found.number,
    current: found.number === found.current_version && found.status !== 'withdrawn',
    rfp
  }
}

/** A receipt on the public list: its hash and whether it counts. No time, which could tell a bidder by when it registered. */
export type PublicReceipt = { hash: string, standing: 'counted' | 'replaced' | 'withdrawn' }

/**
 * The public list of receipt hashes, from the deadline on (DESIGN §3.2): each vendor can check that its
 * proposal was counted and unaltered. Before the deadline it is not published: `dueAt` says when it will be.
 */
export async function listPublicReceipts (ctx: ServiceContext, slug: string): Promise<{ rfp: RfpRecord, published: boolean, receipts: PublicReceipt[] }> {
  const rfp = await getRfp(ctx, { kind: 'anonymous' }, slug)
  if (isOnTime(rfp.schedule.proposalsDueAt, ctx.clock.now())) return { rfp, published: false, receipts: [] }
  const rows = await listReceipts(ctx.db, rfp.id, RECEIPT_LIST_LIMIT)
  return {
    rfp,
    published: true,
    receipts: rows.map((row) => ({
      hash: row.receipt_hash,
      standing: row.status === 'withdrawn' ? 'withdrawn' : row.number === row.current_version ? 'counted' : 'replaced'
    }))
  }
}

/** A partner organisation's contact confirms its part in a consortium, by the mailed link. */
export async function confirmConsortium (ctx: ServiceContext, actor: UserActor, token: string): Promise<{ slug: string }> {
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    const partner = isWellFormedToken(token) ? await findPartnerByToken(trx, hashSecret(token)) : undefined
    if (partner === undefined) throw new NotFoundError('this confirmation link is not valid')
    const { organisationId } = await organisationOf(trx, actor)
    if (organisationId !== partner.organisation_id) throw new ForbiddenError('this link is for a contact of the partner organisation named in the mail')
    const rfp = await findRfpForChange(trx, ctx, actor, { id: partner.rfp_id })
    // A partner's confirmation is part of the bid: it too is in time or not at all.
    if (rfp.state !== 'published' || !isOnTime(rfp.schedule.proposalsDueAt, ctx.clock.now())) throw new InvalidStateError(lateMessage(rfp.schedule.proposalsDueAt, rfp.timeZone))
    if (partner.version !== partner.current_version || partner.status === 'withdrawn') {
      throw new InvalidStateError(`${partner.lead_name} has replaced or withdrawn the proposal this link was for: confirm by the link mailed for its current version`)
    }
    if (partner.confirmed_at === null) {
      if (!await confirmPartner(trx, hashSecret(token), actor.userId, at)) throw new ConflictError('this part was confirmed meanwhile')
      await appendAuditEvent(trx, { at, type: 'proposal.partner.confirmed', actorId: actor.userId, rfpId: rfp.id, public: false, data: { proposalId: partner.proposal_id, version: partner.version, organisationId } })
    }
    return { slug: rfp.slug }
  })
}

/** What the confirmation page shows before the partner's contact presses the button. */
export async function previewConsortium (ctx: ServiceContext, actor: UserActor, token: string) {
  const partner = isWellFormedToken(token) ? await findPartnerByToken(ctx.db, hashSecret(token)) : undefined
  if (partner === undefined) throw new NotFoundError('this confirmation link is not valid')
  const { organisationId } = await organisationOf(ctx.db, actor)
  if (organisationId !== partner.organisation_id) throw new ForbiddenError('this link is for a contact of the partner organisation named in the mail')
  const rfp = await getRfp(ctx, actor, partner.rfp_slug)
  return { title: rfp.title, slug: rfp.slug, lead: partner.lead_name, confirmed: partner.confirmed_at !== null, current: partner.version === partner.current_version }
}

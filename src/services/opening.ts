// The opening ceremony and everything read from proposals afterwards. Every read of sealed content passes the
// one guard in the policy (`proposal.content.read`), so nothing here reads a proposal before it is opened.
import { createHash } from 'node:crypto'
import type { Trx } from '../db/database.js'
import { completeOpening, findOpening, findProposal, findProposalVersion, insertOpening, listPartners, listProposalFiles, listStandingProposals } from '../db/proposals.js'
import { findUserById } from '../db/users.js'
import { FILE_TYPES, type FileTypeId } from '../domain/file-types.js'
import { isMember, isRecused, type UserActor } from '../domain/policy.js'
import { isOnTime, type ProposalContent } from '../domain/proposal.js'
import type { RfpRecord } from '../domain/rfp.js'
import { SealError, unseal, unsealBytes } from '../domain/sealing.js'
import { canonicalHash, type JsonValue } from '../domain/canonical-json.js'
import { receiptHash } from '../domain/receipt.js'
import { formatInstant } from '../domain/time.js'
import { ConflictError, InvalidStateError, NotFoundError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize, isAllowed, isAllowedAfterStepUp } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { openingPrivateKey, sealingContext } from './opening-keys.js'
import { findRfpForChange, getRfp } from './rfps.js'
import { sealedRfpOf } from './sealed-rfp.js'
import { startFirstRound } from './scoring-rounds.js'
import { readStoredFile, StoredFileDamagedError } from './stored-files.js'

/** Proposals one RFP lists to its committee: more than any RFP gets. */
const PROPOSAL_LIST_LIMIT = 1000

function committeeSize (rfp: RfpRecord): number {
  return new Set(rfp.members.map((member) => member.userId)).size
}

/**
 * The proposals page of the committee. Sealed, it shows only the count and the receipt hashes; opened, the
 * vendors and their proposals.
 */
export async function listProposalsForCommittee (ctx: ServiceContext, actor: UserActor, slug: string) {
  const { rfp, opening, refOf } = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  authorize(ctx, actor, { action: 'proposals.list', rfp })
  const standing = await listStandingProposals(ctx.db, rfp.id, PROPOSAL_LIST_LIMIT)
  const opened = rfp.openedAt !== null
  const deadlinePassed = !isOnTime(rfp.schedule.proposalsDueAt, ctx.clock.now())
  const startedBy = opening === undefined ? undefined : await findUserById(ctx.db, opening.started_by)
  return {
    rfp,
    opened,
    deadlinePassed,
    count: standing.length,
    committeeSize: committeeSize(rfp),
    opening: opening === undefined ? null : { startedBy: startedBy?.display_name ?? 'a committee member', startedAt: opening.started_at, openedAt: opening.opened_at, startedByMe: opening.started_by === actor.userId },
    // The policy decides who; the second factor is asked for when the button is pressed.
    mayStart: rfp.state === 'published' && deadlinePassed && opening === undefined && isAllowedAfterStepUp(ctx, actor, { action: 'proposals.open', rfp }),
    mayConfirm: rfp.state === 'published' && opening !== undefined && opening.opened_at === null && isAllowedAfterStepUp(ctx, actor, { action: 'proposals.open.confirm', rfp, startedBy: opening.started_by }),
    // Sealed: hashes only, in hash order so the list says nothing of who bid when.
    receipts: opened ? [] : standing.map((p) => p.receipt_hash).sort(),
    // Each attested member sees the list; a proposal they are recused from is named but cannot be opened.
    proposals: opened && isAllowed(ctx, actor, { action: 'proposal.content.read', rfp, proposal: null })
      ? standing.map((p) => ({
        id: p.id,
        organisationName: p.organisation_name,
        status: p.status,
        version: p.current_version,
        receiptHash: p.receipt_hash,
        submittedAt: p.submitted_at,
        recused: isRecused(actor, rfp, refOf(p))
      }))
      : [],
    mustAttest: opened && isMember(actor, rfp) && !rfp.attested.includes(actor.userId)
  }
}

/**
 * Starts the opening after the deadline (an owner, with the second factor just proved). With a committee of
 * two or more, a second member confirms; alone, the owner's start opens the proposals at once.
 */
export async function startOpening (ctx: ServiceContext, actor: UserActor, slug: string): Promise<{ opened: boolean }> {
  return await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'proposals.open', rfp })
    const now = ctx.clock.now()
    if (rfp.state !== 'published') throw new InvalidStateError(`the RFP is ${rfp.state}: there is nothing to open`)
    if (isOnTime(rfp.schedule.proposalsDueAt, now)) throw new InvalidStateError(`the proposals stay sealed until the deadline, ${formatInstant(rfp.schedule.proposalsDueAt, rfp.timeZone)} (${rfp.timeZone})`)
    if (await findOpening(trx, rfp.id) !== undefined) throw new ConflictError('the opening has been started already: a second committee member confirms it')
    const at = now.toISOString()
    await insertOpening(trx, { rfpId: rfp.id, startedBy: actor.userId, at })
    await appendAuditEvent(trx, { at, type: 'rfp.opening.started', actorId: actor.userId, rfpId: rfp.id, public: false, data: { slug: rfp.slug } })
    if (committeeSize(rfp) >= 2) return { opened: false }
    await completeCeremony(trx, ctx, rfp, actor.userId, null, at)
    return { opened: true }
  })
}

/** The second committee member's confirmation, which opens the proposals. */
export async function confirmOpening (ctx: ServiceContext, actor: UserActor, slug: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    const opening = await findOpening(trx, rfp.id)
    if (opening === undefined) throw new InvalidStateError('no opening has been started: an owner starts it after the deadline')
    authorize(ctx, actor, { action: 'proposals.open.confirm', rfp, startedBy: opening.started_by })
    if (opening.opened_at !== null || rfp.state !== 'published') throw new InvalidStateError(`the RFP is ${rfp.state}: there is nothing to open`)
    await completeCeremony(trx, ctx, rfp, opening.started_by, actor.userId, nowIso(ctx))
  })
}

/**
 * Unwraps the opening key, proves every standing proposal unseals with it, and records the public event
 * with the count and the receipt hashes. A key that does not unwrap, or content that does not authenticate,
 * stops the ceremony with the reason: nothing is opened half-way.
 */
async function completeCeremony (trx: Trx, ctx: ServiceContext, rfp: RfpRecord, startedBy: string, confirmedBy: string | null, at: string): Promise<void> {
  const standing = await listStandingProposals(trx, rfp.id, PROPOSAL_LIST_LIMIT + 1)
  // The public event lists every receipt: a list cut short would misstate the count.
  if (standing.length > PROPOSAL_LIST_LIMIT) throw new InvalidStateError(`more than ${PROPOSAL_LIST_LIMIT} proposals: too many to open in one ceremony`)
  if (standing.length > 0) {
    const privateKey = await openingPrivateKey(trx, ctx, rfp.id, 'proposals')
    try {
      for (const proposal of standing) {
        await unsealContent(rfp.id, proposal, privateKey, `the proposal with receipt ${proposal.receipt_hash}`)
      }
    } finally {
      privateKey.fill(0)
    }
  }
  if (!await completeOpening(trx, rfp.id, confirmedBy, at)) throw new InvalidStateError('the RFP changed meanwhile: there is nothing to open')
  await startFirstRound(trx, rfp.id, standing.map((p) => p.id), at)
  await appendAuditEvent(trx, {
    at,
    type: 'rfp.opened',
    actorId: confirmedBy ?? startedBy,
    rfpId: rfp.id,
    public: true,
    data: { slug: rfp.slug, title: rfp.title, count: standing.length, receipts: standing.map((p) => p.receipt_hash).sort(), dualControl: confirmedBy !== null }
  })
}

async function readableProposal (ctx: ServiceContext, actor: UserActor, slug: string, proposalId: string) {
  const { rfp, refOf } = await sealedRfpOf(ctx.db, await getRfp(ctx, actor, slug))
  authorize(ctx, actor, { action: 'proposal.content.read', rfp, proposal: null })
  const proposal = await findProposal(ctx.db, rfp.id, proposalId)
  if (proposal === undefined || proposal.current_version === 0) throw new NotFoundError('this RFP has no such proposal')
  authorize(ctx, actor, { action: 'proposal.content.read', rfp, proposal: refOf(proposal) })
  // A proposal withdrawn before the deadline never counted: it stays sealed, like the versions it replaced.
  if (proposal.status === 'withdrawn') throw new NotFoundError('this proposal was withdrawn before the deadline: it stays sealed')
  return { rfp, proposal }
}

function unsealError (what: string, error: unknown): never {
  if (error instanceof SealError || error instanceof StoredFileDamagedError) throw new InvalidStateError(`${what} failed its integrity check and is not shown: ${error.message}. Restore it from a backup`)
  throw error
}

/**
 * A proposal version's structured content, unsealed and checked against its receipt: the manifest must hash to
 * the receipt hash and record the content's hash. Content that unseals but is not what the vendor sent — sealed
 * afresh to the public key and swapped in by someone who can write to the database — is refused too.
 */
async function unsealContent (rfpId: string, version: { sealed_content: string, manifest: string, receipt_hash: string }, privateKey: Buffer, what: string): Promise<ProposalContent> {
  let content: ProposalContent
  try {
    const plain = await unsealBytes(Buffer.from(version.sealed_content, 'base64url'), { privateKey, context: sealingContext(rfpId, 'proposals') })
    content = JSON.parse(plain.toString('utf8')) as ProposalContent
  } catch (error) {
    unsealError(what, error)
  }
  const manifest = JSON.parse(version.manifest) as JsonValue & { content?: { sha256?: unknown } }
  if (receiptHash(manifest) !== version.receipt_hash || canonicalHash(content as unknown as JsonValue) !== manifest.content?.sha256) {
    throw new InvalidStateError(`${what} does not match the hashes its receipt records and is not shown. Restore it from a backup`)
  }
  return content
}

/** An opened proposal's content and its files' metadata, for the committee. */
export async function readProposal (ctx: ServiceContext, actor: UserActor, slug: string, proposalId: string) {
  const { rfp, proposal } = await readableProposal(ctx, actor, slug, proposalId)
  const version = (await findProposalVersion(ctx.db, proposal.id, proposal.current_version))!
  const privateKey = await openingPrivateKey(ctx.db, ctx, rfp.id, 'proposals')
  let content: ProposalContent
  try {
    content = await unsealContent(rfp.id, version, privateKey, 'the proposal')
  } finally {
    privateKey.fill(0)
  }
  const files = await listProposalFiles(ctx.db, proposal.id, proposal.current_version)
  return {
    rfp,
    proposal: { id: proposal.id, organisationName: proposal.organisation_name, status: proposal.status, version: proposal.current_version, submittedAt: version.submitted_at, receiptHash: version.receipt_hash },
    content,
    priceSealed: version.sealed_price !== null,
    partners: (await listPartners(ctx.db, proposal.id, proposal.current_version)).map((p) => ({ name: p.name, confirmed: p.confirmed_at !== null })),
    files: files.map((file) => ({ n: file.n, part: file.part, name: file.original_name, fileType: file.file_type, size: Number(file.size), sha256: file.sha256 }))
  }
}

export interface OpenedFile {
  name: string
  mediaType: string
  size: number
  /** The plaintext, checked whole once already: a second read that fails now is a storage fault mid-download. */
  content: () => AsyncIterable<Uint8Array>
}

/**
 * A file of an opened proposal. It is unsealed once to check that it authenticates and matches the hash its
 * receipt records — so a tampered file is refused with a clear error, not cut off half-way — then served.
 */
export async function openProposalFile (ctx: ServiceContext, actor: UserActor, slug: string, proposalId: string, n: number): Promise<OpenedFile> {
  const { rfp, proposal } = await readableProposal(ctx, actor, slug, proposalId)
  const file = (await listProposalFiles(ctx.db, proposal.id, proposal.current_version)).find((f) => f.n === n)
  if (file === undefined) throw new NotFoundError('this proposal has no such file')
  const context = sealingContext(rfp.id, 'proposals')
  // Each read unwraps the key afresh and wipes it when done: nothing of it outlives the download.
  const plaintext = async function * (): AsyncIterable<Uint8Array> {
    const privateKey = await openingPrivateKey(ctx.db, ctx, rfp.id, 'proposals')
    try {
      yield * unseal((await readStoredFile(ctx, file.stored_file_id)).content, { privateKey, context })
    } finally {
      privateKey.fill(0)
    }
  }
  const hash = createHash('sha256')
  try {
    for await (const chunk of plaintext()) hash.update(chunk)
  } catch (error) {
    unsealError(`"${file.original_name}"`, error)
  }
  if (hash.digest('hex') !== file.sha256) {
    throw new InvalidStateError(`"${file.original_name}" does not match the SHA-256 its receipt records and is not served. Restore it from a backup`)
  }
  return {
    name: file.original_name,
    mediaType: FILE_TYPES[file.file_type as FileTypeId]?.mediaType ?? 'application/octet-stream',
    size: Number(file.size),
    // Checked again as it is served, the last chunk held back until the whole hash matches: a file swapped in
    // storage between the two reads is cut off rather than delivered whole.
    content: async function * () {
      const served = createHash('sha256')
      let held: Uint8Array | undefined
      for await (const chunk of plaintext()) {
        if (held !== undefined) yield held
        served.update(chunk)
        held = chunk
      }
      if (served.digest('hex') !== file.sha256) throw new InvalidStateError(`"${file.original_name}" changed while it was being served`)
      if (held !== undefined) yield held
    }
  }
}

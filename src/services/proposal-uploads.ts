// A proposal's files on arrival: recognised by content against the allow-list, counted against the limits,
// hashed as sent, and sealed to the RFP's opening key before a byte reaches storage. Runs outside any
// transaction (a file may take minutes to arrive); the submission that uses the files commits them.
import { createHash } from 'node:crypto'
import { detectFileType, refusedTypeMessage, SNIFF_BYTES, type FileTypeId } from '../domain/file-types.js'
import type { Executor } from '../db/database.js'
import type { UserActor } from '../domain/policy.js'
import type { RfpRecord } from '../domain/rfp.js'
import { isOnTime } from '../domain/proposal.js'
import { seal, sealedSize } from '../domain/sealing.js'
import { formatInstant } from '../domain/time.js'
import { ForbiddenError, InvalidStateError, TooLargeError, invalidInput } from '../errors.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { sealingContext, sealingKey } from './opening-keys.js'
import { isEligible, organisationOf, unacknowledgedOf } from './rfp-vendors.js'
import { getRfp } from './rfps.js'
import { storeFile } from './stored-files.js'

export interface UploadedFile {
  storedFileId: string
  /** The requirement it answers, or "other". */
  part: string
  /** As the vendor's computer named it: shown to the committee, never used as a path. */
  originalName: string
  fileType: FileTypeId
  size: number
  /** SHA-256 of the file as sent, before sealing: what the receipt records. */
  sha256: string
}

const NAME_MAX = 200

/** The file's own name without folders or control characters, for display only. */
export function cleanFileName (name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\p{Cs}/gu, '\uFFFD').trim()
  // Cut by characters, not UTF-16 units, so no character is split in two.
  return Array.from(base === '' ? 'unnamed' : base).slice(0, NAME_MAX).join('')
}

interface Inspection { size: number, type: FileTypeId | undefined, hash: ReturnType<typeof createHash> }

/** Passes the bytes on once their type is known and allowed, counting and hashing them; throws past the limit. */
async function * inspected (source: AsyncIterable<Uint8Array>, limit: { maxBytes: number, allowed: readonly FileTypeId[], label: string }, into: Inspection): AsyncIterable<Uint8Array> {
  let head: Buffer[] = []
  let headBytes = 0
  const decide = (complete: boolean): void => {
    const sniffed = Buffer.concat(head)
    if (complete && sniffed.length === 0) throw invalidInput([{ path: limit.label, message: 'is empty' }])
    const type = detectFileType(sniffed.subarray(0, SNIFF_BYTES), complete)
    if (type === undefined || !limit.allowed.includes(type)) throw invalidInput([{ path: limit.label, message: refusedTypeMessage(limit.allowed) }])
    into.type = type
  }
  for await (const chunk of source) {
    into.size += chunk.length
    if (into.size > limit.maxBytes) throw new TooLargeError(`${limit.label} is larger than ${limit.maxBytes} bytes, the most a file (or what is left of the proposal's total) may be`)
    into.hash.update(chunk)
    if (into.type === undefined) {
      head.push(Buffer.from(chunk))
      headBytes += chunk.length
      if (headBytes < SNIFF_BYTES) continue
      decide(false)
      yield * head
      head = []
      continue
    }
    yield chunk
  }
  if (into.type === undefined) {
    decide(true)
    yield * head
  }
}

/**
 * Seals and stores one file for the actor's proposal to the RFP at `slug`. `maxBytes` is what the proposal
 * still has room for (at most the per-file limit). The submission commits it; one never submitted is swept.
 */
export async function sealUpload (ctx: ServiceContext, actor: UserActor, slug: string, upload: { part: string, fileName: string, content: AsyncIterable<Uint8Array>, maxBytes: number }): Promise<UploadedFile> {
  const rfp = await getRfp(ctx, actor, slug)
  // Refused before a byte is stored, so a late or ineligible vendor is not kept waiting for a long upload; the
  // submission checks again under the RFP's lock.
  await checkMayBid(ctx.db, ctx, actor, rfp)
  const publicKey = await sealingKey(ctx, rfp.id, 'proposals', nowIso(ctx))
  const maxBytes = Math.min(upload.maxBytes, ctx.proposals.maxFileBytes)
  const fileName = cleanFileName(upload.fileName)
  const inspection: Inspection = { size: 0, type: undefined, hash: createHash('sha256') }
  const sealed = seal(inspected(upload.content, { maxBytes, allowed: ctx.proposals.allowedTypes, label: `"${fileName}"` }, inspection), {
    publicKey, context: sealingContext(rfp.id, 'proposals'), randomBytes: ctx.random.bytes(48)
  })
  const stored = await storeFile(ctx, sealed, { maxBytes: sealedSize(maxBytes) })
  return { storedFileId: stored.id, part: upload.part, originalName: fileName, fileType: inspection.type!, size: inspection.size, sha256: inspection.hash.digest('hex') }
}

/**
 * Refuses a vendor contact who may not bid on the RFP now: not a vendor contact, the RFP not taking proposals,
 * the deadline passed (by the clock, to the millisecond), not invited, or amendments not yet acknowledged.
 */
export async function checkMayBid (db: Executor, ctx: ServiceContext, actor: UserActor, rfp: RfpRecord, now = ctx.clock.now()): Promise<{ organisationId: string, organisationName: string }> {
  authorize(ctx, actor, { action: 'proposal.submit', rfp })
  const organisation = await organisationOf(db, actor)
  if (rfp.state !== 'published') throw new InvalidStateError(`the RFP is ${rfp.state}: it takes no proposals`)
  if (!isOnTime(rfp.schedule.proposalsDueAt, now)) throw new InvalidStateError(lateMessage(rfp.schedule.proposalsDueAt, rfp.timeZone))
  if (!isEligible(rfp, organisation.organisationId)) throw new ForbiddenError(NOT_INVITED)
  const unacknowledged = await unacknowledgedOf(db, rfp, organisation.organisationId)
  if (unacknowledged.length > 0) throw new InvalidStateError(acknowledgeFirst(unacknowledged))
  return organisation
}

const NOT_INVITED = 'this RFP is open to invited vendors only, and your organisation is not one of them'

function acknowledgeFirst (versions: readonly number[]): string {
  return `acknowledge amendment${versions.length > 1 ? 's' : ''} ${versions.join(', ')} on the RFP page before submitting`
}

export function lateMessage (dueAt: string, timeZone: string): string {
  return `proposals were due by ${formatInstant(dueAt, timeZone)} (${timeZone}): the deadline has passed and no proposal is accepted after it`
}

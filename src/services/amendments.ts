// Amendments: every change after publication is a new numbered version with a reason, mailed to vendors,
// who acknowledge it before they may submit; and the history of versions with word-level diffs.
import { advanceVersion, findVersion, insertRfpVersion, listVersionSummaries, listVersions } from '../db/rfps.js'
import { organisationNames, vendorAddresses } from '../db/rfp-vendors.js'
import { checkAmendment } from '../domain/amendment.js'
import type { Actor, UserActor } from '../domain/policy.js'
import type { RfpDraft } from '../domain/rfp-document.js'
import type { RfpVersion } from '../domain/rfp.js'
import { hashSecret } from '../domain/sign-in.js'
import { documentText, wordDiff, type DiffPart } from '../domain/rfp-text.js'
import { InvalidStateError, NotFoundError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { acceptDocument, documentHash, findRfpForChange, getRfp, mailInvitations } from './rfps.js'

export interface AmendmentResult {
  version: number
  /** Set when the deadline moved to keep the notice the RFP promises. */
  extension: { from: string, to: string } | null
}

/**
 * Issues version n+1 of a published RFP. Its registered and invited vendors are mailed and asked to
 * acknowledge it; vendors invited by this amendment get an invitation.
 */
export async function amendRfp (ctx: ServiceContext, actor: UserActor, slug: string, input: RfpDraft, reason: string): Promise<AmendmentResult> {
  const at = nowIso(ctx)
  return await ctx.db.transaction().execute(async (trx) => {
    // Changes to one RFP take turns, so two owners amending at once make versions n+1 and n+2, not a 500.
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'rfp.edit', rfp })
    if (rfp.state === 'draft') throw new InvalidStateError('the RFP is a draft: edit it directly until it is published')
    if (rfp.state !== 'published') throw new InvalidStateError(`the RFP is ${rfp.state} and can no longer be amended`)
    const document = await acceptDocument(trx, input)
    const outcome = checkAmendment(rfp.document, document, reason, ctx.clock.now())
    if (outcome.problems.length > 0) throw invalidInput(outcome.problems)

    const version = rfp.currentVersion + 1
    await insertRfpVersion(trx, { rfpId: rfp.id, number: version, document: outcome.document, reason: reason.trim(), createdBy: actor.userId, at, frozen: true })
    if (!await advanceVersion(trx, rfp.id, version, at)) throw new InvalidStateError('the RFP was amended or closed meanwhile: reload it and try again')
    await appendAuditEvent(trx, {
      at,
      type: 'rfp.amended',
      actorId: actor.userId,
      rfpId: rfp.id,
      public: true,
      data: { slug: rfp.slug, title: outcome.document.title, version, reason: reason.trim(), documentHash: documentHash(outcome.document, version), extension: outcome.extension }
    })

    const before = rfp.document.eligibility.mode === 'invited' ? rfp.document.eligibility.vendors : []
    const after = outcome.document.eligibility.mode === 'invited' ? outcome.document.eligibility.vendors : []
    const newlyInvited = after.filter((id) => !before.includes(id))
    for (const to of await vendorAddresses(trx, rfp.id, before)) {
      await queueMail(trx, ctx, {
        template: 'rfp-amended',
        to,
        data: { title: outcome.document.title, version, reason: reason.trim(), path: `/rfps/${rfp.slug}/versions/${version}`, extension: outcome.extension, timeZone: outcome.document.timeZone }
      })
    }
    await mailInvitations(trx, ctx, { ...outcome.document }, newlyInvited)
    return { version, extension: outcome.extension }
  })
}

/** Every version of an RFP the actor may see, oldest first. */
export async function listRfpVersions (ctx: ServiceContext, actor: Actor, slug: string): Promise<RfpVersion[]> {
  const rfp = await getRfp(ctx, actor, slug)
  return await listVersions(ctx.db, rfp.id, rfp.slug)
}

/** The history without the texts: numbers, reasons and dates, oldest first. */
export async function listRfpHistory (ctx: ServiceContext, actor: Actor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  return await listVersionSummaries(ctx.db, rfp.id)
}

/** One version of an RFP the actor may see. */
export async function getRfpVersion (ctx: ServiceContext, actor: Actor, slug: string, number: number): Promise<RfpVersion> {
  return await versionOf(ctx, await getRfp(ctx, actor, slug), number)
}

async function versionOf (ctx: ServiceContext, rfp: { id: string, slug: string, currentVersion: number }, number: number): Promise<RfpVersion> {
  const found = await findVersion(ctx.db, rfp.id, rfp.slug, number)
  if (found === undefined) throw new NotFoundError(`there is no version ${number}: the RFP has ${rfp.currentVersion}`)
  return found
}

export interface VersionComparison {
  from: RfpVersion
  to: RfpVersion
  parts: DiffPart[]
  /** False when the versions differ too much to be marked word by word. */
  complete: boolean
}

// Versions never change once published, so a diff is computed once per pair of texts: repeated requests for
// a diff cost a hash, not a diff. Keyed by the texts' hashes, so it is right whatever database asked.
const DIFF_MEMO_SIZE = 200
const diffMemo = new Map<string, ReturnType<typeof wordDiff>>()

function memoisedDiff (before: string, after: string): ReturnType<typeof wordDiff> {
  const key = `${hashSecret(before)}:${hashSecret(after)}`
  const known = diffMemo.get(key)
  if (known !== undefined) return known
  const diff = wordDiff(before, after)
  if (diffMemo.size >= DIFF_MEMO_SIZE) diffMemo.delete(diffMemo.keys().next().value as string)
  diffMemo.set(key, diff)
  return diff
}

/** Two versions and the word-level diff from the first to the second. */
export async function compareVersions (ctx: ServiceContext, actor: Actor, slug: string, from: number, to: number): Promise<VersionComparison> {
  const rfp = await getRfp(ctx, actor, slug)
  // The later one first: /versions/9 of an RFP with 2 versions names 9, not the 8 it would be compared with.
  const newer = await versionOf(ctx, rfp, to)
  const older = await versionOf(ctx, rfp, from)
  const ids = new Set([older, newer].flatMap((v) => v.document.eligibility.mode === 'invited' ? v.document.eligibility.vendors : []))
  const names = await organisationNames(ctx.db, [...ids])
  return { from: older, to: newer, ...memoisedDiff(documentText(older.document, names), documentText(newer.document, names)) }
}

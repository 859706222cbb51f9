// Vendor organisations and their contacts: registration, and who is signed in.
import { lockForTransaction } from '../db/database.js'
import { findUserByEmail } from '../db/users.js'
import { findRfp, listRfpsTakingProposals } from '../db/rfps.js'
import { listProposalsOfOrganisation } from '../db/proposals.js'
import { findContact, findOrganisationByName, insertContact, insertOrganisation } from '../db/vendors.js'
import { normalizeEmail } from '../domain/email.js'
import type { Actor } from '../domain/policy.js'
import type { Problem } from '../domain/schema-problems.js'
import { ConflictError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { isEligible, unacknowledgedOf } from './rfp-vendors.js'
import { newSignInToken, requestSignInLink, sendSignInLink } from './sign-in.js'
import { addUser, checkNewUser } from './users.js'

export interface VendorRegistration {
  organisation: string
  website: string
  contactName: string
  email: string
}

const foldName = (name: string): string => name.trim().replace(/\s+/g, ' ')

function checkRegistration (input: VendorRegistration): Problem[] {
  const problems: Problem[] = []
  const organisation = foldName(input.organisation)
  if (organisation.length < 2 || organisation.length > 200) problems.push({ path: 'organisation', message: 'must be 2 to 200 characters' })
  if (input.website.trim() !== '') {
    let url: URL | undefined
    try { url = new URL(input.website.trim()) } catch {}
    if (url === undefined || !['http:', 'https:'].includes(url.protocol)) problems.push({ path: 'website', message: 'must be an http(s) address, or empty' })
  }
  problems.push(...checkNewUser({ email: input.email, displayName: input.contactName }).map((p) => p.path === 'displayName' ? { ...p, path: 'contactName' } : p))
  return problems
}

/**
 * Registers an organisation with its first contact and mails them a sign-in link. An address that has an
 * account already gets a sign-in link instead, and the caller answers the same: the form reveals no account.
 */
export async function registerVendor (ctx: ServiceContext, input: VendorRegistration): Promise<void> {
  const problems = checkRegistration(input)
  if (problems.length > 0) throw invalidInput(problems)
  if (await findUserByEmail(ctx.db, normalizeEmail(input.email)) !== undefined) {
    await requestSignInLink(ctx, input.email)
    return
  }
  const name = foldName(input.organisation)
  const token = newSignInToken(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, `vendor_organisations.name:${name.toLowerCase()}`)
    if (await findOrganisationByName(trx, name.toLowerCase()) !== undefined) {
      throw new ConflictError(`organisation: "${name}" is registered already; ask its contact to add you`)
    }
    const organisationId = newId(ctx)
    const at = nowIso(ctx)
    await insertOrganisation(trx, { id: organisationId, name, name_normalized: name.toLowerCase(), website: input.website.trim() === '' ? null : input.website.trim(), created_at: at })
    const { id: userId } = await addUser(trx, ctx, null, { email: input.email, displayName: input.contactName })
    await insertContact(trx, userId, organisationId, at)
    await appendAuditEvent(trx, { at, type: 'vendor.registered', actorId: userId, rfpId: null, public: false, data: { organisationId, userId } })
    await sendSignInLink(trx, ctx, { id: userId, email: input.email.trim() }, token)
  })
}

/**
 * The vendor portal's first page: the RFPs still taking proposals, soonest deadline first. Filtered in the
 * query, not after a page of all published RFPs, so an open RFP is never pushed off by decided ones.
 */
/**
 * The portal's home: the RFPs open for proposals that the organisation may bid on, with the amendments it has
 * yet to acknowledge and where its proposal stands; and every proposal it has made.
 */
export async function getVendorPortal (ctx: ServiceContext, actor: Actor, limit: number) {
  authorize(ctx, actor, { action: 'vendor.portal' })
  const contact = actor.kind === 'user' ? await findContact(ctx.db, actor.userId) : undefined
  if (contact === undefined) return { rfps: [], proposals: [] }
  const proposals = await listProposalsOfOrganisation(ctx.db, contact.organisationId, limit)
  const standing = new Map(proposals.map((p) => [p.slug, p]))
  const rfps = []
  for (const listing of await listRfpsTakingProposals(ctx.db, nowIso(ctx), limit)) {
    const rfp = await findRfp(ctx.db, { id: listing.id })
    if (rfp === undefined || !isEligible(rfp, contact.organisationId)) continue
    rfps.push({ ...listing, unacknowledged: await unacknowledgedOf(ctx.db, rfp, contact.organisationId), proposal: standing.get(rfp.slug) ?? null })
  }
  return { rfps, proposals }
}

// Queries on RFPs and their versions; rows leave as domain records.
import type { Insertable } from 'kysely'
import type { RfpListing, RfpRecord, RfpState, RfpVersion } from '../domain/rfp.js'
import { withDefaults, type RfpDocument, type RfpDraft } from '../domain/rfp-document.js'
import type { Executor } from './database.js'
import { listRfpMembers } from './rfp-roles.js'
import type { RfpsTable, RfpVersionRow } from './schema.js'

/** What a version row keeps as JSON: the document less the columns of its own. */
type StoredContent = Pick<RfpDraft, 'sections' | 'rounds' | 'eligibility' | 'requirements' | 'procedure' | 'attestation'>

function withCurrentVersion (db: Executor) {
  return db.selectFrom('rfps')
    .innerJoin('rfp_versions', (join) => join
      .onRef('rfp_versions.rfp_id', '=', 'rfps.id')
      .onRef('rfp_versions.number', '=', 'rfps.current_version'))
    .select([
      'rfps.id', 'rfps.slug', 'rfps.state', 'rfps.current_version', 'rfps.created_by', 'rfps.published_at', 'rfps.cancelled_at',
      'rfp_versions.title', 'rfp_versions.summary', 'rfp_versions.time_zone',
      'rfp_versions.questions_close_at', 'rfp_versions.proposals_due_at', 'rfp_versions.decision_expected_at'
    ])
}

type ListingRow = Awaited<ReturnType<ReturnType<typeof withCurrentVersion>['executeTakeFirstOrThrow']>>

function toListing (row: ListingRow): RfpListing {
  return {
    id: row.id,
    slug: row.slug,
    state: row.state as RfpState,
    currentVersion: row.current_version,
    createdBy: row.created_by,
    publishedAt: row.published_at,
    cancelledAt: row.cancelled_at,
    title: row.title,
    summary: row.summary,
    timeZone: row.time_zone,
    schedule: {
      questionsCloseAt: row.questions_close_at,
      proposalsDueAt: row.proposals_due_at,
      decisionExpectedAt: row.decision_expected_at
    }
  }
}

type VersionColumns = Pick<RfpVersionRow, 'title' | 'summary' | 'time_zone' | 'questions_close_at' | 'proposals_due_at' | 'decision_expected_at' | 'content'>

function toDocument (slug: string, row: VersionColumns): RfpDocument {
  const content = JSON.parse(row.content) as StoredContent
  return withDefaults({
    slug,
    title: row.title,
    summary: row.summary,
    timeZone: row.time_zone,
    schedule: { questionsCloseAt: row.questions_close_at, proposalsDueAt: row.proposals_due_at, decisionExpectedAt: row.decision_expected_at },
    ...content
  })
}

/** The columns of a version row that hold a document. */
export function versionColumns (doc: RfpDocument): VersionColumns {
  const content: StoredContent = { sections: doc.sections, rounds: doc.rounds, eligibility: doc.eligibility, requirements: doc.requirements, procedure: doc.procedure, ...(doc.attestation === undefined ? {} : { attestation: doc.attestation }) }
  return {
    title: doc.title,
    summary: doc.summary,
    time_zone: doc.timeZone,
    questions_close_at: doc.schedule.questionsCloseAt,
    proposals_due_at: doc.schedule.proposalsDueAt,
    decision_expected_at: doc.schedule.decisionExpectedAt,
    content: JSON.stringify(content)
  }
}

export async function insertRfp (db: Executor, row: Insertable<RfpsTable>): Promise<void> {
  await db.insertInto('rfps').values(row).execute()
}

export async function insertRfpVersion (db: Executor, row: { rfpId: string, number: number, document: RfpDocument, reason: string | null, createdBy: string, at: string, frozen: boolean }): Promise<void> {
  await db.insertInto('rfp_versions').values({
    rfp_id: row.rfpId,
    number: row.number,
    ...versionColumns(row.document),
    reason: row.reason,
    created_by: row.createdBy,
    created_at: row.at,
    frozen_at: row.frozen ? row.at : null
  }).execute()
}

/** Rewrites a draft's version 1; false when it has been frozen meanwhile. */
export async function updateDraftVersion (db: Executor, rfpId: string, document: RfpDocument, at: string): Promise<boolean> {
  const result = await db.updateTable('rfp_versions').set(versionColumns(document))
    .where('rfp_id', '=', rfpId).where('number', '=', 1).where('frozen_at', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows !== 1n) return false
  await db.updateTable('rfps').set({ updated_at: at }).where('id', '=', rfpId).execute()
  return true
}

/** Makes `number` current when `number - 1` still is: two amendments at once cannot both be version n. */
export async function advanceVersion (db: Executor, rfpId: string, number: number, at: string): Promise<boolean> {
  const result = await db.updateTable('rfps').set({ current_version: number, updated_at: at })
    .where('id', '=', rfpId).where('current_version', '=', number - 1).where('state', '=', 'published')
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findRfp (db: Executor, by: { slug: string } | { id: string }): Promise<RfpRecord | undefined> {
  const query = withCurrentVersion(db).select(['rfp_versions.content', 'rfps.cancel_reason'])
  const row = await ('slug' in by ? query.where('rfps.slug', '=', by.slug) : query.where('rfps.id', '=', by.id)).executeTakeFirst()
  if (row === undefined) return undefined
  return { ...toListing(row), document: toDocument(row.slug, row), cancelReason: row.cancel_reason, members: await listRfpMembers(db, row.id) }
}

export async function listVersions (db: Executor, rfpId: string, slug: string): Promise<RfpVersion[]> {
  const rows = await db.selectFrom('rfp_versions').selectAll().where('rfp_id', '=', rfpId).orderBy('number').execute()
  return rows.map((row) => ({ number: row.number, document: toDocument(slug, row), reason: row.reason, createdAt: row.created_at, frozenAt: row.frozen_at }))
}

/** One version with its document; undefined when the RFP has no such version. */
export async function findVersion (db: Executor, rfpId: string, slug: string, number: number): Promise<RfpVersion | undefined> {
  const row = await db.selectFrom('rfp_versions').selectAll().where('rfp_id', '=', rfpId).where('number', '=', number).executeTakeFirst()
  return row === undefined ? undefined : { number: row.number, document: toDocument(slug, row), reason: row.reason, createdAt: row.created_at, frozenAt: row.frozen_at }
}

/** The history without the documents: what the RFP page lists. */
export async function listVersionSummaries (db: Executor, rfpId: string): Promise<Omit<RfpVersion, 'document'>[]> {
  const rows = await db.selectFrom('rfp_versions').select(['number', 'reason', 'created_at', 'frozen_at']).where('rfp_id', '=', rfpId).orderBy('number').execute()
  return rows.map((row) => ({ number: row.number, reason: row.reason, createdAt: row.created_at, frozenAt: row.frozen_at }))
}

export async function slugExists (db: Executor, slug: string): Promise<boolean> {
  const row = await db.selectFrom('rfps').select('id').where('slug', '=', slug).executeTakeFirst()
  return row !== undefined
}

export interface Page { limit: number, offset: number }

/** RFPs that have been published (whatever their state since), most recently published first. */
export async function listPublishedRfps (db: Executor, page: Page): Promise<RfpListing[]> {
  const rows = await withCurrentVersion(db)
    .where('rfps.published_at', 'is not', null)
    .orderBy('rfps.published_at', 'desc')
    .orderBy('rfps.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  return rows.map(toListing)
}

/** Published RFPs still taking proposals at `now`, soonest deadline first. */
export async function listRfpsTakingProposals (db: Executor, now: string, limit: number): Promise<RfpListing[]> {
  const rows = await withCurrentVersion(db)
    .where('rfps.state', '=', 'published')
    .where('rfp_versions.proposals_due_at', '>', now)
    .orderBy('rfp_versions.proposals_due_at')
    .orderBy('rfps.id')
    .limit(limit)
    .execute()
  return rows.map(toListing)
}

/** The RFPs on which a user holds a role, drafts first, then by title; at most `limit`. */
export async function listRfpsOfMember (db: Executor, userId: string, limit: number): Promise<(RfpListing & { roles: string[] })[]> {
  const rows = await withCurrentVersion(db)
    .innerJoin('rfp_roles', 'rfp_roles.rfp_id', 'rfps.id')
    .select('rfp_roles.role')
    .where('rfp_roles.user_id', '=', userId)
    .orderBy('rfps.updated_at', 'desc').orderBy('rfps.id').orderBy('rfp_roles.role')
    .limit(limit * 2)
    .execute()
  const byId = new Map<string, RfpListing & { roles: string[] }>()
  for (const row of rows) {
    const found = byId.get(row.id)
    if (found === undefined) byId.set(row.id, { ...toListing(row), roles: [row.role] })
    else found.roles.push(row.role)
  }
  return [...byId.values()].slice(0, limit)
}

export async function countPublishedRfps (db: Executor): Promise<number> {
  const { n } = await db.selectFrom('rfps').select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('published_at', 'is not', null)
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** Publishes a draft; false when it is no longer a draft (another request published it first). */
export async function markPublished (db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('rfps').set({ state: 'published', published_at: at, updated_at: at }).where('id', '=', id).where('state', '=', 'draft').executeTakeFirst()
  if (result.numUpdatedRows !== 1n) return false
  await db.updateTable('rfp_versions').set({ frozen_at: at }).where('rfp_id', '=', id).where('number', '=', 1).execute()
  return true
}

/** Every RFP's slug and current title, drafts included, for an admin choosing one; at most `limit`. */
export async function listRfpChoices (db: Executor, limit: number) {
  return await withCurrentVersion(db).orderBy('rfps.slug').limit(limit).execute()
    .then((rows) => rows.map((row) => ({ id: row.id, slug: row.slug, title: row.title })))
}

export async function findRfpIdBySlug (db: Executor, slug: string): Promise<string | undefined> {
  return (await db.selectFrom('rfps').select('id').where('slug', '=', slug).executeTakeFirst())?.id
}

/** Cancels an RFP that is not yet decided; false when it was cancelled or decided meanwhile. */
export async function markCancelled (db: Executor, id: string, reason: string, at: string): Promise<boolean> {
  const result = await db.updateTable('rfps').set({ state: 'cancelled', cancelled_at: at, cancel_reason: reason, updated_at: at })
    .where('id', '=', id).where('state', 'not in', ['cancelled', 'decided'])
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function versionCreatedAt (db: Executor, rfpId: string, number: number): Promise<string> {
  const row = await db.selectFrom('rfp_versions').select('created_at').where('rfp_id', '=', rfpId).where('number', '=', number).executeTakeFirstOrThrow()
  return row.created_at
}

/** Gives a draft a new slug; the caller has checked that the slug is free. */
export async function setRfpSlug (db: Executor, id: string, slug: string): Promise<void> {
  await db.updateTable('rfps').set({ slug }).where('id', '=', id).where('published_at', 'is', null).execute()
}

export async function findRfpState (db: Executor, id: string): Promise<string | undefined> {
  return (await db.selectFrom('rfps').select('state').where('id', '=', id).executeTakeFirst())?.state
}

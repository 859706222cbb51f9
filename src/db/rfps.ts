// Queries on RFPs and their versions; rows leave as domain records.
import type { RfpListing, RfpRecord, RfpState } from '../domain/rfp.js'
import type { Round, Section } from '../domain/rfp-document.js'
import type { Executor } from './database.js'
import { listRfpMembers } from './rfp-roles.js'
import type { NewRfpVersion, RfpsTable } from './schema.js'

interface StoredContent { sections: Section[], rounds: Round[] }

function withCurrentVersion (db: Executor) {
  return db.selectFrom('rfps')
    .innerJoin('rfp_versions', (join) => join
      .onRef('rfp_versions.rfp_id', '=', 'rfps.id')
      .onRef('rfp_versions.number', '=', 'rfps.current_version'))
    .select([
      'rfps.id', 'rfps.slug', 'rfps.state', 'rfps.current_version', 'rfps.created_by', 'rfps.published_at',
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

export async function insertRfp (db: Executor, row: RfpsTable): Promise<void> {
  await db.insertInto('rfps').values(row).execute()
}

export async function insertRfpVersion (db: Executor, row: NewRfpVersion): Promise<void> {
  await db.insertInto('rfp_versions').values(row).execute()
}

export function encodeContent (content: StoredContent): string {
  return JSON.stringify({ sections: content.sections, rounds: content.rounds })
}

export async function findRfp (db: Executor, by: { slug: string } | { id: string }): Promise<RfpRecord | undefined> {
  const query = withCurrentVersion(db).select('rfp_versions.content')
  const row = await ('slug' in by ? query.where('rfps.slug', '=', by.slug) : query.where('rfps.id', '=', by.id)).executeTakeFirst()
  if (row === undefined) return undefined
  const content = JSON.parse(row.content) as StoredContent
  return { ...toListing(row), sections: content.sections, rounds: content.rounds, members: await listRfpMembers(db, row.id) }
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

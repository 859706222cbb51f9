// What the Atom feeds and calendars say: public events worded for readers, and an RFP's dates.
import { firstAuditEventAt, latestPublicEvents } from '../db/audit-events.js'
import { versionCreatedAt } from '../db/rfps.js'
import { ANONYMOUS } from '../domain/policy.js'
import { nowIso, type ServiceContext } from './context.js'
import { getRfp } from './rfps.js'

export const FEED_EVENT_TYPES = ['rfp.published', 'rfp.amended', 'rfp.question.answered', 'rfp.answer.revised', 'rfp.opened', 'rfp.decided', 'rfp.cancelled'] as const
/** Entries per feed: readers poll, so the newest are enough. */
export const FEED_LENGTH = 50

export interface PublicNews {
  /** The audit sequence number: permanent, so it makes the entry's id. */
  seq: number
  at: string
  title: string
  summary: string
  /** Site-relative link to what the entry is about. */
  path: string
}

const text = (value: unknown): string => typeof value === 'string' ? value : ''

function describe (event: { seq: number, at: string, type: string, data: Record<string, unknown> }): PublicNews {
  const slug = text(event.data.slug)
  const title = text(event.data.title) === '' ? slug : text(event.data.title)
  const base = { seq: event.seq, at: event.at }
  switch (event.type) {
    case 'rfp.published':
      return { ...base, title: `Published: ${title}`, summary: `A new RFP is open for questions and proposals: ${title}.`, path: `/rfps/${slug}` }
    case 'rfp.amended':
      return { ...base, title: `Amendment (version ${String(event.data.version)}): ${title}`, summary: text(event.data.reason), path: `/rfps/${slug}/versions/${String(event.data.version)}` }
    case 'rfp.question.answered':
    case 'rfp.answer.revised':
      return {
        ...base,
        title: `${event.type === 'rfp.answer.revised' ? 'Revised answer' : 'Answer'} ${String(event.data.number)}: ${title}`,
        summary: `Q: ${text(event.data.question)}\n\nA: ${text(event.data.answer)}`,
        path: `/rfps/${slug}#answer-${String(event.data.number)}`
      }
    case 'rfp.opened': {
      const count = Number(event.data.count)
      return {
        ...base,
        title: `Proposals opened: ${title}`,
        summary: `The committee opened the ${count} proposal${count === 1 ? '' : 's'} received by the deadline. Every receipt hash is listed publicly.`,
        path: `/rfps/${slug}/receipts`
      }
    }
    case 'rfp.decided': {
      const selected = Array.isArray(event.data.selected) ? event.data.selected.map(text) : []
      return { ...base, title: `Decided: ${title}`, summary: `Selected: ${selected.join(', ')}.\n\n${text(event.data.rationale)}`, path: `/rfps/${slug}` }
    }
    default:
      return { ...base, title: `Cancelled: ${title}`, summary: text(event.data.reason), path: `/rfps/${slug}` }
  }
}

/** The newest public news of the whole site, and since when the site has existed (its first audit event). */
export async function siteNews (ctx: ServiceContext): Promise<{ since: string, news: PublicNews[] }> {
  const since = await firstAuditEventAt(ctx.db) ?? nowIso(ctx)
  return { since, news: (await latestPublicEvents(ctx.db, FEED_EVENT_TYPES, null, FEED_LENGTH)).map(describe) }
}

/** The newest public news of one published RFP. */
export async function rfpNews (ctx: ServiceContext, slug: string) {
  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  return { rfp, news: (await latestPublicEvents(ctx.db, FEED_EVENT_TYPES, rfp.id, FEED_LENGTH)).map(describe) }
}

/** A published RFP's dates, for its calendar. SEQUENCE counts amendments, and the cancellation once more. */
export async function rfpCalendar (ctx: ServiceContext, slug: string) {
  const rfp = await getRfp(ctx, ANONYMOUS, slug)
  const versionAt = await versionCreatedAt(ctx.db, rfp.id, rfp.currentVersion)
  const cancelled = rfp.state === 'cancelled'
  return {
    rfp,
    // DTSTAMP: when this revision of the calendar came to be, so the file only changes when the RFP does.
    stamp: cancelled ? rfp.cancelledAt ?? versionAt : versionAt,
    sequence: rfp.currentVersion - 1 + (cancelled ? 1 : 0),
    cancelled
  }
}

// Turns public news and an RFP's dates into the Atom feed and iCalendar file the live site and the archive serve.
import type { RfpSchedule, RfpState } from '../domain/rfp.js'
import { formatInstant } from '../domain/time.js'
import type { Calendar } from './icalendar.js'
import type { Feed } from './atom.js'
import { tagUri } from './atom.js'

export interface NewsItem { seq: number, at: string, title: string, summary: string, path: string }

/**
 * A feed of news items. Entry ids are tag URIs on the audit sequence number, which never changes; the
 * feed's own id is on the day the instance's first entry was made, or on `since` when it has none.
 */
export function newsFeed (publicUrl: string, feed: { title: string, selfPath: string, alternatePath: string, idPath: string, since: string, news: NewsItem[] }): Feed {
  const base = publicUrl.replace(/\/$/, '')
  return {
    id: tagUri(publicUrl, feed.since, `shortlist/feed${feed.idPath}`),
    title: feed.title,
    selfLink: base + feed.selfPath,
    alternateLink: base + feed.alternatePath,
    updated: feed.since,
    entries: feed.news.map((item) => ({
      id: tagUri(publicUrl, item.at, `shortlist/event/${item.seq}`),
      title: item.title,
      updated: item.at,
      link: base + item.path,
      summary: item.summary
    }))
  }
}

export interface CalendarSource {
  rfp: { id: string, slug: string, title: string, state: RfpState, timeZone: string, schedule: RfpSchedule }
  stamp: string
  sequence: number
  cancelled: boolean
}

/** An RFP's three dates as events whose UIDs stay the same through every amendment. */
export function rfpCalendarFile (publicUrl: string, source: CalendarSource): Calendar {
  const host = new URL(publicUrl).hostname
  const { rfp } = source
  const url = `${publicUrl.replace(/\/$/, '')}/rfps/${rfp.slug}`
  const event = (key: string, summary: string, at: string) => ({
    uid: `${rfp.id}-${key}@${host}`,
    summary: `${summary}: ${rfp.title}`,
    description: `${summary} at ${formatInstant(at, rfp.timeZone)} (${rfp.timeZone}).${source.cancelled ? ' The RFP was cancelled.' : ''}\n${url}`,
    at
  })
  return {
    name: rfp.title,
    url,
    stamp: source.stamp,
    sequence: source.sequence,
    cancelled: source.cancelled,
    events: [
      event('questions-close', 'Questions close', rfp.schedule.questionsCloseAt),
      event('proposals-due', 'Proposals due', rfp.schedule.proposalsDueAt),
      event('decision-expected', 'Decision expected', rfp.schedule.decisionExpectedAt)
    ]
  }
}

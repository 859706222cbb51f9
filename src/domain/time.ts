// Time helpers shared by the rules: IANA zone names and whole days.

export const DAY_MS = 24 * 60 * 60 * 1000

export function isTimeZone (zone: string): boolean {
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** An ISO 8601 text that names a real instant: the format check alone lets "…T23:59:60Z" through. */
export function isInstant (text: string): boolean {
  return Number.isFinite(Date.parse(text))
}

const partsFormats = new Map<string, Intl.DateTimeFormat>()

type WallClock = [year: number, month: number, day: number, hour: number, minute: number, second: number]

function wallClockParts (ms: number, zone: string): WallClock {
  let format = partsFormats.get(zone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
    })
    partsFormats.set(zone, format)
  }
  const value = (type: string): number => Number(format.formatToParts(new Date(ms)).find((p) => p.type === type)?.value)
  return [value('year'), value('month'), value('day'), value('hour'), value('minute'), value('second')]
}

function offsetAt (ms: number, zone: string): number {
  const [y, mo, d, h, mi, s] = wallClockParts(ms, zone)
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ms / 1000) * 1000
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/** "2026-12-08T17:00" as a wall clock reads it in `zone`: the form a datetime-local field shows. */
export function toZonedLocal (iso: string, zone: string): string {
  const [y, mo, d, h, mi] = wallClockParts(Date.parse(iso), zone)
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}`
}

/**
 * The UTC instant at which the wall clock in `zone` reads `local` ("2026-12-08T17:00"), or undefined when it
 * never does (the hour skipped when clocks go forward) or `local` is not a real date. In the hour repeated
 * when clocks go back, the earlier instant.
 */
export function fromZonedLocal (local: string, zone: string): string | undefined {
  const match = LOCAL.exec(local)
  if (match === null) return undefined
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(match[i])) as [number, number, number, number, number]
  const asUtc = Date.UTC(y, mo - 1, d, h, mi)
  if (!Number.isFinite(asUtc)) return undefined
  const candidates = [asUtc - offsetAt(asUtc - offsetAt(asUtc, zone), zone), asUtc - offsetAt(asUtc, zone), asUtc - offsetAt(asUtc - 3 * 60 * 60 * 1000, zone)]
  const found = candidates.filter((ms) => toZonedLocal(new Date(ms).toISOString(), zone) === local).sort((a, b) => a - b)[0]
  return found === undefined ? undefined : new Date(found).toISOString()
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** "Tue 8 Dec 2026, 17:00 CET": an instant as people in the RFP's time zone read it. */
export function formatInstant (iso: string, timeZone: string): string {
  let format = formats.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short'
    })
    formats.set(timeZone, format)
  }
  return format.format(new Date(iso))
}

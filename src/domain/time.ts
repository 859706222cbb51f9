// Time helpers shared by the rules: IANA zone names and whole days.

export const DAY_MS = 24 * 60 * 60 * 1000

/** Enough for every zone in use; a cache keyed by what people type must not grow without bound. */
const FORMAT_CACHE_SIZE = 600
const canonicalZones = new Map<string, string | undefined>()

/**
 * The zone's canonical spelling ("europe/berlin" → "Europe/Berlin"), or undefined when there is no such zone.
 * Intl also maps current names to the older ones it knows ("Europe/Kyiv" → "Europe/Kiev"); those are kept as
 * written, so a zone only ever changes by letter case.
 */
export function canonicalTimeZone (zone: string): string | undefined {
  if (zone.length > 64) return undefined
  // Making a formatter costs tens of microseconds, and every page that shows a date asks: remembered, boundedly.
  if (canonicalZones.has(zone)) return canonicalZones.get(zone)
  let canonical: string | undefined
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone
    canonical = resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone
  } catch {
    canonical = undefined
  }
  if (canonicalZones.size < FORMAT_CACHE_SIZE) canonicalZones.set(zone, canonical)
  return canonical
}

export function isTimeZone (zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined
}

/** A formatter from `cache`, made once per zone while the cache has room. */
export function cachedFormat (cache: Map<string, Intl.DateTimeFormat>, zone: string, make: (zone: string) => Intl.DateTimeFormat): Intl.DateTimeFormat {
  const found = cache.get(zone)
  if (found !== undefined) return found
  const format = make(zone)
  if (cache.size < FORMAT_CACHE_SIZE) cache.set(zone, format)
  return format
}

/** An ISO 8601 text that names a real instant: the format check alone lets "…T23:59:60Z" through. */
export function isInstant (text: string): boolean {
  return Number.isFinite(Date.parse(text))
}

const partsFormats = new Map<string, Intl.DateTimeFormat>()

type WallClock = [year: number, month: number, day: number, hour: number, minute: number, second: number]

function wallClockParts (ms: number, zone: string): WallClock {
  const format = cachedFormat(partsFormats, zone, (timeZone) => new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
  }))
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
  // Every offset the zone uses within a day either side: the instants at which the wall clock reads `local`
  // are among these, in the repeated hour more than one.
  const offsets = new Set([-24, -12, -6, -3, 0, 3, 6, 12, 24].map((h) => offsetAt(asUtc + h * 60 * 60 * 1000, zone)))
  const candidates = [...offsets].map((offset) => asUtc - offset)
  const found = candidates.filter((ms) => toZonedLocal(new Date(ms).toISOString(), zone) === local).sort((a, b) => a - b)[0]
  return found === undefined ? undefined : new Date(found).toISOString()
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** "Tue 8 Dec 2026, 17:00 CET": an instant as people in the RFP's time zone read it. */
export function formatInstant (iso: string, timeZone: string): string {
  return cachedFormat(formats, timeZone, (zone) => new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short'
  })).format(new Date(iso))
}

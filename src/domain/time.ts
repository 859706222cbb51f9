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

// The sign-in limits of the configuration, in the shapes their two users take: @fastify/rate-limit's
// per-address route option, and the per-account failure limits of the sign-in services.
import type { Config } from '../config.js'
import type { FailureLimits } from '../services/committee-sign-in.js'

/** Requests one client address may make to a limited route per window. */
export function perAddress (config: Config): { max: number, timeWindow: number } {
  return { max: config.signIn.attemptsPerWindow, timeWindow: config.signIn.windowMs }
}

/** Wrong passwords or codes one account may get per window. */
export function perAccount (config: Config): FailureLimits {
  return { failuresPerAccount: config.signIn.failuresPerAccount, windowMs: config.signIn.windowMs }
}

// shortlist user add [--admin] [--name NAME] EMAIL: creates a committee member (or admin) and prints the
// invitation link, so the first admin of a new instance can sign in before any mail is set up.
import type { Config } from '../config.js'
import { systemClock, systemRandom } from '../deps.js'
import { createServiceContext } from '../services/context.js'
import { inviteUser } from '../services/invitations.js'
import { migrateOrReport, withDatabase } from './database.js'
import type { CliIo } from './io.js'

export interface UserAddOptions { admin: boolean, name: string | undefined }

export async function userCommand (config: Config, io: CliIo, action: string | undefined, email: string | undefined, options: UserAddOptions): Promise<number> {
  if (action !== 'add' || email === undefined) {
    io.err('usage: shortlist user add [--admin] [--name NAME] EMAIL')
    return 2
  }
  if (!await migrateOrReport(config, io)) return 1
  const displayName = options.name ?? email.trim().split('@')[0] ?? email
  const { path } = await withDatabase(config, async (db) => await inviteUser(
    createServiceContext({ config, db, clock: systemClock, random: systemRandom }),
    null,
    { email, displayName, isAdmin: options.admin, mail: false }
  ))
  io.out(`${options.admin ? 'admin' : 'committee member'} ${email.trim()} added. Open this link within 7 days to set a password and a second factor (it works once):`)
  io.out(`${config.publicUrl}${path}`)
  return 0
}

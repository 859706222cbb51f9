// Median time of POST /sign-in (magic link) and of a wrong POST /sign-in/password for an address with an
// account and one without, in one process.
// Run: node --import tsx bench/sign-in-timing.ts. Prints both medians and their ratio; not part of npm test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { systemClock, systemRandom } from '../src/deps.js'
import { createServiceContext } from '../src/services/context.js'
import { acceptInvitation, inviteUser } from '../src/services/invitations.js'
import { registerVendor } from '../src/services/vendors.js'

const ROUNDS = 400
const PASSWORD_ROUNDS = 150
const dataDir = mkdtempSync(join(tmpdir(), 'shortlist-bench-'))
try {
  const config = loadConfig({ env: { SHORTLIST_CONFIG_FILE: 'config/test.json' }, overrides: { dataDir, signIn: { linksPerHour: 5, attemptsPerWindow: 10000, windowMs: 60000, failuresPerAccount: 1000 } } })
  const db = openDatabase(config)
  await migrateToLatest(db)
  const ctx = createServiceContext({ config, db, clock: systemClock, random: systemRandom })
  await registerVendor(ctx, { organisation: 'Acme', website: '', contactName: 'Ada', email: 'ada@acme.example' })
  const { path } = await inviteUser(ctx, null, { email: 'robin@driftwood.example', displayName: 'Robin', mail: false })
  await acceptInvitation(ctx, new URLSearchParams(path.split('?')[1]).get('token') ?? '', 'a long bench passphrase of words')
  await db.destroy()
  const app = await buildApp(config)
  const page = await app.inject('/sign-in')
  const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const time = async (email: string, url = '/sign-in', fields: Record<string, string> = {}, status = 200): Promise<number> => {
    const start = performance.now()
    const res = await app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email, _csrf: csrf, ...fields }).toString() })
    if (res.statusCode !== status) throw new Error(`status ${res.statusCode}`)
    return performance.now() - start
  }
  const known: number[] = []
  const unknown: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    known.push(await time('ada@acme.example'))
    unknown.push(await time('nobody@acme.example'))
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  console.log(`POST /sign-in, ${ROUNDS} rounds interleaved: known ${median(known).toFixed(2)} ms, unknown ${median(unknown).toFixed(2)} ms, ratio ${(median(known) / median(unknown)).toFixed(2)}`)

  // A wrong password for a committee member, for a vendor contact (no password) and for no account at all.
  const wrong = { password: 'not the password at all' }
  const member: number[] = []
  const vendor: number[] = []
  const nobody: number[] = []
  for (let i = 0; i < PASSWORD_ROUNDS; i++) {
    member.push(await time('robin@driftwood.example', '/sign-in/password', wrong, 400))
    vendor.push(await time('ada@acme.example', '/sign-in/password', wrong, 400))
    nobody.push(await time('nobody@acme.example', '/sign-in/password', wrong, 400))
  }
  console.log(`POST /sign-in/password (wrong), ${PASSWORD_ROUNDS} rounds interleaved: member ${median(member).toFixed(2)} ms, vendor ${median(vendor).toFixed(2)} ms, unknown ${median(nobody).toFixed(2)} ms, member/unknown ${(median(member) / median(nobody)).toFixed(2)}`)
  await app.close()
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}

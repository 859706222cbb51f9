// The sealing matrix (issue #7, DESIGN §3.1): every kind of visitor × every route that could show a proposal,
// before the deadline, after it while still sealed, and after the opening. Each cell says the status and what
// of the proposal its response may show; unique markers in the summary, the file, the file's name and the
// bidder's name must appear nowhere else — not in any body, nor in any header.
import { Signer } from '@fastify/cookie'
import { Readable } from 'node:stream'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { attest } from '../../src/services/evaluation.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { storeSession } from '../../src/services/sessions.js'
import { registerVendor } from '../../src/services/vendors.js'
import { T0, buildTestApp, createCommitteeMember, type TestApp } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const SECRET = 'a-test-session-secret-of-32-characters-or-more'
const DOCUMENT = securityAuditRfp(T0)
const SLUG = DOCUMENT.slug
const DUE = Date.parse(DOCUMENT.schedule.proposalsDueAt)

const ROLES = ['anonymous', 'submitter', 'otherVendor', 'owner', 'evaluator', 'admin', 'foreignMember'] as const
type Role = typeof ROLES[number]
const PHASES = ['before the deadline', 'after the deadline, sealed', 'after the opening'] as const
type Phase = typeof PHASES[number]

/** What of the submitter's proposal a response may show. Everything not listed must be absent. */
const MARKERS = {
  summary: 'SUMMARY-MARKER-q7Jx2',
  file: 'FILE-MARKER-k9Wd4',
  fileName: 'NAME-MARKER-h3Tz8',
  vendor: 'Zanzibar Audits',
  /** The other bidder's name: the opened list names every bidder. */
  otherVendor: 'Yonder Security'
} as const
/** What may be shown: a marker, or `receipt`, the submitter's receipt hash (known once it has submitted). */
type Shown = keyof typeof MARKERS | 'receipt'
/** The other vendor's proposal is never shown by these routes, which all name the submitter's. */
const OTHER_MARKERS = ['OTHER-SUMMARY-p2Lm5', 'OTHER-FILE-v8Rn1', 'OTHER-NAME-c4Yb6']

const ids = { proposal: '', receipt: '' }
const ROUTES = {
  'GET /committee/rfps/:slug/proposals/:id': () => `/committee/rfps/${SLUG}/proposals/${ids.proposal}`,
  'GET /committee/rfps/:slug/proposals/:id/files/0': () => `/committee/rfps/${SLUG}/proposals/${ids.proposal}/files/0`,
  'GET /vendor/rfps/:slug/receipts/:hash': () => `/vendor/rfps/${SLUG}/receipts/${ids.receipt}`,
  'GET /vendor/rfps/:slug/receipts/:hash/download': () => `/vendor/rfps/${SLUG}/receipts/${ids.receipt}/download`,
  'GET /rfps/:slug/receipts.json': () => `/rfps/${SLUG}/receipts.json`,
  'GET /committee/rfps/:slug/proposals': () => `/committee/rfps/${SLUG}/proposals`
} as const
type Route = keyof typeof ROUTES

/** A cell: the status, then what may be shown ("200 summary vendor"). A 303 sends to the sign-in page. */
type Cell = `${number}` | `${number} ${string}`
/** One row of cells, in the order of ROLES. */
function row (...cells: [Cell, Cell, Cell, Cell, Cell, Cell, Cell]): Record<Role, Cell> {
  return Object.fromEntries(ROLES.map((role, i) => [role, cells[i]])) as Record<Role, Cell>
}

// A vendor's contact knows its own organisation's name, and every page it sees names it (the menu): the
// vendor marker is checked for everyone but the submitter, the otherVendor marker for everyone but that vendor.
const EXPECTED: Record<Route, Record<Phase, Record<Role, Cell>>> = {
  // Each row's cells, in the order of ROLES: anonymous, submitter, otherVendor, owner, evaluator, admin, foreignMember.
  'GET /committee/rfps/:slug/proposals/:id': {
    'before the deadline': row('303', '403', '403', '403', '403', '403', '403'),
    'after the deadline, sealed': row('303', '403', '403', '403', '403', '403', '403'),
    'after the opening': row('303', '403', '403', '200 summary fileName vendor receipt', '200 summary fileName vendor receipt', '403', '403')
  },
  'GET /committee/rfps/:slug/proposals/:id/files/0': {
    'before the deadline': row('303', '403', '403', '403', '403', '403', '403'),
    'after the deadline, sealed': row('303', '403', '403', '403', '403', '403', '403'),
    'after the opening': row('303', '403', '403', '200 file fileName', '200 file fileName', '403', '403')
  },
  // A receipt is its vendor's, in every phase; the committee and admins have no vendor receipts.
  'GET /vendor/rfps/:slug/receipts/:hash': {
    'before the deadline': row('303', '200 vendor receipt', '404', '403', '403', '403', '403'),
    'after the deadline, sealed': row('303', '200 vendor receipt', '404', '403', '403', '403', '403'),
    'after the opening': row('303', '200 vendor receipt', '404', '403', '403', '403', '403')
  },
  'GET /vendor/rfps/:slug/receipts/:hash/download': {
    'before the deadline': row('303', '200 vendor receipt', '404', '403', '403', '403', '403'),
    'after the deadline, sealed': row('303', '200 vendor receipt', '404', '403', '403', '403', '403'),
    'after the opening': row('303', '200 vendor receipt', '404', '403', '403', '403', '403')
  },
  // Public from the deadline on: hashes only.
  'GET /rfps/:slug/receipts.json': {
    'before the deadline': row('404', '404', '404', '404', '404', '404', '404'),
    'after the deadline, sealed': row('200 receipt', '200 receipt', '200 receipt', '200 receipt', '200 receipt', '200 receipt', '200 receipt'),
    'after the opening': row('200 receipt', '200 receipt', '200 receipt', '200 receipt', '200 receipt', '200 receipt', '200 receipt')
  },
  // The committee's list: a count and hashes while sealed, the bidders once opened.
  'GET /committee/rfps/:slug/proposals': {
    'before the deadline': row('303', '403', '403', '200 receipt', '200 receipt', '403', '403'),
    'after the deadline, sealed': row('303', '403', '403', '200 receipt', '200 receipt', '403', '403'),
    'after the opening': row('303', '403', '403', '200 vendor otherVendor receipt', '200 vendor otherVendor receipt', '403', '403')
  }
}

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`)

async function submit (test: TestApp, actor: UserActor, summary: string, fileText: string, fileName: string): Promise<string> {
  const { ctx } = test
  const files = []
  for (const [part, name, text] of [['plan', fileName, fileText], ['cvs', 'cvs.pdf', 'cvs'], ['example-reports', 'reports.pdf', 'reports']] as const) {
    files.push(await sealUpload(ctx, actor, SLUG, { part, fileName: name, content: Readable.from([pdf(text)]), maxBytes: 1_000_000 }))
  }
  const receipt = await submitProposal(ctx, actor, SLUG, { content: { summary, personnel: [{ name: 'Zoe', role: 'Lead', experience: '' }] }, partners: [] }, files)
  return receipt.hash
}

async function vendorContact ({ ctx }: TestApp, organisation: string, email: string): Promise<UserActor> {
  // A contact name that does not repeat the organisation's, so that only the organisation marker names it.
  await registerVendor(ctx, { organisation, website: '', contactName: 'A contact', email })
  const user = await ctx.db.selectFrom('users').innerJoin('vendor_contacts', 'vendor_contacts.user_id', 'users.id').select(['users.id', 'vendor_contacts.organisation_id']).where('users.email', '=', email).executeTakeFirstOrThrow()
  return { kind: 'user', userId: user.id, isAdmin: false, organisationId: user.organisation_id, hasSecondFactor: false, secondFactorAt: null }
}

/** A visitor with a fresh session of `userId`, its second factor just proved (as the policy matrix does it). */
async function visitorOf ({ app, ctx, config }: TestApp, userId: string | undefined, label: string): Promise<Visitor> {
  const visitor = new Visitor(app)
  if (userId === undefined) return visitor
  const sessionId = `sealing-${label}-${userId}`
  await storeSession(ctx, sessionId, {}, config.session)
  await storeSession(ctx, sessionId, { userId, secondFactorAt: ctx.clock.now().toISOString() }, config.session)
  visitor.setCookie('shortlist', new Signer(SECRET).sign(sessionId))
  return visitor
}

const stepUp = (actor: UserActor, now: Date): UserActor => ({ ...actor, hasSecondFactor: true, secondFactorAt: now.toISOString() })

t.test('who sees what of a proposal, before the deadline, after it, and after the opening', async (t) => {
  const test = await buildTestApp(t, { config: { session: { secret: SECRET } } })
  const { ctx } = test
  const owner = await createCommitteeMember(ctx, 'owner@example.org', { displayName: 'Owner' })
  const evaluator = await createCommitteeMember(ctx, 'evaluator@example.org', { displayName: 'Evaluator' })
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true, displayName: 'Admin' })
  const foreign = await createCommitteeMember(ctx, 'foreign@example.org', { displayName: 'Foreign owner' })
  const { id } = await createRfpDraft(ctx, owner.actor, DOCUMENT)
  await publishRfp(ctx, owner.actor, id)
  await addRfpMember(ctx, owner.actor, SLUG, 'evaluator@example.org', 'evaluator')
  await attest(ctx, owner.actor, SLUG, { mayBeNamed: false })
  await attest(ctx, evaluator.actor, SLUG, { mayBeNamed: false })
  // The foreign member owns another RFP: on a committee, not this one's. The admin is on none.
  const other = await createRfpDraft(ctx, foreign.actor, { ...securityAuditRfp(T0), slug: 'another-audit', title: 'Another audit' })
  await publishRfp(ctx, foreign.actor, other.id)

  const submitter = await vendorContact(test, MARKERS.vendor, 'zoe@zanzibar.example')
  const otherVendor = await vendorContact(test, MARKERS.otherVendor, 'yan@yonder.example')
  ids.receipt = await submit(test, submitter, `We propose an audit. ${MARKERS.summary}`, MARKERS.file, `plan ${MARKERS.fileName}.pdf`)
  ids.proposal = (await ctx.db.selectFrom('proposals').select('id').where('organisation_id', '=', submitter.organisationId).executeTakeFirstOrThrow()).id
  await submit(test, otherVendor, `Our own offer. ${OTHER_MARKERS[0]!}`, OTHER_MARKERS[1]!, `${OTHER_MARKERS[2]!}.pdf`)

  const users: Record<Role, string | undefined> = {
    anonymous: undefined,
    submitter: submitter.userId,
    otherVendor: otherVendor.userId,
    owner: owner.userId,
    evaluator: evaluator.userId,
    admin: admin.userId,
    foreignMember: foreign.userId
  }
  t.same(Object.keys(EXPECTED).sort(), Object.keys(ROUTES).sort(), 'a row for every route')

  const moveTo: Record<Phase, () => Promise<void>> = {
    'before the deadline': async () => {},
    'after the deadline, sealed': async () => { ctx.clock.set(new Date(DUE + 60_000)) },
    'after the opening': async () => {
      const now = ctx.clock.now()
      t.same(await startOpening(ctx, stepUp(owner.actor, now), SLUG), { opened: false }, 'the owner starts the opening')
      await confirmOpening(ctx, stepUp(evaluator.actor, now), SLUG)
    }
  }

  for (const phase of PHASES) {
    await moveTo[phase]()
    for (const role of ROLES) {
      // Sessions made at the phase's time: the clock moves weeks between phases.
      const visitor = await visitorOf(test, users[role], phase.replace(/\W+/g, '-'))
      for (const [route, url] of Object.entries(ROUTES) as [Route, () => string][]) {
        const cell = EXPECTED[route][phase][role]
        const [status, ...shown] = cell.split(' ') as [string, ...Shown[]]
        const what = `${route} as ${role}, ${phase}`
        const res = await visitor.get(url())
        t.equal(res.statusCode, Number(status), `${what}: ${status}`)
        if (status === '303') t.equal(res.headers.location, '/sign-in', `${what}: sent to sign in`)
        // Everything a client gets: the headers (a file's name travels in one) and the body.
        const response = `${Object.entries(res.headers).map(([name, value]) => `${name}: ${String(value)}`).join('\n')}\n\n${res.body}`
        const markers: Record<Shown, string> = { ...MARKERS, receipt: ids.receipt }
        for (const marker of Object.keys(markers) as Shown[]) {
          if ((marker === 'vendor' && role === 'submitter') || (marker === 'otherVendor' && role === 'otherVendor')) continue
          if (shown.includes(marker)) t.ok(response.includes(markers[marker]), `${what}: shows the ${marker}`)
          else t.notOk(response.includes(markers[marker]), `${what}: no ${marker}`)
        }
        for (const marker of OTHER_MARKERS) {
          t.notOk(response.includes(marker), `${what}: nothing of the other proposal (${marker})`)
        }
      }
    }
  }
})

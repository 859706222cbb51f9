// /rfps/:slug/ocds.json, /rfps/:slug/ocds/releases/:id.json and /ocds/releases.json over HTTP, on the demo: every
// package validates against the official OCDS 1.1.5 schemas with the extensions, the decided RFP's award names
// only those the record may name, nothing of proposals shows before the opening, and the bytes never depend on "now".
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { OCDS_EXTENSIONS, type RecordPackage, type ReleasePackage } from '../../src/archive/ocds.js'
import { findUserByEmail } from '../../src/db/users.js'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import openData from '../../src/http/routes/public/open-data.js'
import type { UserActor } from '../../src/domain/policy.js'
import { cancelRfp, createRfpDraft } from '../../src/services/rfps.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { ocdsValidators, schemaErrors } from '../helpers/ocds-schema.js'

const PUBLIC_URL = 'https://rfps.example.org'
const PREFIX = 'ocds-tst123'
const validators = ocdsValidators(OCDS_EXTENSIONS)
const SLUGS = [DECIDED_RFP_SLUG, CLOSED_RFP_SLUG, DEMO_RFP_SLUG]
/** Organisations whose names the demo's decided RFP must not show: Quillon declined to be named, Tidewater never chose. */
const UNNAMED = ['Quillon Labs', 'Tidewater Research']

async function demo (t: Test): Promise<TestApp & { chair: UserActor }> {
  const test = await buildTestApp(t, { demo: true, config: { publicUrl: PUBLIC_URL, publicRecord: { publisher: 'Driftwood working group', ocidPrefix: PREFIX, transparencyOrigin: '' } } })
  // Until src/app.ts registers the routes, the test does, in the same place (outside the pages' context).
  if (!test.app.routeList.some((r) => r.url === '/ocds/releases.json')) await test.app.register(openData, { config: test.config })
  const chair = await findUserByEmail(test.ctx.db, 'chair@driftwood.example')
  if (chair === undefined) throw new Error('no demo chair')
  return { ...test, chair: { kind: 'user', userId: chair.id, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null } }
}

/** GETs a JSON document and checks what every open data response has. */
async function getJson<T> (t: Test, app: FastifyInstance, path: string): Promise<{ body: string, json: T }> {
  const res = await app.inject({ url: path, headers: { cookie: 'shortlist=stale-session-id' } })
  t.equal(res.statusCode, 200, path)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${path}: JSON in UTF-8`)
  t.equal(res.headers['set-cookie'], undefined, `${path}: no cookie`)
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  return { body: res.body, json: res.json() }
}

const local = (t: Test, url: string): string => {
  t.ok(url.startsWith(PUBLIC_URL), `${url} is on the public URL`)
  return url.slice(PUBLIC_URL.length)
}

/** A record package and every release package it lists, each validated; returns the releases in order. */
async function fetchRecord (t: Test, app: FastifyInstance, slug: string) {
  const { json: record } = await getJson<RecordPackage>(t, app, `/rfps/${slug}/ocds.json`)
  t.same(schemaErrors(validators.recordPackage, record), [], `${slug}: the record package validates`)
  t.equal(record.uri, `${PUBLIC_URL}/rfps/${slug}/ocds.json`)
  const [entry] = record.records
  t.equal(entry?.ocid, `${PREFIX}-${slug}`, 'the ocid is the configured prefix and the slug')
  const releases = []
  for (const [i, url] of record.packages.entries()) {
    const { json: pkg } = await getJson<ReleasePackage>(t, app, local(t, url))
    t.same(schemaErrors(validators.releasePackage, pkg), [], `${url} validates`)
    const [release, ...more] = pkg.releases
    t.equal(more.length, 0, 'one release per package')
    t.equal(entry?.releases[i]?.url, `${url}#${release?.id}`, 'the record links the release in its package')
    t.same([entry?.releases[i]?.date, entry?.releases[i]?.tag], [release?.date, release?.tag])
    t.equal(pkg.publishedDate, release?.date, 'a package is dated by its release')
    releases.push(release!)
  }
  t.equal(record.publishedDate, releases.at(-1)?.date, 'the record is dated by its newest release')
  t.same(entry?.compiledRelease, { ...releases.at(-1), id: `${entry?.ocid}-${releases.at(-1)?.date}`, tag: ['compiled'] })
  return { record, releases }
}

t.test('every package of the demo validates, and the bulk package holds every release', async (t) => {
  const { app } = await demo(t)
  const all = []
  for (const slug of SLUGS) all.push(...(await fetchRecord(t, app, slug)).releases)
  const { json: bulk } = await getJson<ReleasePackage>(t, app, '/ocds/releases.json')
  t.same(schemaErrors(validators.releasePackage, bulk), [], 'the bulk package validates')
  t.equal(bulk.uri, `${PUBLIC_URL}/ocds/releases.json`)
  t.same(bulk.releases, [...all].sort((a, b) => Number(a.id) - Number(b.id)), 'the same releases, in event order')
  t.equal(bulk.publishedDate, [...all].map((r) => r.date).sort().at(-1))
})

t.test('the decided RFP: its releases, and an award naming the selected and the bidder that agreed to be named', async (t) => {
  const { app } = await demo(t)
  const { releases, record } = await fetchRecord(t, app, DECIDED_RFP_SLUG)
  t.same(releases.map((r) => r.tag), [['tender'], ['tenderUpdate'], ['award']], 'published, opened, decided')
  const award = releases.at(-1)!
  t.match(award.awards, [{ status: 'active', suppliers: [{ name: 'Northwind Assurance' }] }])
  const [buyer, ...tenderers] = award.parties
  t.same(buyer, { id: 'buyer', name: 'Driftwood working group', roles: ['buyer', 'procuringEntity'] })
  t.same(tenderers.map((p) => [p.name, p.roles]).sort(), [
    ['Basalt Security Lab', ['tenderer']],
    ['Northwind Assurance', ['tenderer', 'supplier']],
    ['Vendor A', ['tenderer']],
    ['Vendor B', ['tenderer']]
  ], 'Basalt agreed to be named; Quillon and Tidewater are labelled')
  type Detail = { id: string, date?: string, status: string, tenderers: Array<{ name: string }> }
  const details = (award.bids as { details: Detail[] }).details
  t.same(details.map((d) => d.id), details.map((d) => d.id).sort(), 'bids in receipt order')
  const of = (name: string): Detail | undefined => details.find((d) => d.tenderers[0]?.name === name)
  t.ok(of('Vendor A')!.id < of('Vendor B')!.id, 'letters follow the receipt hashes')
  t.same(details.map((d) => [d.tenderers[0]?.name.startsWith('Vendor '), d.date === undefined]), details.map((d) => [d.tenderers[0]?.name.startsWith('Vendor '), d.tenderers[0]?.name.startsWith('Vendor ')]),
    'named bids are dated, unnamed ones are not')
  t.same(details.map((d) => d.status).sort(), ['disqualified', 'valid', 'valid', 'valid'], 'Tidewater failed the gate')
  t.match(of('Northwind Assurance'), { status: 'valid' })
  t.match(of('Basalt Security Lab'), { status: 'valid' })
  const decision = await app.inject(`/rfps/${DECIDED_RFP_SLUG}/decision.json`)
  if (decision.statusCode === 200) {
    // The decision record and open data name every bidder alike.
    const labels = (decision.json() as { rounds: Array<{ proposals: Array<{ label: string, receipt: string }> }> }).rounds[0]!.proposals.map((p) => [p.receipt, p.label])
    t.same(labels.sort(), details.map((d) => [d.id, d.tenderers[0]?.name]).sort(), 'the same labels as decision.json')
  }
  const text = JSON.stringify(record) + JSON.stringify(releases)
  for (const name of UNNAMED) t.notOk(text.includes(name), `${name} is not named`)
  t.notMatch(text, /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+/, 'no e-mail address')
  t.notOk(JSON.stringify(releases.slice(0, -1)).includes('Northwind'), 'nobody is named before the decision')
})

t.test('nothing of proposals before the opening; receipt hashes only once opened', async (t) => {
  const { app } = await demo(t)
  const open = await fetchRecord(t, app, DEMO_RFP_SLUG)
  t.same(open.releases.map((r) => r.tag[0]), ['tender', 'tenderUpdate', 'tenderUpdate', 'tenderUpdate', 'tenderAmendment', 'tenderAmendment'], 'published, three answers, two amendments')
  t.notOk(open.releases.some((r) => 'bids' in r || 'numberOfTenderers' in r.tender), 'no bids at all')
  const closed = await fetchRecord(t, app, CLOSED_RFP_SLUG)
  const opened = closed.releases.at(-1)!
  t.same(opened.tag, ['tenderUpdate'])
  const details = (opened.bids as { details: Array<{ id: string, status: string, tenderers?: unknown }> }).details
  t.equal(details.length, 3, 'the three bids counted at the opening')
  t.ok(details.every((d) => /^[0-9a-f]{64}$/.test(d.id) && d.status === 'pending' && d.tenderers === undefined), 'by receipt hash, pending, nobody named')
  const receipts = (await app.inject(`/rfps/${CLOSED_RFP_SLUG}/receipts.json`)).json() as { receipts: Array<{ hash: string, standing: string }> }
  t.same(details.map((d) => d.id).sort(), receipts.receipts.filter((r) => r.standing === 'counted').map((r) => r.hash).sort(), 'the receipts the public receipt list counts')
  t.notMatch(JSON.stringify(closed), /Northwind|Basalt|Quillon/, 'no bidder named')
})

t.test('the same bytes on every request, whatever the clock says', async (t) => {
  const { app, ctx } = await demo(t)
  const paths = [...SLUGS.map((s) => `/rfps/${s}/ocds.json`), '/ocds/releases.json']
  const before = await Promise.all(paths.map(async (p) => (await getJson(t, app, p)).body))
  ctx.clock.set(new Date(ctx.clock.now().getTime() + 400 * 24 * 60 * 60 * 1000))
  const after = await Promise.all(paths.map(async (p) => (await getJson(t, app, p)).body))
  t.same(after, before)
})

t.test('a cancellation is published as a tenderCancellation release', async (t) => {
  const { app, ctx, chair } = await demo(t)
  await cancelRfp(ctx, chair, DEMO_RFP_SLUG, 'The maintainers found funding for an in-house review.')
  const { releases } = await fetchRecord(t, app, DEMO_RFP_SLUG)
  const last = releases.at(-1)!
  t.same(last.tag, ['tenderCancellation'])
  t.equal(last.date, ctx.clock.now().toISOString())
  t.match(last.tender, { status: 'cancelled', documents: [{}, {}, {}, { documentType: 'cancellationDetails', description: 'The maintainers found funding for an in-house review.' }] })
})

t.test('drafts, unknown RFPs and releases are missing; a malformed id is refused; errors are JSON', async (t) => {
  const { app, ctx, chair } = await demo(t)
  await createRfpDraft(ctx, chair, { ...securityAuditRfp(ctx.clock.now()), slug: 'a-private-draft' })
  const { releases } = await fetchRecord(t, app, CLOSED_RFP_SLUG)
  const otherId = (await fetchRecord(t, app, DECIDED_RFP_SLUG)).releases[0]!.id
  const cases: Array<[string, number]> = [
    ['/rfps/a-private-draft/ocds.json', 404],
    ['/rfps/a-private-draft/ocds/releases/1.json', 404],
    ['/rfps/no-such-rfp/ocds.json', 404],
    [`/rfps/${CLOSED_RFP_SLUG}/ocds/releases/${otherId}.json`, 404],
    [`/rfps/${CLOSED_RFP_SLUG}/ocds/releases/999999.json`, 404],
    [`/rfps/${CLOSED_RFP_SLUG}/ocds/releases/abc.json`, 400],
    [`/rfps/${CLOSED_RFP_SLUG}/ocds/releases/0.json`, 400],
    [`/rfps/${CLOSED_RFP_SLUG}/ocds/releases/${releases[0]!.id}.5.json`, 400],
    ['/rfps/Not_A_Slug/ocds.json', 400]
  ]
  for (const [url, status] of cases) {
    const res = await app.inject(url)
    t.equal(res.statusCode, status, url)
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${url}: a JSON error`)
    t.match(res.json(), { statusCode: status, message: String })
  }
  const draft = (await app.inject('/rfps/a-private-draft/ocds.json')).body
  const unknown = (await app.inject('/rfps/no-such-rfpx/ocds.json')).body
  t.equal(draft.replace('a-private-draft', 'SLUG'), unknown.replace('no-such-rfpx', 'SLUG'), 'a draft answers exactly as an RFP that does not exist')
})

t.test('no RFP published yet: the bulk package is missing, as OCDS asks for one release at least', async (t) => {
  const test = await buildTestApp(t)
  if (!test.app.routeList.some((r) => r.url === '/ocds/releases.json')) await test.app.register(openData, { config: test.config })
  const res = await test.app.inject('/ocds/releases.json')
  t.equal(res.statusCode, 404)
  t.match(res.json(), { statusCode: 404, message: /no RFP has been published/ })
})

// The OCDS builder on hand-made processes: a release per public event with its tag, what each one shows and
// hides, the packages around them, determinism, and every package validated against the official schemas.
import t from 'tap'
import type { Test } from 'tap'
import {
  bulkReleasePackage, OCDS_EXTENSIONS, ocdsReleases, ocdsSettingsOf, recordPackage, releasePackage, releasePackages, showBids,
  type OcdsSettings, type PublicBid, type PublicEvent, type PublicProcess, type Release
} from '../../../src/archive/ocds.js'
import type { Round } from '../../../src/domain/rfp-document.js'
import { codelist, ocdsValidators, schemaErrors } from '../../helpers/ocds-schema.js'

const SETTINGS: OcdsSettings = { ocidPrefix: 'ocds-abc123', publisher: 'The Example Working Group', publicUrl: 'https://rfps.example.org' }
const OCID = 'ocds-abc123-parser-audit-2027'
const validators = ocdsValidators(OCDS_EXTENSIONS)

const ROUNDS: Round[] = [
  {
    name: 'Technical',
    criteria: [
      { id: 'method', name: 'Methodology', description: 'A credible plan.', kind: 'scored', weight: '60', lo: 1, hi: 5 },
      { id: 'team', name: 'Team', description: '', kind: 'scored', weight: '40' },
      { id: 'open-report', name: 'Publishes the report', description: 'The final report is published.', kind: 'gate' }
    ]
  },
  {
    name: 'Interviews',
    criteria: [
      { id: 'interview', name: 'Interview', description: 'How the team answers.', kind: 'scored', weight: '70', lo: 0, hi: 10 },
      { id: 'price', name: 'Price', description: 'The fixed fee.', kind: 'price', weight: '30' }
    ]
  }
]

const SCHEDULE = { questionsCloseAt: '2027-02-01T17:00:00.000Z', proposalsDueAt: '2027-02-15T17:00:00.000Z', decisionExpectedAt: '2027-03-01T17:00:00.000Z' }
const LATER = { questionsCloseAt: '2027-02-08T17:00:00.000Z', proposalsDueAt: '2027-02-22T17:00:00.000Z', decisionExpectedAt: '2027-03-08T17:00:00.000Z' }

const H = (c: string): string => c.repeat(64)

const published: PublicEvent = { type: 'published', seq: 10, at: '2027-01-10T09:00:00.000Z' }
const answered: PublicEvent = { type: 'answered', seq: 12, at: '2027-01-12T09:00:00.000Z', number: 1, question: 'Is the retest included?', answer: 'Yes.' }
const amended: PublicEvent = { type: 'amended', seq: 15, at: '2027-01-15T09:00:00.000Z', version: 2, reason: 'A week more for consortia.' }
const revised: PublicEvent = { type: 'answered', seq: 17, at: '2027-01-17T09:00:00.000Z', number: 1, question: 'Is the retest included?', answer: 'Yes, one retest.' }
const second: PublicEvent = { type: 'answered', seq: 18, at: '2027-01-18T09:00:00.000Z', number: 2, question: 'Which platforms?', answer: 'Linux.' }
const opened: PublicEvent = { type: 'opened', seq: 20, at: '2027-02-23T10:00:00.000Z', receipts: [H('a'), H('b'), H('c')] }
const decided: PublicEvent = { type: 'decided', seq: 30, at: '2027-03-05T09:00:00.000Z', rationale: 'Acme Audit offered the strongest plan.' }
const cancelled: PublicEvent = { type: 'cancelled', seq: 25, at: '2027-02-25T09:00:00.000Z', reason: 'The project was archived.' }

/** Three counted bids and one that was not counted; names as the service gives them after the decision. */
const BIDS: PublicBid[] = [
  { receiptHash: H('a'), submittedAt: '2027-02-20T09:00:00.000Z', outcome: 'selected', name: 'Acme Audit' },
  { receiptHash: H('b'), submittedAt: '2027-02-18T09:00:00.000Z', outcome: 'not_selected', name: null },
  { receiptHash: H('c'), submittedAt: '2027-02-19T09:00:00.000Z', outcome: 'non_responsive', name: 'Consenting Ltd' },
  { receiptHash: H('d'), submittedAt: '2027-02-10T09:00:00.000Z', outcome: null, name: 'Not Counted Inc' }
]

function processOf (events: PublicEvent[], bids: PublicBid[] = BIDS): PublicProcess {
  return {
    slug: 'parser-audit-2027',
    versions: [
      { number: 1, title: 'Audit of the parser', summary: 'An audit of the parser.', schedule: SCHEDULE, rounds: ROUNDS, invitedVendors: null },
      { number: 2, title: 'Audit of the parser and its CLI', summary: 'An audit of the parser and its command line.', schedule: LATER, rounds: ROUNDS, invitedVendors: ['Invited One', 'Beta Labs'] }
    ],
    events,
    bids
  }
}

const FULL = [published, answered, amended, revised, second, opened, decided]

function releasesOf (t: Test, process: PublicProcess): Release[] {
  const releases = ocdsReleases(SETTINGS, process)
  for (const pkg of releasePackages(SETTINGS, process)) t.same(schemaErrors(validators.releasePackage, pkg), [], `release ${pkg.releases[0]?.id} validates`)
  t.same(schemaErrors(validators.recordPackage, recordPackage(SETTINGS, process)), [], 'the record package validates')
  return releases
}

const tender = (release: Release | undefined): Record<string, any> => release?.tender as Record<string, any>

t.test('the settings come from the public record config, the URL without a trailing slash', async (t) => {
  t.same(ocdsSettingsOf({ publicUrl: 'https://rfps.example.org/', publicRecord: { ocidPrefix: 'ocds-abc123', publisher: 'WG', transparencyOrigin: '' } }),
    { ocidPrefix: 'ocds-abc123', publisher: 'WG', publicUrl: 'https://rfps.example.org' })
})

t.test('publication makes a tender release: the ocid from the prefix, id and date from the event', async (t) => {
  const [release, ...more] = releasesOf(t, processOf([published]))
  t.equal(more.length, 0)
  t.match(release, { ocid: OCID, id: '10', date: published.at, tag: ['tender'], initiationType: 'tender', buyer: { id: 'buyer', name: SETTINGS.publisher } })
  t.same(release!.parties, [{ id: 'buyer', name: SETTINGS.publisher, roles: ['buyer', 'procuringEntity'] }], 'the publisher is the buyer, and nobody else is a party')
  const t1 = tender(release)
  t.match(t1, {
    id: OCID,
    title: 'Audit of the parser',
    status: 'active',
    procurementMethod: 'open',
    tenderPeriod: { startDate: published.at, endDate: SCHEDULE.proposalsDueAt },
    enquiryPeriod: { startDate: published.at, endDate: SCHEDULE.questionsCloseAt },
    awardPeriod: { startDate: SCHEDULE.proposalsDueAt, endDate: SCHEDULE.decisionExpectedAt }
  })
  t.same(t1.documents.map((d: { url: string }) => d.url), ['https://rfps.example.org/rfps/parser-audit-2027/versions/1'])
  t.notOk('bids' in release!, 'nothing of proposals before the opening')
  t.notOk('awards' in release!)
  t.notOk('enquiries' in t1)
  t.notOk('hasEnquiries' in t1)
  t.notOk('amendments' in t1)
})

t.test('the criteria of every round are the lot\'s award criteria, with the weights as published', async (t) => {
  const [lot, ...more] = tender(releasesOf(t, processOf([published]))[0]).lots
  t.equal(more.length, 0, 'one lot: the whole RFP')
  t.same(lot.awardCriteria.criteria.map((c: { name: string, type: string, numbers?: unknown }) => [c.name, c.type, c.numbers]), [
    ['Methodology (round 1)', 'quality', [{ number: 60, weight: 'pointsExact' }]],
    ['Team (round 1)', 'quality', [{ number: 40, weight: 'pointsExact' }]],
    ['Publishes the report (round 1)', 'quality', undefined],
    ['Interview (round 2)', 'quality', [{ number: 70, weight: 'pointsExact' }]],
    ['Price (round 2)', 'price', [{ number: 30, weight: 'pointsExact' }]]
  ])
  t.match(lot.awardCriteria.criteria[1].description, /^Round 1 \(Technical\)\. Scored from 1 to 5\.$/, 'an empty description still says where and how')
  t.match(lot.awardCriteria.criteria[2].description, /Pass\/fail\.$/)
  t.match(lot.awardCriteria.criteria[3].description, /Scored from 0 to 10\./)
  const details = tender(releasesOf(t, processOf([published]))[0]).awardCriteriaDetails
  t.equal(details, 'Round 1, Technical: Methodology 60.0%; Team 40.0%; Publishes the report (pass/fail). Round 2, Interviews: Interview 70.0%; Price 30.0%.')
})

t.test('an amendment makes a tenderAmendment release of the new version, linked to the release it amends', async (t) => {
  const releases = releasesOf(t, processOf([published, amended]))
  t.same(releases.map((r) => [r.id, r.tag]), [['10', ['tender']], ['15', ['tenderAmendment']]])
  const [before, after] = releases.map(tender)
  t.equal(before!.title, 'Audit of the parser', 'the first release keeps version 1')
  t.match(after, { title: 'Audit of the parser and its CLI', procurementMethod: 'limited', eligibilityCriteria: 'Only invited vendors may bid: Invited One, Beta Labs.' })
  t.same(after!.tenderPeriod, { startDate: published.at, endDate: LATER.proposalsDueAt }, 'the deadline the amendment set; the start is still the publication')
  t.same(after!.amendments, [{
    id: 'version-2',
    date: amended.at,
    rationale: 'A week more for consortia.',
    description: 'Version 2 of the RFP: https://rfps.example.org/rfps/parser-audit-2027/versions/2',
    amendsReleaseID: '10',
    releaseID: '15'
  }])
  t.same(after!.documents.map((d: { id: string, datePublished: string }) => [d.id, d.datePublished]), [['version-1', published.at], ['version-2', amended.at]])
})

t.test('each published answer makes a tenderUpdate release; a revision changes the answer, not when it was first given', async (t) => {
  const releases = releasesOf(t, processOf([published, answered, amended, revised, second]))
  t.same(releases.map((r) => [r.id, r.tag[0]]), [['10', 'tender'], ['12', 'tenderUpdate'], ['15', 'tenderAmendment'], ['17', 'tenderUpdate'], ['18', 'tenderUpdate']])
  t.same(tender(releases[1]).enquiries, [{ id: '1', date: answered.at, title: 'Question 1', description: 'Is the retest included?', answer: 'Yes.', dateAnswered: answered.at }])
  t.equal(tender(releases[1]).hasEnquiries, true)
  t.equal(tender(releases[2]).enquiries[0].answer, 'Yes.', 'the amendment release carries the answers so far')
  t.same(tender(releases[3]).enquiries, [{ id: '1', date: answered.at, title: 'Question 1', description: 'Is the retest included?', answer: 'Yes, one retest.', dateAnswered: revised.at }])
  t.same(tender(releases[4]).enquiries.map((e: { id: string }) => e.id), ['1', '2'])
  t.notOk(JSON.stringify(releases).includes('author'), 'askers are never named')
})

t.test('the opening makes a tenderUpdate release with the counted bids by receipt, pending, undated and unnamed', async (t) => {
  const releases = releasesOf(t, processOf([published, opened]))
  const release = releases[1]!
  t.same(release.tag, ['tenderUpdate'])
  t.same(release.bids, {
    statistics: [{ id: 'bids', measure: 'bids', value: 3, date: opened.at }],
    details: [{ id: H('a'), status: 'pending' }, { id: H('b'), status: 'pending' }, { id: H('c'), status: 'pending' }]
  }, 'in receipt order, which says nothing of who bid first; the bid not counted at the opening is absent')
  t.equal(tender(release).numberOfTenderers, 3)
  t.notOk('tenderers' in tender(release))
  t.equal(release.parties.length, 1, 'the buyer only')
  const text = JSON.stringify(releases)
  for (const name of ['Acme Audit', 'Consenting Ltd', 'Not Counted Inc']) t.notOk(text.includes(name), `${name} is not named before the decision`)
})

t.test('the decision makes an award release: the selected named, the others labelled unless they agreed to be named', async (t) => {
  const releases = releasesOf(t, processOf(FULL))
  const award = releases.at(-1)!
  t.same(award.tag, ['award'])
  t.same(award.parties, [
    { id: 'buyer', name: SETTINGS.publisher, roles: ['buyer', 'procuringEntity'] },
    { id: 'tenderer-1', name: 'Acme Audit', roles: ['tenderer', 'supplier'] },
    { id: 'tenderer-2', name: 'Vendor A', roles: ['tenderer'] },
    { id: 'tenderer-3', name: 'Consenting Ltd', roles: ['tenderer'] }
  ])
  t.same((award.bids as { details: unknown[] }).details, [
    { id: H('a'), date: '2027-02-20T09:00:00.000Z', status: 'valid', tenderers: [{ id: 'tenderer-1', name: 'Acme Audit' }] },
    { id: H('b'), status: 'valid', tenderers: [{ id: 'tenderer-2', name: 'Vendor A' }] },
    { id: H('c'), date: '2027-02-19T09:00:00.000Z', status: 'disqualified', tenderers: [{ id: 'tenderer-3', name: 'Consenting Ltd' }] }
  ], 'named bids are dated, the unnamed one is not; a failed gate is a disqualified bid in OCDS terms')
  t.same((award.bids as { statistics: unknown[] }).statistics, [{ id: 'bids', measure: 'bids', value: 3, date: opened.at }, { id: 'validBids', measure: 'validBids', value: 2, date: decided.at }])
  t.match(award.awards, [{
    id: 'decision',
    status: 'active',
    date: decided.at,
    description: decided.rationale,
    suppliers: [{ id: 'tenderer-1', name: 'Acme Audit' }],
    relatedBid: H('a'),
    documents: [{ documentType: 'awardNotice', url: 'https://rfps.example.org/rfps/parser-audit-2027/decision' }, { documentType: 'evaluationReports', url: 'https://rfps.example.org/rfps/parser-audit-2027/decision.json' }]
  }])
  t.match(tender(award), { status: 'complete', numberOfTenderers: 3, tenderers: [{ name: 'Acme Audit' }, { name: 'Vendor A' }, { name: 'Consenting Ltd' }] })
  t.equal(tender(award).lots[0].status, 'complete')
  t.notOk(JSON.stringify(releases).includes('Not Counted Inc'), 'a bid not counted is never shown')
  t.notOk('bids' in releases[0]!, 'earlier releases stay as they were')
  t.notOk(JSON.stringify(releases.slice(0, -1)).includes('Acme Audit'), 'and name nobody')
})

t.test('joint selection: several suppliers on one award, and no single related bid', async (t) => {
  const bids = BIDS.map((b) => b.receiptHash === H('b') ? { ...b, outcome: 'selected' as const, name: 'Beta Labs' } : b.receiptHash === H('c') ? { ...b, name: null } : b)
  const award = releasesOf(t, processOf(FULL, bids)).at(-1)!
  t.same(award.awards?.[0]?.suppliers, [{ id: 'tenderer-1', name: 'Acme Audit' }, { id: 'tenderer-2', name: 'Beta Labs' }])
  t.notOk('relatedBid' in award.awards![0]!)
  t.equal(award.parties.find((p) => p.id === 'tenderer-3')?.name, 'Vendor A', 'the one unnamed bidder is Vendor A')
})

t.test('a cancellation makes a tenderCancellation release with its reason', async (t) => {
  const releases = releasesOf(t, processOf([published, answered, opened, cancelled]))
  const last = releases.at(-1)!
  t.same(last.tag, ['tenderCancellation'])
  t.equal(tender(last).status, 'cancelled')
  t.equal(tender(last).lots[0].status, 'cancelled')
  t.match(tender(last).documents.at(-1), { id: 'cancellation', documentType: 'cancellationDetails', description: 'The project was archived.', datePublished: cancelled.at })
  t.equal((last.bids as { details: Array<{ status: string }> }).details.every((d) => d.status === 'pending'), true, 'bids opened before the cancellation stay pending and unnamed')
  t.notOk('awards' in last)
})

t.test('the record package links every release in its own package and compiles the newest', async (t) => {
  const process = processOf(FULL)
  const record = recordPackage(SETTINGS, process)
  const releases = ocdsReleases(SETTINGS, process)
  const base = 'https://rfps.example.org/rfps/parser-audit-2027'
  t.match(record, { uri: `${base}/ocds.json`, version: '1.1', publisher: { name: SETTINGS.publisher, uri: SETTINGS.publicUrl }, publishedDate: decided.at })
  t.same(record.extensions, [...OCDS_EXTENSIONS])
  t.same(record.packages, releases.map((r) => `${base}/ocds/releases/${r.id}.json`))
  const [entry, ...more] = record.records
  t.equal(more.length, 0)
  t.equal(entry!.ocid, OCID)
  t.same(entry!.releases.map((r) => r.url), releases.map((r) => `${base}/ocds/releases/${r.id}.json#${r.id}`))
  t.same(entry!.releases.map((r) => [r.date, r.tag]), releases.map((r) => [r.date, r.tag]))
  t.same(entry!.compiledRelease, { ...releases.at(-1), id: `${OCID}-${decided.at}`, tag: ['compiled'] })
  t.same(Object.keys(record), ['uri', 'version', 'extensions', 'publisher', 'publishedDate', 'packages', 'records'], 'keys in a fixed order')
})

t.test('a release package holds one release, published when it was; an unknown id has none', async (t) => {
  const process = processOf(FULL)
  const pkg = releasePackage(SETTINGS, process, '15')
  t.match(pkg, { uri: 'https://rfps.example.org/rfps/parser-audit-2027/ocds/releases/15.json', publishedDate: amended.at, releases: [{ id: '15', tag: ['tenderAmendment'] }] })
  t.equal(pkg?.releases.length, 1)
  t.equal(releasePackage(SETTINGS, process, '16'), undefined)
  t.equal(releasePackage(SETTINGS, process, '10.0'), undefined)
})

t.test('the bulk package holds every release of every RFP in event order', async (t) => {
  const other: PublicProcess = { ...processOf([]), slug: 'other-rfp', events: [{ type: 'published', seq: 11, at: '2027-01-11T09:00:00.000Z' }, { type: 'cancelled', seq: 40, at: '2027-04-01T09:00:00.000Z', reason: 'No longer needed.' }] }
  const bulk = bulkReleasePackage(SETTINGS, [processOf(FULL), other])
  t.same(schemaErrors(validators.releasePackage, bulk), [])
  t.same(bulk?.releases.map((r) => [r.ocid, r.id]), [
    [OCID, '10'], ['ocds-abc123-other-rfp', '11'], [OCID, '12'], [OCID, '15'], [OCID, '17'], [OCID, '18'], [OCID, '20'], [OCID, '30'], ['ocds-abc123-other-rfp', '40']
  ])
  t.match(bulk, { uri: 'https://rfps.example.org/ocds/releases.json', publishedDate: '2027-04-01T09:00:00.000Z' })
  t.equal(bulkReleasePackage(SETTINGS, []), undefined, 'nothing published, no package: OCDS asks for at least one release')
})

t.test('deterministic: the same facts in any order give the same bytes, dated by the data alone', async (t) => {
  const once = JSON.stringify(recordPackage(SETTINGS, processOf(FULL)))
  const shuffled = JSON.stringify(recordPackage(SETTINGS, processOf([...FULL].reverse(), [...BIDS].reverse())))
  t.equal(shuffled, once)
  const realNow = Date.now
  Date.now = () => Date.parse('2099-01-01T00:00:00.000Z')
  try {
    t.equal(JSON.stringify(recordPackage(SETTINGS, processOf(FULL))), once, 'a different clock changes nothing')
  } finally {
    Date.now = realNow
  }
  t.notOk(once.includes('2099'), 'no date but the data\'s')
  t.equal(JSON.stringify(bulkReleasePackage(SETTINGS, [processOf(FULL)])), JSON.stringify(bulkReleasePackage(SETTINGS, [processOf(FULL)])))
})

t.test('a process whose first public event is not its publication is refused', async (t) => {
  t.throws(() => ocdsReleases(SETTINGS, processOf([answered])), /first public event must be the publication/)
  t.throws(() => recordPackage(SETTINGS, processOf([])), /never published/)
})

t.test('labels as the decision record gives them: the unnamed lettered in receipt order, whatever the times', async (t) => {
  const bid = (c: string, day: number, outcome: PublicBid['outcome'], name: string | null = null): PublicBid => ({ receiptHash: H(c), submittedAt: `2027-02-1${day}T09:00:00.000Z`, outcome, name })
  const shown = (bids: PublicBid[]): string[][] => showBids(bids).map((s) => [s.bid.receiptHash[0]!, s.party.id, s.party.name])
  t.same(shown([bid('d', 1, 'not_selected'), bid('b', 2, 'selected', 'Winner'), bid('c', 3, 'disqualified'), bid('a', 4, 'not_selected')]), [
    ['a', 'tenderer-1', 'Vendor A'], ['b', 'tenderer-2', 'Winner'], ['c', 'tenderer-3', 'Vendor B'], ['d', 'tenderer-4', 'Vendor C']
  ], 'the first to bid is not Vendor A')
  t.same(shown([bid('a', 1, 'not_selected', 'Named'), bid('c', 3, 'disqualified'), bid('b', 2, 'selected', 'Winner')]), [
    ['a', 'tenderer-1', 'Named'], ['b', 'tenderer-2', 'Winner'], ['c', 'tenderer-3', 'Vendor A']
  ], 'named bidders take no letter')
})

t.test('every open codelist value used is in its codelist, and no deprecated one', async (t) => {
  const releases = ocdsReleases(SETTINGS, processOf(FULL)).concat(ocdsReleases(SETTINGS, processOf([published, opened, cancelled])))
  const roles = new Set([...codelist('schema/codelists/partyRole.csv'), ...codelist('extensions/enquiry/codelists/+partyRole.csv')])
  const documentTypes = codelist('schema/codelists/documentType.csv')
  for (const r of releases) {
    for (const party of r.parties) for (const role of party.roles) t.ok(roles.has(role), `role ${role}`)
    const td = tender(r)
    t.ok(codelist('schema/codelists/awardCriteria.csv').has(td.awardCriteria), 'award criteria')
    t.notOk(['lowestCost', 'bestProposal', 'bestValueToGovernment', 'singleBidOnly'].includes(td.awardCriteria), 'not deprecated')
    for (const method of td.submissionMethod) t.ok(codelist('schema/codelists/submissionMethod.csv').has(method))
    const documents = [...td.documents, ...(r.awards ?? []).flatMap((a) => a.documents as Array<{ documentType: string }>)]
    for (const d of documents) t.ok(documentTypes.has(d.documentType), `document type ${String(d.documentType)}`)
    for (const c of td.lots[0].awardCriteria.criteria) t.ok(codelist('extensions/awardCriteria/codelists/awardCriterionType.csv').has(c.type))
    for (const s of (r.bids as { statistics?: Array<{ measure: string }> } | undefined)?.statistics ?? []) t.ok(codelist('extensions/bid/codelists/bidStatistics.csv').has(s.measure), `measure ${s.measure}`)
  }
})

t.test('the validator can fail: the extensions\' rules apply, and an undeclared extension cannot be checked', async (t) => {
  const pkg = releasePackage(SETTINGS, processOf(FULL), '30')!
  const broken = JSON.parse(JSON.stringify(pkg)) as typeof pkg
  ;(broken.releases[0]!.bids as { details: Array<{ status: string }> }).details[0]!.status = 'winner'
  t.match(schemaErrors(validators.releasePackage, broken), [/\/releases\/0\/bids\/details\/0\/status: must be equal to one of the allowed values/])
  const noDate = JSON.parse(JSON.stringify(pkg)) as Record<string, unknown>
  delete noDate.publishedDate
  t.match(schemaErrors(validators.releasePackage, noDate), [/must have required property 'publishedDate'/])
  const badCriterion = recordPackage(SETTINGS, processOf(FULL))
  ;(tender(badCriterion.records[0]!.compiledRelease).lots[0].awardCriteria.criteria[0].numbers[0]).weight = 'percent'
  t.match(schemaErrors(validators.recordPackage, badCriterion), [/compiledRelease\/tender\/lots\/0\/awardCriteria\/criteria\/0\/numbers\/0\/weight/])
  t.throws(() => ocdsValidators(['https://example.org/extension.json']), /no local copy/)
})

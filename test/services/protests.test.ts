// Protests on a real database (DESIGN §2, §5): the window the RFP published, counted from the decision to the
// millisecond; one protest open at a time per bidder; only the bidder's own contacts file, and only for a proposal
// that stood; the owners' one answer (attested, not recused, second factor) that leaves the decision as it was;
// public events that carry the receipt hash and never the name of a bidder, with the grounds only once answered;
// the mails; and refusals that leave nothing behind.
import { Readable } from 'node:stream'
import t from 'tap'
import { listProtests } from '../../src/db/protests.js'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { DAY_MS } from '../../src/domain/time.js'
import { ForbiddenError, InvalidStateError, NotFoundError, StepUpRequiredError } from '../../src/errors.js'
import { createMailTransport } from '../../src/mail/transport.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { chooseNaming, recordDecision } from '../../src/services/decision.js'
import { attest, declareConflict } from '../../src/services/evaluation.js'
import { deliverDueMail } from '../../src/services/mail.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal, withdrawProposal } from '../../src/services/proposals.js'
import { fileProtest, getCommitteeProtests, getProtestPanel, getProtestWindow, respondToProtest } from '../../src/services/protests.js'
import { recordGate } from '../../src/services/results.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, getRfp, publishRfp } from '../../src/services/rfps.js'
import { saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { T0, addVendorContact, createCommitteeMember, createVendorContact, refuseWrites, testConfig, testContext, type VendorContact } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'
import { refused } from '../helpers/refusals.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
type TestT = Parameters<typeof testContext>[0]

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)
const CRITERIA = ['understanding', 'methodology', 'team', 'reports', 'value'] as const

// People whose names must never reach a public event.
const OWNER = { email: 'olive@committee.example', name: 'Olive Ownerby' }
const OTTO = { email: 'otto@committee.example', name: 'Otto Otherowner' }
const EVE = { email: 'eve@committee.example', name: 'Eve Evaldottir' }
const ALPHA = { name: 'Alpha Audits', email: 'ada@alpha.example' }
const BETA = { name: 'Beta Security', email: 'bo@beta.example', second: 'second@beta.example' }
const GAMMA = { name: 'Gamma Withdrawn', email: 'gil@gamma.example' }
const GROUNDS = 'The committee scored our team on Rust experience, which the RFP never asked for. BETA-GROUNDS'
const RESPONSE = 'The team criterion asks for Go and applied cryptography; the comments name neither Rust nor you. OWNER-RESPONSE'

/** A 400 naming exactly these fields. */
async function badInput (t: TestT, action: Promise<unknown>, paths: string[], name: string): Promise<void> {
  const error = await action.then(() => undefined, (e: unknown) => e) as { statusCode?: number, problems?: Array<{ path: string }> } | undefined
  t.equal(error?.statusCode, 400, `${name}: 400`)
  t.same(error?.problems?.map((p) => p.path), paths, `${name}: names ${paths.join(', ')}`)
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 10_000)).filter((e) => e.type === type)
}

/** How many rows each table a protest writes to holds: a refusal must leave every count as it was. */
async function footprint (ctx: Ctx) {
  const n = async (table: 'protests' | 'audit_events' | 'mail_outbox'): Promise<number> =>
    Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { protests: await n('protests'), events: await n('audit_events'), mails: await n('mail_outbox') }
}

async function bid (ctx: Ctx, slug: string, vendor: { name: string, email: string }): Promise<VendorContact & { proposalId: string, receipt: string }> {
  const contact = await createVendorContact(ctx, vendor.name, vendor.email)
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, contact.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${vendor.name} ${part}`)]), maxBytes: 1_000_000 }))
  }
  const receipt = await submitProposal(ctx, contact.actor, slug, { content: { summary: `${vendor.name} proposes.`, personnel: [] }, partners: [] }, files)
  return { ...contact, proposalId: (receipt.manifest.proposal as { id: string }).id, receipt: receipt.hash }
}

/**
 * The demo RFP with a protest window of `days`, owned by Olive and Otto (Otto declared a conflict with Beta),
 * Eve its evaluator; Alpha and Beta bid (Beta with a second contact) and Gamma withdrew. The proposals are opened,
 * scored by Eve and the round closed; `decide()` selects Alpha an hour after the deadline and returns the instant.
 */
async function scored (t: TestT, { days = 10, config = {} }: { days?: number, config?: Record<string, unknown> } = {}) {
  const ctx = await testContext(t, testConfig(t, config))
  const owner = (await createCommitteeMember(ctx, OWNER.email, { displayName: OWNER.name })).actor
  const otto = (await createCommitteeMember(ctx, OTTO.email, { displayName: OTTO.name })).actor
  const eve = (await createCommitteeMember(ctx, EVE.email, { displayName: EVE.name })).actor
  const base = securityAuditRfp(T0)
  const draft: RfpDraft = { ...base, procedure: { ...base.procedure!, protestWindowDays: days } }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await addRfpMember(ctx, owner, slug, OTTO.email, 'owner')
  await addRfpMember(ctx, owner, slug, EVE.email, 'evaluator')
  await publishRfp(ctx, owner, id)
  const alpha = await bid(ctx, slug, ALPHA)
  const beta = await bid(ctx, slug, BETA)
  await addVendorContact(ctx, beta.organisationId, BETA.second)
  const gamma = await bid(ctx, slug, GAMMA)
  await withdrawProposal(ctx, gamma.actor, slug)
  ctx.clock.set(new Date(draft.schedule.proposalsDueAt))
  const stepUp = (actor: UserActor): UserActor => ({ ...actor, hasSecondFactor: true, secondFactorAt: ctx.clock.now().toISOString() })
  await startOpening(ctx, stepUp(owner), slug)
  await confirmOpening(ctx, stepUp(eve), slug)
  for (const member of [owner, otto, eve]) await attest(ctx, member, slug, { mayBeNamed: false })
  await declareConflict(ctx, otto, slug, { organisationId: beta.organisationId, kind: 'financial', note: 'Otto holds shares in Beta.' })
  for (const bidder of [alpha, beta]) {
    await saveScoreSheet(ctx, eve, slug, 1, bidder.proposalId, { cells: CRITERIA.map((criterion) => ({ criterion, score: bidder === alpha ? 4 : 3, comment: `Eve on ${criterion}` })), submit: true })
  }
  await closeScoringRound(ctx, stepUp(owner), slug, 1)
  for (const bidder of [alpha, beta]) await recordGate(ctx, owner, slug, 1, { proposalId: bidder.proposalId, criterion: 'open-report', passed: true, reason: 'Accepts publication.' })
  const decide = async (): Promise<Date> => {
    ctx.clock.set(new Date(Date.parse(draft.schedule.proposalsDueAt) + 3_600_000))
    await recordDecision(ctx, stepUp(owner), slug, { selected: [alpha.proposalId], rationale: 'Alpha scored best.', disqualified: [] })
    return ctx.clock.now()
  }
  const betaSecond = { ...beta.actor, userId: (await ctx.db.selectFrom('users').select('id').where('email_normalized', '=', BETA.second).executeTakeFirstOrThrow()).id }
  return { ctx, id, slug, owner, otto, eve, alpha, beta, betaSecond, gamma, stepUp, decide }
}

t.test('the window opens at the decision and lasts the RFP\'s published days, to the millisecond', async (t) => {
  const { ctx, slug, owner, alpha, beta, stepUp, decide } = await scored(t)
  const rfp = await getRfp(ctx, owner, slug)
  t.equal(await getProtestWindow(ctx, rfp), null, 'no window before the decision')
  await refused(t, fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS }), InvalidStateError, /once the decision is recorded/, 'before the decision')
  await refused(t, getProtestPanel(ctx, beta.actor, slug), InvalidStateError, /once the decision is recorded/, 'the debrief\'s section before the decision')

  const decidedAt = await decide()
  const closesAt = new Date(decidedAt.getTime() + 10 * DAY_MS)
  t.same(await getProtestWindow(ctx, await getRfp(ctx, owner, slug)), { days: 10, opensAt: decidedAt.toISOString(), closesAt: closesAt.toISOString(), open: true })
  t.match(await getProtestPanel(ctx, beta.actor, slug), { window: { days: 10, closesAt: closesAt.toISOString(), open: true }, protests: [], mayFile: true })

  // At the very instant of the decision; answered; again 1 ms before the end.
  const first = await fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS })
  await respondToProtest(ctx, stepUp(owner), slug, first.id, { resolution: 'dismissed', response: RESPONSE })
  ctx.clock.set(new Date(closesAt.getTime() - 1))
  t.equal((await getProtestPanel(ctx, beta.actor, slug)).mayFile, true, '1 ms before the end')
  const second = await fileProtest(ctx, beta.actor, slug, { grounds: `${GROUNDS} (again)` })
  await respondToProtest(ctx, stepUp(owner), slug, second.id, { resolution: 'dismissed', response: RESPONSE })

  ctx.clock.set(closesAt)
  const before = await footprint(ctx)
  await refused(t, fileProtest(ctx, alpha.actor, slug, { grounds: GROUNDS }), InvalidStateError, /the protest window closed .*2027.*, 10 days after the decision/, 'at exactly the end')
  ctx.clock.set(new Date(closesAt.getTime() + 1))
  await refused(t, fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS }), InvalidStateError, /the protest window closed/, '1 ms after the end')
  t.same(await footprint(ctx), before, 'the refusals wrote nothing')
  t.match(await getProtestPanel(ctx, beta.actor, slug), { window: { open: false }, mayFile: false, protests: [{ id: first.id, resolution: 'dismissed' }, { id: second.id, resolution: 'dismissed' }] })
  t.equal((await getProtestWindow(ctx, await getRfp(ctx, owner, slug)))?.open, false)
  // Answering is not bound to the window: only filing is.
  const rows = await ctx.db.selectFrom('protests').select(['filed_at']).orderBy('filed_at').execute()
  t.same(rows.map((r) => r.filed_at), [decidedAt.toISOString(), new Date(closesAt.getTime() - 1).toISOString()])
})

t.test('the RFP\'s published window governs; a procedure of 0 days allows no protest', async (t) => {
  const seven = await scored(t, { days: 7 })
  const decidedAt = await seven.decide()
  t.match(await getProtestPanel(seven.ctx, seven.beta.actor, seven.slug), { window: { days: 7, closesAt: new Date(decidedAt.getTime() + 7 * DAY_MS).toISOString() } }, 'the RFP published 7')
  seven.ctx.clock.set(new Date(decidedAt.getTime() + 7 * DAY_MS))
  await refused(t, fileProtest(seven.ctx, seven.beta.actor, seven.slug, { grounds: GROUNDS }), InvalidStateError, /closed .*, 7 days after/, 'on day 7')

  const none = await scored(t, { days: 0 })
  await none.decide()
  t.match(await getProtestPanel(none.ctx, none.beta.actor, none.slug), { window: { days: 0, open: false }, mayFile: false })
  await refused(t, fileProtest(none.ctx, none.beta.actor, none.slug, { grounds: GROUNDS }), InvalidStateError, /published procedure allows no protest/, 'at the decision itself')
  t.same(await none.ctx.db.selectFrom('protests').selectAll().execute(), [])
})

t.test('who files: any contact of a bidder whose proposal stood, whatever its outcome; nobody else', async (t) => {
  const { ctx, slug, eve, owner, alpha, beta, betaSecond, gamma, decide } = await scored(t)
  await decide()
  const zeta = await createVendorContact(ctx, 'Zeta Without A Bid', 'zed@zeta.example')
  const before = await footprint(ctx)
  await refused(t, fileProtest(ctx, zeta.actor, slug, { grounds: GROUNDS }), NotFoundError, /has no proposal standing/, 'a vendor that did not bid')
  await refused(t, fileProtest(ctx, gamma.actor, slug, { grounds: GROUNDS }), NotFoundError, /has no proposal standing/, 'a vendor that withdrew')
  await refused(t, fileProtest(ctx, eve, slug, { grounds: GROUNDS }), ForbiddenError, /for vendor contacts/, 'an evaluator')
  await refused(t, fileProtest(ctx, owner, slug, { grounds: GROUNDS }), ForbiddenError, /for vendor contacts/, 'an owner')
  await refused(t, fileProtest(ctx, { ...zeta.actor, organisationId: beta.organisationId }, slug, { grounds: GROUNDS }), ForbiddenError, /filed by the vendor that made the proposal/, 'a session that claims another organisation')
  await refused(t, fileProtest(ctx, beta.actor, 'no-such-rfp', { grounds: GROUNDS }), NotFoundError, /no RFP is published/, 'an RFP that does not exist')
  await refused(t, getProtestPanel(ctx, zeta.actor, slug), NotFoundError, /has no proposal standing/, 'the debrief section of a vendor that did not bid')
  t.same(await footprint(ctx), before, 'none of them wrote anything')

  // Beta's second contact files for Beta; Alpha, selected, may object too.
  const byBeta = await fileProtest(ctx, betaSecond, slug, { grounds: GROUNDS })
  const byAlpha = await fileProtest(ctx, alpha.actor, slug, { grounds: 'We object to the price weight. ALPHA-GROUNDS' })
  const rows = await ctx.db.selectFrom('protests').select(['id', 'proposal_id', 'filed_by']).orderBy('proposal_id').execute()
  t.same(rows.sort((a, b) => a.id.localeCompare(b.id)), [
    { id: byBeta.id, proposal_id: beta.proposalId, filed_by: betaSecond.userId },
    { id: byAlpha.id, proposal_id: alpha.proposalId, filed_by: alpha.actor.userId }
  ].sort((a, b) => a.id.localeCompare(b.id)))
  // Each bidder sees its own protests only.
  t.same((await getProtestPanel(ctx, beta.actor, slug)).protests.map((p) => p.id), [byBeta.id], 'Beta\'s first contact sees Beta\'s protest')
  t.same((await getProtestPanel(ctx, alpha.actor, slug)).protests.map((p) => p.id), [byAlpha.id], 'Alpha sees its own only')
})

t.test('one protest open at a time per bidder, even filed at once by two contacts; another once it is answered', async (t) => {
  const { ctx, slug, owner, beta, betaSecond, stepUp, decide } = await scored(t)
  await decide()
  const results = await Promise.allSettled([
    fileProtest(ctx, beta.actor, slug, { grounds: `${GROUNDS} (first contact)` }),
    fileProtest(ctx, betaSecond, slug, { grounds: `${GROUNDS} (second contact)` })
  ])
  t.same(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], 'one of two at once')
  const loser = results.find((r) => r.status === 'rejected')
  t.match((loser as PromiseRejectedResult).reason, { statusCode: 409, message: /awaits the owners' answer: one protest is open at a time/ })
  t.equal((await footprint(ctx)).protests, 1)
  t.equal((await getProtestPanel(ctx, betaSecond, slug)).mayFile, false, 'the form is not offered meanwhile')

  // The database refuses a second open protest of one bidder whatever the code does.
  const open = await ctx.db.selectFrom('protests').selectAll().executeTakeFirstOrThrow()
  await t.rejects(ctx.db.insertInto('protests').values({ ...open, id: 'another-open-protest' }).execute(), /unique|UNIQUE/, 'a second open row')

  await respondToProtest(ctx, stepUp(owner), slug, open.id, { resolution: 'dismissed', response: RESPONSE })
  t.equal((await getProtestPanel(ctx, betaSecond, slug)).mayFile, true, 'answered: another may be filed')
  await fileProtest(ctx, betaSecond, slug, { grounds: 'A new ground, after the answer.' })
  t.equal((await footprint(ctx)).protests, 2)
})

t.test('the grounds: 1 to 10 000 characters once trimmed, a CRLF counted as one; a refusal leaves nothing behind', async (t) => {
  const { ctx, slug, beta, decide } = await scored(t)
  await decide()
  const before = await footprint(ctx)
  await badInput(t, fileProtest(ctx, beta.actor, slug, { grounds: '' }), ['grounds'], 'empty')
  await badInput(t, fileProtest(ctx, beta.actor, slug, { grounds: ' \r\n\t ' }), ['grounds'], 'only blanks')
  await badInput(t, fileProtest(ctx, beta.actor, slug, { grounds: 'x'.repeat(10_001) }), ['grounds'], '10 001 characters')
  t.same(await footprint(ctx), before, 'no row, event or mail')

  // 5 000 letters and 4 999 CRLF line breaks: 14 999 characters sent, 9 999 kept; padded to exactly 10 000.
  const lines = Array.from({ length: 5000 }, () => 'a').join('\r\n') + 'b'
  const { id } = await fileProtest(ctx, beta.actor, slug, { grounds: `  ${lines}\r\n` })
  const stored = await ctx.db.selectFrom('protests').select('grounds').where('id', '=', id).executeTakeFirstOrThrow()
  t.equal(stored.grounds.length, 10_000, 'stored at the limit')
  t.notMatch(stored.grounds, /\r/, 'with LF line breaks')
  t.equal(stored.grounds, Array.from({ length: 5000 }, () => 'a').join('\n') + 'b', 'trimmed')
})

t.test('a failure part-way through filing or answering leaves nothing half-written', async (t) => {
  const { ctx, slug, owner, alpha, beta, stepUp, decide } = await scored(t)
  await decide()
  const { id } = await fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS })
  // The last write of each is its mail: when that fails, the protest, its answer and their events go with it.
  await refuseWrites(ctx.db, 'mail_outbox', 'INSERT', 'outbox unavailable')
  const before = await footprint(ctx)
  await t.rejects(fileProtest(ctx, alpha.actor, slug, { grounds: GROUNDS }), /outbox unavailable/, 'filing')
  await t.rejects(respondToProtest(ctx, stepUp(owner), slug, id, { resolution: 'dismissed', response: RESPONSE }), /outbox unavailable/, 'answering')
  t.same(await footprint(ctx), before, 'no protest, answer or event without its mails')
  t.same(await ctx.db.selectFrom('protests').select(['id', 'resolution', 'response', 'responded_by', 'responded_at']).execute(),
    [{ id, resolution: null, response: null, responded_by: null, responded_at: null }], 'the protest still awaits its answer')
  t.same(await eventsOf(ctx, 'protest.resolved'), [])
})

t.test('answering: an owner who attested, not recused, with a fresh second factor; once; the decision stands; the bidder is told', async (t) => {
  const { ctx, slug, owner, otto, eve, alpha, beta, stepUp, decide } = await scored(t)
  await decide()
  const { id } = await fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS })
  const answer = { resolution: 'upheld', response: RESPONSE }
  // A co-owner added after the decision, who never attested: it does not judge.
  const late = (await createCommitteeMember(ctx, 'late@committee.example', { displayName: 'Late Owner' })).actor
  await addRfpMember(ctx, owner, slug, 'late@committee.example', 'owner')
  const before = await footprint(ctx)
  await refused(t, respondToProtest(ctx, stepUp(eve), slug, id, answer), ForbiddenError, /only an owner of the RFP responds to a protest/, 'an evaluator')
  await refused(t, respondToProtest(ctx, beta.actor, slug, id, answer), ForbiddenError, /only an owner/, 'the protester')
  await refused(t, respondToProtest(ctx, stepUp(otto), slug, id, answer), ForbiddenError, /conflict of interest with this vendor: another owner responds/, 'an owner recused from Beta')
  await refused(t, respondToProtest(ctx, { ...owner, secondFactorAt: T0.toISOString() }, slug, id, answer), StepUpRequiredError, /second factor/, 'a stale second factor')
  await refused(t, respondToProtest(ctx, stepUp(owner), slug, '00000000-0000-4000-8000-000000000000', answer), NotFoundError, /no such protest/, 'an unknown protest')
  await badInput(t, respondToProtest(ctx, stepUp(owner), slug, id, { resolution: 'withdrawn', response: RESPONSE }), ['resolution'], 'an unknown resolution')
  await badInput(t, respondToProtest(ctx, stepUp(owner), slug, id, { resolution: '', response: '  ' }), ['resolution', 'response'], 'neither')
  await badInput(t, respondToProtest(ctx, stepUp(owner), slug, id, { resolution: 'dismissed', response: 'y'.repeat(10_001) }), ['response'], 'too long a response')
  await refused(t, respondToProtest(ctx, stepUp(late), slug, id, answer), ForbiddenError, /attestation .* before answering a protest/, 'an owner who never attested')
  t.same(await footprint(ctx), before, 'no refusal wrote anything')

  const statuses = async () => await ctx.db.selectFrom('proposals').select(['id', 'status', 'status_reason']).orderBy('id').execute()
  const decisions = async () => await ctx.db.selectFrom('decisions').selectAll().execute()
  const [statusesBefore, decisionsBefore] = [await statuses(), await decisions()]
  ctx.clock.advance(60_000)
  await respondToProtest(ctx, stepUp(owner), slug, id, { resolution: 'upheld', response: `  ${RESPONSE}\r\n` })
  t.same(await ctx.db.selectFrom('protests').select(['resolution', 'response', 'responded_by', 'responded_at']).where('id', '=', id).execute(),
    [{ resolution: 'upheld', response: RESPONSE, responded_by: owner.userId, responded_at: ctx.clock.now().toISOString() }])
  t.same(await statuses(), statusesBefore, 'upholding changes no proposal\'s status')
  t.same(await decisions(), decisionsBefore, 'nor the decision')
  t.equal((await ctx.db.selectFrom('rfps').select('state').where('slug', '=', slug).executeTakeFirstOrThrow()).state, 'decided')

  await refused(t, respondToProtest(ctx, stepUp(owner), slug, id, { resolution: 'dismissed', response: 'On second thoughts.' }), InvalidStateError, /was upheld already: a protest is answered once/, 'twice')

  // Every active contact of Beta is told; nobody else.
  const mails = await ctx.db.selectFrom('mail_outbox').select(['to_address', 'subject', 'text_body', 'html_body']).where('template', '=', 'protest-resolved').orderBy('to_address').execute()
  t.same(mails.map((m) => m.to_address), [BETA.email, BETA.second])
  t.equal(mails[0]?.subject, `Protest upheld: ${securityAuditRfp(T0).title}`)
  t.match(mails[0]?.text_body, RESPONSE)
  t.match(mails[0]?.text_body, 'does not by itself change the recorded decision')
  t.match(mails[0]?.text_body, `${ctx.config.publicUrl}/vendor/rfps/${slug}/debrief`)
  t.notMatch(mails[0]?.text_body, OWNER.name, 'the answering owner is not named')
  t.notMatch(JSON.stringify(mails), alpha.email)

  // The panel and the committee's page show the answer.
  t.match((await getProtestPanel(ctx, beta.actor, slug)).protests, [{ id, resolution: 'upheld', response: RESPONSE }])
  const page = await getCommitteeProtests(ctx, owner, slug)
  t.match(page.protests, [{ id, organisationName: BETA.name, named: false, resolution: 'upheld', respondedByName: OWNER.name, mayRespond: false }])
})

t.test('the committee\'s page: owners who attested, the bidders by name, who may answer which', async (t) => {
  const { ctx, slug, owner, otto, eve, alpha, beta, decide } = await scored(t)
  await decide()
  await chooseNaming(ctx, beta.actor, slug, false)
  const byBeta = await fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS })
  const byAlpha = await fileProtest(ctx, alpha.actor, slug, { grounds: 'ALPHA-GROUNDS' })
  const page = await getCommitteeProtests(ctx, owner, slug)
  t.match(page, { rfp: { slug }, window: { days: 10, open: true } })
  t.same(page.protests.map((p) => [p.id, p.organisationName, p.named, p.receiptHash, p.mayRespond, p.recused]).sort(), [
    [byBeta.id, BETA.name, false, beta.receipt, true, false],
    [byAlpha.id, ALPHA.name, true, alpha.receipt, true, false]
  ].sort(), 'the selected vendor is named on the record; Beta chose not to be')
  const forOtto = await getCommitteeProtests(ctx, otto, slug)
  t.same(forOtto.protests.map((p) => [p.id, p.mayRespond, p.recused]).sort(), [[byBeta.id, false, true], [byAlpha.id, true, false]].sort(), 'Otto is recused from Beta\'s')
  await refused(t, getCommitteeProtests(ctx, eve, slug), ForbiddenError, /only an owner of the RFP/, 'an evaluator')
  await refused(t, getCommitteeProtests(ctx, beta.actor, slug), ForbiddenError, /only an owner of the RFP/, 'a vendor')
})

t.test('public events and the public listing name no bidder and no person; the grounds are public once answered', async (t) => {
  const { ctx, id: rfpId, slug, owner, beta, stepUp, decide } = await scored(t)
  await decide()
  const filedAt = ctx.clock.now().toISOString()
  const { id } = await fileProtest(ctx, beta.actor, slug, { grounds: GROUNDS })
  const secrets = [BETA.name, BETA.email, BETA.second, 'beta.example', OWNER.name, OWNER.email, EVE.name, beta.organisationId]

  const [filed, ...moreFiled] = await eventsOf(ctx, 'protest.filed')
  t.equal(moreFiled.length, 0)
  t.same({ type: filed?.type, public: filed?.public, rfpId: filed?.rfpId, at: filed?.at, data: filed?.data }, {
    type: 'protest.filed', public: true, rfpId, at: filedAt, data: { slug, protestId: id, receiptHash: beta.receipt }
  }, 'filed: that, when, and the receipt hash')
  t.same(await listProtests(ctx.db, rfpId), [{ id, proposal_id: beta.proposalId, receipt_hash: beta.receipt, grounds: null, filed_at: filedAt, resolution: null, response: null, responded_at: null }],
    'the public listing holds back the grounds of an unanswered protest')

  ctx.clock.advance(60_000)
  await respondToProtest(ctx, stepUp(owner), slug, id, { resolution: 'dismissed', response: RESPONSE })
  const [resolved, ...moreResolved] = await eventsOf(ctx, 'protest.resolved')
  t.equal(moreResolved.length, 0)
  t.same({ public: resolved?.public, data: resolved?.data }, {
    public: true,
    data: { slug, protestId: id, receiptHash: beta.receipt, filedAt, grounds: GROUNDS, resolution: 'dismissed', response: RESPONSE, decisionChanged: false }
  }, 'resolved: the grounds and the response, by receipt')
  t.same(await listProtests(ctx.db, rfpId), [{ id, proposal_id: beta.proposalId, receipt_hash: beta.receipt, grounds: GROUNDS, filed_at: filedAt, resolution: 'dismissed', response: RESPONSE, responded_at: ctx.clock.now().toISOString() }])

  const published = JSON.stringify([filed?.data, resolved?.data, await listProtests(ctx.db, rfpId)])
  for (const secret of secrets) t.notMatch(published, secret, `no ${secret}`)
})

t.test('the owners are mailed the protest, delivered through SMTP with a text and an HTML part', async (t) => {
  const smtp = await startSmtp(t)
  const { ctx, slug, beta, decide } = await scored(t, { config: { mail: { url: smtp.url } } })
  await decide()
  await fileProtest(ctx, beta.actor, slug, { grounds: `${GROUNDS}\n<script>alert(1)</script>` })
  const queued = await ctx.db.selectFrom('mail_outbox').select(['to_address']).where('template', '=', 'protest-filed').orderBy('to_address').execute()
  t.same(queued.map((m) => m.to_address), [OWNER.email, OTTO.email].sort(), 'both owners; not the evaluator')

  const transport = createMailTransport(ctx.config)
  t.teardown(() => { transport.close() })
  await deliverDueMail(ctx, transport, { ...ctx.config.mail, batchSize: 100 })
  const received = smtp.received.filter((m) => m.subject === `Protest filed: ${securityAuditRfp(T0).title}`)
  t.equal(received.length, 2)
  const link = `${ctx.config.publicUrl}/committee/rfps/${slug}/protests`
  for (const mail of received) {
    t.match(mail.text, `${BETA.name} filed a protest`)
    t.match(mail.text, GROUNDS)
    t.match(mail.text, link)
    t.match(mail.html, `href="${link}"`)
    t.notMatch(mail.html, '<script>', 'the grounds are escaped in HTML')
    t.match(mail.html, '&lt;script&gt;')
  }
})

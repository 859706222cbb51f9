// The demo is made by the services people's actions call: its RFP has amendments, answers and vendors.
import t from 'tap'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { ANONYMOUS } from '../../src/domain/policy.js'
import { listRfpVersions } from '../../src/services/amendments.js'
import { readAuditEvents, verifyAuditChain } from '../../src/services/audit.js'
import { listPublicAnswers } from '../../src/services/questions.js'
import { getRfp } from '../../src/services/rfps.js'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { findUserByEmail } from '../../src/db/users.js'
import { listProposalsForCommittee, openProposalFile } from '../../src/services/opening.js'
import { listPublicReceipts } from '../../src/services/proposals.js'
import { T0, testContext } from '../helpers/app.js'

t.test('the demo RFP is open for questions, with two amendments, three answers and two registered vendors', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const rfp = await getRfp(ctx, ANONYMOUS, DEMO_RFP_SLUG)
  t.equal(rfp.phase, 'questions_open')
  t.equal(rfp.currentVersion, 3)
  const versions = await listRfpVersions(ctx, ANONYMOUS, DEMO_RFP_SLUG)
  t.same(versions.map((v) => v.reason === null), [true, false, false], 'version 1, then two amendments with reasons')
  t.same((await listPublicAnswers(ctx, ANONYMOUS, DEMO_RFP_SLUG)).map((a) => a.number), [1, 2, 3])
  t.equal((await ctx.db.selectFrom('rfp_interests').select('organisation_id').where('rfp_id', '=', rfp.id).execute()).length, 2)
  t.same((await ctx.db.selectFrom('rfp_acknowledgements').select('version').orderBy('version').execute()).map((r) => r.version), [2, 2, 3], 'one vendor has yet to acknowledge amendment 3')

  const events = await readAuditEvents(ctx.db, 0, 100)
  t.same(await verifyAuditChain(ctx.db), { intact: true, count: events.length, head: events.at(-1)?.hash })
  t.ok(events.every((e, i) => i === 0 || e.at >= events[i - 1]!.at), 'the back-dated clock only moves forward')
  t.ok(events.every((e) => Date.parse(e.at) <= T0.getTime()), 'nothing is dated after the seeding')
  t.same(events.filter((e) => e.public).map((e) => e.type), [
    'rfp.published', 'rfp.opened', 'rfp.published', 'rfp.question.answered', 'rfp.question.answered', 'rfp.question.answered', 'rfp.amended', 'rfp.amended'
  ])
})

t.test('the demo has a closed RFP whose three proposals were opened under dual control', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const rfp = await getRfp(ctx, ANONYMOUS, CLOSED_RFP_SLUG)
  t.equal(rfp.phase, 'opened')
  const receipts = await listPublicReceipts(ctx, CLOSED_RFP_SLUG)
  t.equal(receipts.published, true)
  t.same(receipts.receipts.map((r) => r.standing).sort(), ['counted', 'counted', 'counted', 'replaced'], 'four receipts: one vendor replaced its proposal')
  const opened = (await readAuditEvents(ctx.db, 0, 200)).find((e) => e.type === 'rfp.opened')
  t.match(opened?.data, { count: 3, dualControl: true })

  const reviewer = await findUserByEmail(ctx.db, 'sam@driftwood.example')
  const actor = { kind: 'user' as const, userId: reviewer!.id, isAdmin: false, organisationId: null, hasSecondFactor: false, secondFactorAt: null }
  const list = await listProposalsForCommittee(ctx, actor, CLOSED_RFP_SLUG)
  t.same(list.proposals.map((p) => [p.organisationName, p.version]), [['Northwind Assurance', 1], ['Quillon Labs', 1], ['Basalt Security Lab', 2]])
  const basalt = list.proposals.find((p) => p.organisationName === 'Basalt Security Lab')!
  const file = await openProposalFile(ctx, actor, CLOSED_RFP_SLUG, basalt.id, 0)
  const bytes: Buffer[] = []
  for await (const chunk of file.content()) bytes.push(Buffer.from(chunk))
  const pdf = Buffer.concat(bytes).toString('latin1')
  t.match(pdf, /^%PDF-1\.4/, 'a real PDF')
  t.match(pdf, /Revised version 2/, 'the version that counts')
  t.match(pdf, /startxref\n\d+\n%%EOF\n$/)
})

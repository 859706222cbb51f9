// The vendor portal: the RFPs taking proposals that the organisation may bid on, soonest deadline first, with
// the amendments it has yet to acknowledge and where its proposal stands; and its proposals.
import { Readable } from 'node:stream'
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { DAY_MS } from '../../src/domain/time.js'
import { amendRfp } from '../../src/services/amendments.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { getVendorPortal } from '../../src/services/vendors.js'
import { T0, createOwner, createVendorContact, testContext } from '../helpers/app.js'

t.test('the portal lists the RFPs still taking proposals, whatever was published since', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const { actor: vendor, organisationId } = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  const other = await createVendorContact(ctx, 'Beta Security', 'bo@beta.example')
  const later = await createRfpDraft(ctx, owner, { ...securityAuditRfp(new Date(T0.getTime() + 20 * DAY_MS)), slug: 'later-deadline' })
  await publishRfp(ctx, owner, later.id)
  ctx.clock.advance(1000)
  const sooner = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'sooner-deadline' })
  await publishRfp(ctx, owner, sooner.id)
  const invitedOnly = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'beta-only', eligibility: { mode: 'invited', vendors: [other.organisationId] } })
  await publishRfp(ctx, owner, invitedOnly.id)

  t.same((await getVendorPortal(ctx, vendor, 10)).rfps.map((r) => r.slug), ['sooner-deadline', 'later-deadline'], 'soonest deadline first, and only those it may bid on')
  t.same((await getVendorPortal(ctx, other.actor, 10)).rfps.map((r) => r.slug), ['beta-only', 'sooner-deadline', 'later-deadline'], 'the same deadline: in a fixed order (by id)')

  const document = securityAuditRfp(T0)
  await amendRfp(ctx, owner, 'sooner-deadline', { ...document, slug: 'sooner-deadline', summary: `${document.summary} Retests included.` }, 'Retests')
  t.match((await getVendorPortal(ctx, vendor, 10)).rfps[0], { slug: 'sooner-deadline', unacknowledged: [2], proposal: null })

  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, vendor, 'later-deadline', { part, fileName: `${part}.pdf`, content: Readable.from([Buffer.from(`%PDF-1.4 ${part}`)]), maxBytes: 1_000_000 }))
  }
  await submitProposal(ctx, vendor, 'later-deadline', { content: { summary: 'Ours.', personnel: [] }, partners: [] }, files)
  const portal = await getVendorPortal(ctx, vendor, 10)
  t.match(portal.rfps[1], { slug: 'later-deadline', proposal: { status: 'submitted', current_version: 1 } })
  t.match(portal.proposals, [{ slug: 'later-deadline', status: 'submitted', current_version: 1 }])
  t.equal(organisationId.length, 36)

  ctx.clock.set(new Date(T0.getTime() + 26 * DAY_MS))
  // The most recently published RFP has closed: a page of "published" would have held only it.
  t.same((await getVendorPortal(ctx, vendor, 1)).rfps.map((r) => r.slug), ['later-deadline'])
  t.match((await getVendorPortal(ctx, vendor, 10)).proposals, [{ slug: 'later-deadline' }], 'its proposals stay listed')
  await t.rejects(getVendorPortal(ctx, owner, 10), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'vendors only')
})

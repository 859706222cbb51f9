// The vendor portal's list of RFPs taking proposals.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { DAY_MS } from '../../src/domain/time.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { getVendorPortal } from '../../src/services/vendors.js'
import { T0, createOwner, testContext } from '../helpers/app.js'

const vendor = { kind: 'user' as const, userId: 'v', isAdmin: false, hasSecondFactor: false, secondFactorAt: null, organisationId: 'org' }

t.test('the portal lists the RFPs still taking proposals, whatever was published since', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx)
  const later = await createRfpDraft(ctx, owner, { ...securityAuditRfp(new Date(T0.getTime() + 20 * DAY_MS)), slug: 'later-deadline' })
  await publishRfp(ctx, owner, later.id)
  ctx.clock.advance(1000)
  const sooner = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'sooner-deadline' })
  await publishRfp(ctx, owner, sooner.id)

  t.same((await getVendorPortal(ctx, vendor, 10)).rfps.map((r) => r.slug), ['sooner-deadline', 'later-deadline'], 'soonest deadline first')
  ctx.clock.set(new Date(T0.getTime() + 26 * DAY_MS))
  // The most recently published RFP has closed: a page of "published" would have held only it.
  t.same((await getVendorPortal(ctx, vendor, 1)).rfps.map((r) => r.slug), ['later-deadline'])
  await t.rejects(getVendorPortal(ctx, owner, 10), { statusCode: 403, code: 'SL_FORBIDDEN' }, 'vendors only')
})

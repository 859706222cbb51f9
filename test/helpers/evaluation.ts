// An RFP opened and ready to evaluate, made through the services: a committee of an owner and an evaluator
// (both attested), and three vendors' bids, each with a price; Beta's optionally with a consortium partner.
import { Readable } from 'node:stream'
import type { Test } from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { UserActor } from '../../src/domain/policy.js'
import type { RfpDraft } from '../../src/domain/rfp-document.js'
import { attest } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { T0, createCommitteeMember, createVendorContact, testContext } from './app.js'

export type Ctx = Awaited<ReturnType<typeof testContext>>

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

/** The actor having just proved its second factor, as the step-up page leaves it. */
export const stepUp = (actor: UserActor, ctx: Ctx): UserActor => ({ ...actor, hasSecondFactor: true, secondFactorAt: ctx.clock.now().toISOString() })

/** Round 1 technical (two criteria); round 2 an interview and the price, opened for the shortlist only. */
export function twoRounds (): RfpDraft {
  const base = securityAuditRfp(T0)
  return {
    ...base,
    rounds: [
      {
        name: 'Technical evaluation',
        criteria: [
          { id: 'approach', name: 'Approach', description: 'The plan.', kind: 'scored', weight: '50', lo: 1, hi: 5 },
          { id: 'team', name: 'Team', description: 'The people.', kind: 'scored', weight: '50', lo: 1, hi: 5 }
        ]
      },
      {
        name: 'Interviews and price',
        criteria: [
          { id: 'interview', name: 'Interview', description: 'How the team answered.', kind: 'scored', weight: '60', lo: 1, hi: 5 },
          { id: 'price', name: 'Price', description: 'The fixed fee.', kind: 'price', weight: '40' }
        ]
      }
    ],
    procedure: { ...base.procedure!, shortlist: { rule: 'top', count: 2 }, priceEnvelope: 'after_shortlist' }
  }
}

async function bidOf (ctx: Ctx, slug: string, organisation: string, email: string, amount: string, partners: string[] = []): Promise<void> {
  const vendor = await createVendorContact(ctx, organisation, email)
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, vendor.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${organisation} ${part}`)]), maxBytes: 1024 * 1024 }))
  }
  await submitProposal(ctx, vendor.actor, slug, { content: { summary: `${organisation} proposes.`, personnel: [] }, price: { amount, currency: 'EUR', notes: '' }, partners }, files)
}

/** Alpha (100000), Beta (80000, with Delta Partners when `partner`) and Gamma (50000) bid; the proposals are open. */
export async function opened (t: Test, { draft = twoRounds(), partner = false }: { draft?: RfpDraft, partner?: boolean } = {}) {
  const ctx = await testContext(t)
  const owner = (await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Chair' })).actor
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const evaluator = (await createCommitteeMember(ctx, 'eve@example.org', { displayName: 'Eve' })).actor
  await addRfpMember(ctx, owner, slug, 'eve@example.org', 'evaluator')
  const delta = partner ? await createVendorContact(ctx, 'Delta Partners', 'dee@delta.example') : undefined
  await bidOf(ctx, slug, 'Alpha Audits', 'ada@alpha.example', '100000')
  await bidOf(ctx, slug, 'Beta Review', 'bo@beta.example', '80000', delta === undefined ? [] : [delta.actor.organisationId!])
  await bidOf(ctx, slug, 'Gamma Labs', 'gil@gamma.example', '50000')
  ctx.clock.set(new Date(draft.schedule.proposalsDueAt))
  await startOpening(ctx, stepUp(owner, ctx), slug)
  await confirmOpening(ctx, stepUp(evaluator, ctx), slug)
  await attest(ctx, owner, slug, { mayBeNamed: false })
  await attest(ctx, evaluator, slug, { mayBeNamed: false })
  const proposals = await ctx.db.selectFrom('proposals').innerJoin('vendor_organisations', 'vendor_organisations.id', 'proposals.organisation_id')
    .select(['proposals.id', 'vendor_organisations.name']).execute()
  const idOf = (name: string): string => proposals.find((p) => p.name === name)!.id
  return { ctx, owner, evaluator, slug, draft, delta, alpha: idOf('Alpha Audits'), beta: idOf('Beta Review'), gamma: idOf('Gamma Labs') }
}

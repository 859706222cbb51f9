// The second envelope (DESIGN §3.3): prices are unsealed only after technical scoring has closed, and only
// for the shortlist where the RFP says so. Each price must hash to what its receipt records.
import { findPriceOpening, insertPriceOpening, listRoundProposals, listRounds } from '../db/evaluation.js'
import { PriceSchema, scoresPrice, type Price } from '../domain/proposal.js'
import { Rational } from '../domain/rational.js'
import { Value } from 'typebox/value'
import { canonicalHash, type JsonValue } from '../domain/canonical-json.js'
import type { UserActor } from '../domain/policy.js'
import { SealError, unsealBytes } from '../domain/sealing.js'
import { ConflictError, InvalidStateError } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize } from './authorize.js'
import { nowIso, type ServiceContext } from './context.js'
import { openingPrivateKey, sealingContext } from './opening-keys.js'
import { findRfpForChange } from './rfps.js'

export async function openPriceEnvelope (ctx: ServiceContext, actor: UserActor, slug: string): Promise<{ count: number }> {
  return await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findRfpForChange(trx, ctx, actor, { slug })
    authorize(ctx, actor, { action: 'price.open', rfp })
    if (!scoresPrice(rfp.document)) throw new InvalidStateError('this RFP does not score price: there is no price envelope')
    if (await findPriceOpening(trx, rfp.id) !== undefined) throw new ConflictError('the price envelope was opened already')
    const rounds = await listRounds(trx, rfp.id)
    // DESIGN §3.3: opened only once technical scoring is closed — every round started so far.
    if (rfp.state !== 'scoring_closed' || rounds.length === 0 || rounds.some((r) => r.closed_at === null)) {
      throw new InvalidStateError(rfp.state === 'cancelled' || rfp.state === 'decided' ? `the RFP is ${rfp.state}` : 'the price envelope is opened only once technical scoring is closed')
    }
    const shortlistOnly = rfp.document.procedure.priceEnvelope === 'after_shortlist'
    const round = shortlistOnly ? rounds[1] : rounds[0]
    if (round === undefined) throw new InvalidStateError('this RFP opens the prices of the shortlist only: make the shortlist first')
    const proposals = (await listRoundProposals(trx, rfp.id, round.round)).filter((p) => p.status !== 'withdrawn')
    const privateKey = await openingPrivateKey(trx, ctx, rfp.id, 'price')
    const prices = []
    try {
      for (const proposal of proposals) {
        if (proposal.sealed_price === null) continue
        let price: Price
        try {
          const plain = await unsealBytes(Buffer.from(proposal.sealed_price, 'base64url'), { privateKey, context: sealingContext(rfp.id, 'price') })
          price = JSON.parse(plain.toString('utf8')) as Price
        } catch (error) {
          if (error instanceof SealError) throw new InvalidStateError(`the price of the proposal with receipt ${proposal.receipt_hash} failed its integrity check: ${error.message}. Restore it from a backup`)
          throw error
        }
        const manifest = JSON.parse(proposal.manifest) as { price?: { sha256?: string } | null }
        if (canonicalHash(price as unknown as JsonValue) !== manifest.price?.sha256) {
          throw new InvalidStateError(`the price of the proposal with receipt ${proposal.receipt_hash} does not match the hash its receipt records`)
        }
        // Checked again here: a price sealed before zero was refused at intake must not break every results page.
        if (!Value.Check(PriceSchema, price) || !Rational.parseDecimal(price.amount).isPositive()) {
          throw new InvalidStateError(`the price of the proposal with receipt ${proposal.receipt_hash} is not a positive amount: the committee must settle it with the vendor`)
        }
        prices.push({ proposal_id: proposal.id, rfp_id: rfp.id, amount: price.amount, currency: price.currency, notes: price.notes })
      }
    } finally {
      privateKey.fill(0)
    }
    const at = nowIso(ctx)
    await insertPriceOpening(trx, { rfpId: rfp.id, userId: actor.userId, at, prices })
    await appendAuditEvent(trx, { at, type: 'prices.opened', actorId: actor.userId, rfpId: rfp.id, public: true, data: { slug: rfp.slug, title: rfp.title, count: prices.length, shortlistOnly } })
    return { count: prices.length }
  })
}

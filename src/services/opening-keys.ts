// Each RFP's opening keys (DESIGN §3.1, instance-key custody): made at publication, the public halves seal what
// arrives, the private halves are stored only wrapped by the instance key and unwrapped to read opened proposals.
import type { Executor, Trx } from '../db/database.js'
import { lockForTransaction } from '../db/database.js'
import { findOpeningKey, insertOpeningKey, type OpeningKeyPurpose } from '../db/proposals.js'
import { instanceKeyId, unwrapKey, wrapKey } from '../domain/key-wrap.js'
import { openingKeyPairFrom, SealError } from '../domain/sealing.js'
import { InvalidStateError } from '../errors.js'
import type { ServiceContext } from './context.js'

const PURPOSES: readonly OpeningKeyPurpose[] = ['proposals', 'price']

/** What sealed content of an RFP is bound to: content sealed for one RFP does not unseal as another's. */
export function sealingContext (rfpId: string, purpose: OpeningKeyPurpose): string {
  return `shortlist rfp ${rfpId} ${purpose}`
}

const wrapContext = (rfpId: string, purpose: OpeningKeyPurpose, publicKey: string): string => `${sealingContext(rfpId, purpose)} ${publicKey}`

/** Makes the RFP's key pairs unless it has them; call inside the transaction that publishes (or first needs) them. */
export async function ensureOpeningKeys (trx: Trx, ctx: ServiceContext, rfpId: string, at: string): Promise<void> {
  await lockForTransaction(trx, `rfp_opening_keys:${rfpId}`)
  for (const purpose of PURPOSES) {
    if (await findOpeningKey(trx, rfpId, purpose) !== undefined) continue
    const pair = openingKeyPairFrom(ctx.random.bytes(32))
    const publicKey = pair.publicKey.toString('base64url')
    const instanceKey = ctx.instanceKey()
    await insertOpeningKey(trx, {
      rfp_id: rfpId,
      purpose,
      public_key: publicKey,
      wrapped_private_key: wrapKey(pair.privateKey, instanceKey, wrapContext(rfpId, purpose, publicKey), ctx.random.bytes(12)).toString('base64url'),
      custody: 'instance',
      instance_key_id: instanceKeyId(instanceKey),
      created_at: at
    })
    pair.privateKey.fill(0)
  }
}

/** The public key content for the RFP is sealed to; RFPs published before sealed intake get theirs now. */
export async function sealingKey (ctx: ServiceContext, rfpId: string, purpose: OpeningKeyPurpose, at: string): Promise<Buffer> {
  let row = await findOpeningKey(ctx.db, rfpId, purpose)
  if (row === undefined) {
    await ctx.db.transaction().execute(async (trx) => { await ensureOpeningKeys(trx, ctx, rfpId, at) })
    row = await findOpeningKey(ctx.db, rfpId, purpose)
  }
  return Buffer.from(row!.public_key, 'base64url')
}

/** The private key, unwrapped by this instance's key; only the opening ceremony and readers of opened proposals ask. */
export async function openingPrivateKey (db: Executor, ctx: ServiceContext, rfpId: string, purpose: OpeningKeyPurpose): Promise<Buffer> {
  const row = await findOpeningKey(db, rfpId, purpose)
  if (row === undefined) throw new InvalidStateError('this RFP has no opening key: no proposal was ever sealed for it')
  const instanceKey = ctx.instanceKey()
  if (row.instance_key_id !== instanceKeyId(instanceKey)) {
    throw new InvalidStateError(`the opening key was wrapped by instance key ${row.instance_key_id}, and this instance has ${instanceKeyId(instanceKey)}: start it with the instance key it was made with (keys.instanceKey)`)
  }
  try {
    return unwrapKey(Buffer.from(row.wrapped_private_key, 'base64url'), instanceKey, wrapContext(rfpId, purpose, row.public_key))
  } catch (error) {
    if (error instanceof SealError) throw new InvalidStateError(error.message)
    throw error
  }
}

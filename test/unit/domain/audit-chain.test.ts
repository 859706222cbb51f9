import { createHash } from 'node:crypto'
import t from 'tap'
import { chainAuditEvent, checkAuditLink, GENESIS_HASH, hashAuditEvent, type AuditEvent, type ChainedAuditEvent } from '../../../src/domain/audit-chain.js'

const event: AuditEvent = { seq: 1, at: '2026-12-01T09:00:00.000Z', type: 'rfp.published', actorId: 'u1', rfpId: 'r1', public: true, data: { version: 1, slug: 'x' } }

t.test('the hash is SHA-256 over the previous hash bytes and the RFC 8785 text of the event', async (t) => {
  // Written out by hand: keys sorted by code point, no white space.
  const jcs = '{"actorId":"u1","at":"2026-12-01T09:00:00.000Z","data":{"slug":"x","version":1},"public":true,"rfpId":"r1","seq":1,"type":"rfp.published"}'
  const expected = createHash('sha256').update(Buffer.alloc(32)).update(jcs).digest('hex')
  t.equal(hashAuditEvent(GENESIS_HASH, event), expected)
})

t.test('key order in the data does not change the hash', async (t) => {
  t.equal(hashAuditEvent(GENESIS_HASH, { ...event, data: { slug: 'x', version: 1 } }), hashAuditEvent(GENESIS_HASH, event))
})

t.test('every field is covered by the hash', async (t) => {
  const base = hashAuditEvent(GENESIS_HASH, event)
  const variants: Partial<AuditEvent>[] = [{ seq: 2 }, { at: '2026-12-01T09:00:01.000Z' }, { type: 'rfp.drafted' }, { actorId: null }, { rfpId: 'r2' }, { public: false }, { data: { version: 2, slug: 'x' } }]
  for (const change of variants) t.not(hashAuditEvent(GENESIS_HASH, { ...event, ...change }), base, `changing ${Object.keys(change)[0]}`)
  t.not(hashAuditEvent('1'.repeat(64), event), base, 'changing the previous hash')
})

t.test('a malformed previous hash is refused', async (t) => {
  t.throws(() => hashAuditEvent('abc', event), TypeError)
})

function chain (n: number): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = []
  for (let i = 0; i < n; i++) {
    events.push(chainAuditEvent(events.at(-1), { at: `2026-12-01T09:00:0${i}.000Z`, type: 'test', actorId: null, rfpId: null, public: false, data: { i } }))
  }
  return events
}

function firstBreak (events: ChainedAuditEvent[]) {
  let previous: ChainedAuditEvent | undefined
  for (const e of events) {
    const broken = checkAuditLink(previous, e)
    if (broken !== undefined) return broken
    previous = e
  }
  return undefined
}

t.test('a chain made by chainAuditEvent checks out', async (t) => {
  const events = chain(4)
  t.same(events.map((e) => e.seq), [1, 2, 3, 4])
  t.equal(events[0]?.prevHash, GENESIS_HASH)
  t.equal(events[2]?.prevHash, events[1]?.hash)
  t.equal(firstBreak(events), undefined)
})

t.test('tampering is found at the event tampered with', async (t) => {
  const edited = chain(4)
  edited[2] = { ...edited[2] as ChainedAuditEvent, data: { i: 99 } }
  t.same(firstBreak(edited), { seq: 3, problem: 'its content does not match its hash' })

  const removed = chain(4)
  removed.splice(1, 1)
  t.match(firstBreak(removed), { seq: 3, problem: /expected event #2/ })

  const rehashed = chain(4)
  const forged = { ...rehashed[1] as ChainedAuditEvent, data: { i: 42 } }
  rehashed[1] = { ...forged, hash: hashAuditEvent(forged.prevHash, forged) }
  t.same(firstBreak(rehashed), { seq: 3, problem: 'its prev_hash is not the hash of the event before it' }, 'a recomputed hash breaks the next link')

  const truncatedStart = chain(3).slice(1)
  t.match(firstBreak(truncatedStart), { seq: 2, problem: /expected event #1/ })
})

import t from 'tap'
import { maskEmail } from '../../../src/domain/email.js'
import { encodeToken, hashSecret, isSessionLive, isWellFormedToken, tokenState } from '../../../src/domain/sign-in.js'

t.test('tokens are 256 bits in base64url, and only their SHA-256 is kept', async (t) => {
  const token = encodeToken(new Uint8Array(32).fill(255))
  t.equal(token, '_'.repeat(42) + '8')
  t.ok(isWellFormedToken(token))
  t.notOk(isWellFormedToken(token.slice(1)))
  t.notOk(isWellFormedToken(token.slice(1) + '='))
  t.throws(() => encodeToken(new Uint8Array(16)), RangeError)
  t.equal(hashSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})

t.test('a token is usable until its expiry instant, once', async (t) => {
  const token = { expiresAt: '2026-12-01T09:10:00.000Z', usedAt: null }
  t.equal(tokenState(token, new Date('2026-12-01T09:09:59.999Z')), 'usable')
  t.equal(tokenState(token, new Date('2026-12-01T09:10:00.000Z')), 'expired')
  t.equal(tokenState({ ...token, usedAt: '2026-12-01T09:01:00.000Z' }, new Date('2026-12-01T09:05:00.000Z')), 'used')
  t.equal(tokenState(undefined, new Date()), 'unknown')
})

t.test('a session lives until the first of its two limits', async (t) => {
  const session = { createdAt: '2026-12-01T09:00:00.000Z', idleExpiresAt: '2026-12-01T11:00:00.000Z', absoluteExpiresAt: '2026-12-01T21:00:00.000Z' }
  t.ok(isSessionLive(session, new Date('2026-12-01T10:59:59.999Z')))
  t.notOk(isSessionLive(session, new Date('2026-12-01T11:00:00.000Z')))
  t.notOk(isSessionLive({ ...session, idleExpiresAt: '2026-12-02T00:00:00.000Z' }, new Date('2026-12-01T21:00:00.000Z')))
})

t.test('addresses are masked to their first character and domain', async (t) => {
  t.equal(maskEmail('ada@acme.example'), 'a***@acme.example')
  t.equal(maskEmail('@x.example'), '***@x.example')
})

import t from 'tap'
import { encodeRecoveryCode, encodeTotpSecret, hashRecoveryCode, isRecoveryCodeShaped, matchTotp, totpCode, totpStep, totpUri } from '../../../src/domain/second-factor.js'

const secret = encodeTotpSecret(Buffer.alloc(20, 7))
const NOW = new Date('2026-12-01T09:00:10.000Z')

t.test('RFC 6238 test vector (SHA-1, 30 s, 6 digits)', async (t) => {
  // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s gives 94287082 (8 digits); 6 digits: 287082.
  const rfcSecret = encodeTotpSecret(Buffer.from('12345678901234567890'))
  t.equal(totpCode(rfcSecret, new Date(59_000)), '287082')
})

t.test('a code matches within one step either side, and gives its step', async (t) => {
  const step = totpStep(NOW)
  t.equal(matchTotp(secret, totpCode(secret, NOW), NOW, null), step)
  t.equal(matchTotp(secret, totpCode(secret, new Date(NOW.getTime() - 30_000)), NOW, null), step - 1, 'the step before')
  t.equal(matchTotp(secret, totpCode(secret, new Date(NOW.getTime() + 30_000)), NOW, null), step + 1, 'the step after')
  t.equal(matchTotp(secret, totpCode(secret, new Date(NOW.getTime() - 90_000)), NOW, null), undefined, 'three steps back is too old')
  t.equal(matchTotp(secret, '12345', NOW, null), undefined, 'five digits')
  t.equal(matchTotp(secret, `${totpCode(secret, NOW).slice(0, 3)} ${totpCode(secret, NOW).slice(3)}`, NOW, null), step, 'a space in the middle is fine')
})

t.test('a code of a step already used, or an earlier one, is a replay', async (t) => {
  const step = totpStep(NOW)
  t.equal(matchTotp(secret, totpCode(secret, NOW), NOW, step), undefined, 'the same step')
  t.equal(matchTotp(secret, totpCode(secret, new Date(NOW.getTime() - 30_000)), NOW, step), undefined, 'an earlier step')
  t.equal(matchTotp(secret, totpCode(secret, new Date(NOW.getTime() + 30_000)), NOW, step), step + 1, 'a later step is fine')
})

t.test('the otpauth URI names the issuer and carries the secret', async (t) => {
  const uri = totpUri(secret, 'robin@driftwood.example', 'shortlist.example')
  t.match(uri, /^otpauth:\/\/totp\/shortlist\.example:robin%40driftwood\.example\?/)
  t.match(uri, new RegExp(`secret=${secret}`))
})

t.test('recovery codes: 50 random bits, typed loosely, hashed alike', async (t) => {
  const code = encodeRecoveryCode(Buffer.from('0123456789'))
  t.match(code, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/)
  t.ok(isRecoveryCodeShaped(code))
  t.ok(isRecoveryCodeShaped(code.replace('-', '').toLowerCase()))
  t.notOk(isRecoveryCodeShaped('123456'))
  t.equal(hashRecoveryCode(code), hashRecoveryCode(` ${code.replace('-', '').toLowerCase()} `))
  t.not(encodeRecoveryCode(Buffer.from('0123456789')), encodeRecoveryCode(Buffer.from('0123406789')))
})

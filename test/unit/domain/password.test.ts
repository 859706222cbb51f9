import t from 'tap'
import { checkPassword, MAX_PASSWORD_LENGTH, normalizePassword, passwordLength } from '../../../src/domain/password.js'

const email = 'robin@driftwood.example'
const none = (): boolean => false

t.test('length is the one rule of composition: 12 characters or more, passphrases welcome', async (t) => {
  t.same(checkPassword('elevenchars', { email, isCommon: none }).map((p) => p.path), ['password'], '11 characters are too few')
  t.same(checkPassword('twelve chars', { email, isCommon: none }), [], '12 are enough, with no digit or symbol')
  t.same(checkPassword('correct horse battery staple '.repeat(20), { email, isCommon: none }), [], 'a long passphrase is fine')
  t.match(checkPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1), { email, isCommon: none })[0]?.message, /at most/)
})

t.test('characters are counted as people see them', async (t) => {
  t.equal(passwordLength('🔑'.repeat(12)), 12, 'twelve emoji are twelve characters, not 24 UTF-16 units')
  t.equal(normalizePassword('ﬁ'), 'fi', 'compatibility forms fold (NFKC)')
})

t.test('common and breached passwords are refused, whatever their case', async (t) => {
  const seen: string[] = []
  const problems = checkPassword('Password1234', { email, isCommon: (p) => { seen.push(p); return p === 'password1234' } })
  t.match(problems[0]?.message, /common or breached/)
  t.same(seen, ['password1234'], 'the list is asked with the lower-cased password')
})

t.test('the e-mail address is not a password', async (t) => {
  t.match(checkPassword('Robin@Driftwood.example', { email, isCommon: none })[0]?.message, /e-mail/)
})

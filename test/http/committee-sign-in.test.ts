// A committee member accepts an invitation, sets a password, enrols TOTP and signs in; the pages' defences.
import t from 'tap'
import { totpCode } from '../../src/domain/second-factor.js'
import { inviteUser } from '../../src/services/invitations.js'
import { buildTestApp, createCommitteeMember, TEST_PASSWORD, type TestApp } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

const tokenOf = (path: string): string => new URLSearchParams(path.split('?')[1]).get('token') ?? ''

/** The invitation, the password form, the enrolment page: returns the TOTP secret the page showed. */
async function acceptAndEnrol ({ ctx }: TestApp, visitor: Visitor, path: string): Promise<{ secret: string, recoveryCodes: string[] }> {
  const page = await visitor.get(path)
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const set = await visitor.post('/invitation', { token: tokenOf(path), password: TEST_PASSWORD, username: 'x', _csrf })
  if (set.headers.location !== '/sign-in/two-factor/setup') throw new Error(`password not set: ${set.statusCode}`)
  const setup = await visitor.get('/sign-in/two-factor/setup')
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(setup.body)?.[1] ?? ''
  const setupCsrf = /name="_csrf" value="([^"]+)"/.exec(setup.body)?.[1] ?? ''
  const done = await visitor.post('/sign-in/two-factor/setup', { code: totpCode(secret, ctx.clock.now()), _csrf: setupCsrf })
  if (done.statusCode !== 200) throw new Error(`enrolment failed: ${done.statusCode} ${done.body}`)
  const recoveryCodes = [...done.body.matchAll(/<li><code>([A-Z2-7]{5}-[A-Z2-7]{5})<\/code><\/li>/g)].map((m) => m[1] ?? '')
  return { secret, recoveryCodes }
}

async function signInWithPassword (visitor: Visitor, email: string, password = TEST_PASSWORD) {
  const _csrf = await visitor.csrfFrom('/sign-in')
  return await visitor.post('/sign-in/password', { email, password, _csrf })
}

async function secondFactor (visitor: Visitor, code: string) {
  const page = await visitor.get('/sign-in/two-factor')
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  return await visitor.post('/sign-in/two-factor', { code, _csrf })
}

t.test('invitation → password → TOTP enrolment → signed in; then password and code again after signing out', async (t) => {
  const test = await buildTestApp(t)
  const { app, ctx } = test
  const { path } = await inviteUser(ctx, null, { email: 'robin@driftwood.example', displayName: 'Robin', mail: false })
  const visitor = new Visitor(app)

  const invitation = await visitor.get(path)
  t.equal(invitation.statusCode, 200)
  t.equal(invitation.headers['cache-control'], 'no-store')
  t.match(invitation.body, 'Choose a password for <strong>robin@driftwood.example</strong>')
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(invitation.body)?.[1] ?? ''
  const weak = await visitor.post('/invitation', { token: tokenOf(path), password: 'qwerty123456', _csrf })
  t.equal(weak.statusCode, 400)
  t.match(weak.body, 'is on a list of common or breached passwords', 'the form says why, and stays')
  t.match(weak.body, 'name="password"')

  const { secret, recoveryCodes } = await acceptAndEnrol(test, visitor, path)
  t.equal(recoveryCodes.length, 10, 'ten recovery codes shown once')
  const qr = await visitor.get('/sign-in/two-factor/setup/qr.svg')
  t.equal(qr.statusCode, 404, 'the QR code is gone once enrolment is done')
  const account = await visitor.get('/account')
  t.equal(account.statusCode, 200)
  t.match(account.body, 'Robin (robin@driftwood.example)')
  t.match(account.body, 'Recovery codes left: 10')

  const form = /name="_csrf" value="([^"]+)"/.exec(account.body)?.[1] ?? ''
  t.equal((await visitor.post('/sign-out', { _csrf: form })).statusCode, 303)
  t.equal((await visitor.get('/account')).headers.location, '/sign-in')

  const wrong = await signInWithPassword(visitor, 'robin@driftwood.example', 'not my password at all')
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, 'do not match an account that can sign in here')
  const unknown = await signInWithPassword(visitor, 'nobody@driftwood.example', 'not my password at all')
  t.equal(unknown.body.replace(/value="[^"]*"/g, ''), wrong.body.replace(/value="[^"]*"/g, ''), 'an unknown address gets the very same page')

  const password = await signInWithPassword(visitor, 'ROBIN@driftwood.example')
  t.equal(password.statusCode, 303)
  t.equal(password.headers.location, '/sign-in/two-factor')
  t.equal((await visitor.get('/account')).headers.location, '/sign-in', 'the password alone signs no one in')

  const enrolmentCode = totpCode(secret, ctx.clock.now())
  t.equal((await secondFactor(visitor, enrolmentCode)).statusCode, 400, 'the code used at enrolment is spent')
  ctx.clock.advance(30_000)
  const before = visitor.cookie
  const done = await secondFactor(visitor, totpCode(secret, ctx.clock.now()))
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, '/account')
  t.not(visitor.cookie, before, 'a new session id once signed in')
  t.equal((await visitor.get('/account')).statusCode, 200)

  const other = new Visitor(app, '198.51.100.4')
  await signInWithPassword(other, 'robin@driftwood.example')
  t.equal((await secondFactor(other, totpCode(secret, ctx.clock.now()))).statusCode, 400, 'the same code in another browser is a replay')
  t.equal((await secondFactor(other, recoveryCodes[0] ?? '')).statusCode, 303, 'a recovery code stands in for the app')
  t.match((await other.get('/account')).body, 'Recovery codes left: 9')
})

t.test('the half-done sign-in lapses after ten minutes', async (t) => {
  const test = await buildTestApp(t)
  const member = await createCommitteeMember(test.ctx, 'member@example.org')
  const visitor = new Visitor(test.app)
  await signInWithPassword(visitor, 'member@example.org')
  test.ctx.clock.advance(10 * 60 * 1000)
  const page = await visitor.get('/sign-in/two-factor')
  t.equal(page.headers.location, '/sign-in')
  t.ok(member.userId)
})

t.test('the account page lists sessions; one can be revoked from another', async (t) => {
  const test = await buildTestApp(t)
  const { ctx } = test
  const member = await createCommitteeMember(ctx, 'member@example.org')
  const laptop = new Visitor(test.app)
  const phone = new Visitor(test.app, '198.51.100.9')
  for (const visitor of [laptop, phone]) {
    ctx.clock.advance(30_000)
    await signInWithPassword(visitor, 'member@example.org')
    await secondFactor(visitor, totpCode(member.secret, ctx.clock.now()))
  }
  const page = await laptop.get('/account')
  const handles = [...page.body.matchAll(/name="session" value="([0-9a-f]{64})"/g)].map((m) => m[1] ?? '')
  t.equal(handles.length, 1, 'the other session can be revoked here; this one is ended by signing out')
  t.match(page.body, '(this browser)')
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  t.equal((await laptop.post('/account/sessions/revoke', { session: handles[0] ?? '', _csrf })).statusCode, 303)
  t.equal((await phone.get('/account')).headers.location, '/sign-in', 'the phone is signed out')
  t.equal((await laptop.get('/account')).statusCode, 200, 'the laptop is not')
  t.equal((await laptop.post('/account/sessions/revoke', { session: handles[0] ?? '', _csrf })).statusCode, 404, 'gone already')
})

t.test('an admin action asks for the second factor again after ten minutes, then returns to the page', async (t) => {
  const test = await buildTestApp(t)
  const { ctx } = test
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const member = await createCommitteeMember(ctx, 'member@example.org')
  const visitor = new Visitor(test.app)
  await signInWithPassword(visitor, 'admin@example.org')
  ctx.clock.advance(30_000)
  await secondFactor(visitor, totpCode(admin.secret, ctx.clock.now()))
  const userPage = `/admin/users/${member.userId}`
  const _csrf = await visitor.csrfFrom(userPage)
  ctx.clock.advance(11 * 60 * 1000)
  const refused = await visitor.app.inject({
    method: 'POST',
    url: `${userPage}/disable`,
    headers: { cookie: visitor.cookie, referer: `http://localhost:3000${userPage}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf }).toString()
  })
  t.equal(refused.statusCode, 303)
  t.equal(refused.headers.location, `/account/confirm?next=${encodeURIComponent(userPage)}`)
  t.equal((await ctx.db.selectFrom('users').select('disabled_at').where('id', '=', member.userId).executeTakeFirstOrThrow()).disabled_at, null, 'nothing was done')

  const confirmPage = await visitor.get(refused.headers.location as string)
  t.match(confirmPage.body, 'This action asks for your second factor again.')
  const confirmCsrf = /name="_csrf" value="([^"]+)"/.exec(confirmPage.body)?.[1] ?? ''
  t.equal((await visitor.post('/account/confirm', { code: '000000', next: userPage, _csrf: confirmCsrf })).statusCode, 400)
  t.equal((await visitor.post('/account/confirm', { code: 'x', next: 'https://evil.example/', _csrf: confirmCsrf })).statusCode, 400, 'next must be a path here')
  t.equal((await visitor.post('/account/confirm', { code: 'x', next: '//evil.example/', _csrf: confirmCsrf })).statusCode, 400, 'not a protocol-relative URL either')
  t.equal((await visitor.post('/account/confirm', { code: 'x', next: '/\\evil.example/', _csrf: confirmCsrf })).statusCode, 400, 'nor a backslash one')
  for (const next of ['/%01', '/%E4%B8%AD', '/%7F']) {
    t.equal((await visitor.get(`/account/confirm?next=${next}`)).statusCode, 400, `${next}: only printable ASCII can go in a Location header`)
  }
  const confirmed = await visitor.post('/account/confirm', { code: totpCode(admin.secret, ctx.clock.now()), next: userPage, _csrf: confirmCsrf })
  t.equal(confirmed.headers.location, userPage)
  t.equal((await visitor.post(`${userPage}/disable`, { _csrf })).statusCode, 303)
  t.not((await ctx.db.selectFrom('users').select('disabled_at').where('id', '=', member.userId).executeTakeFirstOrThrow()).disabled_at, null, 'disabled now')
})

t.test('logs carry no password, code, token, cookie or session id', async (t) => {
  const lines: string[] = []
  const test = await buildTestApp(t, { config: { log: { level: 'trace' } }, logStream: { write: (line) => { lines.push(line) } } })
  const { path } = await inviteUser(test.ctx, null, { email: 'robin@driftwood.example', displayName: 'Robin', mail: false })
  const visitor = new Visitor(test.app)
  const { secret, recoveryCodes } = await acceptAndEnrol(test, visitor, path)
  const page = await visitor.get('/account')
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const created = await visitor.post('/account/tokens', { name: 'ci', _csrf })
  const apiToken = /id="api-token">(sl_[A-Za-z0-9_-]{43})</.exec(created.body)?.[1] ?? ''
  t.ok(apiToken, 'a token was made')
  await visitor.get('/api/v1/me', { authorization: `Bearer ${apiToken}` })
  const sessionId = decodeURIComponent(/shortlist=([^;]+)/.exec(visitor.cookie)?.[1] ?? '').split('.')[0] ?? ''
  const logged = lines.join('')
  t.ok(lines.length >= 10, `requests were logged (${lines.length} lines)`)
  for (const [name, secretValue] of Object.entries({ invitation: tokenOf(path), password: TEST_PASSWORD, totpSecret: secret, recoveryCode: recoveryCodes[0] ?? '', apiToken, apiTokenBody: apiToken.slice(3), sessionId })) {
    t.notOk(logged.includes(secretValue), `no ${name}`)
  }
  t.notMatch(logged, /cookie|bearer/i, 'no cookie or authorization header')
})

// A vendor registers, signs in by magic link and out again; the link's rules and the form's defences.
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'
import { processSignInRequests } from '../../src/services/sign-in.js'

async function linkSentTo (ctx: TestApp['ctx'], email: string): Promise<string> {
  // What the server's worker does on its next pass.
  await processSignInRequests(ctx, { linksPerHour: 5 })
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).orderBy('created_at', 'desc').executeTakeFirstOrThrow()
  const token = /\/sign-in\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1]
  if (token === undefined) throw new Error('no link in the mail')
  return token
}

async function register (app: TestApp['app'], visitor: Visitor, email = 'ada@acme.example') {
  const _csrf = await visitor.csrfFrom('/vendor/register')
  return await visitor.post('/vendor/register', { organisation: 'Acme  Security', website: 'https://acme.example', contactName: 'Ada Lovelace', email, _csrf })
}

async function confirm (visitor: Visitor, token: string) {
  // The confirm page has no form for a spent link: take the session's CSRF token from the sign-in page.
  const _csrf = await visitor.csrfFrom('/sign-in')
  return await visitor.post('/sign-in/confirm', { token, _csrf })
}

t.test('register, follow the mailed link, confirm, use the portal, sign out', async (t) => {
  const { app, ctx } = await buildTestApp(t, { demo: true })
  const visitor = new Visitor(app)
  const registered = await register(app, visitor)
  t.equal(registered.statusCode, 200)
  t.match(registered.body, 'a sign-in link is on its way')

  const token = await linkSentTo(ctx, 'ada@acme.example')
  const page = await visitor.get(`/sign-in/confirm?token=${token}`)
  t.equal(page.headers['cache-control'], 'no-store')
  t.match(page.body, 'signs you in as <strong>a***@acme.example</strong>', 'the page names the account, masked')
  t.equal((await ctx.db.selectFrom('sign_in_tokens').select('used_at').executeTakeFirstOrThrow()).used_at, null, 'opening the link consumes nothing')

  const before = visitor.cookie
  const signedIn = await confirm(visitor, token)
  t.equal(signedIn.statusCode, 303)
  t.equal(signedIn.headers.location, '/vendor')
  t.not(visitor.cookie, before, 'a new session id at sign-in')
  const cookie = signedIn.cookies.find((c) => c.name === 'shortlist')
  t.match(cookie, { httpOnly: true, sameSite: 'Lax', path: '/' })

  const portal = await visitor.get('/vendor')
  t.equal(portal.statusCode, 200)
  t.match(portal.body, '<h1>Acme Security</h1>')
  t.match(portal.body, 'Signed in as Ada Lovelace (ada@acme.example)')
  t.match(portal.body, 'Independent security audit of Driftwood 2.0')

  const _csrf = /name="_csrf" value="([^"]+)"/.exec(portal.body)?.[1] ?? ''
  const out = await visitor.post('/sign-out', { _csrf })
  t.equal(out.statusCode, 303)
  t.equal((await visitor.get('/vendor')).headers.location, '/sign-in', 'signed out')
  t.same(await ctx.db.selectFrom('sessions').select('user_id').where('user_id', 'is not', null).execute(), [], 'the session is gone from the store')

  // After the demo's own events (it ends with the chair's invitation).
  const demoEvents = (await ctx.db.selectFrom('audit_events').select('seq').where('type', '=', 'user.invited').executeTakeFirstOrThrow()).seq
  const types = (await ctx.db.selectFrom('audit_events').select('type').where('seq', '>', demoEvents).orderBy('seq').execute()).map((e) => e.type)
  t.same(types, ['user.created', 'vendor.registered', 'auth.link_sent', 'auth.signed_in'])
})

t.test('a link works once, for ten minutes', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await register(app, new Visitor(app))
  const token = await linkSentTo(ctx, 'ada@acme.example')
  t.equal((await confirm(new Visitor(app), token)).statusCode, 303)
  const again = await confirm(new Visitor(app), token)
  t.equal(again.statusCode, 400)
  t.match(again.body, 'It has been used already')
  const spent = await new Visitor(app).get(`/sign-in/confirm?token=${token}`)
  t.equal(spent.statusCode, 400, 'a spent link shows no form')
  t.notMatch(spent.body, 'acme.example', 'nor its account')

  const { app: app2, ctx: ctx2 } = await buildTestApp(t)
  await register(app2, new Visitor(app2))
  const late = await linkSentTo(ctx2, 'ada@acme.example')
  ctx2.clock.advance(10 * 60 * 1000)
  const expired = await confirm(new Visitor(app2), late)
  t.equal(expired.statusCode, 400)
  t.match(expired.body, 'It has expired')
  t.match(await ctx2.db.selectFrom('audit_events').select('data').where('type', '=', 'auth.sign_in_failed').executeTakeFirstOrThrow(), { data: /"reason":"expired"/ })

  const events = await ctx2.db.selectFrom('audit_events').select('seq').execute()
  const unknown = await confirm(new Visitor(app2), 'A'.repeat(43))
  t.equal(unknown.statusCode, 400)
  t.match(unknown.body, 'It is not a valid sign-in link')
  t.equal((await ctx2.db.selectFrom('audit_events').select('seq').execute()).length, events.length, 'an unknown token names no account and is not recorded')
})

t.test('known and unknown addresses get the same answer; only the known one gets mail', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await register(app, new Visitor(app))
  const ask = async (email: string) => {
    const visitor = new Visitor(app)
    return await visitor.post('/sign-in', { email, _csrf: await visitor.csrfFrom('/sign-in') })
  }
  const known = await ask('ada@acme.example')
  const unknown = await ask('nobody@acme.example')
  t.equal(known.statusCode, 200)
  t.equal(known.body.replace('ada@acme.example', 'X'), unknown.body.replace('nobody@acme.example', 'X'))
  t.same(await ctx.db.selectFrom('sign_in_requests').select('email_normalized').execute(), [{ email_normalized: 'ada@acme.example' }, { email_normalized: 'nobody@acme.example' }], 'both requests were recorded alike')
  t.same(await processSignInRequests(ctx, { linksPerHour: 5 }), { sent: 1, ignored: 1 })
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('template', '=', 'sign-in-link').execute()).length, 2, 'registration and one sign-in')

  const again = await register(app, new Visitor(app))
  t.equal(again.statusCode, 200, 'registering an existing address answers as for a new one')
  await processSignInRequests(ctx, { linksPerHour: 5 })
  t.equal((await ctx.db.selectFrom('mail_outbox').select('id').where('template', '=', 'sign-in-link').execute()).length, 3, 'and mails a sign-in link')
})

t.test('an account is sent a few links an hour at most', async (t) => {
  const { app, ctx, config } = await buildTestApp(t, { config: { signIn: { linksPerHour: 2, attemptsPerWindow: 100, windowMs: 60000 } } })
  await register(app, new Visitor(app))
  for (let i = 0; i < 3; i++) {
    const visitor = new Visitor(app)
    t.equal((await visitor.post('/sign-in', { email: 'ada@acme.example', _csrf: await visitor.csrfFrom('/sign-in') })).statusCode, 200)
  }
  t.same(await processSignInRequests(ctx, config.signIn), { sent: 1, ignored: 2 }, 'registration sent one; one more, then the hour is used up')
  t.equal((await ctx.db.selectFrom('sign_in_tokens').select('token_hash').execute()).length, 2, 'the third request in the hour sends nothing')
  t.same(await ctx.db.selectFrom('sign_in_requests').select('id').execute(), [], 'every request is gone once processed')
})

t.test('forms refuse a missing or foreign CSRF token', async (t) => {
  const { app } = await buildTestApp(t)
  const visitor = new Visitor(app)
  await visitor.get('/sign-in')
  t.equal((await visitor.post('/sign-in', { email: 'a@b.example', _csrf: 'forged' })).statusCode, 403)
  const other = new Visitor(app)
  const token = await other.csrfFrom('/sign-in')
  t.equal((await visitor.post('/sign-in', { email: 'a@b.example', _csrf: token })).statusCode, 403, 'another session\'s token')
  t.equal((await visitor.post('/sign-in', { email: 'a@b.example' })).statusCode, 400, 'no token at all: the schema names it')
})

t.test('sign-in requests are rate limited per address', async (t) => {
  const { app } = await buildTestApp(t, { config: { signIn: { linksPerHour: 5, attemptsPerWindow: 3, windowMs: 60000 } } })
  const visitor = new Visitor(app)
  const codes: number[] = []
  const _csrf = await visitor.csrfFrom('/sign-in')
  for (let i = 0; i < 4; i++) codes.push((await visitor.post('/sign-in', { email: 'a@b.example', _csrf })).statusCode)
  t.same(codes, [200, 200, 200, 429])
  const pages: number[] = []
  for (let i = 0; i < 3; i++) pages.push((await visitor.get('/sign-in')).statusCode)
  t.same(pages, [200, 200, 429], 'the form page too: each one stores a session for its CSRF secret')
  const elsewhere = new Visitor(app, '198.51.100.9')
  t.equal((await elsewhere.post('/sign-in', { email: 'a@b.example', _csrf: await elsewhere.csrfFrom('/sign-in') })).statusCode, 200, 'another address is not held back')
})

t.test('a session ends after its idle limit, and when the account is disabled', async (t) => {
  const { app, ctx, config } = await buildTestApp(t)
  const visitor = new Visitor(app)
  await register(app, visitor)
  await confirm(visitor, await linkSentTo(ctx, 'ada@acme.example'))
  t.equal((await visitor.get('/vendor')).statusCode, 200)
  ctx.clock.advance(config.session.idleTimeoutMs)
  t.equal((await visitor.get('/vendor')).headers.location, '/sign-in', 'idle too long')

  const again = new Visitor(app)
  await again.post('/sign-in', { email: 'ada@acme.example', _csrf: await again.csrfFrom('/sign-in') })
  await confirm(again, await linkSentTo(ctx, 'ada@acme.example'))
  t.equal((await again.get('/vendor')).statusCode, 200)
  await sql`UPDATE users SET disabled_at = ${ctx.clock.now().toISOString()}`.execute(ctx.db)
  t.equal((await again.get('/sign-in')).statusCode, 200, 'a disabled user carries on as a visitor, with working forms')
  t.equal((await again.get('/vendor')).headers.location, '/sign-in', 'disabled')
})

t.test('bad registrations are refused with the fields named', async (t) => {
  const { app } = await buildTestApp(t)
  const visitor = new Visitor(app)
  const res = await visitor.post('/vendor/register', { organisation: 'A', website: 'ftp://x', contactName: '', email: 'nope', _csrf: await visitor.csrfFrom('/vendor/register') })
  t.equal(res.statusCode, 400)
  for (const field of ['organisation', 'website', 'email', 'contactName']) t.match(res.body, `<code>${field}</code>`)
  await register(app, new Visitor(app))
  const twin = await register(app, new Visitor(app), 'grace@acme.example')
  t.equal(twin.statusCode, 409)
  t.match(twin.body, 'is registered already')
})

t.test('logs carry no token, cookie or session id', async (t) => {
  const lines: string[] = []
  const { app, ctx } = await buildTestApp(t, { config: { log: { level: 'trace' } }, logStream: { write: (line) => { lines.push(line) } } })
  const visitor = new Visitor(app)
  await register(app, visitor)
  const token = await linkSentTo(ctx, 'ada@acme.example')
  await confirm(visitor, token)
  await visitor.get('/vendor')
  const sessionId = decodeURIComponent(/shortlist=([^;]+)/.exec(visitor.cookie)?.[1] ?? '').split('.')[0] ?? ''
  const logged = lines.join('')
  t.ok(lines.length >= 10, `requests were logged (${lines.length} lines)`)
  t.match(logged, '/sign-in/confirm', 'the path is logged')
  t.notMatch(logged, token, 'not the token')
  t.notMatch(logged, sessionId, 'not the session id')
  t.notMatch(logged, /cookie/i, 'no cookie header')
})

// The admin pages: the list of users, inviting through the form, a user's page with roles and actions.
import t from 'tap'
import { CLOSED_RFP_SLUG } from '../../src/demo/crypto-review-rfp.js'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { totpCode } from '../../src/domain/second-factor.js'
import { buildTestApp, createCommitteeMember, TEST_PASSWORD } from '../helpers/app.js'
import { Visitor } from '../helpers/browser-less.js'

t.test('an admin invites through the form, then grants and revokes a role on the user\'s page', async (t) => {
  const { app, ctx } = await buildTestApp(t, { demo: true })
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true, displayName: 'Ada Admin' })
  const visitor = new Visitor(app)
  const _csrfSignIn = await visitor.csrfFrom('/sign-in')
  await visitor.post('/sign-in/password', { email: 'admin@example.org', password: TEST_PASSWORD, _csrf: _csrfSignIn })
  ctx.clock.advance(30_000)
  const _csrf2 = await visitor.csrfFrom('/sign-in/two-factor')
  t.equal((await visitor.post('/sign-in/two-factor', { code: totpCode(admin.secret, ctx.clock.now()), _csrf: _csrf2 })).statusCode, 303)

  const list = await visitor.get('/admin/users')
  t.equal(list.statusCode, 200)
  t.match(list.body, 'chair@driftwood.example')
  t.match(list.body, '<td>invited</td>')
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(list.body)?.[1] ?? ''

  const bad = await visitor.post('/admin/users', { email: 'not an address', displayName: 'X', _csrf })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, '<code>email</code>: is not an e-mail address')
  const invited = await visitor.post('/admin/users', { email: 'new@example.org', displayName: 'New <b>Member</b>', _csrf })
  t.equal(invited.statusCode, 303)
  const userPath = invited.headers.location as string
  t.match(userPath, /^\/admin\/users\/[0-9a-f-]{36}$/)
  const mail = await ctx.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('template', '=', 'invitation').where('to_address', '=', 'new@example.org').executeTakeFirstOrThrow()
  t.match(mail.text_body, 'Ada Admin invited you to Shortlist as a committee member')

  const userPage = await visitor.get(userPath)
  t.equal(userPage.statusCode, 200)
  t.match(userPage.body, 'New &lt;b&gt;Member&lt;/b&gt;', 'names are escaped')
  t.match(userPage.body, 'Password: not yet (invitation pending)')
  t.match(userPage.body, `<option value="${DEMO_RFP_SLUG}">`)
  t.equal((await visitor.post(`${userPath}/roles`, { rfp: DEMO_RFP_SLUG, role: 'evaluator', _csrf })).statusCode, 303)
  t.match((await visitor.get(userPath)).body, /<td>evaluator<\/td>/)
  t.equal((await visitor.post(`${userPath}/roles`, { rfp: DEMO_RFP_SLUG, role: 'chair', _csrf })).statusCode, 400, 'only the roles there are')
  const refused = await visitor.post(`${userPath}/roles/revoke`, { rfp: DEMO_RFP_SLUG, role: 'evaluator', _csrf })
  t.equal(refused.statusCode, 409, 'the demo RFP is published and its committee of two would shrink to one before its opening')
  t.match(refused.body, 'keeps at least two committee members')
  t.equal((await visitor.post(`${userPath}/roles`, { rfp: CLOSED_RFP_SLUG, role: 'evaluator', _csrf })).statusCode, 303)
  t.equal((await visitor.post(`${userPath}/roles/revoke`, { rfp: CLOSED_RFP_SLUG, role: 'evaluator', _csrf })).statusCode, 303, 'after the opening, the committee may change')
  t.equal(((await visitor.get(userPath)).body.match(/<td>evaluator<\/td>/g) ?? []).length, 1, 'the role on the demo RFP is the one left')
  t.equal((await visitor.get('/admin/users/00000000-0000-4000-8000-000000000000')).statusCode, 404)
  t.equal((await visitor.get('/admin/users/not-a-uuid')).statusCode, 400)
  t.equal((await visitor.get('/admin/users?page=0')).statusCode, 400)
  t.notMatch((await visitor.get(`/admin/users/${admin.userId}`)).body, 'Disable the account', 'no button to disable oneself')
})

import t from 'tap'
import { readAuditEvents } from '../../src/services/audit.js'
import { createUser } from '../../src/services/users.js'
import { testContext } from '../helpers/app.js'

t.test('e-mail addresses are unique whatever their case', async (t) => {
  const ctx = await testContext(t)
  await createUser(ctx, null, { email: 'Robin@Example.org', displayName: 'Robin' })
  await t.rejects(createUser(ctx, null, { email: 'robin@example.ORG', displayName: 'Other' }), { statusCode: 409, code: 'SL_CONFLICT' })
})

t.test('bad input is refused with the fields named', async (t) => {
  const ctx = await testContext(t)
  await t.rejects(createUser(ctx, null, { email: 'not-an-address', displayName: ' ' }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'email' }, { path: 'displayName' }] })
})

t.test('the audit event carries ids, not personal data', async (t) => {
  const ctx = await testContext(t)
  const { id } = await createUser(ctx, null, { email: 'robin@example.org', displayName: 'Robin', isAdmin: true })
  const [event] = await readAuditEvents(ctx.db, 0, 1)
  t.same(event?.data, { userId: id, isAdmin: true })
  t.notMatch(JSON.stringify(event), /robin/i)
})

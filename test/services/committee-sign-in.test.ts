// Invitation, password, second factor: the committee's sign-in as services, on a real database and clock.
import t from 'tap'
import { totpCode } from '../../src/domain/second-factor.js'
import { readAuditEvents } from '../../src/services/audit.js'
import { checkPasswordSignIn, checkSecondFactor, completeTotpEnrolment, newTotpSecret } from '../../src/services/committee-sign-in.js'
import { acceptInvitation, inviteUser, previewInvitation, resendInvitation } from '../../src/services/invitations.js'
import { createApiToken } from '../../src/services/api-tokens.js'
import { storeSession } from '../../src/services/sessions.js'
import { seedDemo } from '../../src/demo/seed-demo.js'
import { hashPassword, verifyPassword } from '../../src/services/passwords.js'
import { registerVendor } from '../../src/services/vendors.js'
import { disableUser } from '../../src/services/admin-users.js'
import { createCommitteeMember, TEST_PASSWORD, testContext } from '../helpers/app.js'

const limits = { failuresPerAccount: 3, windowMs: 15 * 60 * 1000 }
const tokenOf = (path: string): string => new URLSearchParams(path.split('?')[1]).get('token') ?? ''

t.test('passwords are hashed with argon2id at the OWASP setting', async (t) => {
  const stored = await hashPassword(TEST_PASSWORD)
  t.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  t.ok(await verifyPassword(stored, TEST_PASSWORD))
  t.notOk(await verifyPassword(stored, TEST_PASSWORD + '!'))
  t.notOk(await verifyPassword(null, TEST_PASSWORD), 'no stored hash never matches')
  t.ok(await verifyPassword(await hashPassword('ﬁve and more words'), 'five and more words'), 'NFKC applies to both sides')
})

t.test('an invitation sets a password once, within a week, and refuses weak passwords', async (t) => {
  const ctx = await testContext(t)
  const { path } = await inviteUser(ctx, null, { email: 'Robin@Driftwood.example', displayName: 'Robin', mail: true })
  const token = tokenOf(path)
  t.same(await previewInvitation(ctx, token), { email: 'Robin@Driftwood.example', displayName: 'Robin' })
  const outbox = await ctx.db.selectFrom('mail_outbox').select(['template', 'to_address', 'text_body']).execute()
  t.same(outbox.map((m) => [m.template, m.to_address]), [['invitation', 'Robin@Driftwood.example']])
  t.ok(outbox[0]?.text_body.includes(`/invitation?token=${token}`), 'the mail carries the link')

  await t.rejects(acceptInvitation(ctx, token, 'too short'), { code: 'SL_INVALID_INPUT', problems: [{ path: 'password', message: /at least 12/ }] })
  await t.rejects(acceptInvitation(ctx, token, 'QWERTY123456'), { code: 'SL_INVALID_INPUT', problems: [{ message: /common or breached/ }] }, 'from the shipped list, any case')
  await t.rejects(acceptInvitation(ctx, token, 'robin@driftwood.example'), { code: 'SL_INVALID_INPUT', problems: [{ message: /e-mail/ }] })
  const accepted = await acceptInvitation(ctx, token, TEST_PASSWORD)
  t.same(accepted.hasSecondFactor, false)
  await t.rejects(acceptInvitation(ctx, token, TEST_PASSWORD), { code: 'SL_INVALID_INPUT', problems: [{ path: 'token' }] }, 'single use')
  t.equal(await previewInvitation(ctx, token), undefined)

  const late = await inviteUser(ctx, null, { email: 'late@driftwood.example', displayName: 'Late', mail: false })
  ctx.clock.advance(7 * 24 * 60 * 60 * 1000)
  await t.rejects(acceptInvitation(ctx, tokenOf(late.path), TEST_PASSWORD), { code: 'SL_INVALID_INPUT', problems: [{ path: 'token' }] }, 'expired after a week')
})

t.test('the password step: the same failure for unknown, wrong, vendor and disabled; then throttled per account', async (t) => {
  const ctx = await testContext(t)
  const member = await createCommitteeMember(ctx, 'member@example.org')
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  await registerVendor(ctx, { organisation: 'Acme', website: '', contactName: 'V', email: 'v@acme.example' })
  const invited = await inviteUser(ctx, null, { email: 'invited@example.org', displayName: 'Invited', mail: false })

  t.same(await checkPasswordSignIn(ctx, 'MEMBER@example.org', TEST_PASSWORD, limits), { ok: true, userId: member.userId, next: 'second_factor' }, 'any case of the address')
  t.same(await checkPasswordSignIn(ctx, 'nobody@example.org', TEST_PASSWORD, limits), { ok: false, reason: 'invalid' })
  t.same(await checkPasswordSignIn(ctx, 'v@acme.example', TEST_PASSWORD, limits), { ok: false, reason: 'invalid' }, 'a vendor contact has no password')
  t.same(await checkPasswordSignIn(ctx, 'invited@example.org', TEST_PASSWORD, limits), { ok: false, reason: 'invalid' }, 'an invitee who set none')
  await disableUser(ctx, admin.actor, member.userId)
  t.same(await checkPasswordSignIn(ctx, 'member@example.org', TEST_PASSWORD, limits), { ok: false, reason: 'invalid' }, 'a disabled account, even with the right password')
  t.ok(invited.userId)

  for (let i = 0; i < 3; i++) await checkPasswordSignIn(ctx, 'admin@example.org', 'wrong password here', limits)
  t.same(await checkPasswordSignIn(ctx, 'admin@example.org', TEST_PASSWORD, limits), { ok: false, reason: 'throttled' }, 'the right password waits once the account had its failures')
  t.same((await checkPasswordSignIn(ctx, 'nobody@example.org', 'x', limits)).ok, false)
  for (let i = 0; i < 2; i++) await checkPasswordSignIn(ctx, 'nobody@example.org', 'x', limits)
  t.same(await checkPasswordSignIn(ctx, 'nobody@example.org', 'x', limits), { ok: false, reason: 'throttled' }, 'an unknown address is throttled alike: throttling tells nothing')
  ctx.clock.advance(limits.windowMs + 1)
  t.same(await checkPasswordSignIn(ctx, 'admin@example.org', TEST_PASSWORD, limits), { ok: true, userId: admin.userId, next: 'second_factor' }, 'the window moves on')

  const failures = (await readAuditEvents(ctx.db, 0, 1000)).filter((e) => e.type === 'auth.sign_in_failed')
  t.ok(failures.length >= 4, 'failures on known accounts are audit events')
  t.notOk(failures.some((e) => JSON.stringify(e.data).includes('nobody')), 'unknown addresses are not written to the permanent log')
})

t.test('enrolment needs a code of the new secret; the second factor refuses a replayed step and a spent recovery code', async (t) => {
  const ctx = await testContext(t)
  const { userId } = await inviteUser(ctx, null, { email: 'robin@example.org', displayName: 'Robin', mail: false }).then(async (i) => {
    await acceptInvitation(ctx, tokenOf(i.path), TEST_PASSWORD)
    return i
  })
  t.same(await checkPasswordSignIn(ctx, 'robin@example.org', TEST_PASSWORD, limits), { ok: true, userId, next: 'enrol' }, 'no second factor yet: enrolment comes next')
  const secret = newTotpSecret(ctx)
  await t.rejects(completeTotpEnrolment(ctx, userId, secret, '000000'), { code: 'SL_INVALID_INPUT', problems: [{ path: 'code' }] })
  const { recoveryCodes } = await completeTotpEnrolment(ctx, userId, secret, totpCode(secret, ctx.clock.now()))
  t.equal(recoveryCodes.length, 10)
  t.equal(new Set(recoveryCodes).size, 10)
  const stored = await ctx.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', userId).execute()
  t.notOk(stored.some((row) => recoveryCodes.some((code) => row.code_hash.includes(code))), 'stored hashed')
  await t.rejects(completeTotpEnrolment(ctx, userId, secret, totpCode(secret, ctx.clock.now())), { code: 'SL_INVALID_STATE' }, 'once')

  const enrolledCode = totpCode(secret, ctx.clock.now())
  t.same(await checkSecondFactor(ctx, userId, enrolledCode, 'sign_in', limits), { ok: false, reason: 'invalid' }, 'the code used at enrolment is spent')
  ctx.clock.advance(30_000)
  const code = totpCode(secret, ctx.clock.now())
  t.same(await checkSecondFactor(ctx, userId, code, 'sign_in', limits), { ok: true, method: 'totp' })
  t.same(await checkSecondFactor(ctx, userId, code, 'sign_in', limits), { ok: false, reason: 'invalid' }, 'the same code again is a replay')

  const recovery = recoveryCodes[0] ?? ''
  t.same(await checkSecondFactor(ctx, userId, recovery.toLowerCase(), 'step_up', limits), { ok: true, method: 'recovery_code' })
  t.same(await checkSecondFactor(ctx, userId, recovery, 'sign_in', limits), { ok: false, reason: 'invalid' }, 'a recovery code works once')
  t.same(await checkSecondFactor(ctx, userId, '123456', 'sign_in', limits), { ok: false, reason: 'throttled' }, 'three failures, then no more guesses this window')
  ctx.clock.advance(30_000)
  t.same(await checkSecondFactor(ctx, userId, totpCode(secret, ctx.clock.now()), 'sign_in', limits), { ok: false, reason: 'throttled' }, 'not even the right code')

  const types = (await readAuditEvents(ctx.db, 0, 1000)).map((e) => e.type)
  for (const type of ['user.invited', 'auth.password_set', 'auth.second_factor_enrolled', 'auth.signed_in', 'auth.stepped_up', 'auth.sign_in_failed']) t.ok(types.includes(type), type)
})

t.test('concurrent guesses cannot overrun the per-account limit', async (t) => {
  const ctx = await testContext(t)
  const member = await createCommitteeMember(ctx, 'member@example.org')
  const codes = await Promise.all(Array.from({ length: 10 }, async () => await checkSecondFactor(ctx, member.userId, '000000', 'sign_in', limits)))
  t.same(codes.filter((r) => !r.ok && r.reason === 'invalid').length, 3, 'second factor: three checked')
  t.same(codes.filter((r) => !r.ok && r.reason === 'throttled').length, 7, 'the rest refused unchecked')
  const passwords = await Promise.all(Array.from({ length: 10 }, async () => await checkPasswordSignIn(ctx, 'member@example.org', 'wrong wrong wrong', limits)))
  t.same(passwords.filter((r) => !r.ok && r.reason === 'invalid').length, 3, 'password: three checked')
  ctx.clock.advance(limits.windowMs + 1)
  t.match(await checkPasswordSignIn(ctx, 'member@example.org', TEST_PASSWORD, limits), { ok: true })
  t.equal(await checkPasswordSignIn(ctx, 'member@example.org', TEST_PASSWORD, limits).then((r) => r.ok), true, 'a right password takes its reserved row back: it never counts as a failure')
  t.equal((await ctx.db.selectFrom('sign_in_failures').select('id').where('at', '>', new Date(ctx.clock.now().getTime() - 1000).toISOString()).execute()).length, 0)
})

t.test('one live invitation per person; accepting one voids the others and ends sessions and tokens', async (t) => {
  const ctx = await testContext(t)
  const admin = await createCommitteeMember(ctx, 'admin@example.org', { isAdmin: true })
  const member = await createCommitteeMember(ctx, 'member@example.org')
  const linkIn = async (): Promise<string> => {
    const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', 'member@example.org').orderBy('created_at', 'desc').orderBy('id').executeTakeFirstOrThrow()
    return /\/invitation\?token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] ?? ''
  }
  await resendInvitation(ctx, admin.actor, member.userId)
  const first = await linkIn()
  ctx.clock.advance(1000)
  await resendInvitation(ctx, admin.actor, member.userId)
  const second = await linkIn()
  t.not(first, second)
  t.equal(await previewInvitation(ctx, first), undefined, 'the earlier link stopped working')
  await storeSession(ctx, 'member-session', {}, ctx.config.session)
  await storeSession(ctx, 'member-session', { userId: member.userId }, ctx.config.session)
  await createApiToken(ctx, member.actor, 'scripts')
  await acceptInvitation(ctx, second, 'another long passphrase for me')
  t.same(await ctx.db.selectFrom('sessions').select('id_hash').where('user_id', '=', member.userId).execute(), [], 'sessions ended')
  t.same(await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', member.userId).where('revoked_at', 'is', null).execute(), [], 'tokens revoked')
  t.match(await checkPasswordSignIn(ctx, 'member@example.org', 'another long passphrase for me', limits), { ok: true, next: 'second_factor' }, 'the second factor stays')
})

t.test('the demo chair\'s invitation is sent as the demo is seeded, and works for a week', async (t) => {
  const ctx = await testContext(t)
  await seedDemo(ctx)
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('template', '=', 'invitation').executeTakeFirstOrThrow()
  const token = /\/invitation\?token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] ?? ''
  t.match(await previewInvitation(ctx, token), { email: 'chair@driftwood.example' })
  ctx.clock.advance(7 * 24 * 60 * 60 * 1000 - 1000)
  t.ok(await previewInvitation(ctx, token), 'still usable just before the week is out')
})

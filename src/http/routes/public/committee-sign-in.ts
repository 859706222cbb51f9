// Committee and admin sign-in: the invitation (set a password), the password, the second factor, and its
// enrolment. Each step moves the session to a new id; only the last one sets who is signed in.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import QRCode from 'qrcode'
import { Type } from 'typebox'
import type { Config } from '../../../config.js'
import { perAccount, perAddress } from '../../sign-in-limits.js'
import { totpUri } from '../../../domain/second-factor.js'
import { checkPasswordSignIn, checkSecondFactor, completeTotpEnrolment, newTotpSecret } from '../../../services/committee-sign-in.js'
import { acceptInvitation, previewInvitation } from '../../../services/invitations.js'
import { beginPendingSignIn, completeSignIn, pendingSignIn } from '../../session-sign-in.js'
import { CsrfField } from './sign-in.js'

const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token from the invitation link' })
const Code = Type.String({ minLength: 1, maxLength: 20, description: 'A six-digit TOTP code or a recovery code' })

/** Where a signed-in committee member or admin lands. */
export const COMMITTEE_HOME = '/account'

const THROTTLED = 'Too many wrong attempts for this account. Wait a few minutes and try again.'

function isInvalidInput (error: unknown): error is { problems: { path: string, message: string }[] } {
  return (error as { code?: unknown }).code === 'SL_INVALID_INPUT'
}

const committeeSignIn: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const rateLimit = perAddress(config)
  const limits = perAccount(config)
  const now = (): Date => app.ctx.clock.now()

  app.get('/invitation', { config: { rateLimit }, schema: { querystring: Type.Object({ token: Token }) } }, async (request, reply) => {
    const invitation = await previewInvitation(app.ctx, request.query.token)
    reply.header('cache-control', 'no-store')
    if (invitation === undefined) return await reply.code(400).view('pages/public/invitation-invalid.hbs', { title: 'Invitation not valid' })
    return await reply.view('pages/public/invitation.hbs', { title: 'Accept your invitation', token: request.query.token, ...invitation, csrfToken: reply.generateCsrf() })
  })

  app.post('/invitation', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ token: Token, password: Type.String({ maxLength: 4000 }), username: Type.Optional(Type.String({ maxLength: 254 })), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    let accepted
    try {
      accepted = await acceptInvitation(app.ctx, request.body.token, request.body.password)
    } catch (error) {
      if (!isInvalidInput(error)) throw error
      const invitation = await previewInvitation(app.ctx, request.body.token)
      if (invitation === undefined) return await reply.code(400).view('pages/public/invitation-invalid.hbs', { title: 'Invitation not valid' })
      return await reply.code(400).view('pages/public/invitation.hbs', { title: 'Accept your invitation', token: request.body.token, ...invitation, problems: error.problems, csrfToken: reply.generateCsrf() })
    }
    const stage = accepted.hasSecondFactor ? 'second_factor' : 'enrol'
    await beginPendingSignIn(request, accepted.userId, stage, now())
    return await reply.redirect(stage === 'enrol' ? '/sign-in/two-factor/setup' : '/sign-in/two-factor', 303)
  })

  app.post('/sign-in/password', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 4000 }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const result = await checkPasswordSignIn(app.ctx, request.body.email, request.body.password, limits)
    if (!result.ok) {
      const failure = result.reason === 'throttled' ? THROTTLED : 'That e-mail address and password do not match an account that can sign in here.'
      return await reply.code(result.reason === 'throttled' ? 429 : 400)
        .view('pages/public/sign-in.hbs', { title: 'Sign in', failure, email: request.body.email, csrfToken: reply.generateCsrf() })
    }
    await beginPendingSignIn(request, result.userId, result.next, now())
    return await reply.redirect(result.next === 'enrol' ? '/sign-in/two-factor/setup' : '/sign-in/two-factor', 303)
  })

  const restart = async (reply: FastifyReply): Promise<FastifyReply> => await reply.redirect('/sign-in', 303)

  app.get('/sign-in/two-factor', { config: { rateLimit } }, async (request, reply) => {
    if (pendingSignIn(request, 'second_factor', now()) === undefined) return await restart(reply)
    return await reply.view('pages/public/two-factor.hbs', { title: 'Second factor', action: '/sign-in/two-factor', csrfToken: reply.generateCsrf() })
  })

  app.post('/sign-in/two-factor', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ code: Code, _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const pending = pendingSignIn(request, 'second_factor', now())
    if (pending === undefined) return await restart(reply)
    const result = await checkSecondFactor(app.ctx, pending.userId, request.body.code, 'sign_in', limits)
    if (!result.ok) {
      if (result.reason === 'throttled') {
        // Start again from the password: a half-done sign-in does not outlive its account's limit.
        await request.session.regenerate()
        return await reply.code(429).view('pages/public/sign-in.hbs', { title: 'Sign in', failure: THROTTLED, csrfToken: reply.generateCsrf() })
      }
      return await reply.code(400).view('pages/public/two-factor.hbs', { title: 'Second factor', action: '/sign-in/two-factor', failure: 'That code does not match. Codes change every 30 seconds, and each works once.', csrfToken: reply.generateCsrf() })
    }
    await completeSignIn(request, pending.userId, now(), { secondFactor: true })
    return await reply.redirect(COMMITTEE_HOME, 303)
  })

  /** The pending enrolment, with a TOTP secret made for it at the first visit and kept until it succeeds. */
  const enrolment = (request: FastifyRequest): { userId: string, secret: string } | undefined => {
    const pending = pendingSignIn(request, 'enrol', now())
    if (pending === undefined) return undefined
    pending.totpSecret ??= newTotpSecret(app.ctx)
    request.session.pending = pending
    return { userId: pending.userId, secret: pending.totpSecret }
  }

  app.get('/sign-in/two-factor/setup', { config: { rateLimit } }, async (request, reply) => {
    const pending = enrolment(request)
    if (pending === undefined) return await restart(reply)
    reply.header('cache-control', 'no-store')
    return await reply.view('pages/public/two-factor-setup.hbs', { title: 'Set up your second factor', secret: pending.secret, csrfToken: reply.generateCsrf() })
  })

  app.get('/sign-in/two-factor/setup/qr.svg', { config: { rateLimit } }, async (request, reply) => {
    const pending = enrolment(request)
    if (pending === undefined) return await reply.code(404).type('text/plain; charset=utf-8').send('No second factor is being set up in this session.\n')
    const svg = await QRCode.toString(totpUri(pending.secret, 'Shortlist', new URL(config.publicUrl).host), { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })
    return await reply.header('cache-control', 'no-store').type('image/svg+xml').send(svg)
  })

  app.post('/sign-in/two-factor/setup', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ code: Code, _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const pending = enrolment(request)
    if (pending === undefined) return await restart(reply)
    let recoveryCodes: string[]
    try {
      recoveryCodes = (await completeTotpEnrolment(app.ctx, pending.userId, pending.secret, request.body.code)).recoveryCodes
    } catch (error) {
      if (!isInvalidInput(error)) throw error
      return await reply.code(400).view('pages/public/two-factor-setup.hbs', { title: 'Set up your second factor', secret: pending.secret, failure: error.problems[0]?.message, csrfToken: reply.generateCsrf() })
    }
    await completeSignIn(request, pending.userId, now(), { secondFactor: true })
    reply.header('cache-control', 'no-store')
    return await reply.view('pages/public/recovery-codes.hbs', { title: 'Your recovery codes', recoveryCodes, next: COMMITTEE_HOME })
  })
}

export default committeeSignIn

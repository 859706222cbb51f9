// /rfps/:slug and below: an RFP as the public reads it, its versions and diffs, and asking a question.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../../config.js'
import { ANONYMOUS } from '../../../domain/policy.js'
import { QUESTION_MAX_LENGTH } from '../../../domain/questions.js'
import { compareVersions, getRfpVersion } from '../../../services/amendments.js'
import { getProtestWindow } from '../../../services/protests.js'
import { askQuestion, confirmQuestion, previewQuestionConfirmation } from '../../../services/questions.js'
import { getVendorStanding } from '../../../services/rfp-vendors.js'
import { describeDocument, getPublicRfpPage, getRfpView } from '../../../services/rfps.js'
import { perAddress } from '../../sign-in-limits.js'
import { CsrfField } from './sign-in.js'

export const SlugParam = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 3, maxLength: 80 })
const Params = Type.Object({ slug: SlugParam })
const VersionNumber = Type.Integer({ minimum: 1, maximum: 100000 })
const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token from the confirmation link' })

const rfp: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const rateLimit = perAddress(config)

  app.get('/rfps/:slug', { schema: { params: Params } }, async (request, reply) => {
    // The public page is the same for everyone, signed in or not; a vendor also sees where it stands.
    const page = await getPublicRfpPage(app.ctx, request.params.slug)
    const viewer = request.viewer
    const standing = viewer?.organisationName != null ? await getVendorStanding(app.ctx, viewer.actor, page.rfp.slug) : undefined
    const protestWindow = await getProtestWindow(app.ctx, page.rfp)
    return await reply.view('pages/public/rfp.hbs', { title: page.rfp.title, ...page, standing, protestWindow })
  })

  app.get('/rfps/:slug/versions/:n', { schema: { params: Type.Object({ slug: SlugParam, n: VersionNumber }) } }, async (request, reply) => {
    const { slug, n } = request.params
    if (n === 1) {
      const first = await getRfpVersion(app.ctx, ANONYMOUS, slug, 1)
      return await reply.view('pages/public/rfp-version.hbs', { title: `Version 1: ${first.document.title}`, slug, version: first, document: await describeDocument(app.ctx, first.document) })
    }
    const comparison = await compareVersions(app.ctx, ANONYMOUS, slug, n - 1, n)
    return await reply.view('pages/public/rfp-version.hbs', {
      title: `Version ${n}: ${comparison.to.document.title}`, slug, version: comparison.to, document: await describeDocument(app.ctx, comparison.to.document), parts: comparison.parts, complete: comparison.complete, previous: n - 1
    })
  })

  app.get('/rfps/:slug/diff', {
    schema: { params: Params, querystring: Type.Object({ from: VersionNumber, to: VersionNumber }) }
  }, async (request, reply) => {
    const comparison = await compareVersions(app.ctx, ANONYMOUS, request.params.slug, request.query.from, request.query.to)
    return await reply.view('pages/public/rfp-diff.hbs', { title: `Changes from version ${comparison.from.number} to ${comparison.to.number}`, slug: request.params.slug, ...comparison })
  })

  // A page of its own, so that reading an RFP never creates a session for a CSRF secret.
  app.get('/rfps/:slug/questions/new', { config: { rateLimit }, schema: { params: Params } }, async (request, reply) => {
    const found = await getRfpView(app.ctx, ANONYMOUS, request.params.slug)
    return await reply.view('pages/public/ask.hbs', { title: `Ask a question: ${found.title}`, rfp: found, maxLength: QUESTION_MAX_LENGTH, csrfToken: reply.generateCsrf() })
  })

  app.post('/rfps/:slug/questions', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: {
      params: Params,
      body: Type.Object({ body: Type.String({ maxLength: QUESTION_MAX_LENGTH * 2 }), email: Type.Optional(Type.String({ maxLength: 254 })), _csrf: CsrfField }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const actor = request.viewer?.actor ?? ANONYMOUS
    try {
      const { status } = await askQuestion(app.ctx, actor, request.params.slug, { body: request.body.body, email: request.body.email })
      return await reply.view('pages/public/question-sent.hbs', { title: 'Question sent', slug: request.params.slug, unconfirmed: status === 'unconfirmed' })
    } catch (error) {
      const e = error as { code?: string, problems?: { path: string, message: string }[] }
      if (e.code !== 'SL_INVALID_INPUT' || e.problems === undefined) throw error
      const found = await getRfpView(app.ctx, ANONYMOUS, request.params.slug)
      return await reply.code(400).view('pages/public/ask.hbs', {
        title: `Ask a question: ${found.title}`, rfp: found, maxLength: QUESTION_MAX_LENGTH, body: request.body.body, email: request.body.email, problems: e.problems, csrfToken: reply.generateCsrf()
      })
    }
  })

  // The mailed link opens a page with a button: mail scanners follow links but do not submit forms.
  app.get('/rfps/:slug/questions/confirm', { config: { rateLimit }, schema: { params: Params, querystring: Type.Object({ token: Token }) } }, async (request, reply) => {
    const question = await previewQuestionConfirmation(app.ctx, request.query.token)
    return await reply.view('pages/public/question-confirm.hbs', { title: 'Confirm your question', slug: request.params.slug, question, token: request.query.token, csrfToken: reply.generateCsrf() })
  })

  app.post('/rfps/:slug/questions/confirm', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ token: Token, _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await confirmQuestion(app.ctx, request.params.slug, request.body.token)
    return await reply.view('pages/public/question-sent.hbs', { title: 'Question sent', slug: request.params.slug, unconfirmed: false })
  })
}

export default rfp

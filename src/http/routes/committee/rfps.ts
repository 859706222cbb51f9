// /committee: the RFPs a committee member works on; drafting, editing, amending, previewing, publishing and
// cancelling one; choosing its committee. A refused form comes back filled in, with each problem named.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { RFP_ROLES, type UserActor } from '../../../domain/policy.js'
import { SECTION_KINDS, withDefaults, type RfpDocument, type RfpDraft } from '../../../domain/rfp-document.js'
import type { Problem } from '../../../domain/schema-problems.js'
import { amendRfp, listRfpHistory } from '../../../services/amendments.js'
import { listQuestionsForCommittee } from '../../../services/questions.js'
import { addRfpMember, listRfpMembers, removeRfpMember } from '../../../services/rfp-members.js'
import { listRegisteredVendors } from '../../../services/rfp-vendors.js'
import { cancelRfp, checkMayDraft, createRfpDraft, getRfp, getRfpForEditing, getRfpPreview, listInvitableVendors, listMyRfps, publishRfp, updateRfpDraft } from '../../../services/rfps.js'
import { allProblems, draftFromForm, formFromDocument, problemLabel, RfpFormSchema, type RfpForm } from '../../forms/rfp-form.js'
import { invalidInput } from '../../../errors.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const COMMITTEE_HOME_LIMIT = 200
const Params = Type.Object({ slug: SlugParam })
const Form = Type.Object({ _csrf: CsrfField }, { additionalProperties: false })

/** Problems the service refused a form with: invalid input, or a taken slug. */
function formProblems (error: unknown): Problem[] | undefined {
  const e = error as { code?: string, problems?: Problem[], message?: string }
  if (e.code === 'SL_INVALID_INPUT' && Array.isArray(e.problems)) return e.problems
  if (e.code === 'SL_CONFLICT' && e.message?.startsWith('slug:') === true) return [{ path: 'slug', message: e.message.slice(6) }]
  return undefined
}

/** The form as submitted, for showing it again: typed dates stay as typed. */
function resubmitted (form: RfpForm, draft: RfpDraft) {
  const blankDates = { questionsCloseAt: '', proposalsDueAt: '', decisionExpectedAt: '' }
  const values = formFromDocument({ ...withDefaults({ ...draft, schedule: blankDates }), timeZone: 'UTC' } as RfpDocument)
  return {
    ...values,
    timeZone: form.timeZone ?? '',
    questionsCloseAt: form.questionsCloseAt ?? '',
    proposalsDueAt: form.proposalsDueAt ?? '',
    decisionExpectedAt: form.decisionExpectedAt ?? ''
  }
}

const committeeRfps: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })
  const actorOf = (request: { viewer: { actor: UserActor } | null }): UserActor => request.viewer!.actor

  async function showForm (reply: FastifyReply, actor: UserActor, status: number, page: { title: string, action: string, amending: boolean, slug?: string, values: ReturnType<typeof formFromDocument>, problems?: Problem[], reason?: string }) {
    const vendors = await listInvitableVendors(app.ctx, actor, page.values.invited)
    const invited = new Set(page.values.invited)
    return await reply.code(status).view('pages/committee/rfp-form.hbs', {
      ...page,
      problems: page.problems?.map((p) => ({ label: problemLabel(p.path), message: p.message })),
      sectionKinds: SECTION_KINDS,
      vendors: vendors.map((v) => ({ ...v, selected: invited.has(v.id) })),
      csrfToken: reply.generateCsrf()
    })
  }

  app.get('/committee', async (request, reply) => {
    const rfps = await listMyRfps(app.ctx, actorOf(request), COMMITTEE_HOME_LIMIT)
    return await reply.view('pages/committee/home.hbs', { title: 'Your RFPs', rfps })
  })

  app.get('/committee/rfps/new', async (request, reply) => {
    return await showForm(reply, actorOf(request), 200, { title: 'New RFP', action: '/committee/rfps', amending: false, values: formFromDocument(undefined) })
  })

  app.post('/committee/rfps', { preHandler: app.csrfProtection, schema: { body: RfpFormSchema } }, async (request, reply) => {
    const actor = actorOf(request)
    checkMayDraft(app.ctx, actor)
    const { draft, problems } = draftFromForm(request.body)
    try {
      if (problems.length > 0) throw invalidInput(allProblems(draft, problems))
      const { slug } = await createRfpDraft(app.ctx, actor, draft)
      return await reply.redirect(`/committee/rfps/${slug}`, 303)
    } catch (error) {
      const shown = formProblems(error)
      if (shown === undefined) throw error
      return await showForm(reply, actor, (error as { code: string }).code === 'SL_CONFLICT' ? 409 : 400, { title: 'New RFP', action: '/committee/rfps', amending: false, values: resubmitted(request.body, draft), problems: shown })
    }
  })

  app.get('/committee/rfps/:slug', { schema: { params: Params } }, async (request, reply) => {
    const actor = actorOf(request)
    const rfp = await getRfp(app.ctx, actor, request.params.slug)
    const [questions, members, vendors, versions] = await Promise.all([
      listQuestionsForCommittee(app.ctx, actor, rfp.slug),
      listRfpMembers(app.ctx, actor, rfp.slug),
      listRegisteredVendors(app.ctx, actor, rfp.slug),
      listRfpHistory(app.ctx, actor, rfp.slug)
    ])
    const owner = rfp.members.some((m) => m.userId === actor.userId && m.role === 'owner')
    // Copies: Handlebars adds no context level when it loops onto the very object it is inside of, so the
    // template's "not this question" test would misfire on shared objects.
    const answered = questions.filter((q) => q.status === 'answered' || q.status === 'open').map((q) => ({ id: q.id, number: q.number, body: q.body }))
    return await reply.view('pages/committee/rfp.hbs', {
      title: rfp.title,
      rfp,
      owner,
      questions,
      mergeTargets: answered,
      members,
      vendors,
      versions: versions.slice(1),
      roles: RFP_ROLES,
      canAsk: rfp.phase === 'questions_open'
    })
  })

  app.get('/committee/rfps/:slug/edit', { schema: { params: Params } }, async (request, reply) => {
    const actor = actorOf(request)
    const rfp = await getRfpForEditing(app.ctx, actor, request.params.slug)
    const amending = rfp.state !== 'draft'
    return await showForm(reply, actor, 200, { title: amending ? `Amend: ${rfp.title}` : `Edit: ${rfp.title}`, action: `/committee/rfps/${rfp.slug}/edit`, amending, slug: rfp.slug, values: formFromDocument(rfp.document) })
  })

  app.post('/committee/rfps/:slug/edit', { preHandler: app.csrfProtection, schema: { params: Params, body: RfpFormSchema } }, async (request, reply) => {
    const actor = actorOf(request)
    const rfp = await getRfpForEditing(app.ctx, actor, request.params.slug)
    const amending = rfp.state !== 'draft'
    const { draft, problems } = draftFromForm(request.body, rfp.document)
    try {
      if (problems.length > 0) throw invalidInput(allProblems(draft, problems))
      if (!amending) {
        const { slug } = await updateRfpDraft(app.ctx, actor, rfp.slug, draft)
        return await reply.redirect(`/committee/rfps/${slug}`, 303)
      }
      const { version } = await amendRfp(app.ctx, actor, rfp.slug, draft, request.body.reason ?? '')
      return await reply.redirect(`/rfps/${rfp.slug}/versions/${version}`, 303)
    } catch (error) {
      const shown = formProblems(error)
      if (shown === undefined) throw error
      return await showForm(reply, actor, (error as { code: string }).code === 'SL_CONFLICT' ? 409 : 400, {
        title: amending ? `Amend: ${rfp.title}` : `Edit: ${rfp.title}`, action: `/committee/rfps/${rfp.slug}/edit`, amending, slug: rfp.slug, values: resubmitted(request.body, draft), problems: shown, reason: request.body.reason
      })
    }
  })

  app.get('/committee/rfps/:slug/preview', { schema: { params: Params } }, async (request, reply) => {
    const rfp = await getRfpPreview(app.ctx, actorOf(request), request.params.slug)
    return await reply.view('pages/public/rfp.hbs', { title: `Preview: ${rfp.title}`, rfp, preview: true, answers: [] })
  })

  app.post('/committee/rfps/:slug/publish', { preHandler: app.csrfProtection, schema: { params: Params, body: Form } }, async (request, reply) => {
    const rfp = await getRfp(app.ctx, actorOf(request), request.params.slug)
    await publishRfp(app.ctx, actorOf(request), rfp.id)
    return await reply.redirect(`/rfps/${rfp.slug}`, 303)
  })

  app.post('/committee/rfps/:slug/cancel', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ reason: Type.String({ maxLength: 4000 }), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await cancelRfp(app.ctx, actorOf(request), request.params.slug, request.body.reason)
    return await reply.redirect(`/committee/rfps/${request.params.slug}`, 303)
  })

  app.post('/committee/rfps/:slug/members', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ email: Type.String({ maxLength: 254 }), role: Type.Enum(RFP_ROLES), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await addRfpMember(app.ctx, actorOf(request), request.params.slug, request.body.email, request.body.role)
    return await reply.redirect(`/committee/rfps/${request.params.slug}#committee`, 303)
  })

  app.post('/committee/rfps/:slug/members/remove', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ user: Type.String({ format: 'uuid' }), role: Type.Enum(RFP_ROLES), _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await removeRfpMember(app.ctx, actorOf(request), request.params.slug, request.body.user, request.body.role)
    return await reply.redirect(`/committee/rfps/${request.params.slug}#committee`, 303)
  })
}

export default committeeRfps

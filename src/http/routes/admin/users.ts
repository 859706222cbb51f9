// /admin/users: the people of this Shortlist. Admins invite committee members and admins, disable and
// enable accounts, resend invitations, and grant and revoke roles on RFPs.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../../config.js'
import { perAddress } from '../../sign-in-limits.js'
import { RFP_ROLES } from '../../../domain/policy.js'
import { disableUser, enableUser, getUserForAdmin, grantRole, listUsersPage, revokeRole } from '../../../services/admin-users.js'
import { inviteUser, resendInvitation } from '../../../services/invitations.js'
import { CsrfField } from '../public/sign-in.js'

const UserParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
const RoleForm = Type.Object({
  rfp: Type.String({ minLength: 1, maxLength: 100 }),
  role: Type.Enum(RFP_ROLES),
  _csrf: CsrfField
}, { additionalProperties: false })
const Form = Type.Object({ _csrf: CsrfField }, { additionalProperties: false })

const users: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const { pageSize, maxPage } = config.limits
  const rateLimit = perAddress(config)

  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  app.get('/admin/users', {
    schema: { querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }) }) }
  }, async (request, reply) => {
    const list = await listUsersPage(app.ctx, request.viewer!.actor, request.query.page, pageSize)
    return await reply.view('pages/admin/users.hbs', {
      title: 'Users',
      ...list,
      previous: list.page > 1 ? list.page - 1 : undefined,
      next: list.page < list.pageCount ? list.page + 1 : undefined
    })
  })

  // Invitations send mail: limited per address like the other routes that do.
  app.post('/admin/users', {
    config: { rateLimit },
    preHandler: app.csrfProtection,
    schema: {
      body: Type.Object({
        email: Type.String({ maxLength: 254 }),
        displayName: Type.String({ maxLength: 120 }),
        admin: Type.Optional(Type.Literal('on')),
        _csrf: CsrfField
      }, { additionalProperties: false })
    }
  }, async (request, reply) => {
    const { userId } = await inviteUser(app.ctx, request.viewer!.actor, { email: request.body.email, displayName: request.body.displayName, isAdmin: request.body.admin === 'on' })
    return await reply.redirect(`/admin/users/${userId}`, 303)
  })

  app.get('/admin/users/:id', { schema: { params: UserParams } }, async (request, reply) => {
    const user = await getUserForAdmin(app.ctx, request.viewer!.actor, request.params.id)
    return await reply.view('pages/admin/user.hbs', { title: user.displayName, user, roles: RFP_ROLES })
  })

  app.post('/admin/users/:id/disable', { preHandler: app.csrfProtection, schema: { params: UserParams, body: Form } }, async (request, reply) => {
    await disableUser(app.ctx, request.viewer!.actor, request.params.id)
    return await reply.redirect(`/admin/users/${request.params.id}`, 303)
  })

  app.post('/admin/users/:id/enable', { preHandler: app.csrfProtection, schema: { params: UserParams, body: Form } }, async (request, reply) => {
    await enableUser(app.ctx, request.viewer!.actor, request.params.id)
    return await reply.redirect(`/admin/users/${request.params.id}`, 303)
  })

  app.post('/admin/users/:id/invitation', { config: { rateLimit }, preHandler: app.csrfProtection, schema: { params: UserParams, body: Form } }, async (request, reply) => {
    await resendInvitation(app.ctx, request.viewer!.actor, request.params.id)
    return await reply.redirect(`/admin/users/${request.params.id}`, 303)
  })

  app.post('/admin/users/:id/roles', { preHandler: app.csrfProtection, schema: { params: UserParams, body: RoleForm } }, async (request, reply) => {
    await grantRole(app.ctx, request.viewer!.actor, request.params.id, request.body.rfp, request.body.role)
    return await reply.redirect(`/admin/users/${request.params.id}`, 303)
  })

  app.post('/admin/users/:id/roles/revoke', { preHandler: app.csrfProtection, schema: { params: UserParams, body: RoleForm } }, async (request, reply) => {
    await revokeRole(app.ctx, request.viewer!.actor, request.params.id, request.body.rfp, request.body.role)
    return await reply.redirect(`/admin/users/${request.params.id}`, 303)
  })
}

export default users

// GET /vendor: the vendor portal's home. Signed-out visitors are sent to sign in.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { getVendorPortal } from '../../../services/vendors.js'

const portal: FastifyPluginAsyncTypebox<{ pageSize: number }> = async (app, { pageSize }) => {
  app.get('/vendor', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
    const portalPage = await getVendorPortal(app.ctx, request.viewer.actor, pageSize)
    return await reply.view('pages/vendor/portal.hbs', { title: 'Vendor portal', ...portalPage })
  })
}

export default portal

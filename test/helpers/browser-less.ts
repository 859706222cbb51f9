// A cookie jar and form posting over app.inject, for journeys through sessions and CSRF without a browser.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { processSignInRequests } from '../../src/services/sign-in.js'
import type { TestApp } from './app.js'

export class Visitor {
  readonly #cookies = new Map<string, string>()

  constructor (readonly app: FastifyInstance, readonly remoteAddress = '203.0.113.7') {}

  #remember (res: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of res.cookies) this.#cookies.set(cookie.name, cookie.value)
    return res
  }

  setCookie (name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  get cookie (): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async get (url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.#remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookie, ...headers }, remoteAddress: this.remoteAddress }))
  }

  async post (url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.#remember(await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
      remoteAddress: this.remoteAddress
    }))
  }

  /** The CSRF token of the first form on the page at `url`. */
  async csrfFrom (url: string): Promise<string> {
    const page = await this.get(url)
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1]
    if (token === undefined) throw new Error(`no CSRF field on ${url} (status ${page.statusCode})`)
    return token
  }
}

/** A vendor contact registered through the form and signed in by the link mailed to it (read from the outbox). */
export async function signInVendorByForm ({ app, ctx }: Pick<TestApp, 'app' | 'ctx'>, { email, organisation, contactName = `${organisation} contact`, website = '', address }: { email: string, organisation: string, contactName?: string, website?: string, address: string }): Promise<Visitor> {
  const visitor = new Visitor(app, address)
  const registered = await visitor.post('/vendor/register', { organisation, website, contactName, email, _csrf: await visitor.csrfFrom('/vendor/register') })
  if (registered.statusCode !== 200) throw new Error(`registration refused: ${registered.statusCode}`)
  await processSignInRequests(ctx, { linksPerHour: 5 })
  const mail = await ctx.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).orderBy('created_at', 'desc').executeTakeFirstOrThrow()
  const token = /\/sign-in\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1] ?? ''
  const confirmed = await visitor.post('/sign-in/confirm', { token, _csrf: await visitor.csrfFrom('/sign-in') })
  if (confirmed.statusCode !== 303) throw new Error(`sign-in link refused: ${confirmed.statusCode}`)
  return visitor
}

// A cookie jar and form posting over app.inject, for journeys through sessions and CSRF without a browser.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

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

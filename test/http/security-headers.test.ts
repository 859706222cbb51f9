import t from 'tap'
import { DEMO_RFP_SLUG } from '../../src/demo/security-audit-rfp.js'
import { buildTestApp } from '../helpers/app.js'

const CSP = "default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none';object-src 'none'"

t.test('every response carries the security headers and a strict CSP', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  for (const url of ['/', `/rfps/${DEMO_RFP_SLUG}`, '/missing', '/healthz', '/assets/shortlist.css']) {
    const res = await app.inject(url)
    t.equal(res.headers['content-security-policy'], CSP, url)
    t.notMatch(String(res.headers['content-security-policy']), 'unsafe-inline')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['referrer-policy'], 'same-origin')
    t.equal(res.headers['cross-origin-opener-policy'], 'same-origin')
    t.match(res.headers['permissions-policy'], 'camera=()')
    t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain http')
    t.equal(res.headers['x-powered-by'], undefined)
  }
})

t.test('a malformed URL is a 400 in plain text that a browser cannot render as a page', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/rfps/%ZZ<script>')
  t.equal(res.statusCode, 400)
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'")
  t.match(res.body, /^Bad request: .*is not a valid url component/)
})

t.test('the client address comes from X-Forwarded-For only as far as the proxies are trusted', async (t) => {
  const ipWith = async (trustProxy: unknown, forwardedFor: string): Promise<string> => {
    const { app } = await buildTestApp(t, { config: { http: { trustProxy } } })
    app.get('/api/ip', async (request) => ({ ip: request.ip }))
    return (await app.inject({ url: '/api/ip', headers: { 'x-forwarded-for': forwardedFor }, remoteAddress: '10.0.0.2' })).json().ip
  }
  t.equal(await ipWith(false, '203.0.113.9'), '10.0.0.2', 'not trusted by default')
  t.equal(await ipWith(1, '198.51.100.1, 203.0.113.9'), '203.0.113.9', 'one hop: the address our proxy saw')
  t.equal(await ipWith('10.0.0.0/8', '198.51.100.1, 203.0.113.9'), '203.0.113.9', 'a trusted proxy network')
  t.equal(await ipWith('192.168.0.0/16', '203.0.113.9'), '10.0.0.2', 'a sender outside the trusted network is believed about nothing')
})

t.test('pages carry no inline script or style for the CSP to block', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  for (const url of ['/', `/rfps/${DEMO_RFP_SLUG}`, '/missing']) {
    const { body } = await app.inject(url)
    t.notMatch(body, /<script(?![^>]*\bsrc=)/, `${url}: no inline script`)
    t.notMatch(body, /<style|\sstyle=/, `${url}: no inline style`)
  }
})

t.test('behind https the site asks for HSTS and upgrades requests', async (t) => {
  const { app } = await buildTestApp(t, { config: { publicUrl: 'https://rfp.example.org' } })
  const res = await app.inject('/')
  t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
  t.match(res.headers['content-security-policy'], 'upgrade-insecure-requests')
})

import t from 'tap'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { buildTestApp, createOwner, T0 } from '../helpers/app.js'

t.test('the home page lists the published demo RFP with its phase and deadline', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/html')
  t.match(res.body, `<a href="/rfps/${DEMO_RFP_SLUG}">Independent security audit of Driftwood 2.0</a>`)
  t.match(res.body, 'Open for questions')
  // Due 17:00 UTC on the 25th day after seeding: 18:00 in Amsterdam in winter.
  t.match(res.body, '<time datetime="2027-01-02T17:00:00.000Z">Sat, 2 Jan 2027, 18:00 CET</time>')
})

t.test('with no RFPs the home page says so', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'No RFP has been published yet.')
})

t.test('the RFP page shows title, summary, schedule in its time zone, sections and criteria', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  const res = await app.inject(`/rfps/${DEMO_RFP_SLUG}`)
  t.equal(res.statusCode, 200)
  t.match(res.body, '<h1>Independent security audit of Driftwood 2.0</h1>')
  t.match(res.body, 'Schedule, in Europe/Amsterdam')
  t.match(res.body, '<th scope="row">Questions close</th><td><time datetime="2026-12-19T17:00:00.000Z">Sat, 19 Dec 2026, 18:00 CET</time>')
  t.match(res.body, '<h2>Focus areas</h2>')
  t.match(res.body, '<strong>Verification bypass</strong>', 'Markdown is rendered')
  t.match(res.body, '<code>driftwood/verify</code>')
  t.match(res.body, /Understanding of Driftwood and its threat model.*?<td>25.0 %<\/td>\s*<td>1–5<\/td>/s, 'weights as shares of the round, with the scale')
  t.match(res.body, /Agrees to the publication of the final report.*?<td>—<\/td>\s*<td>Pass \/ fail<\/td>/s)
})

t.test('HTML in titles and Markdown is shown as text, never run', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const owner = await createOwner(ctx)
  const draft = securityAuditRfp(T0)
  const { id } = await createRfpDraft(ctx, owner, {
    ...draft,
    slug: 'xss',
    title: 'Audit <script>alert(1)</script>',
    sections: [{ kind: 'scope', heading: 'Scope <img src=x onerror=alert(1)>', body: 'Hi <script>alert(2)</script> [click](javascript:alert(3))' }]
  })
  await publishRfp(ctx, owner, id)
  const res = await app.inject('/rfps/xss')
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, '<script>alert')
  t.notMatch(res.body, '<img src=x')
  t.notMatch(res.body, 'href="javascript:')
  t.match(res.body, 'Audit &lt;script&gt;alert(1)&lt;/script&gt;')
  t.match(res.body, 'Hi &lt;script&gt;alert(2)&lt;/script&gt;')
})

t.test('drafts are not shown to the public, and look like any missing page', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const owner = await createOwner(ctx)
  await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: 'secret-draft' })
  const draft = await app.inject('/rfps/secret-draft')
  const missing = await app.inject('/rfps/no-such-rfp')
  t.equal(draft.statusCode, 404)
  t.equal(missing.statusCode, 404)
  const normal = (body: string, slug: string): string => body.replace(slug, 'X').replace(/request [0-9a-f-]{36}/, 'request ID')
  t.equal(normal(draft.body, 'secret-draft'), normal(missing.body, 'no-such-rfp'))
  t.notMatch((await app.inject('/')).body, 'secret-draft')
})

t.test('the list pages, and a bad page number is a 400 that names it', async (t) => {
  const { app, ctx } = await buildTestApp(t, { config: { limits: { pageSize: 2, maxPage: 50 } } })
  const owner = await createOwner(ctx)
  for (let i = 0; i < 3; i++) {
    const { id } = await createRfpDraft(ctx, owner, { ...securityAuditRfp(T0), slug: `rfp-${i}`, title: `RFP number ${i}` })
    await publishRfp(ctx, owner, id)
    ctx.clock.advance(60000)
  }
  const first = await app.inject('/')
  t.match(first.body, 'RFP number 2')
  t.notMatch(first.body, 'RFP number 0')
  t.match(first.body, '<a href="?page=2" rel="next">Older</a>')
  const second = await app.inject('/?page=2&utm_source=feed')
  t.equal(second.statusCode, 200, 'unknown parameters are ignored')
  t.match(second.body, 'RFP number 0')
  t.match(second.body, '<a href="?page=1" rel="prev">Newer</a>')

  const cases: [string, string][] = [['page=0', 'querystring/page must be &gt;&#x3D; 1'], ['page=abc', 'querystring/page must be integer'], ['page=51', 'querystring/page must be &lt;&#x3D; 50']]
  const past = await app.inject('/?page=3')
  t.equal(past.statusCode, 404, 'a page past the last is missing')
  t.match(past.body, 'there is no page 3; the list has 2')
  for (const [query, message] of cases) {
    const res = await app.inject(`/?${query}`)
    t.equal(res.statusCode, 400, query)
    t.match(res.headers['content-type'], 'text/html')
    t.match(res.body, message)
  }
})

t.test('a malformed slug is a 400 that names the parameter', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/rfps/Not_A_Slug')
  t.equal(res.statusCode, 400)
  t.match(res.body, 'params/slug must match pattern')
})

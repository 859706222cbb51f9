import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('unknown pages get an HTML 404 page', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/nowhere?x=<b>')
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], 'text/html')
  t.match(res.body, '<h1>Not found</h1>')
  t.match(res.body, 'Nothing is published at /nowhere.')
  t.match(res.body, '<link rel="stylesheet" href="/assets/pico.min.css">', 'inside the site layout')
})

t.test('unknown API paths get JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/api/v1/nothing')
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], 'application/json')
  t.same(res.json(), { statusCode: 404, code: 'SL_NOT_FOUND', error: 'Not found', message: 'Nothing is published at /api/v1/nothing.' })
})

t.test('a server error hides its details from the client, as HTML or JSON', async (t) => {
  const { app } = await buildTestApp(t)
  app.get('/boom', async () => { throw new Error('secret internals') })
  app.get('/api/boom', async () => { throw new Error('secret internals') })

  const page = await app.inject('/boom')
  t.equal(page.statusCode, 500)
  t.match(page.headers['content-type'], 'text/html')
  t.notMatch(page.body, 'secret internals')
  t.match(page.body, 'Something went wrong on our side')

  const api = await app.inject('/api/boom')
  t.equal(api.statusCode, 500)
  t.notMatch(api.body, 'secret internals')
  t.match(api.json(), { statusCode: 500, code: 'SL_INTERNAL', error: 'Server error' })
})

t.test('a client error keeps its status and message', async (t) => {
  const { app } = await buildTestApp(t)
  app.post('/api/echo', async (request) => request.body)
  const res = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', error: 'Bad request' })
})

t.test('a body over the configured limit is a 413', async (t) => {
  const { app } = await buildTestApp(t, { config: { http: { bodyLimitBytes: 2048, trustProxy: false, shutdownGraceMs: 1000 } } })
  app.post('/api/echo', async (request) => request.body)
  const res = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(4096) }) })
  t.equal(res.statusCode, 413)
  t.match(res.json(), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' })
})

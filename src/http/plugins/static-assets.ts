// Serves /assets/: the project's own files and the Pico CSS framework straight from its npm package.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import fastifyStatic from '@fastify/static'
import fp from 'fastify-plugin'
import { publicDir } from '../../paths.js'

const require = createRequire(import.meta.url)
const picoCss = join(dirname(require.resolve('@picocss/pico/package.json')), 'css')

export default fp(async (app) => {
  await app.register(fastifyStatic, {
    root: [publicDir, picoCss],
    prefix: '/assets/',
    index: false,
    maxAge: '1h'
  })
  // Browsers ask for /favicon.ico where a document names no icon (plain text, JSON, Markdown): the SVG one it is.
  app.get('/favicon.ico', async (_request, reply) => await reply.redirect('/assets/favicon.svg', 301))
}, { name: 'shortlist-static-assets' })

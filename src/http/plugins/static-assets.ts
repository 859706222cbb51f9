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
}, { name: 'shortlist-static-assets' })

// Handlebars pages through @fastify/view, with the shared layout and the site-wide context.
import fastifyView from '@fastify/view'
import fp from 'fastify-plugin'
import { templatesDir } from '../../paths.js'
import { createHandlebars } from '../../views/handlebars.js'

declare module 'fastify' {
  interface FastifyReply {
    /** Merged into every page's context by @fastify/view (it declares the decorator, not its type). */
    locals: Record<string, unknown>
  }
}

export interface ViewsOptions {
  cache: boolean
  publicUrl: string
}

export default fp<ViewsOptions>(async (app, { cache, publicUrl }) => {
  await app.register(fastifyView, {
    engine: { handlebars: createHandlebars() },
    root: templatesDir,
    layout: 'layouts/main.hbs',
    production: cache,
    // Handlebars indents a partial's output like the line that includes it, which would shift the lines of
    // Markdown code blocks and diffs shown as preformatted text.
    options: { compileOptions: { preventIndent: true } },
    defaultContext: { siteName: 'Shortlist', publicUrl }
  })
}, { name: 'shortlist-views' })

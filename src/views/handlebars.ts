// One Handlebars environment for pages, mail and archive files: the same helpers and partials everywhere.
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import Handlebars from 'handlebars'
import MarkdownIt from 'markdown-it'
import { PROPOSAL_STATUS_LABELS, type ProposalStatus } from '../domain/proposal.js'
import { PHASE_LABELS, type RfpPhase } from '../domain/rfp.js'
import { formatInstant } from '../domain/time.js'
import { templatesDir } from '../paths.js'

// Raw HTML off: a vendor's or owner's Markdown is shown as text, never run as markup.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false })

export { formatInstant }

export function createHandlebars (): typeof Handlebars {
  const hbs = Handlebars.create()
  hbs.registerHelper('markdown', (text: unknown) => new hbs.SafeString(markdown.render(String(text ?? ''))))
  hbs.registerHelper('instant', (iso: unknown, timeZone: unknown) => formatInstant(String(iso), String(timeZone)))
  hbs.registerHelper('phaseLabel', (phase: unknown) => PHASE_LABELS[phase as RfpPhase] ?? String(phase))
  hbs.registerHelper('statusLabel', (status: unknown) => PROPOSAL_STATUS_LABELS[status as ProposalStatus] ?? String(status))
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b))
  hbs.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b))

  const partials = join(templatesDir, 'partials')
  for (const file of readdirSync(partials).filter((name) => name.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'))
  }
  return hbs
}

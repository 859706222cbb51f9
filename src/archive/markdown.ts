// rfp.md and decision.md (DESIGN §5): the record laid out the way open-source foundations keep RFPs and their
// outcomes in git. Rendered from templates/archive with Markdown-aware escaping in place of HTML escaping.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { templatesDir } from '../paths.js'
import { createHandlebars } from '../views/handlebars.js'

/**
 * Text from people (titles, names, questions) as literal Markdown text: the characters that make inline markup
 * are backslash-escaped, `<` and `&` become entities (no HTML a git host allows gets through), and what would
 * start a heading, list or quote at the start of a line is escaped too — so a vendor called `*Acme* <b>` shows
 * exactly that, while ordinary text such as "2026-27 (v1.2)" stays readable in the file.
 */
export function markdownText (value: unknown): string {
  return String(value ?? '')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;')
    // Indentation would start a code block, and a line of = under text would make it a heading.
    .replace(/^[ \t]+/gm, '')
    .replace(/^([#>+=-]|\d+[.)])/gm, (mark: string) => mark.replace(/[#>+=\-.)]/, '\\$&'))
}

/** A table cell: literal text on one line (a line break would end the row). */
export function markdownCell (value: unknown): string {
  return markdownText(String(value ?? '').replace(/\s*[\r\n]+\s*/g, ' '))
}

/**
 * Lines as a Markdown blockquote. It escapes nothing: give it `text` of what people wrote (a question, a protest),
 * as the templates do. The committee's own Markdown (sections, answers, the rationale) goes in as written, the
 * source of what the live page renders with raw HTML off; a git host sanitises any HTML in it.
 */
export function quoted (value: unknown): string {
  return String(value ?? '').split(/\r?\n/).map((line) => line === '' ? '>' : `> ${line}`).join('\n')
}

export type MarkdownRenderer = (template: 'rfp' | 'decision', context: object) => string

export function createMarkdownRenderer (): MarkdownRenderer {
  const hbs = createHandlebars()
  hbs.registerHelper('text', (value: unknown) => markdownText(value))
  hbs.registerHelper('cell', (value: unknown) => markdownCell(value))
  hbs.registerHelper('quoted', (value: unknown) => quoted(value))
  // Nothing is HTML-escaped: every value goes through `text`, `cell` or `quoted`, or is the author's own Markdown.
  const compile = (name: string) => hbs.compile(readFileSync(join(templatesDir, 'archive', `${name}.md.hbs`), 'utf8'), { noEscape: true })
  const templates = { rfp: compile('rfp'), decision: compile('decision') }
  return (template, context) => templates[template](context).replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}

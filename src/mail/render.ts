// Renders a mail from templates/mail/<name>.{subject,text,html}.hbs inside the shared mail layouts,
// with the same Handlebars helpers as the pages. Links are built from the configured public URL only.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TemplateDelegate } from 'handlebars'
import { templatesDir } from '../paths.js'
import { createHandlebars } from '../views/handlebars.js'

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

export interface MailRenderer {
  render (template: string, data: Record<string, unknown>): RenderedMail
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/

export function createMailRenderer (publicUrl: string): MailRenderer {
  const hbs = createHandlebars()
  hbs.registerHelper('link', (path: unknown) => {
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError('link takes a path that starts with /')
    return publicUrl + path
  })
  // Compiled up front: a missing or broken template shows at start, and no use case reads the disk
  // inside its transaction. Plain text and subjects are not HTML: escaping would show "&amp;" to the reader.
  const folder = join(templatesDir, 'mail')
  const compiled = new Map<string, TemplateDelegate>()
  for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.hbs'))) {
    const escape = file.endsWith('.html.hbs')
    compiled.set(file, hbs.compile(readFileSync(join(folder, file), 'utf8'), { noEscape: !escape, strict: true }))
  }
  const template = (file: string): TemplateDelegate => {
    const found = compiled.get(file)
    if (found === undefined) throw new TypeError(`no mail template ${file}`)
    return found
  }

  return {
    render (name, data) {
      if (!NAME.test(name)) throw new TypeError(`not a mail template name: ${name}`)
      const context = { ...data, publicUrl }
      return {
        // One line: a header cannot carry a line break.
        subject: template(`${name}.subject.hbs`)(context).replace(/\s+/g, ' ').trim(),
        text: template('layouts/layout.text.hbs')({ ...context, body: template(`${name}.text.hbs`)(context) }),
        html: template('layouts/layout.html.hbs')({ ...context, body: template(`${name}.html.hbs`)(context) })
      }
    }
  }
}

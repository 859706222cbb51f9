// Renders a mail from templates/mail/<name>.{subject,text,html}.hbs inside the shared mail layouts,
// with the same Handlebars helpers as the pages. Links are built from the configured public URL only.
import { readFileSync } from 'node:fs'
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
  const compiled = new Map<string, TemplateDelegate>()
  const template = (file: string, escape: boolean): TemplateDelegate => {
    let compiledTemplate = compiled.get(file)
    if (compiledTemplate === undefined) {
      // Plain text and subjects are not HTML: escaping would show "&amp;" to the reader.
      compiledTemplate = hbs.compile(readFileSync(join(templatesDir, 'mail', file), 'utf8'), { noEscape: !escape, strict: true })
      compiled.set(file, compiledTemplate)
    }
    return compiledTemplate
  }

  return {
    render (name, data) {
      if (!NAME.test(name)) throw new TypeError(`not a mail template name: ${name}`)
      const context = { ...data, publicUrl }
      return {
        // One line: a header cannot carry a line break.
        subject: template(`${name}.subject.hbs`, false)(context).replace(/\s+/g, ' ').trim(),
        text: template('layouts/layout.text.hbs', false)({ ...context, body: template(`${name}.text.hbs`, false)(context) }),
        html: template('layouts/layout.html.hbs', true)({ ...context, body: template(`${name}.html.hbs`, true)(context) })
      }
    }
  }
}

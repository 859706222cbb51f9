import t from 'tap'
import { createMailRenderer } from '../../src/mail/render.js'

const data = { title: 'A & B', path: '/rfps/a-b', documentHash: 'f'.repeat(64), timeZone: 'UTC', schedule: { questionsCloseAt: '2026-12-10T17:00:00Z', proposalsDueAt: '2026-12-24T17:00:00Z', decisionExpectedAt: '2027-01-15T17:00:00Z' } }

t.test('renders the subject, a text part and an HTML part inside the layouts', async (t) => {
  const mail = createMailRenderer('https://rfp.example.org').render('rfp-published', data)
  t.equal(mail.subject, 'Published: A & B')
  t.match(mail.text, 'Your RFP "A & B" is published:\nhttps://rfp.example.org/rfps/a-b\n')
  t.match(mail.text, '\n-- \nSent by Shortlist at https://rfp.example.org\n', 'the text layout with a signature separator')
  t.match(mail.html, '<strong>A &amp; B</strong>')
  t.match(mail.html, '<a href="https://rfp.example.org/rfps/a-b">')
  t.match(mail.html, /^<!doctype html>/)
})

t.test('a subject is one line, whatever the data holds', async (t) => {
  const mail = createMailRenderer('https://rfp.example.org').render('rfp-published', { ...data, title: 'A\r\nBcc: victim@example.org' })
  t.equal(mail.subject, 'Published: A Bcc: victim@example.org')
})

t.test('missing data and bad names are errors, not blank mail', async (t) => {
  const renderer = createMailRenderer('https://rfp.example.org')
  const { title: _omitted, ...untitled } = data
  t.throws(() => renderer.render('rfp-published', untitled), /"title" not defined/)
  t.throws(() => renderer.render('../layouts/layout', data), /not a mail template name/)
  t.throws(() => renderer.render('rfp-published', { ...data, path: 'https://evil.example/' }), /starts with \//, 'links stay on the public URL')
})

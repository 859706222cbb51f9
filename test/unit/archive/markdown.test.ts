// Text from people in rfp.md and decision.md (DESIGN §5): whatever a vendor or a member of the public types
// shows as itself once a git host renders the file — no heading, list, emphasis, link, code, table cell or
// HTML element is made from it — while ordinary text stays readable in the file itself.
import t from 'tap'
import MarkdownIt from 'markdown-it'
import { markdownCell, markdownText, quoted } from '../../../src/archive/markdown.js'

// The worst case of a git host: raw HTML on, as some render it (then sanitise); tables and strikethrough on.
const host = new MarkdownIt({ html: true, linkify: false })

/** The names of the elements in markdown-it's output: every `<` that is text comes out as `&lt;`. */
function elementsOf (html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase())
}

/** The text a reader sees: tags dropped, markdown-it's entities decoded. */
function textOf (html: string): string {
  return html.replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    .trim()
}

const HOSTILE = [
  '*x*',
  '**bold** and _em_ and ~~gone~~',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!-- hidden -->',
  'a | b | c',
  '`code` and ``more``',
  '# heading',
  '###### six',
  '1. x',
  '2) y',
  '- item',
  '+ item',
  '> quoted',
  '***',
  '___',
  '[click](javascript:alert(1))',
  '![image](https://tracker.example/pixel.png)',
  '<https://autolink.example>',
  'AT&T &lt;b&gt; &#60;i&#62;',
  'back\\slash \\* \\',
  'first line\n# second line a heading?\n- and a list?',
  'text\n===',
  'text\n---',
  '    four spaces would be code',
  'a paragraph\n\n    then indented code',
  '\ttabbed code'
]

t.test('markdownText: hostile text renders as exactly that text, in one paragraph', async (t) => {
  for (const value of HOSTILE) {
    const html = host.render(markdownText(value))
    t.same(elementsOf(html), ['p'].concat(value.includes('\n\n') ? ['p'] : []), `no element made from ${JSON.stringify(value)}: ${html}`)
    t.equal(textOf(html).replace(/\s+/g, ' '), value.trim().replace(/\s+/g, ' '), `the text of ${JSON.stringify(value)}`)
  }
})

t.test('markdownText: where a template puts it after a mark of its own, the mark alone makes markup', async (t) => {
  for (const value of HOSTILE.filter((v) => !v.includes('\n') && !/^\s/.test(v))) {
    const heading = host.render(`# ${markdownText(value)}`)
    t.same(elementsOf(heading), ['h1'], `a title: ${JSON.stringify(value)}`)
    t.equal(textOf(heading), value)
    const item = host.render(`- **Label**: ${markdownText(value)}`)
    t.same(elementsOf(item), ['ul', 'li', 'strong'], `a list item: ${JSON.stringify(value)}`)
  }
})

t.test('markdownCell: one cell on one line, whatever it holds', async (t) => {
  const values = [...HOSTILE, 'two\nlines', 'windows\r\nline end', 'pipe at the end |', '| pipe first']
  const table = ['| Vendor | Score |', '|---|---:|', ...values.map((v) => `| ${markdownCell(v)} | 1 |`)].join('\n')
  const html = host.render(table)
  const rows = html.split('<tr>').slice(2)
  t.equal(rows.length, values.length, 'a row per value: no line break ended a row early')
  const structural = new Set(['table', 'thead', 'tbody', 'tr', 'th', 'td'])
  t.same(elementsOf(html).filter((e) => !structural.has(e)), [], 'only the table itself')
  values.forEach((value, i) => {
    const cells = rows[i]!.split('</td>').slice(0, -1).map(textOf)
    t.same(cells, [value.trim().replace(/\s+/g, ' '), '1'], `two cells, the first being ${JSON.stringify(value)}`)
  })
  t.notOk(markdownCell('a\nb\r\nc\rd').includes('\n') || markdownCell('a\r\nb').includes('\r'), 'no line break of any kind survives')
})

t.test('quoted: every line stays inside the quote; with markdownText, as literal text', async (t) => {
  const question = 'Is the retest included?\n\nIf not:\n# would this be a heading\n===\n> or a nested quote\n\n    or code'
  const html = host.render(quoted(markdownText(question)))
  t.same([...new Set(elementsOf(html))], ['blockquote', 'p'], 'paragraphs in a quote, nothing else')
  t.equal(elementsOf(html).filter((e) => e === 'blockquote').length, 1, 'one quote: a blank line did not end it')
  t.ok(html.trim().endsWith('</blockquote>'), 'nothing after it')
  t.equal(textOf(html).replace(/\s+/g, ' '), question.replace(/\s+/g, ' '))
  t.equal(quoted('a\r\nb\n\nc'), '> a\n> b\n>\n> c', 'CRLF and blank lines')
  // Markdown someone wrote for the record (an answer, a rationale) is kept as written.
  t.same(elementsOf(host.render(quoted('Yes, **included**.'))), ['blockquote', 'p', 'strong'])
})

t.test('ordinary text stays readable in the file', async (t) => {
  for (const value of ['Northwind Assurance', 'Fuzzing audit of the Eelgrass archive parser', '2026-27 (v1.2)', "O'Brien and Sons, Inc.", 'Ana Lima, lead reviewer: 12 years', 'Is the retest of fixes included in the fixed fee?', 'Vendor A', 'Evaluator 2']) {
    t.equal(markdownText(value), value, JSON.stringify(value))
    t.equal(markdownCell(value), value)
  }
  t.equal(markdownText('a *b*'), 'a \\*b\\*', 'a backslash before each mark, and nothing more')
  t.equal(markdownText(null), '')
  t.equal(markdownText(undefined), '')
  t.equal(markdownCell(42), '42')
  t.equal(quoted(''), '>')
})

// The public record's URLs (DESIGN §5, §6) through the app: /rfps/:slug/decision, decision.json, decision.md and
// rfp.md — statuses and types, what the page shows (parsed with a real HTML parser) against what decision.json
// holds, the Markdown rendered as a git host would, the errors, names typed by people kept inert, and no cookie.
import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import t from 'tap'
import type { Test } from 'tap'
import Ajv2020Module from 'ajv/dist/2020.js'
import { DomUtils, parseDocument } from 'htmlparser2'
import MarkdownIt from 'markdown-it'
import type { LightMyRequestResponse } from 'fastify'
import { DECIDED_RFP_SLUG } from '../../src/demo/decided-rfp.js'
import { DEMO_RFP_SLUG, securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import type { DecisionDocument } from '../../src/domain/decision-record.js'
import { recordDecision } from '../../src/services/decision.js'
import { attest } from '../../src/services/evaluation.js'
import { confirmOpening, startOpening } from '../../src/services/opening.js'
import { sealUpload } from '../../src/services/proposal-uploads.js'
import { submitProposal } from '../../src/services/proposals.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { saveScoreSheet } from '../../src/services/score-sheets.js'
import { closeScoringRound } from '../../src/services/scoring-rounds.js'
import { T0, buildTestApp, createCommitteeMember, createVendorContact, type TestApp, type VendorContact } from '../helpers/app.js'
import { stepUp } from '../helpers/evaluation.js'

const schema = JSON.parse(readFileSync(new URL('../../formats/decision.schema.json', import.meta.url), 'utf8')) as object
const Ajv2020 = Ajv2020Module.default
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema)

// A git host's renderer at its most permissive: raw HTML passes through to be sanitised later.
const host = new MarkdownIt({ html: true, linkify: false })

const HTML = 'text/html; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const MARKDOWN = 'text/markdown; charset=utf-8'

type Node = ReturnType<typeof DomUtils.findAll>[number]

const parse = (html: string) => parseDocument(html)
const all = (root: ReturnType<typeof parse> | Node, name: string): Node[] => DomUtils.findAll((e) => e.name === name, [root])
const textOf = (node: Node | ReturnType<typeof parse>): string => DomUtils.textContent(node).replace(/\s+/g, ' ').trim()
const attr = (node: Node, name: string): string | undefined => DomUtils.getAttributeValue(node, name)

/** The table whose caption is `caption`: its body rows as arrays of cell texts (th and td). */
function tableRows (root: ReturnType<typeof parse>, caption: string): string[][] | null {
  const table = all(root, 'table').find((tbl) => all(tbl, 'caption').some((c) => textOf(c) === caption))
  if (table === undefined) return null
  const body = all(table, 'tbody')[0] ?? table
  return all(body, 'tr').map((tr) => tr.children.filter((c): c is Node => (c as Node).name === 'th' || (c as Node).name === 'td').map(textOf))
}

async function get (app: TestApp['app'], url: string): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'GET', url })
}

function noCookie (t: Test, response: LightMyRequestResponse, url: string): void {
  t.equal(response.headers['set-cookie'], undefined, `${url}: no cookie is set`)
}

const DECIDED = `/rfps/${DECIDED_RFP_SLUG}`

t.test('the demo\'s record: every URL answers with its type and sets no cookie', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  for (const [path, type] of [['/decision', HTML], ['/decision.json', JSON_TYPE], ['/decision.md', MARKDOWN], ['/rfp.md', MARKDOWN]] as const) {
    const response = await get(app, `${DECIDED}${path}`)
    t.equal(response.statusCode, 200, path)
    t.equal(response.headers['content-type'], type, `${path} is ${type}`)
    noCookie(t, response, path)
  }
  const document = (await get(app, `${DECIDED}/decision.json`)).json()
  t.ok(validate(document), `decision.json validates against the schema: ${JSON.stringify(validate.errors)}`)
  t.equal(document.format, 'shortlist-decision/1')
})

t.test('the decision page shows what decision.json holds: selection, rationale, every score, recusal, sealed hashes, charts', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  const response = await get(app, `${DECIDED}/decision`)
  const document = (await get(app, `${DECIDED}/decision.json`)).json() as DecisionDocument
  const page = parse(response.body)
  const main = all(page, 'main')[0]!
  t.equal(textOf(all(main, 'h1')[0]!), 'Decision record')
  const selected = all(main, 'section').find((s) => attr(s, 'aria-labelledby') === 'selected-heading')!
  t.same(all(selected, 'li').map(textOf), ['Northwind Assurance'], 'the selected vendor')
  t.ok(textOf(selected).includes('The committee selected Northwind Assurance for its plan to hand the harnesses over'), 'the rationale')

  const round = document.rounds[0]!
  t.same(tableRows(page, 'Ranking (near-tie margin: 2 points)')?.map((row) => row.slice(0, 3)), [
    ['1', 'Northwind Assurance', '85.63 (near tie)'],
    ['2', 'Basalt Security Lab', '85.00 (near tie)'],
    ['3', 'Vendor B', '55.00'],
    ['—', 'Vendor A', 'not ranked']
  ], 'the ranking, as the JSON has it')
  t.same(round.proposals.map((p) => p.result?.score ?? null), ['85.63', '85.00', '55.00', null])

  // Every evaluator's score on every scored criterion, in the column of that evaluator.
  const scored = round.criteria.filter((c) => c.kind === 'scored')
  for (const proposal of round.proposals) {
    const rows = tableRows(page, `${proposal.label}: scores by criterion`)
    t.ok(rows, `a score table for ${proposal.label}`)
    const expected = scored.map((c) => [
      c.name,
      ...round.evaluators.map((e) => proposal.recusedEvaluators.includes(e) ? 'recused' : String(proposal.scores.find((s) => s.evaluator === e && s.criterion === c.id)?.score ?? '—')),
      proposal.cells.find((x) => x.criterion === c.id)?.mean ?? '—',
      ((x) => x === undefined ? '—' : `${x.score}: ${x.reason}`)(proposal.consensus.find((x) => x.criterion === c.id))
    ])
    t.same(rows?.map((row) => [row[0]!.replace(/ \(discussed\)$/, ''), ...row.slice(1)]), expected, `${proposal.label}: every evaluator's scores, the mean and the consensus`)
  }
  const basaltTeam = tableRows(page, 'Basalt Security Lab: scores by criterion')!.find((row) => row[0]!.startsWith('Team experience'))!
  t.equal(basaltTeam.at(-1), '4: The committee agreed that the team is strong in fuzzing but has one reviewer new to Rust.', 'the consensus beside the individual scores')

  const quillon = all(main, 'details').find((d) => textOf(all(d, 'summary')[0]!).startsWith('Vendor B'))!
  t.match(textOf(quillon), /Recused: Evaluator 1 \(declared a conflict of interest; absent from the mean\)/, 'the recusal')

  const codes = all(main, 'code').map(textOf)
  for (const sheet of round.sheets) t.ok(codes.includes(sheet.hash), `the sealed hash of ${sheet.evaluator}'s sheet`)
  t.same(round.sheets.map((s) => s.evaluator), ['Evaluator 1', 'Robin Okafor (working group chair)'])

  const charts = all(main, 'svg')
  t.equal(charts.length, 2, 'the totals and the heat map')
  for (const svg of charts) {
    t.equal(attr(svg, 'role'), 'img')
    const ids = (attr(svg, 'aria-labelledby') ?? '').split(' ')
    t.same(ids.map((id) => all(svg, 'title').concat(all(svg, 'desc')).some((x) => attr(x, 'id') === id)), ids.map(() => true), 'labelled by its own title and description')
  }
  t.ok(textOf(charts[0]!).includes('Northwind Assurance 85.63 (selected)'), 'the bar chart describes the totals')

  const timeline = all(main, 'ol').find((ol) => attr(ol, 'class') === 'timeline')!
  t.same(all(timeline, 'li').map((li) => textOf(li).replace(/^.* — /, '')), ['Published', 'Proposals opened: 4 proposals', 'Individual scoring of round 1 closed: 2 score sheets sealed', 'Decision recorded'])
  for (const secret of ['Quillon', 'Tidewater', 'Sam Ortiz']) t.notOk(response.body.includes(secret), `the page does not name ${secret}`)
})

t.test('decision.md and rfp.md render as a git host shows them: headings, tables, the questions and answers', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  const decision = parse(host.render((await get(app, `${DECIDED}/decision.md`)).body))
  t.same(all(decision, 'h1').map(textOf), ['Decision: Fuzzing audit of the Eelgrass archive parser'])
  t.same(all(decision, 'h2').map(textOf), ['Rationale', 'Process', 'Technical evaluation', 'Protests'])
  t.same(all(decision, 'h3').map(textOf), ['Northwind Assurance', 'Basalt Security Lab', 'Vendor B', 'Vendor A'])
  const tables = all(decision, 'table')
  const rowsOf = (table: Node): string[][] => all(table, 'tr').map((tr) => all(tr, 'td').concat(all(tr, 'th')).length === 0 ? [] : tr.children.filter((c): c is Node => (c as Node).name === 'td' || (c as Node).name === 'th').map(textOf))
  const ranking = tables.map(rowsOf).find((rows) => rows[0]?.[1] === 'Vendor')!
  t.same(ranking.slice(1), [
    ['1', 'Northwind Assurance', '85.63 (near tie)', 'selected'],
    ['2', 'Basalt Security Lab', '85.00 (near tie)', 'not selected'],
    ['3', 'Vendor B', '55.00', 'not selected'],
    ['—', 'Vendor A', 'not ranked', 'non-responsive: failed the pass/fail gate open-report']
  ])
  const vendors = tables.map(rowsOf).find((rows) => rows[0]?.[0] === 'Vendors')!
  t.same(vendors.slice(1), [['Invited', 'open to every vendor'], ['Registered interest', '4'], ['Submitted a proposal', '4'], ['Withdrew', '0']])
  const basalt = tables.map(rowsOf).filter((rows) => rows[0]?.[0] === 'Evaluator')[1]!
  t.same(basalt.at(-1), ['Consensus', 'team', '4 (The committee agreed that the team is strong in fuzzing but has one reviewer new to Rust.)'])
  t.ok(textOf(decision).includes('Recused (a declared conflict of interest): Evaluator 1.'))
  const document = (await get(app, `${DECIDED}/decision.json`)).json() as DecisionDocument
  const items = all(decision, 'li').map(textOf)
  for (const sheet of document.rounds[0]!.sheets) t.ok(items.includes(`${sheet.evaluator}: ${sheet.hash}`), `the hash of ${sheet.evaluator}'s sheet`)
  const links = all(decision, 'a').map((a) => attr(a, 'href'))
  t.ok(links.includes(`http://localhost:3000${DECIDED}/decision.json`), 'a link to decision.json on the public URL')

  const rfp = parse(host.render((await get(app, `/rfps/${DEMO_RFP_SLUG}/rfp.md`)).body))
  t.same(all(rfp, 'h1').map(textOf), ['Independent security audit of Driftwood 2.0'])
  const h2 = all(rfp, 'h2').map(textOf)
  for (const heading of ['Scope', 'Deliverables', 'Evaluation criteria', 'Amendments', 'Questions and answers']) t.ok(h2.includes(heading), `a section "${heading}"`)
  t.same(all(rfp, 'h3').map(textOf).filter((h) => h.startsWith('Question')), ['Question 1', 'Question 2', 'Question 3'])
  t.same(all(rfp, 'blockquote').map(textOf), [
    'Is the retest of fixes included in the fixed fee, or should it be priced separately?',
    'May the audit team run fuzzers against the public transparency log, or only against a local instance?',
    'Which Go version and platforms must the findings be reproduced on?'
  ], 'each question quoted')
  t.ok(textOf(rfp).includes('Include the retest in the fixed fee.'), 'with its answer')
  const criteria = all(rfp, 'table').map(rowsOf).find((rows) => rows[0]?.[0] === 'Criterion')!
  t.same(criteria.find((row) => row[0] === 'Team experience'), ['Team experience', 'scored', '20', '20.0%', '1–5'])

  const eelgrass = (await get(app, `${DECIDED}/rfp.md`)).body
  t.match(eelgrass, /No question has been answered\./)
})

t.test('errors: an unknown RFP, a malformed slug, an RFP not yet decided', async (t) => {
  const { app } = await buildTestApp(t, { demo: true })
  for (const path of ['/decision', '/decision.json', '/decision.md', '/rfp.md']) {
    const unknown = await get(app, `/rfps/no-such-rfp${path}`)
    t.equal(unknown.statusCode, 404, `unknown ${path}`)
    noCookie(t, unknown, path)
    const malformed = await get(app, `/rfps/A_B${path}`)
    t.equal(malformed.statusCode, 400, `malformed ${path}`)
    noCookie(t, malformed, path)
  }
  const unknown = await get(app, '/rfps/no-such-rfp/decision')
  t.equal(unknown.headers['content-type'], HTML)
  t.match(textOf(all(parse(unknown.body), 'main')[0]!), /no RFP is published at \/rfps\/no-such-rfp/, 'the page names the problem')
  t.match(textOf(all(parse((await get(app, '/rfps/A_B/decision')).body), 'main')[0]!), /slug/, 'and the bad parameter')

  for (const path of ['/decision', '/decision.json', '/decision.md']) {
    const undecided = await get(app, `/rfps/${DEMO_RFP_SLUG}${path}`)
    t.equal(undecided.statusCode, 404, `undecided ${path}`)
    t.match(undecided.body, /not been recorded/, 'it says the decision has not been recorded')
    noCookie(t, undecided, path)
  }
  t.equal((await get(app, `/rfps/${DEMO_RFP_SLUG}/rfp.md`)).statusCode, 200, 'an undecided RFP has its rfp.md')
})

const HOSTILE_TITLE = '<img src=x onerror=alert(1)> *bold* | pipe `tick`'
const HOSTILE_VENDOR = '*Bold* <img src=x onerror=alert(2)> | Co'

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`)

async function bid (ctx: TestApp['ctx'], slug: string, vendor: VendorContact): Promise<void> {
  const files = []
  for (const part of ['plan', 'cvs', 'example-reports']) {
    files.push(await sealUpload(ctx, vendor.actor, slug, { part, fileName: `${part}.pdf`, content: Readable.from([pdf(`${vendor.email} ${part}`)]), maxBytes: 1024 * 1024 }))
  }
  await submitProposal(ctx, vendor.actor, slug, { content: { summary: 'We propose.', personnel: [] }, partners: [] }, files)
}

/** A decided RFP whose title and selected vendor's name are markup, through the services. */
async function hostileRecord (t: Test) {
  const setup = await buildTestApp(t)
  const { ctx } = setup
  const owner = (await createCommitteeMember(ctx, 'chair@example.org', { displayName: 'Chair' })).actor
  const base = securityAuditRfp(T0)
  const draft = { ...base, title: HOSTILE_TITLE, rounds: [{ name: 'Technical', criteria: [{ id: 'approach', name: 'Approach', description: 'The plan.', kind: 'scored' as const, weight: '1', lo: 1, hi: 5 }] }] }
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const eve = (await createCommitteeMember(ctx, 'eve@example.org', { displayName: 'Eve' })).actor
  await addRfpMember(ctx, owner, slug, 'eve@example.org', 'evaluator')
  const hostile = await createVendorContact(ctx, HOSTILE_VENDOR, 'bold@bold.example')
  const plain = await createVendorContact(ctx, 'Plain Vendor', 'plain@plain.example')
  await bid(ctx, slug, hostile)
  await bid(ctx, slug, plain)
  ctx.clock.set(new Date(draft.schedule.proposalsDueAt))
  await startOpening(ctx, stepUp(owner, ctx), slug)
  await confirmOpening(ctx, stepUp(eve, ctx), slug)
  await attest(ctx, owner, slug, { mayBeNamed: false })
  await attest(ctx, eve, slug, { mayBeNamed: false })
  const proposals = await ctx.db.selectFrom('proposals').select(['id', 'organisation_id']).execute()
  const idOf = (vendor: VendorContact): string => proposals.find((p) => p.organisation_id === vendor.organisationId)!.id
  await saveScoreSheet(ctx, eve, slug, 1, idOf(hostile), { submit: true, cells: [{ criterion: 'approach', score: 5, comment: 'Strong.' }] })
  await saveScoreSheet(ctx, eve, slug, 1, idOf(plain), { submit: true, cells: [{ criterion: 'approach', score: 3, comment: 'Fair.' }] })
  await closeScoringRound(ctx, stepUp(owner, ctx), slug, 1)
  await recordDecision(ctx, stepUp(owner, ctx), slug, { selected: [idOf(hostile)], rationale: 'The strongest plan.', disqualified: [] })
  return { ...setup, slug }
}

/** No element or attribute made from the hostile strings. */
function inert (t: Test, root: ReturnType<typeof parse>, what: string): void {
  t.same(all(root, 'img'), [], `${what}: no img element`)
  t.same(DomUtils.findAll((e) => Object.keys(e.attribs).some((name) => name.startsWith('on')), [root]).map((e) => e.name), [], `${what}: no event handler attribute`)
  t.notOk(all(root, 'em').concat(all(root, 'strong')).some((e) => /^bold$/i.test(textOf(e))), `${what}: no emphasis made from *Bold* or *bold*`)
}

t.test('a title and a vendor name made of markup stay text: escaped on the page, literal in the Markdown', async (t) => {
  const { app, slug } = await hostileRecord(t)
  const response = await get(app, `/rfps/${slug}/decision`)
  t.equal(response.statusCode, 200)
  t.notOk(response.body.includes('<img src=x'), 'the markup is escaped')
  const page = parse(response.body)
  inert(t, page, 'the page')
  const main = all(page, 'main')[0]!
  t.ok(all(main, 'p').some((p) => textOf(p).startsWith(`${HOSTILE_TITLE} · decided`)), 'the title shows as typed')
  const selected = all(main, 'section').find((s) => attr(s, 'aria-labelledby') === 'selected-heading')!
  t.same(all(selected, 'li').map(textOf), [HOSTILE_VENDOR], 'the vendor name shows as typed')
  t.ok(all(main, 'svg').some((svg) => all(svg, 'desc').some((x) => textOf(x).includes(`${HOSTILE_VENDOR} 100.00 (selected)`))), 'in the chart\'s description too')
  t.equal(all(page, 'title').map(textOf)[0]?.includes(HOSTILE_TITLE), true, 'and in the page title')

  const json = (await get(app, `/rfps/${slug}/decision.json`)).json() as DecisionDocument
  t.equal(json.rfp.title, HOSTILE_TITLE)
  t.same(json.selected, [HOSTILE_VENDOR])
  t.ok(validate(json), JSON.stringify(validate.errors))

  const decision = (await get(app, `/rfps/${slug}/decision.md`))
  t.equal(decision.headers['content-type'], MARKDOWN)
  const rendered = parse(host.render(decision.body))
  inert(t, rendered, 'decision.md')
  t.same(all(rendered, 'h1').map(textOf), [`Decision: ${HOSTILE_TITLE}`])
  t.ok(all(rendered, 'h3').some((h) => textOf(h) === HOSTILE_VENDOR), 'the vendor\'s heading')
  t.notOk(all(rendered, 'code').some((c) => textOf(c) === 'tick'), 'no code span made from the title')
  const ranking = all(rendered, 'table').find((tbl) => textOf(all(tbl, 'tr')[0]!).startsWith('Rank Vendor'))!
  const rows = all(ranking, 'tr').slice(1).map((tr) => all(tr, 'td').map(textOf))
  t.same(rows, [['1', HOSTILE_VENDOR, '100.00', 'selected'], ['2', 'Vendor A', '50.00', 'not selected']], 'the pipe in the name splits no cell')

  const rfp = parse(host.render((await get(app, `/rfps/${slug}/rfp.md`)).body))
  inert(t, rfp, 'rfp.md')
  t.same(all(rfp, 'h1').map(textOf), [HOSTILE_TITLE])
})

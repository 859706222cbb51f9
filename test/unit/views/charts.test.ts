import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { templatesDir } from '../../../src/paths.js'
import { createHandlebars } from '../../../src/views/handlebars.js'
import {
  BAR_FILL, COLUMN_LABEL_CAP, FONT_SIZE, HATCH_BACKGROUND, HATCH_LINE, HEAT_PALETTE, LABEL_CAP, PLOT_WIDTH, SELECTED_BAR_FILL, TICKS,
  barChartOf, contrastRatio, fitText, heatColour, heatMapOf, relativeLuminance, textColourOn, textWidth,
  type BarInput, type HeatMapInput
} from '../../../src/views/charts.js'

const bars: BarInput[] = [
  { label: 'Driftwood Security', score: '85.63', selected: true },
  { label: 'Acme Audits', score: '70.00', selected: false },
  { label: 'Zed', score: '0', selected: false }
]

const scale = (mean: string, lo = 1, hi = 5): { mean: string, lo: number, hi: number } => ({ mean, lo, hi })

const heat: HeatMapInput = {
  title: 'Criterion means, round 1',
  criteria: [{ id: 'method', name: 'Methodology' }, { id: 'team', name: 'Team' }, { id: 'report', name: 'Open report' }],
  rows: [
    { label: 'Driftwood Security', cells: [scale('4.33'), scale('5.00'), scale('3.50')] },
    { label: 'Acme Audits', cells: [scale('2.67'), null, scale('1.00')] }
  ]
}

/** Every number in a chart, including those inside viewBox and transform strings. */
function numbersIn (value: unknown): string[] {
  if (typeof value === 'number') return [String(value)]
  if (typeof value === 'string') return /^(?:0 0 |rotate\()/.test(value) ? value.match(/-?[\d.]+/g) ?? [] : []
  if (Array.isArray(value)) return value.flatMap(numbersIn)
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(numbersIn)
  return []
}

t.test('a bar is as long as its score: 4 units a point, from one baseline, exact to the hundredth', async (t) => {
  const every = Array.from({ length: 10001 }, (_, h) => ({ label: `v${h}`, score: (h / 100).toFixed(2), selected: false }))
  const chart = barChartOf(every, 'All', 'all')
  const x0 = chart.bars[0]!.x
  const wrong = chart.bars.filter((bar, h) => bar.x !== x0 || bar.width !== h * 4 / 100)
  t.same(wrong.map((b) => `${b.score} at ${b.x} length ${b.width}`), [], 'every total from 0.00 to 100.00')
  t.equal(chart.bars[10000]!.width, PLOT_WIDTH, 'a score of 100 fills the plot')
  const [zero, quarter, half, threeQuarters, full] = chart.ticks
  t.same(chart.ticks.map((tick) => tick.text), TICKS.map(String), 'ticks at 0, 25, 50, 75, 100')
  t.equal(zero!.x, x0)
  t.equal(quarter!.x, x0 + chart.bars[2500]!.width, 'the 25 tick is where a 25 bar ends')
  t.equal(half!.x, x0 + chart.bars[5000]!.width)
  t.equal(threeQuarters!.x, x0 + chart.bars[7500]!.width)
  t.equal(full!.x, x0 + PLOT_WIDTH)
  t.equal(chart.axis.x1, x0)
  t.equal(chart.axis.x2, x0 + PLOT_WIDTH)
  // Scores written with fewer places draw the same.
  t.same(barChartOf([{ label: 'a', score: '70', selected: false }, { label: 'a', score: '70.5', selected: false }], 'T', 'x').bars.map((b) => b.width), [280, 282])
})

t.test('bars keep the order given, top to bottom, with their labels and values beside them', async (t) => {
  const chart = barChartOf(bars, 'Totals', 'totals')
  t.same(chart.bars.map((b) => b.label), ['Driftwood Security', 'Acme Audits', 'Zed'])
  const ys = chart.bars.map((b) => b.y)
  t.ok(ys.every((y, i) => i === 0 || y >= ys[i - 1]! + chart.bars[i - 1]!.height), 'each bar below the previous one, not overlapping')
  for (const bar of chart.bars) {
    t.ok(bar.labelY > bar.y && bar.labelY <= bar.y + bar.height, `${bar.label}'s label is level with its bar`)
    t.ok(bar.labelX <= bar.x, 'the label ends left of the bar')
    t.ok(bar.valueX > bar.x + bar.width, 'the value comes after the bar\'s end')
    t.ok(bar.valueX + textWidth(bar.valueText) <= chart.width, 'and inside the drawing')
  }
  const axisY = chart.axis.y1
  t.ok(chart.bars.every((b) => b.y + b.height <= axisY), 'every bar above the axis')
  t.ok(chart.ticks.every((tick) => tick.labelY > axisY && tick.labelY < chart.height), 'tick labels under the axis')
  t.equal(chart.viewBox, `0 0 ${chart.width} ${chart.height}`)
})

t.test('the selected vendor is told by colour and by words', async (t) => {
  const chart = barChartOf(bars, 'Totals', 'totals')
  t.equal(chart.bars[0]!.fill, SELECTED_BAR_FILL)
  t.equal(chart.bars[0]!.valueText, '85.63 (selected)')
  t.equal(chart.bars[1]!.fill, BAR_FILL)
  t.equal(chart.bars[1]!.valueText, '70.00')
  t.match(chart.desc, 'Driftwood Security 85.63 (selected); Acme Audits 70.00; Zed 0.')
  // WCAG 1.4.11: 3:1 for a graphic against Pico's light (#fff) and dark (rgb 19, 22.5, 30.5) backgrounds.
  for (const fill of [BAR_FILL, SELECTED_BAR_FILL]) {
    t.ok(contrastRatio(fill, '#ffffff') >= 3, `${fill} on white`)
    t.ok(contrastRatio(fill, '#13171f') >= 3, `${fill} on the dark theme`)
  }
})

t.test('a total that is not a 0..100 decimal is refused', async (t) => {
  for (const score of ['100.01', '101', '-1', '85.634', '1e2', '', ' 85', 'NaN', '85.', '.5']) {
    t.throws(() => barChartOf([{ label: 'a', score, selected: false }], 'T', 'x'), RangeError, JSON.stringify(score))
  }
})

t.test('long labels are cut in the drawing only, never past the label column', async (t) => {
  const long = 'The Very Long Name of a Security Research Cooperative International Limited'
  const chart = barChartOf([{ label: long, score: '50', selected: false }, { label: 'Zed', score: '40', selected: false }], 'Totals', 'totals')
  const [cut, short] = chart.bars
  const column = cut!.labelX - 8
  t.equal(column, LABEL_CAP, 'the label column is capped')
  t.equal(cut!.truncated, true)
  t.match(cut!.drawnLabel, /…$/)
  t.ok(long.startsWith(cut!.drawnLabel.slice(0, -1)), 'a prefix of the label')
  t.ok(textWidth(cut!.drawnLabel) <= column, 'fits the column')
  t.ok(cut!.labelX - textWidth(cut!.drawnLabel) >= 0, 'starts inside the drawing')
  t.equal(cut!.label, long, 'the table gets it whole')
  t.equal(cut!.hint, long, 'so does the tooltip')
  t.match(chart.desc, long, 'and the screen reader')
  t.equal(short!.truncated, false)
  t.equal(short!.drawnLabel, 'Zed')

  const narrow = barChartOf([{ label: 'Acme', score: '50', selected: false }, { label: 'Zed', score: '40', selected: false }], 'T', 'x')
  t.equal(narrow.bars[0]!.labelX - 8, textWidth('Acme'), 'the column is as wide as the longest label when under the cap')
  t.ok(narrow.width < chart.width, 'and the drawing narrower')
})

t.test('cutting never splits a character made of several code points', async (t) => {
  const family = '👨‍👩‍👧‍👦'
  const accent = 'e\u0301'
  for (const text of [family.repeat(40), accent.repeat(80), `Ab${family}${accent}`.repeat(20)]) {
    const fitted = fitText(text, 100)
    t.equal(fitted.truncated, true)
    const kept = fitted.text.slice(0, -1)
    t.ok(text.startsWith(kept), 'a prefix')
    const next = text.slice(kept.length)
    t.notOk(/^(?:\u200d|\p{M})/u.test(next) || /\u200d$/.test(kept), `cut between graphemes in ${JSON.stringify(text.slice(0, 12))}…`)
    t.ok(textWidth(fitted.text) <= 100)
  }
  t.same(fitText('  two\n\tlines ', 100), { text: 'two lines', truncated: false }, 'white space as drawn')
})

// Advance widths in em of DejaVu Sans, the widest common sans-serif face, measured in Chromium at 14px.
const DEJAVU_SANS: Array<[number, string]> = [[0, '\u00ad'], [0.275, "'"], [0.277, 'ijlìíîï'], [0.295, 'IJÌÍÎÏ'], [0.318, ' ,.\u00a0·'], [0.337, '/:;\\|¦'], [0.344, 'f'], [0.36, '-'], [0.39, '()[]'], [0.392, 'rt'], [0.4, '!¡²³¹'], [0.459, '"'], [0.471, 'ªº'], [0.499, '*_`§¨¯°´¸'], [0.52, 's'], [0.524, 'z'], [0.53, '?¿'], [0.547, 'cç'], [0.557, 'L'], [0.575, 'F'], [0.579, 'k'], [0.591, 'vxyýÿ'], [0.594, 'T'], [0.602, 'P'], [0.604, 'Þ'], [0.605, 'oòóôõö'], [0.61, 'YeÝèéêë'], [0.611, '«»ðø'], [0.612, 'aàáâãäå'], [0.629, 'ß'], [0.631, 'EÈÉÊË'], [0.633, 'hnuñùúûü'], [0.634, 'Sbdgpqþ'], [0.636, '0123456789${}¢£¤¥µ¶'], [0.655, 'K'], [0.683, 'VÅ'], [0.684, 'XZ'], [0.685, 'B'], [0.694, 'R'], [0.698, 'CÇ'], [0.708, 'AÀÁÂÃÄ'], [0.731, 'UÙÚÛÜ'], [0.747, 'NÑ'], [0.751, 'H'], [0.769, 'D'], [0.774, 'GÐ'], [0.779, '&'], [0.786, 'OQÒÓÔÕÖØ'], [0.817, 'w'], [0.837, '#+<=>^~¬±×÷'], [0.862, 'M'], [0.949, '%'], [0.968, '¼½¾'], [0.973, 'mÆ'], [0.981, 'æ'], [0.988, 'W'], [0.999, '@©®']]
const DEJAVU_SANS_TEXTS: Record<string, number> = {
  'Съешь же ещё этих мягких французских булок, да выпей чаю': 33.126,
  'ЖУРАВЛЬ ЩИТ ШЮ ФЫЖ': 13.46,
  'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία': 19.099,
  'Œuvre & Cœur Société Générale': 16.354,
  'MMMM WWWW mmmm wwww': 15.513,
  'Ünïcödé Ärger Ÿvon Øresund Åbo': 16.642,
  'Driftwood Security Audit Cooperative Ltd': 20.499,
  '0123456789 (selected)': 11.671,
  'iiii llll IIII': 4.035,
  'ZŁOTY ŚWIAT Spółka z o.o.': 13.34,
  'Đặng Thị Hồng Ngọc': 10.299
}

t.test('text widths are estimated on the wide side, so drawn labels do not overlap', async (t) => {
  let checked = 0
  for (const [em, chars] of DEJAVU_SANS) {
    for (const char of chars) {
      checked++
      if (textWidth(char) < em * FONT_SIZE - 1e-9) t.fail(`${JSON.stringify(char)} estimated ${textWidth(char)}, measured ${em * FONT_SIZE}`)
    }
  }
  t.equal(checked, 191, 'every printable character of ASCII and Latin-1')
  for (const [text, em] of Object.entries(DEJAVU_SANS_TEXTS)) t.ok(textWidth(text) >= em * FONT_SIZE, text)
  // Not absurdly wide either: a typical name within 30 % of its measure.
  t.ok(textWidth('Driftwood Security Audit Cooperative Ltd') <= 1.3 * 20.499 * FONT_SIZE)
})

t.test('WCAG contrast arithmetic', async (t) => {
  t.equal(contrastRatio('#000000', '#ffffff'), 21)
  t.equal(contrastRatio('#ffffff', '#000000'), 21, 'symmetric')
  t.equal(contrastRatio('#3a7bbf', '#3a7bbf'), 1)
  // The well-known pair: #767676 is the lightest grey that passes AA on white, #777777 just fails.
  t.ok(contrastRatio('#767676', '#ffffff') >= 4.5)
  t.ok(contrastRatio('#777777', '#ffffff') < 4.5)
  t.equal(relativeLuminance('#ffffff'), 1)
  t.equal(relativeLuminance('#000000'), 0)
  t.throws(() => relativeLuminance('blue'), RangeError)
})

t.test('black or white text reaches 4.5:1 on any fill', async (t) => {
  let worst = 21
  for (let r = 0; r < 256; r += 17) {
    for (let g = 0; g < 256; g += 17) {
      for (let b = 0; b < 256; b += 17) {
        const fill = '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')
        worst = Math.min(worst, contrastRatio(textColourOn(fill), fill))
      }
    }
  }
  t.ok(worst >= 4.5, `worst ${worst.toFixed(3)}`)
  // The hardest fill sits where black and white tie: luminance √(0.05 × 1.05) − 0.05 ≈ 0.179, a grey near #767676.
  for (let v = 0x60; v <= 0x90; v++) {
    const fill = `#${v.toString(16).repeat(3)}`
    if (contrastRatio(textColourOn(fill), fill) < 4.5) t.fail(fill)
  }
  t.equal(textColourOn('#ffffff'), '#000000')
  t.equal(textColourOn('#000000'), '#ffffff')
})

t.test('the heat palette runs monotonely from light to dark, and every colour it makes takes AA text', async (t) => {
  const luminances = HEAT_PALETTE.map(relativeLuminance)
  t.ok(luminances.every((l, i) => i === 0 || l < luminances[i - 1]!), 'stops darken strictly')
  t.equal(heatColour(0), HEAT_PALETTE[0])
  t.equal(heatColour(1), HEAT_PALETTE[HEAT_PALETTE.length - 1])
  t.equal(heatColour(0.5), HEAT_PALETTE[4], 'the middle stop at the middle')
  let previous = Infinity
  let monotone = true
  let worst = 21
  const steps = 4000
  for (let k = 0; k <= steps; k++) {
    const fill = heatColour(k / steps)
    const luminance = relativeLuminance(fill)
    if (luminance > previous) monotone = false
    previous = luminance
    worst = Math.min(worst, contrastRatio(textColourOn(fill), fill))
  }
  t.ok(monotone, 'a higher position is never lighter')
  t.ok(worst >= 4.5, `worst text contrast ${worst.toFixed(3)}`)
  t.throws(() => heatColour(-0.01), RangeError)
  t.throws(() => heatColour(1.01), RangeError)
  t.throws(() => heatColour(NaN), RangeError)
})

t.test('a cell is shaded by where its mean sits on its own scale, and printed legibly', async (t) => {
  const chart = heatMapOf({
    title: 'T',
    criteria: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }],
    rows: [
      { label: 'v1', cells: [scale('3.00'), scale('5', 0, 10), scale('0.00', -2, 2)] },
      { label: 'v2', cells: [scale('1.00'), scale('10', 0, 10), scale('2.00', -2, 2)] },
      { label: 'v3', cells: [scale('4.33'), scale('7.5', 0, 10), scale('-1.25', -2, 2)] }
    ]
  }, 'h')
  const [v1, v2, v3] = chart.rows
  t.equal(v1!.cells[0]!.fill, v1!.cells[1]!.fill, 'the middle of 1..5 and of 0..10 look the same')
  t.equal(v1!.cells[0]!.fill, v1!.cells[2]!.fill, 'and of −2..2')
  t.equal(v1!.cells[0]!.fill, heatColour(0.5))
  t.equal(v2!.cells[0]!.fill, HEAT_PALETTE[0], 'the bottom of the scale is the lightest')
  t.equal(v2!.cells[1]!.fill, HEAT_PALETTE[8], 'the top the darkest')
  t.ok(relativeLuminance(v3!.cells[0]!.fill) < relativeLuminance(v1!.cells[0]!.fill), 'a higher mean is darker')
  for (const row of chart.rows) {
    for (const cell of row.cells) {
      t.equal(cell.textFill, textColourOn(cell.fill))
      t.ok(contrastRatio(cell.textFill, cell.fill) >= 4.5, `${cell.hint}: ${cell.textFill} on ${cell.fill}`)
      t.equal(cell.text, cell.mean)
    }
  }
  t.equal(v1!.cells[1]!.tableText, '5', 'the column header gives the scale')
  t.same(chart.columns.map((c) => c.scale), ['1–5', '0–10', '-2–2'])
})

t.test('a cell nobody scored is hatched, printed with a dash and said so', async (t) => {
  const chart = heatMapOf(heat, 'means')
  const cell = chart.rows[1]!.cells[1]!
  t.equal(cell.scored, false)
  t.equal(cell.mean, null)
  t.equal(cell.fill, 'url(#means-not-scored)')
  t.equal(chart.hatchId, 'means-not-scored')
  t.equal(cell.text, '—')
  t.equal(cell.tableText, 'not scored (recused or no score)')
  t.match(cell.hint, 'Acme Audits, Team: not scored')
  t.equal(chart.notScoredCount, 1)
  t.match(chart.desc, 'Not scored (recused or no score), hatched: Acme Audits on Team.')
  t.equal(chart.legend.notScored?.fill, 'url(#means-not-scored)')
  for (const background of [HATCH_BACKGROUND, HATCH_LINE]) t.ok(contrastRatio(cell.textFill, background) >= 4.5, `dash on ${background}`)
  t.equal(chart.columns[1]!.scale, '1–5', 'the scale of the column from the cells that were scored')

  const full = heatMapOf({ ...heat, rows: [heat.rows[0]!] }, 'means')
  t.equal(full.notScoredCount, 0)
  t.equal(full.legend.notScored, null, 'no legend entry for hatching that is not drawn')
  t.match(full.desc, 'Every cell was scored.')
})

t.test('the heat map grid: one cell per vendor and criterion, labels clear of each other and of the edges', async (t) => {
  const long = 'Methodology, approach and depth of the proposed review of the code'
  const chart = heatMapOf({ ...heat, criteria: [{ id: 'method', name: long }, ...heat.criteria.slice(1)] }, 'means')
  t.same(chart.columns.map((c) => c.id), ['method', 'team', 'report'])
  t.same(chart.rows.map((r) => r.label), ['Driftwood Security', 'Acme Audits'])
  for (const [i, row] of chart.rows.entries()) {
    t.equal(row.cells.length, 3)
    for (const [j, cell] of row.cells.entries()) {
      const right = row.cells[j + 1]
      const below = chart.rows[i + 1]?.cells[j]
      if (right !== undefined) t.ok(cell.x + cell.width < right.x, 'a gap to the right')
      if (below !== undefined) t.ok(cell.y + cell.height < below.y, 'a gap below')
      t.ok(cell.textX > cell.x && cell.textX < cell.x + cell.width && cell.textY > cell.y && cell.textY < cell.y + cell.height, 'the value inside its cell')
      t.ok(textWidth(cell.text) < cell.width, 'and narrower than it')
    }
    t.ok(row.labelX <= row.cells[0]!.x && row.labelX - textWidth(row.drawnLabel) >= 0, 'row label left of the grid, inside the drawing')
  }
  const [first] = chart.columns
  t.equal(first!.truncated, true)
  t.equal(first!.hint, long)
  t.ok(textWidth(first!.drawnName) <= COLUMN_LABEL_CAP)
  const top = chart.rows[0]!.cells[0]!.y
  const sin45 = Math.SQRT1_2
  for (const column of chart.columns) {
    const length = textWidth(column.drawnName)
    t.ok(column.y < top, 'column labels above the grid')
    t.ok(column.y - (length + FONT_SIZE) * sin45 >= 0, `${column.drawnName} does not leave the top`)
    t.ok(column.x + length * sin45 <= chart.width, `${column.drawnName} does not leave the right`)
    t.equal(column.transform, `rotate(-45 ${column.x} ${column.y})`)
  }
  const spacing = chart.columns[1]!.x - chart.columns[0]!.x
  t.ok(spacing * sin45 > FONT_SIZE, 'slanted labels are further apart than a line of text')
  const legend = chart.legend
  t.ok(legend.swatches.every((s) => s.y > top + chart.rows.length * 32 - 2 && s.y + s.height <= chart.height), 'the legend below the grid')
  t.ok((legend.notScored?.textX ?? 0) + textWidth(legend.notScored?.text ?? '') <= chart.width, 'and inside the drawing')
  t.same(legend.swatches.map((s) => s.fill), HEAT_PALETTE)
})

t.test('bad heat-map input is an error', async (t) => {
  const bad = (cells: HeatMapInput['rows'][number]['cells']): HeatMapInput => ({ ...heat, rows: [{ label: 'v', cells }] })
  t.throws(() => heatMapOf(bad([scale('4')]), 'h'), /1 cells for 3 criteria/)
  t.throws(() => heatMapOf(bad([scale('5.01'), null, null]), 'h'), RangeError, 'above the scale')
  t.throws(() => heatMapOf(bad([scale('0.99'), null, null]), 'h'), RangeError, 'below the scale')
  t.throws(() => heatMapOf(bad([scale('four'), null, null]), 'h'), RangeError)
  t.throws(() => heatMapOf(bad([scale('3', 5, 1), null, null]), 'h'), RangeError, 'scale upside down')
  t.throws(() => heatMapOf(bad([scale('3', 1.5, 5), null, null]), 'h'), RangeError, 'scale not whole')
})

t.test('ids come from the prefix, which must be safe in an id list and a url(#…)', async (t) => {
  const bar = barChartOf(bars, 'T', 'round-1_totals')
  t.same([bar.titleId, bar.descId], ['round-1_totals-title', 'round-1_totals-desc'])
  const map = heatMapOf(heat, 'means2')
  t.same([map.titleId, map.descId, map.hatchId], ['means2-title', 'means2-desc', 'means2-not-scored'])
  for (const prefix of ['', '1st', 'a b', 'a"b', 'a)b', 'é']) {
    t.throws(() => barChartOf(bars, 'T', prefix), RangeError, JSON.stringify(prefix))
    t.throws(() => heatMapOf(heat, prefix), RangeError, JSON.stringify(prefix))
  }
})

t.test('the same figures give the same numbers, each to at most 2 decimals', async (t) => {
  const odd = [{ label: 'a', score: '33.33', selected: false }, { label: 'Ωμέγα Ltd', score: '66.67', selected: true }]
  t.equal(JSON.stringify(barChartOf(odd, 'T', 'x')), JSON.stringify(barChartOf(structuredClone(odd), 'T', 'x')))
  t.equal(JSON.stringify(heatMapOf(heat, 'h')), JSON.stringify(heatMapOf(structuredClone(heat), 'h')))
  const numbers = [...numbersIn(barChartOf(odd, 'T', 'x')), ...numbersIn(heatMapOf(heat, 'h'))]
  t.ok(numbers.length > 100)
  t.same(numbers.filter((n) => !/^-?\d+(?:\.\d{1,2})?$/.test(n)), [], 'no long fractions')
})

t.test('empty charts still draw', async (t) => {
  const bar = barChartOf([], 'Totals', 'totals')
  t.same(bar.bars, [])
  t.equal(bar.desc, 'No totals to show.')
  t.ok(bar.width > 0 && bar.height > 0)
  const map = heatMapOf({ title: 'Means', criteria: [], rows: [] }, 'means')
  t.equal(map.desc, 'No criterion means to show.')
  t.ok(map.width > 0 && map.height > 0)
})

// ---- The partials ----

const hbs = createHandlebars()
const renderBar = hbs.compile('{{> bar-chart chart=chart}}')
const renderHeat = hbs.compile('{{> heat-map chart=chart}}')

interface XmlNode { [name: string]: XmlNode[] | Record<string, string> | string | undefined, ':@'?: Record<string, string>, '#text'?: string }
interface Element { name: string, attrs: Record<string, string>, children: XmlNode[] }

// Handlebars writes ' = ` as numeric references, which XML defines but this parser decodes only with its HTML table on.
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, parseTagValue: false, parseAttributeValue: false, trimValues: false })

function parse (t: Test, markup: string): XmlNode[] {
  t.equal(XMLValidator.validate(markup), true, 'well-formed XML')
  t.notMatch(markup, /&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/, 'only XML\'s own entity references')
  return parser.parse(markup) as XmlNode[]
}

function elements (nodes: XmlNode[], name: string): Element[] {
  return nodes.flatMap((node) => Object.keys(node).filter((k) => k !== ':@' && k !== '#text').flatMap((key) => {
    const children = node[key] as XmlNode[]
    const here = key === name ? [{ name: key, attrs: node[':@'] ?? {}, children }] : []
    return [...here, ...elements(children, name)]
  }))
}

function one (t: Test, nodes: XmlNode[], name: string): Element {
  const found = elements(nodes, name)
  t.equal(found.length, 1, `exactly one ${name}`)
  if (found[0] === undefined) throw new Error(`no ${name}`)
  return found[0]
}

function textOf (nodes: XmlNode[]): string {
  return nodes.map((node) => node['#text'] ?? Object.keys(node).filter((k) => k !== ':@').map((k) => textOf(node[k] as XmlNode[])).join('')).join('')
}

/** Rows of the figure's table as the text of their cells. */
function tableRows (nodes: XmlNode[]): string[][] {
  return elements(elements(nodes, 'tbody').flatMap((tbody) => tbody.children), 'tr').map((tr) => tr.children.flatMap((cell) => {
    const key = Object.keys(cell).find((k) => k === 'th' || k === 'td')
    return key === undefined ? [] : [textOf(cell[key] as XmlNode[])]
  }))
}

function accessibleSvg (t: Test, tree: XmlNode[], chart: { titleId: string, descId: string, title: string, desc: string }): Element {
  const svg = one(t, tree, 'svg')
  t.equal(svg.attrs.role, 'img')
  t.equal(svg.attrs['aria-labelledby'], `${chart.titleId} ${chart.descId}`)
  const title = elements(svg.children, 'title')[0]!
  const desc = one(t, svg.children, 'desc')
  t.equal(title.attrs.id, chart.titleId, 'the svg\'s first title is its name')
  t.equal(textOf(title.children), chart.title)
  t.equal(desc.attrs.id, chart.descId)
  t.equal(textOf(desc.children), chart.desc)
  return svg
}

const NASTY = '<script>alert(1)</script> & "Sons" \'Ltd\' `x`=1'

t.test('the bar chart partial: an accessible svg, and a table with every value', async (t) => {
  const chart = barChartOf([...bars, { label: NASTY, score: '12.50', selected: false }], 'Totals <b>round</b> 1', 'totals')
  const html = renderBar({ chart })
  t.notMatch(html, '<script>', 'user text never becomes markup')
  t.notMatch(html, '<b>')
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;')
  const tree = parse(t, html)
  const svg = accessibleSvg(t, tree, chart)
  t.match(textOf(one(t, svg.children, 'desc').children), NASTY, 'the desc names every vendor in full')
  const rects = elements(svg.children, 'rect')
  t.same(rects.map((r) => [r.attrs.width, r.attrs.fill]), chart.bars.map((b) => [String(b.width), b.fill]), 'a rect per bar, in order')
  const texts = elements(svg.children, 'text').map((e) => textOf(e.children))
  for (const bar of chart.bars) t.ok(texts.includes(bar.valueText), `${bar.valueText} drawn`)
  t.same(tableRows(tree), [
    ['Driftwood Security', '85.63', 'yes'],
    ['Acme Audits', '70.00', 'no'],
    ['Zed', '0', 'no'],
    [NASTY, '12.50', 'no']
  ])
  t.equal(textOf(one(t, tree, 'caption').children), 'Totals <b>round</b> 1')
  t.equal(textOf(one(t, tree, 'figcaption').children), 'Totals <b>round</b> 1')
})

t.test('a cut label keeps its whole text in a tooltip', async (t) => {
  const long = 'The Very Long Name of a Security Research Cooperative International Limited'
  const html = renderBar({ chart: barChartOf([{ label: long, score: '50', selected: false }], 'T', 't') })
  const tree = parse(t, html)
  const label = elements(one(t, tree, 'svg').children, 'text').find((e) => textOf(e.children).includes('…'))!
  t.equal(textOf(one(t, label.children, 'title').children), long)
  t.same(tableRows(tree), [[long, '50', 'no']])
})

t.test('the heat map partial: an accessible svg with its hatching, and a table with every value', async (t) => {
  const chart = heatMapOf({ ...heat, criteria: [...heat.criteria.slice(0, 2), { id: 'x', name: NASTY }], rows: [...heat.rows, { label: NASTY, cells: [scale('3'), scale('2', 0, 10), null] }] }, 'means')
  const html = renderHeat({ chart })
  t.notMatch(html, '<script>')
  const tree = parse(t, html)
  const svg = accessibleSvg(t, tree, chart)
  const pattern = one(t, svg.children, 'pattern')
  t.equal(pattern.attrs.id, chart.hatchId)
  const fills = elements(svg.children, 'rect').map((r) => r.attrs.fill)
  t.equal(fills.filter((f) => f === `url(#${chart.hatchId})`).length, 3, 'two hatched cells and the legend\'s swatch')
  for (const row of chart.rows) {
    for (const cell of row.cells) t.ok(fills.includes(cell.fill))
  }
  const headers = elements(one(t, tree, 'thead').children, 'th').map((th) => textOf(th.children))
  t.same(headers, ['Vendor', 'Methodology (1–5)', 'Team', `${NASTY} (1–5)`], 'a column with one scale names it once')
  t.same(tableRows(tree), [
    ['Driftwood Security', '4.33', '5.00 (on 1–5)', '3.50'],
    ['Acme Audits', '2.67', 'not scored (recused or no score)', '1.00'],
    [NASTY, '3', '2 (on 0–10)', 'not scored (recused or no score)']
  ])
})

t.test('two charts on one page have no id in common', async (t) => {
  const html = renderBar({ chart: barChartOf(bars, 'Totals', 'totals') }) + renderHeat({ chart: heatMapOf(heat, 'means') }) + renderHeat({ chart: heatMapOf(heat, 'means-2') })
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])
  t.equal(ids.length, 8)
  t.equal(new Set(ids).size, ids.length)
  for (const ref of html.matchAll(/(?:aria-labelledby="([^"]+)"|url\(#([^)]+)\))/g)) {
    for (const id of (ref[1] ?? ref[2]!).split(' ')) t.ok(ids.includes(id), `${id} is defined`)
  }
})

t.test('drawn text drops characters XML cannot carry; the table keeps the name as given', async (t) => {
  const chart = barChartOf([{ label: 'Bad\u0000Name\u0008 Ltd', score: '50', selected: false }], 'T', 't')
  t.equal(chart.bars[0]!.drawnLabel, 'BadName Ltd')
  const html = renderBar({ chart })
  const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6)
  t.equal(XMLValidator.validate(svg), true, 'the svg stays well-formed')
  t.match(html, '<th scope="row">Bad\u0000Name\u0008 Ltd</th>')
})

t.test('the partials use no triple-stash and no inline style (CSP style-src \'self\')', async (t) => {
  for (const name of ['bar-chart', 'heat-map']) {
    const source = readFileSync(join(templatesDir, 'partials', `${name}.hbs`), 'utf8')
    t.notMatch(source, '{{{', `${name}: every value escaped`)
    t.notMatch(source, /style[=>\s]/, `${name}: no style attribute or element`)
  }
  const html = renderBar({ chart: barChartOf(bars, 'T', 't') }) + renderHeat({ chart: heatMapOf(heat, 'h') })
  t.notMatch(html, /\sstyle=|<style/)
})

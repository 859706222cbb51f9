// Geometry of the decision record's inline SVG charts (DESIGN §5): a bar chart of totals and a heat map of
// criterion means. Numbers only, no markup: templates/partials/bar-chart.hbs and heat-map.hbs draw them.
// Every number is rounded to 2 decimals, so the same figures give the same bytes in the static archive.

/** A colour as #rrggbb. */
export type Hex = string

export interface BarInput {
  label: string
  /** The total as published: a decimal string from 0 to 100, e.g. "85.63". */
  score: string
  selected: boolean
}

export interface DrawnBar {
  /** As given, for the table; `drawnLabel` is what fits beside the bar, `hint` the whole of it for a tooltip. */
  label: string
  drawnLabel: string
  hint: string
  truncated: boolean
  score: string
  selected: boolean
  /** The text drawn after the bar: the score, and "(selected)" so colour is never the only sign. */
  valueText: string
  x: number
  y: number
  width: number
  height: number
  fill: Hex
  labelX: number
  labelY: number
  valueX: number
  valueY: number
}

export interface Tick { value: number, text: string, x: number, y1: number, y2: number, labelY: number }

export interface BarChart {
  title: string
  titleId: string
  descId: string
  /** Read with the title by screen readers: says what is drawn and every value. */
  desc: string
  viewBox: string
  width: number
  height: number
  fontSize: number
  bars: DrawnBar[]
  ticks: Tick[]
  axis: { x1: number, y1: number, x2: number, y2: number, labelX: number, labelY: number, label: string }
}

export interface HeatCellInput {
  /** The value the record uses for this cell: a decimal string on the criterion's scale, e.g. "4.33". */
  mean: string
  lo: number
  hi: number
}

export interface HeatMapInput {
  criteria: Array<{ id: string, name: string }>
  /** One row per vendor; `cells` in the order of `criteria`, null where nobody scored it (recused or missing). */
  rows: Array<{ label: string, cells: Array<HeatCellInput | null> }>
  title: string
}

export interface HeatColumn {
  id: string
  name: string
  drawnName: string
  hint: string
  truncated: boolean
  /** "1–5" when every scored cell of the column has that scale, else null. */
  scale: string | null
  x: number
  y: number
  /** Rotation about (x, y): long criterion names slant up and to the right instead of colliding. */
  transform: string
}

export interface HeatCell {
  scored: boolean
  mean: string | null
  scale: string | null
  x: number
  y: number
  width: number
  height: number
  /** A colour, or url(#…) of the hatching for a cell nobody scored. */
  fill: string
  textFill: Hex
  /** What is printed in the cell: the mean, or a dash for a cell nobody scored. */
  text: string
  textX: number
  textY: number
  /** Vendor, criterion and value in words, for the tooltip. */
  hint: string
  /** The cell in the table: the mean (with its scale when the column's header cannot give one), or why there is none. */
  tableText: string
}

export interface HeatRow {
  label: string
  drawnLabel: string
  hint: string
  truncated: boolean
  labelX: number
  labelY: number
  cells: HeatCell[]
}

export interface HeatLegend {
  lowText: string
  lowX: number
  highText: string
  highX: number
  textY: number
  swatches: Array<{ x: number, y: number, width: number, height: number, fill: Hex }>
  /** An outline round the swatches: the lightest is close to a light page's background. */
  ramp: { x: number, y: number, width: number, height: number }
  /** Shown only when some cell was not scored. */
  notScored: { x: number, y: number, width: number, height: number, fill: string, textX: number, textY: number, text: string } | null
}

export interface HeatMap {
  title: string
  titleId: string
  descId: string
  hatchId: string
  hatch: { background: Hex, line: Hex }
  desc: string
  viewBox: string
  width: number
  height: number
  fontSize: number
  columns: HeatColumn[]
  rows: HeatRow[]
  legend: HeatLegend
  notScoredCount: number
}

export const FONT_SIZE = 14
/** Ticks of the totals' axis. */
export const TICKS = [0, 25, 50, 75, 100] as const
/** Labels wider than this are cut with an ellipsis in the drawing (never in the table or the desc). */
export const LABEL_CAP = 200
export const COLUMN_LABEL_CAP = 160
/** 4 units a point: a bar's length is exactly its score × 4, so a 2-decimal score gives a 2-decimal length. */
export const PLOT_WIDTH = 400
/**
 * Fill of a bar: a blue, and an orange for the selected vendors (a pair told apart with every common colour
 * vision deficiency), both at least 3:1 against Pico's light and dark page backgrounds (WCAG 1.4.11).
 */
export const BAR_FILL = '#3a7bbf'
export const SELECTED_BAR_FILL = '#c2570c'
/**
 * ColorBrewer's 9-class "Blues", light to dark: a single hue whose lightness falls steadily, so "darker is
 * higher" reads the same with any colour vision and in greyscale print.
 */
export const HEAT_PALETTE: readonly Hex[] = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b']
/** The hatching of a cell nobody scored: its colours, and the text colour printed over it. */
export const HATCH_BACKGROUND = '#eeeeee'
export const HATCH_LINE = '#9e9e9e'
const NOT_SCORED_TEXT = '—'
const NOT_SCORED_WORDS = 'not scored (recused or no score)'

const MARGIN = 8
const GAP = 8
const BAR_HEIGHT = 24
const BAR_STEP = 32
const CELL_WIDTH = 60
const CELL_HEIGHT = 32
const CELL_GAP = 2
const SWATCH = 20
/** From the middle of a line of text to its baseline, for text centred on a bar or a cell. */
const BASELINE_SHIFT = Math.round(FONT_SIZE * 0.35)
const SIN45 = Math.SQRT1_2

/** Half up to 2 decimals: deterministic, and short in the markup. */
export function round2 (value: number): number {
  return Math.round(value * 100) / 100 + 0
}

// ---- Text: XML-safe, measured conservatively, cut at a grapheme ----

// XML 1.0 cannot carry these, not even as references: dropped from drawn text so the SVG stays parseable.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
const WIDE = /[\p{Extended_Pictographic}\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u
const NARROW = /^[ il.,:;'!|ijtfrIJ()[\]/\\-]$/u
const BROAD = /^[MWmw@%#&+<=>^~…—Ææ¬±×÷¼½¾©®]$/u
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** Text as it can be drawn: characters XML cannot hold removed, runs of white space made one space. */
export function drawable (text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/\s+/gu, ' ').trim()
}

function graphemes (text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment)
}

// No font metrics on the server: per-class widths at or above those of DejaVu Sans, the widest of the
// common sans-serif faces, so a drawn label may leave a little room but does not overlap its neighbours.
function graphemeWidth (grapheme: string): number {
  if (WIDE.test(grapheme)) return FONT_SIZE * 1.1
  if (NARROW.test(grapheme)) return FONT_SIZE * 0.4
  if (BROAD.test(grapheme)) return FONT_SIZE
  const upper = /^[\p{Lu}\p{Lt}]/u.test(grapheme)
  // Beyond Latin-1 (Latin Extended, Greek, Cyrillic, symbols) letters run wider: Ж, Ш, Ю, щ, ω.
  if (grapheme.codePointAt(0)! > 0xff) return FONT_SIZE * (upper ? 1.1 : 0.9)
  return FONT_SIZE * (upper ? 0.8 : 0.65)
}

/** Estimated width of drawn text at FONT_SIZE, in user units. */
export function textWidth (text: string): number {
  return round2(graphemes(text).reduce((sum, g) => sum + graphemeWidth(g), 0))
}

/** The text if it fits in `width`, else as many whole graphemes as fit followed by an ellipsis. */
export function fitText (text: string, width: number): { text: string, truncated: boolean } {
  const drawn = drawable(text)
  if (textWidth(drawn) <= width) return { text: drawn, truncated: false }
  const room = width - graphemeWidth('…')
  let used = 0
  let kept = ''
  for (const g of graphemes(drawn)) {
    used += graphemeWidth(g)
    if (used > room) break
    kept += g
  }
  return { text: `${kept.trimEnd()}…`, truncated: true }
}

function labelColumnWidth (labels: readonly string[], cap: number): number {
  return round2(Math.min(cap, labels.reduce((widest, l) => Math.max(widest, textWidth(drawable(l))), 0)))
}

// ---- Colour: WCAG 2.x relative luminance and contrast ----

function channels (hex: Hex): [number, number, number] {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) throw new RangeError(`not a #rrggbb colour: ${hex}`)
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

function toLinear (channel: number): number {
  const c = channel / 255
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

function toChannel (linear: number): number {
  const c = linear <= 0.0031308 ? linear * 12.92 : 1.055 * linear ** (1 / 2.4) - 0.055
  return Math.min(255, Math.max(0, Math.round(c * 255)))
}

export function relativeLuminance (hex: Hex): number {
  const [r, g, b] = channels(hex).map(toLinear) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

export function contrastRatio (a: Hex, b: Hex): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/**
 * Black or white, whichever contrasts more with the fill. One of the two always reaches at least 4.58:1
 * (the worst fill has luminance √(0.05 × 1.05) − 0.05), so every printed value meets WCAG AA.
 */
export function textColourOn (fill: Hex): Hex {
  return contrastRatio('#000000', fill) >= contrastRatio('#ffffff', fill) ? '#000000' : '#ffffff'
}

/** The palette's colour at `t` from 0 (light) to 1 (dark), mixed in linear light between its stops. */
export function heatColour (t: number): Hex {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`heat position must be from 0 to 1, not ${t}`)
  const position = t * (HEAT_PALETTE.length - 1)
  const index = Math.min(HEAT_PALETTE.length - 2, Math.floor(position))
  const fraction = position - index
  const from = channels(HEAT_PALETTE[index]!).map(toLinear)
  const to = channels(HEAT_PALETTE[index + 1]!).map(toLinear)
  return '#' + from.map((c, i) => toChannel(c + (to[i]! - c) * fraction).toString(16).padStart(2, '0')).join('')
}

// ---- Shared ----

const ID_PREFIX = /^[A-Za-z][A-Za-z0-9_-]*$/

function checkIdPrefix (idPrefix: string): void {
  // Ids go into url(#…) references and aria-labelledby lists: no spaces, nothing that needs escaping.
  if (!ID_PREFIX.test(idPrefix)) throw new RangeError(`chart id prefix must be a letter then letters, digits, - or _: ${JSON.stringify(idPrefix)}`)
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

// ---- Bar chart of totals ----

/** Hundredths of a 0..100 total given as a decimal string ("85.63" → 8563). */
function hundredthsOf (score: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(score)
  const value = match === null ? NaN : Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (!(value >= 0 && value <= 10000)) throw new RangeError(`a total must be a decimal from 0 to 100 with at most 2 places, not ${JSON.stringify(score)}`)
  return value
}

/**
 * Horizontal bars in the order given (the caller's ranking), labels on the left in a column as wide as the
 * longest label up to LABEL_CAP, the score after each bar, and an axis with ticks at 0, 25, 50, 75 and 100.
 */
export function barChartOf (bars: readonly BarInput[], title: string, idPrefix: string): BarChart {
  checkIdPrefix(idPrefix)
  const labelColumn = labelColumnWidth(bars.map((b) => b.label), LABEL_CAP)
  const plotX = round2(MARGIN + labelColumn + GAP)
  const plotY = MARGIN
  const axisY = plotY + bars.length * BAR_STEP
  const drawn = bars.map((bar, i): DrawnBar => {
    const length = hundredthsOf(bar.score) * PLOT_WIDTH / 10000
    const fitted = fitText(bar.label, labelColumn)
    const y = plotY + i * BAR_STEP + (BAR_STEP - BAR_HEIGHT) / 2
    const middle = y + BAR_HEIGHT / 2
    return {
      label: bar.label,
      drawnLabel: fitted.text,
      hint: drawable(bar.label),
      truncated: fitted.truncated,
      score: bar.score,
      selected: bar.selected,
      valueText: bar.selected ? `${bar.score} (selected)` : bar.score,
      x: plotX,
      y,
      width: round2(length),
      height: BAR_HEIGHT,
      fill: bar.selected ? SELECTED_BAR_FILL : BAR_FILL,
      labelX: round2(plotX - GAP),
      labelY: middle + BASELINE_SHIFT,
      valueX: round2(plotX + length + 6),
      valueY: middle + BASELINE_SHIFT
    }
  })
  const tickLabelY = axisY + FONT_SIZE + 4
  const ticks = TICKS.map((value): Tick => ({ value, text: String(value), x: round2(plotX + value * PLOT_WIDTH / 100), y1: plotY, y2: axisY + 4, labelY: tickLabelY }))
  // The right margin holds the longest value text after a full-length bar, and half of the "100" tick label.
  const valueRoom = drawn.reduce((room, b) => Math.max(room, 6 + textWidth(b.valueText)), textWidth('100') / 2)
  const width = round2(plotX + PLOT_WIDTH + valueRoom + MARGIN)
  const axisLabelY = tickLabelY + FONT_SIZE + 6
  const height = axisLabelY + MARGIN
  const values = bars.map((b) => `${drawable(b.label)} ${b.score}${b.selected ? ' (selected)' : ''}`).join('; ')
  return {
    title: drawable(title),
    titleId: `${idPrefix}-title`,
    descId: `${idPrefix}-desc`,
    desc: bars.length === 0
      ? 'No totals to show.'
      : `Horizontal bar chart of the total score, from 0 to 100, of ${plural(bars.length, 'vendor', 'vendors')}: ${values}.`,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    fontSize: FONT_SIZE,
    bars: drawn,
    ticks,
    axis: { x1: plotX, y1: axisY, x2: round2(plotX + PLOT_WIDTH), y2: axisY, labelX: round2(plotX + PLOT_WIDTH / 2), labelY: axisLabelY, label: 'Total score (0–100)' }
  }
}

// ---- Heat map of criterion means ----

/** Where a mean sits on its scale, 0 at lo and 1 at hi. */
function positionOf (cell: HeatCellInput): number {
  const { mean, lo, hi } = cell
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo >= hi) throw new RangeError(`a scale must be whole numbers running upwards, not ${lo}..${hi}`)
  const value = /^-?\d+(?:\.\d+)?$/.test(mean) ? Number(mean) : NaN
  if (!(value >= lo && value <= hi)) throw new RangeError(`a mean must be a decimal on its scale ${lo}..${hi}, not ${JSON.stringify(mean)}`)
  return (value - lo) / (hi - lo)
}

const scaleText = (lo: number, hi: number): string => `${lo}–${hi}`

function columnScale (rows: HeatMapInput['rows'], column: number): string | null {
  const scales = new Set(rows.flatMap((r) => r.cells[column] ?? []).map((c) => scaleText(c.lo, c.hi)))
  return scales.size === 1 ? [...scales][0]! : null
}

/**
 * A grid of vendors (rows) by criteria (columns). Each cell is shaded by where its mean sits on the
 * criterion's own scale, (mean − lo)/(hi − lo), light for the bottom and dark for the top, and prints the
 * mean in black or white, whichever contrasts more. A cell nobody scored is hatched and printed with a dash.
 */
export function heatMapOf (input: HeatMapInput, idPrefix: string): HeatMap {
  checkIdPrefix(idPrefix)
  const { criteria, rows, title } = input
  for (const row of rows) {
    if (row.cells.length !== criteria.length) throw new RangeError(`row ${JSON.stringify(row.label)} has ${row.cells.length} cells for ${criteria.length} criteria`)
  }
  const hatchId = `${idPrefix}-not-scored`
  const rowLabelColumn = labelColumnWidth(rows.map((r) => r.label), LABEL_CAP)
  const columnLabelWidth = labelColumnWidth(criteria.map((c) => c.name), COLUMN_LABEL_CAP)
  const gridX = round2(MARGIN + rowLabelColumn + GAP)
  // Slanted at 45°, a column label rises by its length (plus its glyphs' height) times sin 45°.
  const gridY = round2(MARGIN + GAP + (columnLabelWidth + FONT_SIZE) * SIN45)
  const columns = criteria.map((criterion, j): HeatColumn => {
    const fitted = fitText(criterion.name, COLUMN_LABEL_CAP)
    const x = round2(gridX + j * CELL_WIDTH + (CELL_WIDTH - CELL_GAP) / 2)
    const y = round2(gridY - GAP)
    return { id: criterion.id, name: criterion.name, drawnName: fitted.text, hint: drawable(criterion.name), truncated: fitted.truncated, scale: columnScale(rows, j), x, y, transform: `rotate(-45 ${x} ${y})` }
  })
  const notScored: string[] = []
  const drawnRows = rows.map((row, i): HeatRow => {
    const y = round2(gridY + i * CELL_HEIGHT)
    const fitted = fitText(row.label, rowLabelColumn)
    const cells = row.cells.map((cell, j): HeatCell => {
      const criterion = criteria[j]!
      const x = round2(gridX + j * CELL_WIDTH)
      const box = { x, y, width: CELL_WIDTH - CELL_GAP, height: CELL_HEIGHT - CELL_GAP, textX: round2(x + (CELL_WIDTH - CELL_GAP) / 2), textY: round2(y + (CELL_HEIGHT - CELL_GAP) / 2 + BASELINE_SHIFT) }
      const where = `${drawable(row.label)}, ${drawable(criterion.name)}`
      if (cell === null) {
        notScored.push(`${drawable(row.label)} on ${drawable(criterion.name)}`)
        return { ...box, scored: false, mean: null, scale: null, fill: `url(#${hatchId})`, textFill: '#000000', text: NOT_SCORED_TEXT, hint: `${where}: ${NOT_SCORED_WORDS}`, tableText: NOT_SCORED_WORDS }
      }
      const fill = heatColour(positionOf(cell))
      const scale = scaleText(cell.lo, cell.hi)
      const tableText = columns[j]!.scale === null ? `${cell.mean} (on ${scale})` : cell.mean
      return { ...box, scored: true, mean: cell.mean, scale, fill, textFill: textColourOn(fill), text: cell.mean, hint: `${where}: ${cell.mean} on ${scale}`, tableText }
    })
    return { label: row.label, drawnLabel: fitted.text, hint: drawable(row.label), truncated: fitted.truncated, labelX: round2(gridX - GAP), labelY: round2(y + (CELL_HEIGHT - CELL_GAP) / 2 + BASELINE_SHIFT), cells }
  })
  const gridBottom = gridY + rows.length * CELL_HEIGHT
  const legend = legendOf(gridX, round2(gridBottom + GAP), notScored.length > 0 ? hatchId : null)
  const gridRight = gridX + criteria.length * CELL_WIDTH
  // The last slanted label runs right of the grid by its length times cos 45°.
  const labelsRight = columns.length === 0 ? 0 : columns[columns.length - 1]!.x + columnLabelWidth * SIN45 + GAP
  const width = round2(Math.max(gridRight, labelsRight, legend.right) + MARGIN)
  const height = round2(legend.bottom + MARGIN)
  const desc = rows.length === 0 || criteria.length === 0
    ? 'No criterion means to show.'
    : `Heat map of the mean score of ${plural(rows.length, 'vendor', 'vendors')} on ${plural(criteria.length, 'criterion', 'criteria')}. ` +
      'Each cell prints the mean and is shaded by where it sits on that criterion\'s scale: light at the bottom of the scale, dark at the top. ' +
      (notScored.length === 0 ? 'Every cell was scored.' : `Not scored (recused or no score), hatched: ${notScored.join('; ')}.`) +
      ' The table with the chart gives every value.'
  return {
    title: drawable(title),
    titleId: `${idPrefix}-title`,
    descId: `${idPrefix}-desc`,
    hatchId,
    hatch: { background: HATCH_BACKGROUND, line: HATCH_LINE },
    desc,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    fontSize: FONT_SIZE,
    columns,
    rows: drawnRows,
    legend: legend.legend,
    notScoredCount: notScored.length
  }
}

/** "low" [9 swatches from the palette] "high", then under them the hatching and its meaning when some cell has it. */
function legendOf (x: number, y: number, hatchId: string | null): { legend: HeatLegend, right: number, bottom: number } {
  const lowText = 'low'
  const highText = 'high on the scale'
  const textY = round2(y + SWATCH / 2 + BASELINE_SHIFT)
  const swatchX = round2(x + textWidth(lowText) + 6)
  const swatches = HEAT_PALETTE.map((_, k) => ({ x: round2(swatchX + k * SWATCH), y, width: SWATCH, height: SWATCH, fill: heatColour(k / (HEAT_PALETTE.length - 1)) }))
  const highX = round2(swatchX + HEAT_PALETTE.length * SWATCH + 6)
  const ramp = { x: swatchX, y, width: HEAT_PALETTE.length * SWATCH, height: SWATCH }
  let right = highX + textWidth(highText)
  let bottom = y + SWATCH
  let notScored: HeatLegend['notScored'] = null
  if (hatchId !== null) {
    // On a line of its own, so the legend is never what makes the drawing wider than the grid.
    const lineY = bottom + 6
    const text = NOT_SCORED_WORDS
    notScored = { x: swatchX, y: lineY, width: SWATCH, height: SWATCH, fill: `url(#${hatchId})`, textX: round2(swatchX + SWATCH + 6), textY: round2(lineY + SWATCH / 2 + BASELINE_SHIFT), text }
    right = Math.max(right, notScored.textX + textWidth(text))
    bottom = lineY + SWATCH
  }
  return { legend: { lowText, lowX: x, highText, highX, textY, swatches, ramp, notScored }, right: round2(right), bottom: round2(bottom) }
}

// The decision page's view: charts and per-criterion tables laid out from the decision document, so the page
// can never show a figure decision.json does not hold.
import type { DecisionRecord } from '../services/public-record.js'
import { barChartOf, heatMapOf } from './charts.js'

/** Laid out once per record document (they are cached until the next audited change), not once per visitor. */
const laidOut = new WeakMap<object, ReturnType<typeof layOut>>()

/**
 * What the decision page shows, from the same document decision.json publishes: the totals chart and the heat map
 * of the deciding round, and per round every evaluator's score on every criterion beside the mean used.
 */
export function decisionPageOf (record: DecisionRecord) {
  const page = laidOut.get(record.document) ?? layOut(record)
  laidOut.set(record.document, page)
  return { ...page, protestWindow: record.protestWindow }
}

function layOut (record: DecisionRecord) {
  const { document } = record
  const rounds = document.rounds.map((round) => {
    const scored = round.criteria.filter((c) => c.kind === 'scored')
    const ranked = round.proposals.filter((p) => p.result !== null)
    return {
      ...round,
      scored,
      gates: round.criteria.filter((c) => c.kind === 'gate'),
      priceCriterion: round.criteria.find((c) => c.kind === 'price') ?? null,
      totals: barChartOf(ranked.map((p) => ({ label: p.label, score: p.result!.score, selected: document.selected.includes(p.label) })),
        `${round.name}: total scores out of 100`, `totals-${round.id}`),
      heatMap: heatMapOf({
        title: `${round.name}: the value used per criterion (mean of the evaluators' scores, or the consensus)`,
        criteria: scored.map((c) => ({ id: c.id, name: c.name })),
        rows: round.proposals.filter((p) => p.cells.length > 0).map((p) => ({
          label: p.label,
          cells: scored.map((c) => {
            const used = p.cells.find((x) => x.criterion === c.id)?.used ?? null
            return used === null ? null : { mean: used, lo: c.lo, hi: c.hi }
          })
        }))
      }, `heat-${round.id}`),
      proposals: round.proposals.map((p) => ({
        ...p,
        criteria: scored.map((c) => {
          const cell = p.cells.find((x) => x.criterion === c.id)
          return {
            name: c.name,
            scores: round.evaluators.map((e) => ({
              evaluator: e,
              recused: p.recusedEvaluators.includes(e),
              score: p.scores.find((s) => s.evaluator === e && s.criterion === c.id)?.score ?? null
            })),
            mean: cell?.mean ?? null,
            consensus: p.consensus.find((x) => x.criterion === c.id) ?? null,
            flagged: cell?.flagged ?? false
          }
        })
      }))
    }
  })
  return { rfp: record.rfp, document, timeline: record.timeline, rounds, deciding: rounds.at(-1) }
}

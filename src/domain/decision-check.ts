// Recomputes a published decision.json (format shortlist-decision/1) from what it holds alone: each round's
// standings by the method of DESIGN §4, and each sealed score sheet against its hash and the scores listed.
// What `shortlist verify decision FILE` runs, and what the verify page tells the public to run.
import { createHash } from 'node:crypto'
import { UNRANKED_STATUSES } from './decision-record.js'
import { computeResults, computeRobustness, type ScoringInput } from './scoring.js'

interface DocScore { evaluator: string, criterion: string, score: number }
interface DocProposal {
  label: string
  receipt: string | null
  status: string
  scores: DocScore[]
  consensus: Array<{ criterion: string, score: number }>
  price: string | null
  gates: Array<{ criterion: string, passed: boolean }>
  recusedEvaluators: string[]
  result: { score: string, rank: number } | null
}
interface DocRound {
  id: string
  criteria: Array<{ id: string, kind: 'scored' | 'price' | 'gate', weight: string, lo: number, hi: number }>
  evaluators: string[]
  consensusTolerance?: number
  proposals: DocProposal[]
  robustness?: { leaders?: string[] }
  sheets?: Array<{ evaluator: string, sealedAs: string, hash: string, sheet: string }>
}
export interface DecisionFile { format: string, rfp: { slug: string }, nearTieMargin: string, rounds: DocRound[] }

export interface DecisionCheck {
  /** Proposals whose score and rank were recomputed and matched, over all rounds. */
  results: number
  /** Sealed sheets whose hash and scores matched. */
  sheets: number
  problems: string[]
}

/** The scoring input a round of the file stands for: labels play the part of ids. */
export function scoringInputOf (round: DocRound, nearTieMargin: string): ScoringInput {
  return {
    criteria: round.criteria.map((c) => ({ id: c.id, kind: c.kind, weight: c.weight, lo: c.lo, hi: c.hi })),
    proposals: round.proposals.map((p) => ({ id: p.label, excluded: UNRANKED_STATUSES.includes(p.status), price: p.price, gates: p.gates })),
    evaluators: round.evaluators,
    scores: round.proposals.flatMap((p) => p.scores.map((s) => ({ evaluator: s.evaluator, proposal: p.label, criterion: s.criterion, score: s.score }))),
    consensus: round.proposals.flatMap((p) => p.consensus.map((c) => ({ proposal: p.label, criterion: c.criterion, score: c.score }))),
    recusals: round.proposals.flatMap((p) => p.recusedEvaluators.map((e) => ({ evaluator: e, proposal: p.label }))),
    nearTieMargin,
    consensusTolerance: round.consensusTolerance ?? 0
  }
}

const key = (s: { evaluator?: string, proposal: string, criterion: string, score: number }): string => `${s.proposal}|${s.criterion}|${s.score}`

export function checkDecisionFile (file: DecisionFile): DecisionCheck {
  const problems: string[] = []
  let results = 0
  let sheets = 0
  if (file.format !== 'shortlist-decision/1') problems.push(`unknown format "${String(file.format)}"`)
  for (const round of file.rounds) {
    const where = `round ${round.id}`
    const input = scoringInputOf(round, file.nearTieMargin)
    let computed
    try {
      computed = computeResults(input)
    } catch (error) {
      problems.push(`${where}: the scores cannot be computed: ${(error as Error).message}`)
      continue
    }
    const byLabel = new Map(computed.proposals.map((p) => [p.proposal, p]))
    for (const p of round.proposals) {
      const mine = byLabel.get(p.label)
      const recomputed = mine?.ranked === true ? `${mine.scoreText!} (rank ${mine.rank!})` : 'not ranked'
      const published = p.result === null ? 'not ranked' : `${p.result.score} (rank ${p.result.rank})`
      if (recomputed === published) results++
      else problems.push(`${where}, ${p.label}: published ${published}, recomputed ${recomputed}`)
    }
    const leaders = round.robustness?.leaders
    if (leaders !== undefined) {
      const again = computeRobustness(input).leaders
      if ([...again].sort().join('|') !== [...leaders].sort().join('|')) problems.push(`${where}: the robustness figures name ${leaders.join(', ')} as leaders, the recomputation ${again.join(', ')}`)
    }
    // Every evaluator whose scores the file lists sealed a sheet when the round closed: one missing is a gap.
    for (const evaluator of new Set(round.proposals.flatMap((p) => p.scores.map((s) => s.evaluator)))) {
      if (!(round.sheets ?? []).some((s) => s.evaluator === evaluator)) problems.push(`${where}: the file lists scores of ${evaluator} but no sealed sheet of theirs`)
    }
    const labelOfReceipt = new Map(round.proposals.filter((p) => p.receipt !== null).map((p) => [p.receipt!, p.label]))
    for (const sealed of round.sheets ?? []) {
      const hash = createHash('sha256').update(sealed.sheet, 'utf8').digest('hex')
      if (hash !== sealed.hash) {
        problems.push(`${where}, the sheet of ${sealed.evaluator}: its SHA-256 is ${hash}, not the published ${sealed.hash}`)
        continue
      }
      let sheet: { rfp?: string, round?: number, evaluator?: string, scores?: Array<{ proposal: string, criterion: string, score: number }> }
      try {
        sheet = JSON.parse(sealed.sheet)
      } catch {
        problems.push(`${where}, the sheet of ${sealed.evaluator}: not JSON`)
        continue
      }
      const inSheet = (sheet.scores ?? []).map((s) => key({ ...s, proposal: labelOfReceipt.get(s.proposal) ?? `receipt ${s.proposal}` })).sort()
      const listed = round.proposals.flatMap((p) => p.scores.filter((s) => s.evaluator === sealed.evaluator).map((s) => key({ ...s, proposal: p.label }))).sort()
      if (sheet.rfp !== file.rfp.slug || String(sheet.round) !== round.id || sheet.evaluator !== sealed.sealedAs) {
        problems.push(`${where}, the sheet of ${sealed.evaluator}: it is sealed for ${String(sheet.rfp)} round ${String(sheet.round)} as ${String(sheet.evaluator)}`)
      } else if (inSheet.join(',') !== listed.join(',')) {
        problems.push(`${where}, the sheet of ${sealed.evaluator}: its scores are not the ones the file lists for that evaluator`)
      } else {
        sheets++
      }
    }
  }
  return { results, sheets, problems }
}

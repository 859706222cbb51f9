// The public decision record (DESIGN §5) as the `shortlist-decision/1` file: everything an outsider needs to
// recompute the published results to the digit, and to check each sealed score sheet against the hash the
// audit log published when scoring closed. Pure: the service gathers the rows, this lays them out.
import { compareIds } from './scoring-math.js'
import type { Results, Robustness, ScoringInput } from './scoring.js'
import { vendorLabel } from './evaluation.js'

export const DECISION_FORMAT = 'shortlist-decision/1'

/** The method in words, so the file explains itself to someone who has never seen Shortlist (DESIGN §4). */
export const METHOD = {
  score: '100 × Σ_c w_c × v(p,c), with weights normalised to sum 1; v = (mean − lo) / (hi − lo) for a scored criterion, lowest price / price for the price criterion',
  mean: 'the mean of the scores of the evaluators who scored the proposal on the criterion (recused evaluators are absent); a consensus score, where recorded, replaces the mean',
  gates: 'a proposal that fails a pass/fail criterion is non-responsive and not ranked',
  arithmetic: 'exact rational arithmetic until the final rounding to 2 decimals, half away from zero',
  ranking: 'by score, highest first; equal exact scores share a rank (1, 1, 3); scores within the near-tie margin are flagged',
  sheets: 'each sheet is the RFC 8785 canonical JSON sealed when its round closed; its SHA-256 is the hash published in the scoring.closed audit event'
} as const

/** A proposal as the record knows it: its receipt, its organisation's name and whether the record may use it. */
export interface RecordProposal {
  id: string
  receipt: string
  name: string
  /** Selected, or its vendor agreed to be named: otherwise it is "Vendor A", "Vendor B"… */
  named: boolean
  /** The final status after the decision. */
  status: string
  /** The committee's reason where it was not ranked (disqualified, non-responsive); null otherwise. */
  statusReason: string | null
}

export interface RecordCriterion { id: string, name: string, kind: 'scored' | 'price' | 'gate' }

export interface SealedSheet { evaluator: string, label: string, hash: string, sheet: string }

export interface RecordRound {
  number: number
  name: string
  criteria: RecordCriterion[]
  input: ScoringInput
  results: Results
  robustness: Robustness
  prices: ReadonlyMap<string, { amount: string, currency: string }>
  /** The reason recorded with each consensus score, by `proposal|criterion`. */
  consensusReasons: ReadonlyMap<string, string>
  sheets: SealedSheet[]
}

export interface RecordProtest {
  receipt: string
  filedAt: string
  grounds: string | null
  resolution: string | null
  response: string | null
  respondedAt: string | null
}

export interface DecisionRecordInput {
  rfp: { slug: string, title: string, ocid: string }
  proposals: RecordProposal[]
  /** Evaluators who agreed to be named, by user id: their names replace "Evaluator n" on the record. */
  evaluatorNames: ReadonlyMap<string, string>
  rounds: RecordRound[]
  selected: string[]
  rationale: string
  decidedAt: string
  vendors: { invited: number | null, registered: number, submitted: number, withdrawn: number }
  protests: RecordProtest[]
}

/**
 * Whether the public record (the page, decision.json, OCDS, protests) names a bidder once the decision is
 * recorded: the selected always, the others only when they agreed on their debrief.
 */
export function isNamedOnRecord (status: string, mayBeNamed: boolean): boolean {
  return status === 'selected' || mayBeNamed
}

/**
 * The names the record uses for proposals: the vendor's own where it was selected or agreed, else "Vendor A",
 * "Vendor B"… lettered in the order of receipt hashes — an order that says nothing of rank or of who bid first.
 * A letter an organisation took as its own name is skipped: no two proposals may share a label.
 */
export function recordVendorLabels (proposals: readonly RecordProposal[]): Map<string, string> {
  const labels = new Map<string, string>()
  const taken = new Set(proposals.filter((p) => p.named).map((p) => p.name))
  let next = 0
  for (const p of proposals.filter((p) => !p.named).sort((a, b) => compareIds(a.receipt, b.receipt))) {
    while (taken.has(vendorLabel(next))) next++
    labels.set(p.id, vendorLabel(next++))
  }
  for (const p of proposals) if (p.named) labels.set(p.id, p.name)
  return labels
}

/**
 * The name the record uses for an evaluator: the one sealed with their sheets, or their own where they agreed —
 * with the sealed label beside it when two named evaluators share a name or a name reads like another's label,
 * since labels are what scores are listed and recomputed by.
 */
function evaluatorLabelOf (round: RecordRound, names: ReadonlyMap<string, string>): (userId: string) => string {
  const sealed = new Map(round.sheets.map((s) => [s.evaluator, s.label]))
  const named = [...sealed.keys()].map((id) => names.get(id)).filter((name): name is string => name !== undefined)
  const ambiguous = (name: string): boolean => named.filter((n) => n === name).length > 1 || /^Evaluator \d+$/.test(name)
  return (userId) => {
    const label = sealed.get(userId) ?? 'Evaluator'
    const name = names.get(userId)
    if (name === undefined) return label
    return ambiguous(name) ? `${name} (${label})` : name
  }
}

/** Statuses that keep a proposal listed but never ranked (see round-scoring.ts). */
export const UNRANKED_STATUSES: readonly string[] = ['withdrawn', 'disqualified']

const wentOn = (proposal: { id: string } | undefined, next: RecordRound | undefined): boolean =>
  proposal !== undefined && next?.input.proposals.some((p) => p.id === proposal.id) === true

/**
 * The status a proposal shows in a round: shortlisted where it went on to the next round — whatever happened to
 * it there, a round's figures stay those the shortlist was made from — else its final one.
 */
function roundStatus (proposal: RecordProposal, next: RecordRound | undefined): string {
  return wentOn(proposal, next) ? 'shortlisted' : proposal.status
}

/**
 * Why a proposal has its status in a round, where there is more to say: the committee's own words for a
 * disqualification, the method's for a failed gate, "not shortlisted for round 2" for one ranked but not taken on.
 */
function statusReasonOf (proposal: RecordProposal | undefined, result: { ranked: boolean, reason: { message: string } | null } | undefined, next: RecordRound | undefined): string | null {
  if (wentOn(proposal, next)) return null
  if (proposal?.status === 'disqualified' && proposal.statusReason !== null) return proposal.statusReason
  if (result?.ranked === true) return proposal?.status === 'selected' ? null : proposal?.statusReason ?? null
  return result?.reason?.message ?? proposal?.statusReason ?? null
}

export function decisionDocument (input: DecisionRecordInput) {
  const vendor = recordVendorLabels(input.proposals)
  const byId = new Map(input.proposals.map((p) => [p.id, p]))
  const label = (id: string): string => vendor.get(id) ?? 'Vendor'
  const last = input.rounds.at(-1)
  const rounds = input.rounds.map((round, index) => {
    const evaluator = evaluatorLabelOf(round, input.evaluatorNames)
    const next = input.rounds[index + 1]
    const results = new Map(round.results.proposals.map((p) => [p.proposal, p]))
    const byLabel = (a: { evaluator: string, criterion: string }, b: { evaluator: string, criterion: string }): number =>
      a.evaluator.localeCompare(b.evaluator, 'en', { numeric: true }) || compareIds(a.criterion, b.criterion)
    const proposals = round.input.proposals.map((p) => {
      const proposal = byId.get(p.id)
      const result = results.get(p.id)
      const price = round.prices.get(p.id)
      return {
        label: label(p.id),
        receipt: proposal?.receipt ?? null,
        status: proposal === undefined ? 'submitted' : roundStatus(proposal, next),
        statusReason: statusReasonOf(proposal, result, next),
        scores: round.input.scores.filter((s) => s.proposal === p.id).map((s) => ({ evaluator: evaluator(s.evaluator), criterion: s.criterion, score: s.score })).sort(byLabel),
        consensus: round.input.consensus.filter((c) => c.proposal === p.id)
          .map((c) => ({ criterion: c.criterion, score: c.score, reason: round.consensusReasons.get(`${c.proposal}|${c.criterion}`) ?? '' }))
          .sort((a, b) => compareIds(a.criterion, b.criterion)),
        price: price?.amount ?? null,
        currency: price?.currency ?? null,
        gates: p.gates.map((g) => ({ criterion: g.criterion, passed: g.passed })).sort((a, b) => compareIds(a.criterion, b.criterion)),
        recusedEvaluators: (result?.recused ?? []).map(evaluator).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
        /** Per scored criterion: the mean of the scores that count and the value used (the consensus where recorded). */
        cells: (result?.cells ?? []).map((c) => ({ criterion: c.criterion, mean: c.meanText, used: c.usedText, range: c.range, standardDeviation: c.standardDeviation, flagged: c.flagged })),
        result: result?.ranked === true ? { score: result.scoreText!, rank: result.rank! } : null,
        nearTie: result?.nearTie ?? false,
        tie: result?.tie ?? false
      }
    }).sort((a, b) => (a.result?.rank ?? Infinity) - (b.result?.rank ?? Infinity) || a.label.localeCompare(b.label, 'en', { numeric: true }))
    return {
      id: String(round.number),
      name: round.name,
      criteria: round.criteria.map((c) => {
        const method = round.input.criteria.find((x) => x.id === c.id)!
        return { id: c.id, name: c.name, kind: c.kind, weight: method.weight, lo: method.lo, hi: method.hi }
      }),
      evaluators: round.input.evaluators.map(evaluator).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      consensusTolerance: round.input.consensusTolerance,
      proposals,
      rawTotalComparable: round.results.rawTotalComparable,
      kendallW: round.results.kendallW.text,
      robustness: robustnessDocument(round.robustness, label, evaluator),
      sheets: round.sheets.map((s) => ({ evaluator: evaluator(s.evaluator), sealedAs: s.label, hash: s.hash, sheet: s.sheet }))
        .sort((a, b) => a.sealedAs.localeCompare(b.sealedAs, 'en', { numeric: true }))
    }
  })
  return {
    format: DECISION_FORMAT,
    rfp: input.rfp,
    method: METHOD,
    nearTieMargin: last?.input.nearTieMargin ?? '0',
    decidedAt: input.decidedAt,
    roundsUsed: input.rounds.length,
    vendors: input.vendors,
    rounds,
    robustness: rounds.at(-1)?.robustness ?? {},
    selected: input.selected.map(label).sort((a, b) => a.localeCompare(b, 'en')),
    rationale: input.rationale,
    protests: input.protests.map((p) => ({ ...p, vendor: labelOfReceipt(input.proposals, vendor, p.receipt) }))
  }
}

export type DecisionDocument = ReturnType<typeof decisionDocument>

function labelOfReceipt (proposals: readonly RecordProposal[], labels: ReadonlyMap<string, string>, receipt: string): string {
  const found = proposals.find((p) => p.receipt === receipt)
  return found === undefined ? 'a bidder' : labels.get(found.id) ?? 'a bidder'
}

/** The robustness figures with proposals and evaluators by their record labels and every number as text. */
function robustnessDocument (robustness: Robustness, vendor: (id: string) => string, evaluator: (id: string) => string) {
  const { weightSensitivity: sensitivity, zScores } = robustness
  const change = (c: NonNullable<typeof sensitivity.smallest>) => ({
    criterion: c.criterion,
    challenger: vendor(c.challenger),
    direction: c.direction,
    weight: c.weight.toFixed(4),
    newWeight: c.newWeightText,
    shareBefore: c.shareBefore,
    shareAfter: c.shareAfter,
    shareChange: c.shareChangeText
  })
  return {
    leaders: robustness.leaders.map(vendor),
    leaveOneOut: robustness.leaveOneOut.map((l) => ({
      evaluator: evaluator(l.evaluator),
      leaders: l.leaders.map(vendor),
      leaderChanged: l.leaderChanged,
      ranking: l.ranking.map((r) => ({ proposal: vendor(r.proposal), score: r.scoreText, rank: r.rank }))
    })),
    zScores: {
      decimals: zScores.decimals,
      priceIncluded: zScores.priceIncluded,
      leaders: zScores.leaders.map(vendor),
      leaderChanged: zScores.leaderChanged,
      ranking: zScores.ranking.map((z) => ({ proposal: vendor(z.proposal), z: z.zText, rank: z.rank }))
    },
    weightSensitivity: {
      winner: sensitivity.winner === null ? null : vendor(sensitivity.winner),
      topTied: sensitivity.topTied,
      message: sensitivity.message,
      smallest: sensitivity.smallest === null ? null : change(sensitivity.smallest),
      criteria: sensitivity.criteria.map((c) => ({ criterion: c.criterion, change: c.change === null ? null : change(c.change) }))
    }
  }
}

// How the exact scoring method grows with the round: computeResults and computeRobustness on generated rounds
// (seeded), from 25 to 200 proposals and 10 to 30 evaluators, as medians of several runs; and one computation
// expressed in requests to a plain Fastify route measured with autocannon in the same run.
// Run: node --import tsx bench/scoring-scale.ts [-- --runs 7 --seconds 5 --connections 10 --seed 8]
// Traffic goes to 127.0.0.1 only and stops by itself.
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { computeResults, computeRobustness, type Score, type ScoringCriterion, type ScoringInput } from '../src/domain/scoring.js'
import { benchArgs } from './cli-args.js'

const { values } = parseArgs({
  args: benchArgs(),
  options: {
    runs: { type: 'string', default: '7' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    seed: { type: 'string', default: '8' }
  }
})
const runs = Math.max(1, Math.min(50, Number(values.runs)))
const duration = Math.max(1, Math.min(60, Number(values.seconds)))
const connections = Math.max(1, Math.min(50, Number(values.connections)))
const seed = Number(values.seed)

/** mulberry32: the same rounds on every machine for one seed. */
function generator (start: number): () => number {
  let state = start >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n: number): string => String(n).padStart(3, '0')

/**
 * `criteria` weighted criteria (one of them price, the rest scored 1..5 with weights like "12.5"), one gate, every
 * evaluator scoring every proposal on a personal bias, three evaluators with a few recusals each (so the raw
 * sum is withheld and Kendall's W runs over the others), a consensus on one cell in twenty, and 2 % of the
 * proposals failing the gate.
 */
function round (proposalCount: number, evaluatorCount: number, criteriaCount: number): ScoringInput {
  const random = generator(seed * 1_000_003 + proposalCount * 1009 + evaluatorCount * 31 + criteriaCount)
  const pick = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))
  const criteria: ScoringCriterion[] = Array.from({ length: criteriaCount - 1 }, (_, i) => ({ id: `c${pad(i)}`, kind: 'scored' as const, weight: `${pick(1, 20)}.${pick(0, 1) * 5}`, lo: 1, hi: 5 }))
  criteria.push({ id: 'price', kind: 'price', weight: '20', lo: 0, hi: 1 }, { id: 'open-report', kind: 'gate', weight: '0', lo: 0, hi: 1 })
  const proposals = Array.from({ length: proposalCount }, (_, i) => ({
    id: `p${pad(i)}`,
    excluded: false,
    price: `${pick(20_000, 120_000)}.${String(pick(0, 99)).padStart(2, '0')}`,
    gates: [{ criterion: 'open-report', passed: random() > 0.02 }]
  }))
  const evaluators = Array.from({ length: evaluatorCount }, (_, i) => `e${pad(i)}`)
  const recusals = evaluators.slice(0, 3).flatMap((evaluator) => Array.from({ length: 3 }, () => ({ evaluator, proposal: `p${pad(pick(0, proposalCount - 1))}` })))
  const quality = proposals.map(() => random() * 4)
  const bias = evaluators.map(() => random() - 0.5)
  const scores: Score[] = []
  const consensus: ScoringInput['consensus'] = []
  for (const [p, proposal] of proposals.entries()) {
    for (const criterion of criteria.filter((c) => c.kind === 'scored')) {
      for (const [e, evaluator] of evaluators.entries()) {
        if (recusals.some((r) => r.evaluator === evaluator && r.proposal === proposal.id)) continue
        const score = Math.round(1 + (quality[p] as number) + (bias[e] as number) + random() * 2 - 1)
        scores.push({ evaluator, proposal: proposal.id, criterion: criterion.id, score: Math.min(5, Math.max(1, score)) })
      }
      if (random() < 0.05) consensus.push({ proposal: proposal.id, criterion: criterion.id, score: pick(1, 5) })
    }
  }
  return { criteria, proposals, evaluators, scores, consensus, recusals, nearTieMargin: '1', consensusTolerance: 2 }
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

interface Timing { label: string, results: number, robustness: number, total: number, cpu: number }

const cpuMs = (): number => { const { user, system } = process.cpuUsage(); return (user + system) / 1000 }

function time (proposals: number, evaluators: number, criteria: number): Timing {
  const input = round(proposals, evaluators, criteria)
  computeResults(input)
  computeRobustness(input)
  const results: number[] = []
  const robustness: number[] = []
  const totals: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const cpuStart = cpuMs()
    const start = performance.now()
    computeResults(input)
    const middle = performance.now()
    computeRobustness(input)
    const end = performance.now()
    cpu.push(cpuMs() - cpuStart)
    results.push(middle - start)
    robustness.push(end - middle)
    totals.push(end - start)
  }
  return { label: `${proposals} × ${evaluators} × ${criteria}`, results: median(results), robustness: median(robustness), total: median(totals), cpu: median(cpu) }
}

async function plainRate (): Promise<number> {
  const plain = Fastify()
  plain.get('/bench/plain', async (_request, reply) => await reply.type('text/html').send('<!doctype html><title>plain</title><p>hello</p>'))
  await plain.listen({ host: '127.0.0.1', port: 0 })
  try {
    const { port } = plain.server.address() as { port: number }
    const result = await autocannon({ url: `http://127.0.0.1:${port}/bench/plain`, duration, connections })
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) throw new Error(`plain route: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
    return result.requests.average
  } finally {
    await plain.close()
  }
}

const series: Array<{ title: string, sizes: Array<[number, number, number]> }> = [
  { title: 'proposals grow (30 evaluators, 12 criteria)', sizes: [[25, 30, 12], [50, 30, 12], [100, 30, 12], [200, 30, 12]] },
  { title: 'evaluators grow (200 proposals, 12 criteria)', sizes: [[200, 10, 12], [200, 20, 12], [200, 30, 12]] }
]

const loadBefore = loadavg()[0] as number

// Untimed rounds first, so that the smallest size does not pay for the JIT's tiers.
for (let i = 0; i < 5; i++) {
  const warm = round(50, 30, 12)
  computeResults(warm)
  computeRobustness(warm)
}

// The plain route before and after the computations, in the same run, so that the ratio survives a busy machine.
const before = await plainRate()
const tables = series.map(({ title, sizes }) => ({ title, timings: sizes.map(([p, e, c]) => time(p, e, c)) }))
const after = await plainRate()
const rate = (before + after) / 2

// Wall time counts waiting for the CPU on a busy machine; CPU time does not, so both are shown.
console.log(`node ${process.version}; ${availableParallelism()} CPUs, load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] as number).toFixed(1)} after`)
console.log(`median of ${runs} runs; 12 criteria = 11 scored + price, plus a gate`)
console.log(`plain Fastify GET /bench/plain: ${before.toFixed(0)} req/s before, ${after.toFixed(0)} after (${duration} s × ${connections} connections each)`)
let largest: Timing | undefined
for (const { title, timings } of tables) {
  console.log(`\n${title}`)
  console.log(`${'proposals × evaluators × criteria'.padEnd(34)}${'results ms'.padStart(11)}${'robustness ms'.padStart(15)}${'total ms'.padStart(10)}${'CPU ms'.padStart(9)}${'CPU × prev.'.padStart(13)}${'plain requests'.padStart(16)}`)
  let previous: Timing | undefined
  for (const timing of timings) {
    // Growth from CPU time: on a busy machine the wall time mostly measures the wait for a CPU.
    const ratio = previous === undefined ? '' : (timing.cpu / previous.cpu).toFixed(2)
    // One computation (results + robustness) in requests the plain route answers in the same time.
    const equivalent = timing.total / 1000 * rate
    console.log(`${timing.label.padEnd(34)}${timing.results.toFixed(1).padStart(11)}${timing.robustness.toFixed(1).padStart(15)}${timing.total.toFixed(1).padStart(10)}${timing.cpu.toFixed(1).padStart(9)}${ratio.padStart(13)}${equivalent.toFixed(0).padStart(16)}`)
    previous = timing
    largest = timing
  }
}
if (largest !== undefined) {
  console.log(`\n${largest.label}: results alone ${largest.results.toFixed(0)} ms = ${(largest.results / 1000 * rate).toFixed(0)} plain requests; ` +
    `results + robustness ${largest.total.toFixed(0)} ms = ${(largest.total / 1000 * rate).toFixed(0)} plain requests (ratio ${(1000 / largest.total / rate).toFixed(6)})`)
}

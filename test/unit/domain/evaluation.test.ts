// The committee's inputs and the record they leave (DESIGN §3.3, §5): the problems of a score sheet (a draft may be
// partial; a submitted sheet has a score on the scale and a comment for every scored criterion), the sealed sheet
// and its hash, the evaluator labels given in the order of attestation, and the vendor labels of the public record.
import { createHash } from 'node:crypto'
import t from 'tap'
import { securityAuditRfp } from '../../../src/demo/security-audit-rfp.js'
import { canonicalJson } from '../../../src/domain/canonical-json.js'
import { evaluatorLabels, scaleOf, scoreSheet, scoredCriteria, sheetProblems, vendorLabel, type ScoreSheetInput, type SheetScore } from '../../../src/domain/evaluation.js'
import { withDefaults, type Criterion, type RfpDocument } from '../../../src/domain/rfp-document.js'

const criteria: Criterion[] = [
  { id: 'approach', name: 'Approach', description: '', kind: 'scored', weight: '40' }, // the default scale, 1..5
  { id: 'team-2', name: 'Team', description: '', kind: 'scored', weight: '60', lo: 0, hi: 10 }
]
const cell = (criterion: string, score: number | null, comment = `on ${criterion}`) => ({ criterion, score, comment })
const sheet = (cells: ScoreSheetInput['cells'], submit: boolean): ScoreSheetInput => ({ cells, submit })

t.test('a complete sheet has no problems, as a draft or submitted', async (t) => {
  const full = [cell('approach', 3), cell('team-2', 7)]
  t.same(sheetProblems(criteria, sheet(full, false)), [])
  t.same(sheetProblems(criteria, sheet(full, true)), [])
  t.same(sheetProblems(criteria, sheet([...full].reverse(), true)), [], 'in any order')
  t.same(sheetProblems(criteria, sheet([cell('approach', 1), cell('team-2', 0)], true)), [], 'the lowest point of each scale')
  t.same(sheetProblems(criteria, sheet([cell('approach', 5), cell('team-2', 10)], true)), [], 'the highest')
})

t.test('a draft may be partial: empty cells, missing cells, scores without comments, comments without scores', async (t) => {
  t.same(sheetProblems(criteria, sheet([], false)), [], 'nothing yet')
  t.same(sheetProblems(criteria, sheet([cell('approach', 2, '')], false)), [], 'one score, no comment')
  t.same(sheetProblems(criteria, sheet([cell('team-2', null, 'still reading the CVs')], false)), [], 'a comment, no score')
  t.same(sheetProblems(criteria, sheet([cell('approach', null, ''), cell('team-2', null, '')], false)), [], 'both cells empty')
})

t.test('submitting needs every score and every comment, and says which', async (t) => {
  t.same(sheetProblems(criteria, sheet([cell('approach', 3)], true)), [
    { path: 'scores.team-2', message: 'give a score for "Team" before submitting' }
  ], 'a criterion left out')
  t.same(sheetProblems(criteria, sheet([], true)), [
    { path: 'scores.approach', message: 'give a score for "Approach" before submitting' },
    { path: 'scores.team-2', message: 'give a score for "Team" before submitting' }
  ], 'nothing at all')
  t.same(sheetProblems(criteria, sheet([cell('approach', null), cell('team-2', 4)], true)), [
    { path: 'scores.approach', message: 'give a score for "Approach" before submitting' }
  ], 'a cell with a comment and no score')
  t.same(sheetProblems(criteria, sheet([cell('approach', 3, ''), cell('team-2', 4, ' \n\t ')], true)), [
    { path: 'comments.approach', message: 'give a comment for "Approach" before submitting' },
    { path: 'comments.team-2', message: 'give a comment for "Team" before submitting' }
  ], 'empty and blank comments')
  t.same(sheetProblems(criteria, sheet([cell('approach', null, ''), cell('team-2', 4)], true)), [
    { path: 'scores.approach', message: 'give a score for "Approach" before submitting' },
    { path: 'comments.approach', message: 'give a comment for "Approach" before submitting' }
  ], 'neither score nor comment')
})

t.test('a score off the criterion\'s scale is refused, draft or not', async (t) => {
  for (const submit of [false, true]) {
    t.same(sheetProblems(criteria, sheet([cell('approach', 0), cell('team-2', 7)], submit)), [{ path: 'scores.approach', message: 'must be a whole number from 1 to 5' }], `below the default scale, submit ${submit}`)
    t.same(sheetProblems(criteria, sheet([cell('approach', 6), cell('team-2', 7)], submit)), [{ path: 'scores.approach', message: 'must be a whole number from 1 to 5' }], `above it, submit ${submit}`)
    t.same(sheetProblems(criteria, sheet([cell('approach', 3), cell('team-2', 11)], submit)), [{ path: 'scores.team-2', message: 'must be a whole number from 0 to 10' }], `above a scale of its own, submit ${submit}`)
    t.same(sheetProblems(criteria, sheet([cell('approach', 3), cell('team-2', -1)], submit)), [{ path: 'scores.team-2', message: 'must be a whole number from 0 to 10' }], `below it, submit ${submit}`)
  }
})

t.test('an unknown or repeated criterion is refused by its place in the sheet', async (t) => {
  t.same(sheetProblems(criteria, sheet([cell('approach', 3), cell('team-2', 7), cell('price', 4)], false)), [
    { path: 'cells.2.criterion', message: 'is not a scored criterion of this round: price' }
  ])
  t.same(sheetProblems(criteria, sheet([cell('approach', 3), cell('approach', 4), cell('team-2', 7)], false)), [
    { path: 'cells.1.criterion', message: 'repeats approach' }
  ], 'a repeat, even with another score')
  t.same(sheetProblems(criteria, sheet([cell('approach', 3), cell('team-2', 7), cell('team-2', 7)], true)), [
    { path: 'cells.2.criterion', message: 'repeats team-2' }
  ], 'an identical repeat on submit')
  // An unknown criterion is not checked against any scale, and does not stand in for a missing one.
  t.same(sheetProblems(criteria, sheet([cell('approach', 3), cell('nope', 999)], true)), [
    { path: 'cells.1.criterion', message: 'is not a scored criterion of this round: nope' },
    { path: 'scores.team-2', message: 'give a score for "Team" before submitting' }
  ])
})

t.test('the criteria an evaluator scores: the round\'s scored ones, never its gates or price', async (t) => {
  const demo = withDefaults(securityAuditRfp(new Date('2026-12-01T09:00:00.000Z')))
  const twoRounds: RfpDocument = {
    ...demo,
    rounds: [
      { ...demo.rounds[0]!, criteria: [...demo.rounds[0]!.criteria, { id: 'price', name: 'Price', description: '', kind: 'price', weight: '20' }] },
      { name: 'Interviews', criteria: [{ id: 'interview', name: 'Interview', description: '', kind: 'scored', weight: '1', lo: 0, hi: 3 }] }
    ]
  }
  t.same(scoredCriteria(twoRounds, 1).map((c) => c.id), ['understanding', 'methodology', 'team', 'reports', 'value'], 'round 1 without the gate and the price')
  t.same(scoredCriteria(twoRounds, 2).map((c) => c.id), ['interview'])
  t.same(scoredCriteria(twoRounds, 3), [], 'a round the RFP does not have')
  t.same(scoredCriteria(twoRounds, 0), [])
  t.same(scaleOf(scoredCriteria(twoRounds, 2)[0]!), { lo: 0, hi: 3 })
  t.same(scaleOf({ id: 'x', name: 'X', description: '', kind: 'scored', weight: '1' }), { lo: 1, hi: 5 }, 'the default scale')
  // A gate named in a sheet is unknown to it.
  t.same(sheetProblems(scoredCriteria(twoRounds, 1), sheet([cell('open-report', 1)], false)), [{ path: 'cells.0.criterion', message: 'is not a scored criterion of this round: open-report' }])
})

const HASH_A = 'a'.repeat(64)
const HASH_B = 'b'.repeat(64)
const scores: SheetScore[] = [
  { proposal: HASH_B, criterion: 'team', score: 2 },
  { proposal: HASH_A, criterion: 'team', score: 4 },
  { proposal: HASH_A, criterion: 'approach-2', score: 5 },
  { proposal: HASH_B, criterion: 'approach-10', score: 1 },
  { proposal: HASH_A, criterion: 'approach-10', score: 3 }
]
const base = { rfp: 'an-rfp', round: 1, evaluator: 'Evaluator 2', salt: '00112233445566778899aabbccddeeff', scores }

t.test('a sealed score sheet: its canonical JSON, and the hash is SHA-256 of exactly that JSON', async (t) => {
  const { json, hash } = scoreSheet(base)
  t.equal(hash, createHash('sha256').update(json, 'utf8').digest('hex'))
  t.match(hash, /^[0-9a-f]{64}$/)
  // RFC 8785: keys sorted, no spaces; the scores by receipt hash, then criterion.
  t.equal(json, '{"evaluator":"Evaluator 2","format":"shortlist.score-sheet/1","rfp":"an-rfp","round":1,"salt":"00112233445566778899aabbccddeeff","scores":[' +
    `{"criterion":"approach-10","proposal":"${HASH_A}","score":3},` +
    `{"criterion":"approach-2","proposal":"${HASH_A}","score":5},` +
    `{"criterion":"team","proposal":"${HASH_A}","score":4},` +
    `{"criterion":"approach-10","proposal":"${HASH_B}","score":1},` +
    `{"criterion":"team","proposal":"${HASH_B}","score":2}]}`)
  t.equal(json, canonicalJson(JSON.parse(json)), 'it is its own canonical form')
  t.same(base.scores, scores, 'the input is left in its order')
})

t.test('the order the scores come in does not change the sheet or its hash', async (t) => {
  const expected = scoreSheet(base)
  const orders = [
    [...scores].reverse(),
    [scores[2]!, scores[4]!, scores[0]!, scores[3]!, scores[1]!],
    [scores[4]!, scores[3]!, scores[2]!, scores[1]!, scores[0]!],
    [...scores].sort((a, b) => a.score - b.score)
  ]
  for (const [i, order] of orders.entries()) t.same(scoreSheet({ ...base, scores: order }), expected, `order ${i + 1}`)
})

t.test('the salt, the RFP, the round, the label and every score change the hash', async (t) => {
  const { hash } = scoreSheet(base)
  const changed = [
    scoreSheet({ ...base, salt: 'ffeeddccbbaa99887766554433221100' }),
    scoreSheet({ ...base, salt: '00112233445566778899aabbccddeefe' }),
    scoreSheet({ ...base, rfp: 'another-rfp' }),
    scoreSheet({ ...base, round: 2 }),
    scoreSheet({ ...base, evaluator: 'Evaluator 1' }),
    scoreSheet({ ...base, scores: scores.map((s, i) => i === 0 ? { ...s, score: 3 } : s) }),
    scoreSheet({ ...base, scores: scores.slice(1) })
  ].map((s) => s.hash)
  t.equal(new Set([hash, ...changed]).size, changed.length + 1, 'all different')
  t.not(scoreSheet({ ...base, salt: 'ffeeddccbbaa99887766554433221100' }).json, scoreSheet(base).json)
})

t.test('evaluator labels follow the order of attestation, not of ids', async (t) => {
  const labels = evaluatorLabels(['user-c', 'user-a', 'user-b'])
  t.same([...labels], [['user-c', 'Evaluator 1'], ['user-a', 'Evaluator 2'], ['user-b', 'Evaluator 3']])
  t.same([...evaluatorLabels([])], [])
  // A later attestation gets the next label; those given before stay.
  t.same([...evaluatorLabels(['user-c', 'user-a', 'user-b', 'user-0'])].slice(0, 3), [...labels])
})

t.test('labels a closed round published are kept; newcomers are numbered after the highest', async (t) => {
  // Evaluator 1 left after round 1; user-b attested before user-d joined, and now user-e attests before both.
  const published = new Map([['user-a', 'Evaluator 1'], ['user-b', 'Evaluator 2']])
  t.same([...evaluatorLabels(['user-e', 'user-b', 'user-d'], published)], [
    ['user-a', 'Evaluator 1'], ['user-b', 'Evaluator 2'], ['user-e', 'Evaluator 3'], ['user-d', 'Evaluator 4']
  ], 'no label is given twice, and none changes')
})

t.test('vendor labels: A to Z, then AA, and on as spreadsheet columns do', async (t) => {
  const cases: Array<[number, string]> = [[0, 'A'], [1, 'B'], [25, 'Z'], [26, 'AA'], [27, 'AB'], [51, 'AZ'], [52, 'BA'], [701, 'ZZ'], [702, 'AAA'], [703, 'AAB'], [18277, 'ZZZ'], [18278, 'AAAA']]
  for (const [index, label] of cases) t.equal(vendorLabel(index), `Vendor ${label}`, String(index))
  const first = Array.from({ length: 800 }, (_, i) => vendorLabel(i))
  t.equal(new Set(first).size, 800, 'no two alike')
})

// A leaf of the public transparency log (DESIGN §3.5): exactly the RFC 8785 bytes of { at, data, seq, type }, its
// data's SHA-256 in place of the data once the entry would pass the 65 535 bytes an entry bundle holds, and the
// origin its checkpoints are signed under. Expected texts are written out by hand, never by the code under test.
import { createHash } from 'node:crypto'
import t from 'tap'
import { MAX_ENTRY_SIZE } from '../../../src/domain/tlog-tiles.js'
import { logEntry, logOrigin, type PublicEvent } from '../../../src/domain/transparency-log.js'

const AT = '2026-12-01T09:00:00.000Z'
const text = (entry: Uint8Array): string => Buffer.from(entry).toString('utf8')
const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex')

t.test('an entry is the canonical JSON of { at, data, seq, type }: keys sorted, numbers and strings as RFC 8785 writes them', async (t) => {
  // Stored data is canonical already; this text is not, so the entry cannot just be pasted together from it.
  const dataText = '{ "z": 1, "a": "\\"quote\\" \\\\ back</script>\\u0007\\n/", "num": 4.50, "big": 1E30, "tiny": 2e-3,' +
    ' "é": "café €😀", "nested": { "b": [1, { "d": true, "c": null }], "a": -0 } }'
  const event: PublicEvent = { seq: 16, at: AT, type: 'rfp.question.answered', dataText }
  // Quote and backslash escaped, a control character as \u00XX in lowercase hex, "/" and "<" left alone,
  // non-ASCII as raw UTF-8; 4.50 → 4.5, 1E30 → 1e+30, 2e-3 → 0.002, -0 → 0.
  const expected = String.raw`{"at":"2026-12-01T09:00:00.000Z","data":{"a":"\"quote\" \\ back</script>\u0007\n/","big":1e+30,` +
    String.raw`"nested":{"a":0,"b":[1,{"c":null,"d":true}]},"num":4.5,"tiny":0.002,"z":1,"é":"café €😀"},"seq":16,"type":"rfp.question.answered"}`
  const entry = logEntry(event)
  t.ok(entry instanceof Uint8Array)
  t.equal(text(entry), expected)
  t.ok(Buffer.from(entry).equals(Buffer.from(expected, 'utf8')), 'UTF-8, byte for byte')
  t.equal(entry.length, expected.length + 1 + 1 + 2 + 2, 'each é takes a byte more than its UTF-16 unit, € 2 more, the emoji (two units) 2 more')
})

t.test('data keys sort by UTF-16 code units, as RFC 8785 §3.2.3 shows', async (t) => {
  const data = Object.fromEntries([
    ['\u20ac', 'Euro Sign'],
    ['\r', 'Carriage Return'],
    ['\ufb33', 'Hebrew Letter Dalet With Dagesh'],
    ['1', 'One'],
    ['\ud83d\ude00', 'Emoji: Grinning Face'],
    ['\u0080', 'Control'],
    ['\u00f6', 'Latin Small Letter O With Diaeresis']
  ])
  // The RFC's own expected order: U+1F600 (D83D DE00) sorts before U+FB33, which code point order would not do.
  const expected = '{"at":"2026-12-01T09:00:00.000Z","data":{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
    '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face",' +
    '"\ufb33":"Hebrew Letter Dalet With Dagesh"},"seq":3,"type":"t"}'
  t.equal(text(logEntry({ seq: 3, at: AT, type: 't', dataText: JSON.stringify(data) })), expected)
})

t.test('the same event gives the same bytes, and each field is in them', async (t) => {
  const event: PublicEvent = { seq: 28, at: AT, type: 'rfp.opened', dataText: '{"slug":"x"}' }
  t.same(logEntry(event), logEntry({ ...event }))
  t.equal(text(logEntry(event)), '{"at":"2026-12-01T09:00:00.000Z","data":{"slug":"x"},"seq":28,"type":"rfp.opened"}')
  t.not(text(logEntry({ ...event, seq: 29 })), text(logEntry(event)))
  t.not(text(logEntry({ ...event, at: '2026-12-01T09:00:00.001Z' })), text(logEntry(event)))
  t.not(text(logEntry({ ...event, type: 'rfp.decided' })), text(logEntry(event)))
  t.not(text(logEntry({ ...event, dataText: '{"slug":"y"}' })), text(logEntry(event)))
})

// The bytes of an entry around an `answer` string of n bytes as JCS writes it: these two literals, and the answer.
const HEAD = '{"at":"2026-12-01T09:00:00.000Z","data":{"answer":"'
const TAIL = '"},"seq":7,"type":"rfp.question.answered"}'
const OVERHEAD = HEAD.length + TAIL.length
const answered = (answer: string): PublicEvent => ({ seq: 7, at: AT, type: 'rfp.question.answered', dataText: JSON.stringify({ answer }) })
const hashed = (dataText: string): string => `{"at":"2026-12-01T09:00:00.000Z","dataSha256":"${sha256(dataText)}","seq":7,"type":"rfp.question.answered"}`

t.test('an entry of exactly 65 535 bytes is logged whole; one byte more and the data is replaced by its SHA-256', async (t) => {
  t.equal(MAX_ENTRY_SIZE, 65535)
  // Fillers of a given byte count as canonical JSON: ASCII, 4-byte UTF-8 (two UTF-16 units each), and a control
  // character JCS escapes into 6 bytes, so that a length in characters, or of the raw data, would miss the mark.
  // Each also says how long the data looks to a count that is not of canonical UTF-8 bytes.
  const fillers: Array<[string, (bytes: number) => string, (fits: PublicEvent, whole: Uint8Array) => number]> = [
    ['ASCII', (bytes) => 'x'.repeat(bytes), (_fits, whole) => whole.length],
    ['emoji', (bytes) => '😀'.repeat(Math.floor(bytes / 4)) + 'x'.repeat(bytes % 4), (_fits, whole) => text(whole).length],
    ['escaped control characters', (bytes) => '\u0001'.repeat(Math.floor(bytes / 6)) + 'x'.repeat(bytes % 6), (fits) => OVERHEAD + (JSON.parse(fits.dataText) as { answer: string }).answer.length]
  ]
  for (const [name, filler, naiveLength] of fillers) {
    const fits = answered(filler(MAX_ENTRY_SIZE - OVERHEAD))
    const whole = logEntry(fits)
    t.equal(whole.length, MAX_ENTRY_SIZE, `${name}: the whole entry at the limit`)
    if (name !== 'ASCII') t.ok(naiveLength(fits, whole) < 40000, `${name}: far below the limit to a count of characters`)
    t.equal(text(whole), HEAD + JSON.stringify(JSON.parse(fits.dataText).answer).slice(1, -1) + TAIL, `${name}: with its data`)
    t.ok(text(whole).includes('"data":'), name)

    const over = answered(filler(MAX_ENTRY_SIZE - OVERHEAD + 1))
    const short = logEntry(over)
    t.equal(text(short), hashed(over.dataText), `${name}: one byte over, the data's hash instead`)
    t.notOk(text(short).includes('"data":'), name)
    t.ok(short.length < 200)
  }
})

t.test('dataSha256 is the SHA-256 of the data\'s canonical JSON: recomputable from the event\'s data, however it was written', async (t) => {
  const answer = 'é'.repeat(40000)
  const asWritten = JSON.stringify({ note: 'n', answer })
  // Keys out of order and spaces: the hash is still that of the canonical text ({"answer":…,"note":"n"}).
  const event: PublicEvent = { seq: 9, at: AT, type: 'rfp.question.answered', dataText: `{ "note": "n", "answer": ${JSON.stringify(answer)} }` }
  const entry = JSON.parse(text(logEntry(event))) as Record<string, unknown>
  t.same(Object.keys(entry), ['at', 'dataSha256', 'seq', 'type'])
  t.equal(entry.dataSha256, sha256(`{"answer":"${answer}","note":"n"}`))
  t.not(entry.dataSha256, sha256(asWritten), 'not the hash of the text as it came')
})

t.test('logOrigin: the configured origin, else the public URL without its scheme, port kept, trailing slashes dropped', async (t) => {
  t.equal(logOrigin('', 'https://shortlist.example.org'), 'shortlist.example.org')
  t.equal(logOrigin('', 'https://shortlist.example.org/'), 'shortlist.example.org')
  t.equal(logOrigin('', 'http://localhost:3000'), 'localhost:3000')
  t.equal(logOrigin('', 'https://example.org/shortlist'), 'example.org/shortlist')
  t.equal(logOrigin('', 'https://example.org/procurement/shortlist//'), 'example.org/procurement/shortlist')
  t.equal(logOrigin('', 'https://Example.ORG:8443/Log/'), 'example.org:8443/Log', 'the host as the URL parser gives it; the path\'s case kept')
  t.equal(logOrigin('shortlist.example.org/log', 'https://elsewhere.example'), 'shortlist.example.org/log', 'a configured origin wins')
  t.equal(logOrigin('example.org/<log>&"x"', 'https://example.org'), 'example.org/<log>&"x"', 'taken as it is')
})

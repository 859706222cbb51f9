// Receipts (DESIGN §3.2): the manifest of a submission and its hash, the SHA-256 of the manifest's RFC 8785
// canonical JSON, recomputed here independently so a vendor's own tools would get the same figure.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import t from 'tap'
import type { JsonValue } from '../../../src/domain/canonical-json.js'
import { RECEIPT_FORMAT, RECEIPT_HASH_PATTERN, receiptHash, receiptManifest, type ReceiptInput } from '../../../src/domain/receipt.js'

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

const input: ReceiptInput = {
  rfp: { id: '0b6f3c1e-7a52-4a43-9d1f-3f0c2b7d9e10', slug: 'driftwood-security-audit-2027', version: 2 },
  vendor: { id: '5d3a7c2e-1f4b-4e8a-9c6d-2b1a0f9e8d7c', name: 'Alpha Audits — Zoë & Co.' },
  proposal: { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', version: 3 },
  submittedAt: '2026-12-10T16:59:59.999Z',
  contentSha256: sha('content'),
  priceSha256: null,
  files: [
    { part: 'plan', size: 123456, sha256: sha('plan') },
    { part: 'other', size: 0, sha256: sha('') }
  ],
  partners: ['7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098']
}

/** An independent hash: the `canonicalize` package and node:crypto, nothing of the project. */
const independentHash = (value: JsonValue): string => createHash('sha256').update(canonicalize(value)!, 'utf8').digest('hex')

t.test('the manifest holds exactly the submission\'s facts, in the documented shape', async (t) => {
  const manifest = receiptManifest(input)
  t.same(manifest, {
    format: 'shortlist.receipt/1',
    rfp: input.rfp,
    vendor: input.vendor,
    proposal: input.proposal,
    submittedAt: '2026-12-10T16:59:59.999Z',
    content: { sha256: sha('content') },
    price: null,
    files: [{ part: 'plan', size: 123456, sha256: sha('plan') }, { part: 'other', size: 0, sha256: sha('') }],
    partners: ['7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098']
  })
  t.strictSame(Object.keys(manifest).sort(), ['content', 'files', 'format', 'partners', 'price', 'proposal', 'rfp', 'submittedAt', 'vendor'], 'no other field')
  t.equal(RECEIPT_FORMAT, 'shortlist.receipt/1')
  t.same(receiptManifest({ ...input, priceSha256: sha('price') }).price, { sha256: sha('price') }, 'a price envelope is recorded by its hash')
  t.same(receiptManifest({ ...input, files: [], partners: [] }).files, [], 'no files: an empty list, not a missing field')
})

t.test('the manifest is a copy: changing the input afterwards does not change it', async (t) => {
  const files = input.files.map((file) => ({ ...file }))
  const partners = [...input.partners]
  const mutable: ReceiptInput = { ...input, rfp: { ...input.rfp }, files, partners }
  const manifest = receiptManifest(mutable)
  const before = receiptHash(manifest)
  mutable.rfp.version = 99
  files[0]!.size = 1
  partners.push('another')
  t.equal(receiptHash(manifest), before)
  t.equal(receiptHash(manifest), receiptHash(receiptManifest(input)))
})

t.test('the hash is the SHA-256 of the RFC 8785 canonical JSON', async (t) => {
  const manifest = receiptManifest(input)
  const hash = receiptHash(manifest)
  t.match(hash, RECEIPT_HASH_PATTERN)
  t.equal(hash, independentHash(manifest), 'as the canonicalize package and node:crypto compute it')
  // Written out by hand from RFC 8785: keys sorted by UTF-16 code unit, no white space, UTF-8 as is.
  const small = receiptManifest({ ...input, vendor: { id: 'v', name: 'Zoë ✓' }, rfp: { id: 'r', slug: 's', version: 1 }, proposal: { id: 'p', version: 1 }, contentSha256: 'c', files: [{ part: 'plan', size: 10, sha256: 'f' }], partners: [] })
  const jcs = '{"content":{"sha256":"c"},"files":[{"part":"plan","sha256":"f","size":10}],"format":"shortlist.receipt/1","partners":[],"price":null,' +
    '"proposal":{"id":"p","version":1},"rfp":{"id":"r","slug":"s","version":1},"submittedAt":"2026-12-10T16:59:59.999Z","vendor":{"id":"v","name":"Zoë ✓"}}'
  t.equal(canonicalize(small), jcs, 'the canonical text')
  t.equal(receiptHash(small), sha(jcs))
})

t.test('key order does not change the hash', async (t) => {
  const manifest = receiptManifest(input)
  const reversed = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(reversed)
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversed(inner)]))
  }
  const reordered = reversed(manifest)
  t.not(JSON.stringify(reordered), JSON.stringify(manifest), 'the plain JSON differs')
  t.equal(receiptHash(reordered), receiptHash(manifest))
})

t.test('any change of any field changes the hash', async (t) => {
  const base = receiptHash(receiptManifest(input))
  const changes: [string, Partial<ReceiptInput>][] = [
    ['rfp id', { rfp: { ...input.rfp, id: '1b6f3c1e-7a52-4a43-9d1f-3f0c2b7d9e10' } }],
    ['rfp slug', { rfp: { ...input.rfp, slug: 'another' } }],
    ['rfp version', { rfp: { ...input.rfp, version: 3 } }],
    ['vendor id', { vendor: { ...input.vendor, id: '6d3a7c2e-1f4b-4e8a-9c6d-2b1a0f9e8d7c' } }],
    ['vendor name', { vendor: { ...input.vendor, name: 'Alpha Audits' } }],
    ['proposal id', { proposal: { ...input.proposal, id: '8a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' } }],
    ['proposal version', { proposal: { ...input.proposal, version: 4 } }],
    ['server time, by a millisecond', { submittedAt: '2026-12-10T16:59:59.998Z' }],
    ['content hash', { contentSha256: sha('content!') }],
    ['a price envelope', { priceSha256: sha('price') }],
    ['a file\'s part', { files: [{ ...input.files[0]!, part: 'cvs' }, input.files[1]!] }],
    ['a file\'s size', { files: [{ ...input.files[0]!, size: 123457 }, input.files[1]!] }],
    ['a file\'s hash', { files: [{ ...input.files[0]!, sha256: sha('plan!') }, input.files[1]!] }],
    ['the order of the files', { files: [input.files[1]!, input.files[0]!] }],
    ['a file dropped', { files: [input.files[0]!] }],
    ['a partner dropped', { partners: [] }],
    ['a partner added', { partners: [...input.partners, '8e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098'] }]
  ]
  const seen = new Set([base])
  for (const [name, change] of changes) {
    const hash = receiptHash(receiptManifest({ ...input, ...change }))
    t.not(hash, base, name)
    t.notOk(seen.has(hash), `${name}: a hash of its own`)
    seen.add(hash)
  }
  t.not(receiptHash({ ...receiptManifest(input), format: 'shortlist.receipt/2' }), base, 'the format')
  t.not(receiptHash({ ...receiptManifest(input), extra: true }), base, 'a field added')
})

t.test('a known vector, pinned', async (t) => {
  // Computed once with the canonicalize package and node:crypto; a change means receipts already handed to
  // vendors would no longer verify.
  const manifest = receiptManifest(input)
  t.equal(receiptHash(manifest), '022ec61c15718a74e06408b8b3a9f146543b41d2a42f4ef9abd772bc18ba34e3')
  t.equal(independentHash(manifest), '022ec61c15718a74e06408b8b3a9f146543b41d2a42f4ef9abd772bc18ba34e3')
})

t.test('RECEIPT_HASH_PATTERN accepts lowercase SHA-256 hex only', async (t) => {
  t.ok(RECEIPT_HASH_PATTERN.test('a'.repeat(64)))
  t.notOk(RECEIPT_HASH_PATTERN.test('A'.repeat(64)), 'uppercase')
  t.notOk(RECEIPT_HASH_PATTERN.test('a'.repeat(63)), 'short')
  t.notOk(RECEIPT_HASH_PATTERN.test('a'.repeat(65)), 'long')
  t.notOk(RECEIPT_HASH_PATTERN.test(`${'a'.repeat(64)}\n`), 'a trailing line break')
})

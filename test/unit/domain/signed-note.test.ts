import { createHash, generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { leafHash } from '../../../src/domain/merkle.js'
import {
  checkpointText, ed25519PrivateKeyFromSeed, ed25519PublicKeyBytes, isValidKeyName, keyHash, NoteError, openCheckpoint,
  openNote, parseCheckpoint, parseSignerKey, parseVerifierKey, signNote, verifierKey, type NoteVerifier
} from '../../../src/domain/signed-note.js'

// golang.org/x/mod/sumdb/note, note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestVerifierList, TestOpen).
const peterKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'
const enochKey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop'
const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
const peterSig = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n'
const enochSig = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n'

const peter = parseVerifierKey(peterKey)
const enoch = parseVerifierKey(enochKey)

t.test('the Go verifier keys are read, and written back byte for byte', async (t) => {
  t.equal(peter.name, 'PeterNeumann')
  t.equal(peter.keyHash, 0xc74f20a3)
  t.equal(peter.publicKey.length, 32)
  t.equal(enoch.keyHash, 0xaf0cfe78)
  t.equal(verifierKey(peter.name, peter.publicKey), peterKey)
  t.equal(verifierKey(enoch.name, enoch.publicKey), enochKey)
  t.equal(keyHash('PeterNeumann', peter.publicKey), 0xc74f20a3)
})

t.test('the key ID is SHA-256(name ‖ "\\n" ‖ 0x01 ‖ key)[:4], big-endian', async (t) => {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = ed25519PublicKeyBytes(publicKey)
  const expected = createHash('sha256').update('example.com/log42\n').update(Uint8Array.of(1)).update(raw).digest().subarray(0, 4).toString('hex')
  t.equal(keyHash('example.com/log42', raw).toString(16).padStart(8, '0'), expected)
  t.equal(verifierKey('example.com/log42', raw), `example.com/log42+${expected}+${Buffer.concat([Uint8Array.of(1), raw]).toString('base64')}`)
})

t.test('every mangling of a verifier key is refused (the manglings of TestNewVerifier)', async (t) => {
  let accepted = 0
  let tried = 0
  const attempt = (key: string): void => {
    tried++
    try {
      parseVerifierKey(key)
      accepted++
      t.fail(`accepted ${key}`)
    } catch (error) {
      if (!(error instanceof NoteError)) throw error
    }
  }
  for (let i = 0; i <= peterKey.length; i++) {
    for (let j = i + 1; j <= peterKey.length; j++) if (i !== 0 || j !== peterKey.length) attempt(peterKey.slice(i, j))
  }
  for (let i = 0; i < peterKey.length; i++) attempt(peterKey.slice(0, i) + String.fromCharCode(peterKey.charCodeAt(i) + 1) + peterKey.slice(i + 1))
  t.equal(accepted, 0)
  t.ok(tried > 2000)
  t.throws(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='), NoteError, 'wrong length key')
  t.throws(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), { message: /unknown signature type 0x65/ })
  t.throws(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), { message: /does not match/ })
  t.throws(() => parseVerifierKey('PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), { message: /lowercase hex/ })
})

t.test('the Go signer key gives the same public key, and signing is byte-exact (TestSign)', async (t) => {
  const signer = parseSignerKey(peterSkey)
  t.equal(signer.name, 'PeterNeumann')
  t.equal(signer.keyHash, 0xc74f20a3)
  t.same(ed25519PublicKeyBytes(signer.privateKey), peter.publicKey)
  t.equal(signNote(text, 'PeterNeumann', signer.privateKey), `${text}\n${peterSig}`)
  // The same key from its raw seed.
  const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1)
  t.equal(signNote(text, 'PeterNeumann', ed25519PrivateKeyFromSeed(seed)), `${text}\n${peterSig}`)
  t.throws(() => parseSignerKey(peterSkey.replace('c74f20a3', 'c74f20a4')), { message: /does not match/ })
  t.throws(() => parseSignerKey(peterSkey.replace('PRIVATE', 'PUBLIC')), NoteError)
  t.throws(() => parseSignerKey(peterSkey.slice(0, -4)), NoteError)
})

t.test('the Go notes open (TestOpen): known keys verified, unknown ones listed', async (t) => {
  const both = text + '\n' + peterSig + enochSig
  const one = openNote(both, [peter])
  t.equal(one.text, text)
  t.same(one.signatures, [
    { name: 'PeterNeumann', keyHash: 0xc74f20a3, known: true, verified: true },
    { name: 'EnochRoot', keyHash: 0xaf0cfe78, known: false, verified: false }
  ])
  t.equal(one.verified, true)
  const two = openNote(both, [enoch, peter])
  t.same(two.signatures.map((s) => s.verified), [true, true])
  t.equal(two.verified, true)
  const none = openNote(both, [])
  t.same(none.signatures.map((s) => s.known), [false, false])
  t.equal(none.verified, false, 'no known key: the note is not verified')
  t.equal(openNote(Buffer.from(both, 'utf8'), [peter]).verified, true, 'from bytes as well')
})

t.test('a note signed by one key does not verify with another', async (t) => {
  const opened = openNote(text + '\n' + peterSig, [enoch])
  t.same(opened.signatures, [{ name: 'PeterNeumann', keyHash: 0xc74f20a3, known: false, verified: false }])
  t.equal(opened.verified, false)
  // The same name with another key has another key ID: unknown, not a failure (signed-note: MUST ignore).
  const { publicKey } = generateKeyPairSync('ed25519')
  const impostor = parseVerifierKey(verifierKey('PeterNeumann', ed25519PublicKeyBytes(publicKey)))
  t.equal(openNote(text + '\n' + peterSig, [impostor]).verified, false)
  // A verifier claiming Peter's name and key ID with Enoch's key: known, and the signature fails.
  const forged: NoteVerifier = { name: 'PeterNeumann', keyHash: 0xc74f20a3, publicKey: enoch.publicKey }
  t.same(openNote(text + '\n' + peterSig, [forged]).signatures, [{ name: 'PeterNeumann', keyHash: 0xc74f20a3, known: true, verified: false }])
})

t.test('a tampered text or signature fails', async (t) => {
  const changed = openNote(text.replace('answer', 'ANSWER') + '\n' + peterSig, [peter])
  t.same(changed.signatures.map((s) => [s.known, s.verified]), [[true, false]])
  t.equal(changed.verified, false)
  // TestOpen's invalid signature: four characters inserted into the base64.
  const garbled = openNote(text + '\n' + peterSig.slice(0, 60) + 'ABCD' + peterSig.slice(60), [peter])
  t.equal(garbled.verified, false)
  // A good signature beside a bad one from a known key: the spec says reject the note.
  const enochSigner = openNote(text + '\n' + peterSig + enochSig.slice(0, 60) + 'ABCD' + enochSig.slice(60), [peter, enoch])
  t.same(enochSigner.signatures.map((s) => s.verified), [true, false])
  t.equal(enochSigner.verified, false)
})

t.test('malformed notes are refused, each with its reason', async (t) => {
  const cases: Array<[string | Uint8Array, RegExp]> = [
    [text, /no blank line/],
    [text + '\n', /no signatures/],
    [text + '\n' + peterSig.slice(0, -1), /does not end with a newline/],
    ['\x01' + text + '\n' + peterSig, /control character/],
    ['a\tb\n\n' + peterSig, /control character/],
    [Buffer.concat([Buffer.from([0xff]), Buffer.from(text + '\n' + peterSig)]), /not UTF-8/],
    [text + '\n' + '— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n', /no base64/],
    [text + '\n' + peterSig + 'Unexpected line.\n', /signature line 2 does not start with an em dash/],
    [text + '\n' + peterSig.replace('— ', '- '), /em dash/],
    [text + '\n' + peterSig.replace('— PeterNeumann ', '— PeterNeumann'), /no valid key name/],
    [text + '\n' + '— PeterNeumann\n', /no valid key name/],
    [text + '\n' + '— PeterNeumann x08go/ZJ!uBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n', /no base64/],
    [text + '\n' + '— PeterNeumann x08g\n', /no base64 key ID and signature/],
    [text + '\n' + peterSig.replace('AM=', 'AN='), /no base64/],
    [text + '\n' + peterSig.repeat(101), /more than 100 signatures/],
    ['\uD800' + text + '\n' + peterSig, /not well-formed Unicode/]
  ]
  for (const [note, message] of cases) t.throws(() => openNote(note, [peter]), { name: 'NoteError', message }, String(message))
  t.equal(openNote(text + '\n' + peterSig.repeat(100), [peter]).signatures.length, 100, '100 signatures are accepted')
})

t.test('texts with blank lines and non-ASCII round-trip; the c2sp.org/signed-note example parses', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const verifier = parseVerifierKey(verifierKey('example.com/poems', ed25519PublicKeyBytes(publicKey)))
  const poem = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n'
  const note = signNote(poem, 'example.com/poems', privateKey)
  t.same(openNote(note, [verifier]), { text: poem, signatures: [{ name: 'example.com/poems', keyHash: verifier.keyHash, known: true, verified: true }], verified: true })
  const ending = signNote('a\n\n', 'example.com/poems', privateKey)
  t.equal(openNote(ending, [verifier]).text, 'a\n\n', 'a text that ends in a blank line')
  const example = poem + '\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n'
  const opened = openNote(example, [verifier])
  t.equal(opened.text, poem)
  t.match(opened.signatures, [{ name: 'quasimodo.example/salvatore', known: false }])
})

t.test('signing refuses what the spec does not allow', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  t.throws(() => signNote('no newline', 'a', privateKey), { message: /end with a newline/ })
  t.throws(() => signNote('tab\there\n', 'a', privateKey), { message: /control character/ })
  t.throws(() => signNote('\uDC00\n', 'a', privateKey), { message: /well-formed/ })
  for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u3000b', 'a\nb']) t.throws(() => signNote('x\n', name, privateKey), { message: /key name/ }, JSON.stringify(name))
  t.throws(() => signNote('x\n', 'a', publicKey), { message: /private key/ })
  t.throws(() => signNote('x\n', 'a', generateKeyPairSync('x25519').privateKey), { message: /not an Ed25519 key/ })
  t.ok(isValidKeyName('example.com/log42'))
  t.ok(isValidKeyName('ünïcödé'))
  t.notOk(isValidKeyName('a\u2003b'))
})

// --- Checkpoints (c2sp.org/tlog-checkpoint). -------------------------------------------------------------------------

// golang.org/x/mod/sumdb/tlog note_test.go TestFormatTree: the same three lines under the sumdb's origin.
const goTree = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'

t.test('checkpoint text is origin, size and base64 root hash, line by line', async (t) => {
  t.equal(checkpointText({ origin: 'go.sum database tree', size: 123456789012, rootHash: leafHash(Buffer.from('hello world')) }), goTree)
  const parsed = parseCheckpoint(goTree)
  t.same(parsed, { origin: 'go.sum database tree', size: 123456789012, rootHash: Uint8Array.from(leafHash(Buffer.from('hello world'))), extensions: [] })
  const withExtensions = checkpointText({ ...parsed, extensions: ['one', 'two'] })
  t.equal(withExtensions, goTree + 'one\ntwo\n')
  t.same(parseCheckpoint(withExtensions).extensions, ['one', 'two'])
  t.equal(checkpointText({ origin: 'example.com/log', size: 0, rootHash: new Uint8Array(32) }), 'example.com/log\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n')
  // The example of c2sp.org/tlog-checkpoint.
  const example = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'
  t.match(parseCheckpoint(example), { origin: 'example.com/behind-the-sofa', size: 20852163, extensions: [] })
  const signed = example + '\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n'
  t.equal(openNote(signed, []).text, example)
})

t.test('malformed checkpoints are refused', async (t) => {
  const root = 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0='
  const cases: Array<[string, RegExp]> = [
    [`go.sum database tree\n0xabcdef\n${root}\n`, /decimal/],
    ['go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n', /32 bytes/],
    [`log\n0123\n${root}\n`, /leading zeros/],
    [`log\n-1\n${root}\n`, /decimal/],
    [`log\n1e3\n${root}\n`, /decimal/],
    [`log\n9007199254740993\n${root}\n`, /too large/],
    [`\n5\n${root}\n`, /origin is empty/],
    ['log\n5\n', /needs origin, tree size and root hash/],
    [`log\n5\n${root}`, /end with a newline/],
    [`log\n5\n${root}\n\n`, /extension line 1 is empty/],
    [`log\n5\n${root.replace('b0=', 'b1=')}\n`, /base64/],
    [`log\n5\n${root.slice(0, -1)}\n`, /base64/],
    [`log\n5\n${Buffer.alloc(31).toString('base64')}\n`, /32 bytes/]
  ]
  for (const [text, message] of cases) t.throws(() => parseCheckpoint(text), { name: 'NoteError', message }, JSON.stringify(text))
  const rootHash = new Uint8Array(32)
  t.throws(() => checkpointText({ origin: '', size: 1, rootHash }), { message: /origin is empty/ })
  t.throws(() => checkpointText({ origin: 'a\nb', size: 1, rootHash }), { message: /origin has a newline/ })
  t.throws(() => checkpointText({ origin: 'log', size: -1, rootHash }), { message: /non-negative integer/ })
  t.throws(() => checkpointText({ origin: 'log', size: 1.5, rootHash }), { message: /non-negative integer/ })
  t.throws(() => checkpointText({ origin: 'log', size: 1, rootHash: new Uint8Array(31) }), { message: /32 bytes/ })
  t.throws(() => checkpointText({ origin: 'log', size: 1, rootHash, extensions: [''] }), { message: /extension line 1 is empty/ })
})

t.test('a signed checkpoint opens with the log key, and not otherwise', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const origin = 'shortlist.example/transparency'
  const log = parseVerifierKey(verifierKey(origin, ed25519PublicKeyBytes(publicKey)))
  const body = checkpointText({ origin, size: 42, rootHash: leafHash(Buffer.from('x')) })
  const note = signNote(body, origin, privateKey)
  const { checkpoint, signatures } = openCheckpoint(note, [log])
  t.equal(checkpoint.size, 42)
  t.equal(checkpoint.origin, origin)
  t.same(signatures, [{ name: origin, keyHash: log.keyHash, known: true, verified: true }])
  t.throws(() => openCheckpoint(note, [peter]), { name: 'NoteError', message: /not signed by any known key/ })
  t.throws(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), [log]), { message: /signature of shortlist\.example\/transparency\+[0-9a-f]{8} is invalid/ })
  t.throws(() => openCheckpoint(signNote('not a checkpoint\n', origin, privateKey), [log]), { message: /malformed checkpoint/ })
})

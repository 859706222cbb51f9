// What a proposal may attach is decided by the file's first bytes against the allow-list (DESIGN §6): real
// minimal headers of each accepted kind are recognised; executables and scripts, whatever their name, are not.
import t from 'tap'
import { FILE_TYPE_IDS, FILE_TYPES, SNIFF_BYTES, detectFileType, refusedTypeMessage, type FileTypeId } from '../../../src/domain/file-types.js'

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part)))

// Minimal but real headers, as the tools that make these files write them.
const samples: Record<FileTypeId, Buffer[]> = {
  pdf: [
    bytes('%PDF-1.7\n', [0x25, 0xe2, 0xe3, 0xcf, 0xd3], '\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'),
    bytes('%PDF-1.4\n% just a comment\n%%EOF\n')
  ],
  png: [bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 0x0d], 'IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0], [0x1f, 0x15, 0xc4, 0x89])],
  jpeg: [
    bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF
    bytes([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x18], 'Exif', [0, 0], 'MM', [0, 0x2a]) // Exif, as cameras write it
  ],
  zip: [
    bytes('PK', [3, 4, 0x14, 0, 0, 0, 8, 0], [0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0x13, 0, 0, 0], '[Content_Types].xml'), // a .docx
    bytes('PK', [5, 6], Buffer.alloc(18).toJSON().data) // an empty archive: the end-of-central-directory record alone
  ],
  text: [
    bytes('# Approach\n\nWeek 1: threat model.\r\nWeek 2:\tfuzzing.\f\n'),
    Buffer.from('Équipe : Zoë, 李雷 and Ådne — CVs attached ✓ 🚀\n', 'utf8'),
    Buffer.from('\ufeffA UTF-8 file with a byte-order mark\n', 'utf8'),
    bytes('x')
  ]
}

t.test('each accepted kind is recognised from its real first bytes', async (t) => {
  t.same(FILE_TYPE_IDS, ['pdf', 'png', 'jpeg', 'text', 'zip'])
  for (const [id, heads] of Object.entries(samples) as [FileTypeId, Buffer[]][]) {
    for (const [i, head] of heads.entries()) {
      t.equal(detectFileType(head, true), id, `${id} sample ${i + 1}, the whole file`)
      t.equal(detectFileType(head, false), id, `${id} sample ${i + 1}, the start of a longer file`)
    }
  }
})

t.test('a binary kind is decided by its signature alone, whatever follows it', async (t) => {
  const binaryTail = Buffer.from([0, 0xff, 0x7f, 0x80, 0x00])
  t.equal(detectFileType(Buffer.concat([samples.pdf[0]!, binaryTail]), true), 'pdf', 'a PDF holds binary streams')
  t.equal(detectFileType(Buffer.concat([samples.png[0]!, binaryTail]), true), 'png')
  // A signature cut short is not that kind.
  t.equal(detectFileType(bytes('%PDF'), true), 'text', '%PDF without the dash is just four characters of text')
  t.equal(detectFileType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a]), true), undefined, 'seven bytes of a PNG signature')
  t.equal(detectFileType(bytes([0xff, 0xd8]), true), undefined, 'two bytes of a JPEG signature')
  t.equal(detectFileType(bytes('PK', [3]), true), undefined, 'three bytes of a ZIP signature (with a control byte) are nothing')
})

t.test('UTF-8 text: a multi-byte character cut by the sniffing window is fine only when more is to come', async (t) => {
  const euro = Buffer.from('€', 'utf8') // e2 82 ac
  const rocket = Buffer.from('🚀', 'utf8') // f0 9f 9a 80
  for (const [name, char] of [['€', euro], ['🚀', rocket]] as const) {
    for (let cut = 1; cut < char.length; cut++) {
      const head = Buffer.concat([Buffer.alloc(SNIFF_BYTES - cut, 'a'), char.subarray(0, cut)])
      t.equal(head.length, SNIFF_BYTES)
      t.equal(detectFileType(head, false), 'text', `${name} cut after ${cut} of ${char.length} bytes at the window's end, more to come: text`)
      t.equal(detectFileType(head, true), undefined, `${name} cut after ${cut} of ${char.length} bytes at the end of the whole file: not valid UTF-8`)
    }
    const whole = Buffer.concat([Buffer.alloc(SNIFF_BYTES - char.length, 'a'), char])
    t.equal(detectFileType(whole, true), 'text', `${name} whole at the window's end`)
    t.equal(detectFileType(whole, false), 'text')
  }
  // What is cut must at least be the start of a character: a stray continuation byte at the end is invalid either way.
  const stray = Buffer.concat([Buffer.alloc(SNIFF_BYTES - 1, 'a'), Buffer.from([0x80])])
  t.equal(detectFileType(stray, false), undefined)
  t.equal(detectFileType(stray, true), undefined)
})

t.test('executables and scripts are refused, whatever the name they were given', async (t) => {
  const refused: Record<string, Buffer> = {
    // An ELF executable renamed report.pdf: the name plays no part, the bytes are not a PDF's.
    'ELF (renamed .pdf)': bytes([0x7f], 'ELF', [2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0]),
    'Windows PE': bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0], Buffer.alloc(44).toJSON().data, [0x80, 0, 0, 0], '\u000e\u001f\u00ba\u000e\u0000\u00b4\t\u00cd!This program cannot be run in DOS mode.'),
    'Mach-O 64-bit': bytes([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0, 0, 0x01, 0x03, 0, 0, 0, 0x02, 0, 0, 0]),
    'Mach-O 32-bit': bytes([0xce, 0xfa, 0xed, 0xfe, 0x07, 0, 0, 0]),
    'Mach-O big-endian': bytes([0xfe, 0xed, 0xfa, 0xcf, 0, 0, 0, 0x12]),
    'Mach-O universal': bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
    'shell script': bytes('#!/bin/sh\necho "hello"\n'),
    'env script': bytes('#!/usr/bin/env python3\nprint("hello")\n'),
    'text with a NUL': bytes('an innocent line\n', [0], 'and more\n'),
    'text with an escape sequence': bytes('red: \u001b[31mred\u001b[0m\n'),
    'text with DEL': bytes('delete\u007f\n'),
    'UTF-16 text': Buffer.from('\ufeffhello', 'utf16le'),
    'invalid UTF-8 (a lone continuation byte)': bytes('caf', [0x80], '\n'),
    'invalid UTF-8 (an overlong slash)': bytes([0xc0, 0xaf]),
    'invalid UTF-8 (a surrogate)': bytes([0xed, 0xa0, 0x80]),
    'invalid UTF-8 (latin-1 text)': bytes('caf', [0xe9], ' au lait\n'),
    'invalid UTF-8 (0xff)': bytes([0xff, 0xfe, 0x41])
  }
  for (const [name, head] of Object.entries(refused)) {
    t.equal(detectFileType(head, true), undefined, `${name}, the whole file`)
    t.equal(detectFileType(head, false), undefined, `${name}, the start of a longer file`)
  }
})

t.test('an empty file is no kind of file', async (t) => {
  t.equal(detectFileType(new Uint8Array(0), true), undefined)
  t.equal(detectFileType(new Uint8Array(0), false), undefined)
})

t.test('the refusal names what is accepted, by label', async (t) => {
  const message = refusedTypeMessage(['pdf', 'png', 'jpeg', 'text'])
  t.equal(message, 'is not an accepted kind of file: accepted are PDF, PNG image, JPEG image, plain text (UTF-8, e.g. Markdown), recognised by their content, not their name')
  t.notMatch(message, FILE_TYPES.zip.label, 'a kind not allowed is not offered')
  const all = refusedTypeMessage(FILE_TYPE_IDS)
  for (const id of FILE_TYPE_IDS) t.match(all, FILE_TYPES[id].label, `${id} is named when allowed`)
  t.equal(refusedTypeMessage(['pdf']), 'is not an accepted kind of file: accepted are PDF, recognised by their content, not their name')
})

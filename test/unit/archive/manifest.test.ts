// SHA256SUMS: written as sha256sum writes it, read in both of its modes, and never naming a path outside
// the folder; a folder checked against it.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { checkFolder, formatManifest, isSafePath, parseManifest, sha256Hex } from '../../../src/archive/manifest.js'

const hash = (text: string): string => createHash('sha256').update(text).digest('hex')

t.test('one "HASH  PATH" line per file, sorted by path in byte order', async (t) => {
  t.equal(sha256Hex(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'the FIPS 180-2 example')
  const text = formatManifest([
    { path: 'rfps/b/index.html', sha256: hash('b') },
    { path: 'README.md', sha256: hash('r') },
    { path: 'assets/x.css', sha256: hash('x') },
    { path: 'rfps/a-b/index.html', sha256: hash('ab') },
    { path: 'rfps/a/index.html', sha256: hash('a') }
  ])
  t.equal(text, [
    `${hash('r')}  README.md`,
    `${hash('x')}  assets/x.css`,
    `${hash('ab')}  rfps/a-b/index.html`,
    `${hash('a')}  rfps/a/index.html`,
    `${hash('b')}  rfps/b/index.html`
  ].join('\n') + '\n', 'upper case before lower, "-" before "/": bytes, not the locale')
  t.same(parseManifest(text), {
    entries: [
      { path: 'README.md', sha256: hash('r') }, { path: 'assets/x.css', sha256: hash('x') }, { path: 'rfps/a-b/index.html', sha256: hash('ab') },
      { path: 'rfps/a/index.html', sha256: hash('a') }, { path: 'rfps/b/index.html', sha256: hash('b') }
    ],
    malformed: []
  })
  t.throws(() => formatManifest([{ path: '../x', sha256: hash('x') }]), /cannot list/)
  t.throws(() => formatManifest([{ path: 'x', sha256: 'ABC' }]), /cannot list/)
})

t.test('sha256sum itself checks what formatManifest writes', { skip: hasSha256sum() ? false : 'no sha256sum on this machine' }, async (t) => {
  const dir = t.testdir({ 'a.txt': 'a', sub: { 'b c.txt': 'b' } })
  writeFileSync(join(dir, 'SHA256SUMS'), formatManifest([{ path: 'a.txt', sha256: hash('a') }, { path: 'sub/b c.txt', sha256: hash('b') }]))
  t.equal(execFileSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }), 'a.txt: OK\nsub/b c.txt: OK\n')
})

function hasSha256sum (): boolean {
  try {
    execFileSync('sha256sum', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

t.test('reading: binary mode too; malformed, unsafe and repeated lines are named by number', async (t) => {
  const text = [
    `${hash('a')} *a.bin`,
    `${hash('b')}  ../../etc/passwd`,
    `${hash('c')}  /etc/passwd`,
    `${hash('d')}  a//b`,
    `${hash('e').toUpperCase()}  upper.txt`,
    'not a line',
    `${hash('a')}  a.bin`,
    `${hash('f')}  ok/file.txt`
  ].join('\n')
  t.same(parseManifest(text), { entries: [{ path: 'a.bin', sha256: hash('a') }, { path: 'ok/file.txt', sha256: hash('f') }], malformed: [2, 3, 4, 5, 6, 7] })
  t.same(parseManifest(''), { entries: [], malformed: [] })
  for (const path of ['a', 'a/b.c', 'a b', '.well-known/x']) t.ok(isSafePath(path), path)
  for (const path of ['', '.', '..', 'a/../b', './a', 'a/', '/a', 'a\\b', 'a\nb']) t.notOk(isSafePath(path), JSON.stringify(path))
})

t.test('a folder against its manifest: missing, extra, altered, and what is not a file', async (t) => {
  const dir = t.testdir({ 'index.html': 'home', rfps: { x: { 'index.html': 'x', 'decision.json': '{}' } } })
  t.equal(await checkFolder(dir), undefined, 'no SHA256SUMS: not an archive')
  writeFileSync(join(dir, 'SHA256SUMS'), formatManifest([
    { path: 'index.html', sha256: hash('home') }, { path: 'rfps/x/index.html', sha256: hash('x') }, { path: 'rfps/x/decision.json', sha256: hash('{}') }
  ]))
  t.same(await checkFolder(dir), { listed: 3, problems: [] })

  writeFileSync(join(dir, 'index.html'), 'home, edited')
  writeFileSync(join(dir, 'notes.txt'), 'mine')
  mkdirSync(join(dir, 'rfps', 'y'))
  writeFileSync(join(dir, 'rfps', 'y', 'index.html'), 'y')
  symlinkSync('/etc/hostname', join(dir, 'link'))
  rmSync(join(dir, 'rfps', 'x', 'decision.json'))
  t.same(await checkFolder(dir), {
    listed: 3,
    problems: [
      { kind: 'altered', path: 'index.html' },
      { kind: 'not a file', path: 'link' },
      { kind: 'extra', path: 'notes.txt' },
      { kind: 'missing', path: 'rfps/x/decision.json' },
      { kind: 'extra', path: 'rfps/y/index.html' }
    ]
  })
  writeFileSync(join(dir, 'SHA256SUMS'), `${hash('home')}  ../outside\n`)
  const unsafe = await checkFolder(dir)
  t.equal(unsafe?.listed, 0, 'a path outside the folder is never read')
  t.same(unsafe?.problems.filter((p) => p.kind === 'malformed'), [{ kind: 'malformed', path: 'SHA256SUMS', detail: 'line 1 is not "SHA256  PATH" with a path inside the folder' }])
})

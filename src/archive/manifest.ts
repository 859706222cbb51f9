// SHA256SUMS: the static archive's manifest, in the format `sha256sum -c` reads, so anyone can check a copy
// without Shortlist; and checking a folder against it (missing, extra and altered files).
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export const MANIFEST_NAME = 'SHA256SUMS'

export interface ManifestEntry { path: string, sha256: string }

export function sha256Hex (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Relative, "/"-separated, inside the folder: no "..", no empty segment, nothing sha256sum would escape
 * (a backslash or a newline). A manifest naming anything else is refused, so checking it never reads
 * outside the folder.
 */
export function isSafePath (path: string): boolean {
  return path !== '' && !/[\\\n\r\0]/.test(path) && path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
}

/** One line per file, "HASH  PATH" (two spaces: text mode), sorted by path in byte order. */
export function formatManifest (entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  for (const { path, sha256 } of sorted) {
    if (!isSafePath(path) || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`cannot list ${JSON.stringify(path)} in ${MANIFEST_NAME}`)
  }
  return sorted.map(({ path, sha256 }) => `${sha256}  ${path}\n`).join('')
}

export interface ParsedManifest {
  entries: ManifestEntry[]
  /** 1-based numbers of lines that are not "HASH  PATH" with a safe path, or list a path twice. */
  malformed: number[]
}

/** Reads both of sha256sum's modes ("  " text, " *" binary); lowercase hashes, as it writes them. */
export function parseManifest (text: string): ParsedManifest {
  const entries: ManifestEntry[] = []
  const malformed: number[] = []
  const seen = new Set<string>()
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((line, i) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line)
    const path = match?.[2]
    if (match === null || path === undefined || !isSafePath(path) || seen.has(path)) {
      malformed.push(i + 1)
      return
    }
    seen.add(path)
    entries.push({ path, sha256: match[1] as string })
  })
  return { entries, malformed }
}

export type ProblemKind = 'missing' | 'extra' | 'altered' | 'not a file' | 'malformed' | 'invalid'

export interface ArchiveProblem { kind: ProblemKind, path: string, detail?: string }

/** Every file under `dir` as a relative "/" path, and anything that is neither a file nor a folder (a link). */
export async function filesUnder (dir: string): Promise<{ files: string[], others: string[] }> {
  const files: string[] = []
  const others: string[] = []
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(dir, relative), { withFileTypes: true })
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) files.push(path)
      else others.push(path)
    }
  }
  await walk('')
  return { files: files.sort(), others: others.sort() }
}

export interface FolderCheck {
  /** How many files the manifest lists. */
  listed: number
  /** Sorted by path. */
  problems: ArchiveProblem[]
}

/**
 * Recomputes the hash of every file under `dir` and compares with its SHA256SUMS: files listed but absent,
 * present but not listed, and changed. Undefined when `dir` has no SHA256SUMS.
 */
export async function checkFolder (dir: string): Promise<FolderCheck | undefined> {
  let text: string
  try {
    text = await readFile(join(dir, MANIFEST_NAME), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const { entries, malformed } = parseManifest(text)
  const problems: ArchiveProblem[] = malformed.map((line) => ({ kind: 'malformed', path: MANIFEST_NAME, detail: `line ${line} is not "SHA256  PATH" with a path inside the folder` }))
  const { files, others } = await filesUnder(dir)
  const present = new Set(files)
  const listed = new Set(entries.map((e) => e.path))
  for (const { path, sha256 } of entries) {
    if (!present.has(path)) {
      problems.push({ kind: others.includes(path) ? 'not a file' : 'missing', path })
    } else if (sha256Hex(await readFile(join(dir, path))) !== sha256) {
      problems.push({ kind: 'altered', path })
    }
  }
  for (const path of files) if (path !== MANIFEST_NAME && !listed.has(path)) problems.push({ kind: 'extra', path })
  for (const path of others) if (!listed.has(path)) problems.push({ kind: 'not a file', path })
  problems.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  return { listed: entries.length, problems }
}

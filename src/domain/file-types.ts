// The kinds of file a proposal may attach, recognised by their first bytes (never by name or by what the
// browser claims), and the allow-list chosen in config. A renamed executable matches none of them.

export const FILE_TYPES = {
  pdf: { mediaType: 'application/pdf', extension: 'pdf', label: 'PDF' },
  png: { mediaType: 'image/png', extension: 'png', label: 'PNG image' },
  jpeg: { mediaType: 'image/jpeg', extension: 'jpg', label: 'JPEG image' },
  text: { mediaType: 'text/plain; charset=utf-8', extension: 'txt', label: 'plain text (UTF-8, e.g. Markdown)' },
  zip: { mediaType: 'application/zip', extension: 'zip', label: 'ZIP archive (also .docx, .xlsx, .odt)' }
} as const

export type FileTypeId = keyof typeof FILE_TYPES
export const FILE_TYPE_IDS = Object.keys(FILE_TYPES) as FileTypeId[]

/** Bytes of a file's start that detection looks at. */
export const SNIFF_BYTES = 8192

const startsWith = (head: Uint8Array, signature: readonly number[]): boolean =>
  head.length >= signature.length && signature.every((byte, i) => head[i] === byte)

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const JPEG = [0xff, 0xd8, 0xff]
const ZIP = [0x50, 0x4b, 0x03, 0x04]
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06]
const SHEBANG = [0x23, 0x21] // #!

/** Text is UTF-8 without NUL or other C0 controls than tab, line feed, form feed and carriage return. */
function isText (head: Uint8Array, complete: boolean): boolean {
  if (head.length === 0 || startsWith(head, SHEBANG)) return false
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false
    if (byte === 0x7f) return false
  }
  try {
    // A multi-byte character cut at the end of the sniffed bytes is fine when there is more to come.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete })
    return true
  } catch {
    return false
  }
}

/**
 * The type of a file from its first bytes (`SNIFF_BYTES`, or all of a shorter file: `complete`), or undefined
 * when it is none of the known types.
 */
export function detectFileType (head: Uint8Array, complete: boolean): FileTypeId | undefined {
  if (startsWith(head, PDF)) return 'pdf'
  if (startsWith(head, PNG)) return 'png'
  if (startsWith(head, JPEG)) return 'jpeg'
  if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) return 'zip'
  if (isText(head, complete)) return 'text'
  return undefined
}

/** The message a refused file gets, naming what is accepted. */
export function refusedTypeMessage (allowed: readonly FileTypeId[]): string {
  return `is not an accepted kind of file: accepted are ${allowed.map((id) => FILE_TYPES[id].label).join(', ')}, recognised by their content, not their name`
}

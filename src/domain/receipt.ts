// Receipts (DESIGN §3.2): each accepted submission is described by a canonical manifest, and the SHA-256 of its
// RFC 8785 form is the receipt hash the vendor keeps and the public list shows after the deadline.
import { canonicalHash, type JsonValue } from './canonical-json.js'

export interface ReceiptFile {
  /** The requirement the file answers, or "other". */
  part: string
  size: number
  /** SHA-256 of the file as the vendor sent it, before sealing. */
  sha256: string
}

export interface ReceiptInput {
  rfp: { id: string, slug: string, version: number }
  vendor: { id: string, name: string }
  proposal: { id: string, version: number }
  submittedAt: string
  /** SHA-256 of the structured content (summary, personnel) in canonical JSON. */
  contentSha256: string
  /** SHA-256 of the price envelope's canonical JSON, when the RFP scores price. */
  priceSha256: string | null
  files: readonly ReceiptFile[]
  /** Partner organisations of a consortium, by id. */
  partners: readonly string[]
}

export const RECEIPT_FORMAT = 'shortlist.receipt/1'

export function receiptManifest (input: ReceiptInput): { [key: string]: JsonValue } {
  return {
    format: RECEIPT_FORMAT,
    rfp: { ...input.rfp },
    vendor: { ...input.vendor },
    proposal: { ...input.proposal },
    submittedAt: input.submittedAt,
    content: { sha256: input.contentSha256 },
    price: input.priceSha256 === null ? null : { sha256: input.priceSha256 },
    files: input.files.map((file) => ({ ...file })),
    partners: [...input.partners]
  }
}

/** The receipt hash: SHA-256 (hex) of the manifest's canonical JSON. */
export function receiptHash (manifest: JsonValue): string {
  return canonicalHash(manifest)
}

export const RECEIPT_HASH_PATTERN = /^[0-9a-f]{64}$/

// A multipart/form-data body (RFC 7578) built from an ordered list of parts, for posting the proposal form
// over app.inject: the order is the caller's, so `_csrf` can be sent first — or later, or not at all.

export type MultipartPart =
  | { name: string, value: string }
  | { name: string, filename: string, content: Buffer | string, contentType?: string }

export interface MultipartBody {
  body: Buffer
  /** `multipart/form-data; boundary=…`, for the request's content-type header. */
  contentType: string
}

/**
 * A parameter value as a quoted-string: `"` and `\` escaped with a backslash (which busboy reads back), and
 * line breaks refused, since they would end the header. Non-ASCII goes as raw UTF-8, as browsers send it.
 */
function quoted (value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`a multipart parameter cannot hold a line break: ${JSON.stringify(value)}`)
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

export function multipartBody (parts: readonly MultipartPart[], boundary = '----shortlist-test-boundary-7f3a9c2e41b8d5'): MultipartBody {
  const chunks: Buffer[] = []
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}`
    let content: Buffer
    if ('filename' in part) {
      head += `; filename=${quoted(part.filename)}\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}`
      content = Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content, 'utf8')
    } else {
      content = Buffer.from(part.value, 'utf8')
    }
    if (content.includes(`--${boundary}`)) throw new Error(`part ${part.name} contains the boundary`)
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), content, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

// Content-Disposition for a download (RFC 6266): an ASCII fallback name and the UTF-8 name, both escaped,
// so a vendor's file name can neither break the header nor choose where the file lands.

export function attachmentDisposition (given: string): string {
  // A lone surrogate has no UTF-8 form: encodeURIComponent would throw on it.
  const name = given.replace(/\p{Cs}/gu, '\uFFFD')
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

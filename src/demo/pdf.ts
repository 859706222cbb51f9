// Small, valid one-page PDFs for the demo's proposals: a title and lines of text in Helvetica, with a correct
// cross-reference table, so that the files open in any reader and pass the content check as PDFs.

/** PDF string literal: backslash and parentheses escaped, anything outside printable ASCII replaced. */
function literal (text: string): string {
  return '(' + text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => '\\' + c) + ')'
}

export function demoPdf (title: string, lines: readonly string[]): Buffer {
  const text = [
    'BT /F1 18 Tf 72 760 Td', `${literal(title)} Tj`, '/F1 11 Tf 0 -28 Td 14 TL',
    ...lines.map((line) => `${literal(line)} '`), 'ET'
  ].join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'))
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body, 'latin1')
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

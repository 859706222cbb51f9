// E-mail addresses as identities: one account per address, however it is capitalised.

const ADDRESS = /^[^\s@<>()[\],;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

export function isEmailAddress (text: string): boolean {
  return text.length <= 254 && ADDRESS.test(text)
}

export function normalizeEmail (text: string): string {
  return text.trim().toLowerCase()
}

/** "a***@acme.example": enough for its owner to recognise, too little to learn from. */
export function maskEmail (address: string): string {
  const at = address.lastIndexOf('@')
  return `${address.slice(0, Math.min(1, at))}***${address.slice(at)}`
}

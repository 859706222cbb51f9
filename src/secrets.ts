// Instance secrets kept beside the data: made once on first start, readable by the service only.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RandomSource } from './deps.js'

/** The secret in `<dataDir>/<name>`, made from 32 random bytes when the file does not exist. */
export function loadOrCreateSecret (dataDir: string, name: string, random: RandomSource): string {
  const file = join(dataDir, name)
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    // 'wx' fails if another process made it meanwhile; then its secret is read below.
    try {
      writeFileSync(file, Buffer.from(random.bytes(32)).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return readFileSync(file, 'utf8').trim()
}

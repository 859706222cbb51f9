// Where the package's own folders are, from src/ (tsx, tests) and dist/src/ (built) alike.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot (start: string): string {
  let dir = start
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'shortlist') return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`package root of shortlist not found above ${start}`)
    dir = parent
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
export const templatesDir = join(packageRoot, 'templates')
export const publicDir = join(packageRoot, 'public')
export const configDir = join(packageRoot, 'config')
/** JSON Schemas of Shortlist's public files (decision.json), shipped with the package. */
export const formatsDir = join(packageRoot, 'formats')
// Migrations compile beside src/, so the same relative step finds them in both layouts.
export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url))
export const packageVersion: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version

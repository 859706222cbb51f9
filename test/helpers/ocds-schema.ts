// Validators for OCDS 1.1.5 packages: the official release schema with each declared extension's release-schema.json
// applied as an RFC 7386 JSON merge patch, and the package schemas referring to it; ajv in draft-04 mode, as the
// schemas are written. The schemas and codelists are copies in test/data/ocds (Apache-2.0, LICENSE beside them).
import { readFileSync } from 'node:fs'
import AjvDraft04 from 'ajv-draft-04'
import type { ErrorObject, ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

const DATA = new URL('../data/ocds/', import.meta.url)

/** Which local copy each extension URL stands for: a package declaring an extension we do not have cannot be checked. */
const EXTENSION_FOLDERS: Record<string, string> = {
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json': 'bid',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json': 'enquiry',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json': 'lots',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_awardCriteria_extension/master/extension.json': 'awardCriteria'
}

/** Keywords of OCDS's own that carry no validation (merge and codelist metadata); declared so that strict mode stays on. */
const OCDS_KEYWORDS = ['codelist', 'openCodelist', 'omitWhenMerged', 'wholeListMerge', 'versionId', 'deprecated', 'mergeStrategy', 'mergeOptions']

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const isObject = (value: Json | undefined): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value)

/** RFC 7386 §2: objects merge member by member, null removes a member, anything else replaces the target. */
export function mergePatch (target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch
  const result: { [key: string]: Json } = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = mergePatch(result[key], value)
  }
  return result
}

function readJson (path: string): Json {
  return JSON.parse(readFileSync(new URL(path, DATA), 'utf8')) as Json
}

/** The folder of the local copy of an extension URL; throws for one we do not hold. */
export function extensionFolder (url: string): string {
  const folder = EXTENSION_FOLDERS[url]
  if (folder === undefined) throw new Error(`no local copy of the OCDS extension ${url}`)
  return folder
}

/** The release schema with the extensions applied in the order the package lists them. */
export function patchedReleaseSchema (extensions: readonly string[]): Json {
  let schema = readJson('schema/release-schema.json')
  for (const url of extensions) {
    const folder = extensionFolder(url)
    const manifest = readJson(`extensions/${folder}/extension.json`)
    const schemas = isObject(manifest) && Array.isArray(manifest.schemas) ? manifest.schemas : []
    for (const file of schemas) schema = mergePatch(schema, readJson(`extensions/${folder}/${String(file)}`))
  }
  return schema
}

export interface OcdsValidators {
  release: ValidateFunction
  releasePackage: ValidateFunction
  recordPackage: ValidateFunction
}

/** Compiled validators for packages that declare `extensions`. */
export function ocdsValidators (extensions: readonly string[]): OcdsValidators {
  // The CommonJS module's default export is the class itself, also reachable as `.default`, which the types know.
  const Ajv = AjvDraft04.default
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false })
  addFormats.default(ajv)
  ajv.addVocabulary(OCDS_KEYWORDS)
  ajv.addSchema(patchedReleaseSchema(extensions) as object)
  // The record package schema refers to it; compiled releases are checked, versioned ones are not published.
  ajv.addSchema(readJson('schema/versioned-release-validation-schema.json') as object)
  const release = ajv.getSchema('https://standard.open-contracting.org/schema/1__1__5/release-schema.json')
  if (release === undefined) throw new Error('the release schema did not register under its id')
  return {
    release,
    releasePackage: ajv.compile(readJson('schema/release-package-schema.json') as object),
    recordPackage: ajv.compile(readJson('schema/record-package-schema.json') as object)
  }
}

/** Every error as "path: message", or none: what a test shows when a package fails. */
export function schemaErrors (validate: ValidateFunction, data: unknown): string[] {
  if (validate(data)) return []
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath === '' ? '/' : e.instancePath}: ${e.message ?? 'is invalid'}${e.params !== undefined ? ` ${JSON.stringify(e.params)}` : ''}`)
}

/** The fields of CSV text (RFC 4180: quoted fields may hold commas, quotes doubled and line breaks). */
function csvRows (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(field); field = '' } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field); rows.push(row); row = []; field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row) }
  return rows
}

/** The codes of a codelist CSV (its Code column), e.g. `schema/codelists/partyRole.csv`. */
export function codelist (path: string): Set<string> {
  const [header = [], ...rows] = csvRows(readFileSync(new URL(path, DATA), 'utf8'))
  const column = header.indexOf('Code')
  if (column < 0) throw new Error(`${path} has no Code column`)
  return new Set(rows.map((row) => row[column] ?? '').filter((code) => code !== ''))
}

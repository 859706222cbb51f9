// Checks a decision.json against formats/decision.schema.json (JSON Schema 2020-12), the contract DESIGN §5 says
// every published file must meet: one validator for the archive build, `archive verify` and `verify decision`.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Schema from 'typebox/schema'
import { formatsDir } from '../paths.js'

export const DECISION_SCHEMA = join(formatsDir, 'decision.schema.json')

/** Each way `document` breaks the schema, worded "/path message" (at most `limit`); empty when it is valid. */
export function decisionSchemaProblems (document: unknown, schemaFile = DECISION_SCHEMA, limit = 10): string[] {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Schema.XSchema
  const [valid, errors] = Schema.Errors(schema, document)
  if (valid) return []
  return errors.slice(0, limit).map((error) => `${error.instancePath === '' ? '(root)' : error.instancePath} ${error.message}`)
}

export function hasDecisionSchema (schemaFile = DECISION_SCHEMA): boolean {
  return existsSync(schemaFile)
}

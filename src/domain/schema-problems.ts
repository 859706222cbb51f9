// Turns TypeBox validation errors into problems people can act on: a dotted path and what is wrong there.
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'

export interface Problem {
  path: string
  message: string
}

function dotted (instancePath: string): string {
  return instancePath.slice(1).replaceAll('/', '.')
}

/** At most `limit` problems with `value`; an unknown field is reported once, by its own path. */
export function schemaProblems (schema: TSchema, value: unknown, limit = 20): Problem[] {
  const problems: Problem[] = []
  const seen = new Set<string>()
  for (const error of Value.Errors(schema, value)) {
    let path = dotted(error.instancePath)
    let message = error.message
    if (error.keyword === 'boolean') {
      message = 'is not an allowed field'
    } else if (error.keyword === 'additionalProperties') {
      const [name] = (error.params as { additionalProperties?: string[] }).additionalProperties ?? []
      path = path === '' ? String(name) : `${path}.${String(name)}`
      message = 'is not an allowed field'
    } else if (error.keyword === 'enum') {
      message = `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}`
    }
    const key = `${path}\u0000${message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push({ path: path === '' ? '(document)' : path, message })
    if (problems.length === limit) break
  }
  return problems
}

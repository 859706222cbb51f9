// The one configuration schema: config/default.json, an optional overlay file and SHORTLIST_* variables.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Type, type Static, type TSchema } from 'typebox'
import { isEmailAddress } from './domain/email.js'
import { schemaProblems } from './domain/schema-problems.js'
import { isTimeZone } from './domain/time.js'
import { configDir } from './paths.js'

const LogLevel = Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

export const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1, description: 'Address to listen on' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, description: 'Port to listen on (0 picks a free one)' }),
  publicUrl: Type.String({ minLength: 1, description: 'Absolute http(s) URL the public reaches; every link in mail and feeds is built from it' }),
  dataDir: Type.String({ minLength: 1, description: 'Folder for the SQLite file, stored files and mail; relative to the working directory' }),
  timeZone: Type.String({ minLength: 1, description: 'IANA time zone a new RFP starts with' }),
  database: Type.Object({
    url: Type.String({ description: 'Empty: the SQLite file <dataDir>/shortlist.sqlite; postgres://… a PostgreSQL server; otherwise the path of an SQLite file, relative to the working directory' }),
    busyTimeoutMs: Type.Integer({ minimum: 0, maximum: 600000, description: 'How long SQLite waits for a lock, and PostgreSQL for a pool connection' }),
    poolSize: Type.Integer({ minimum: 1, maximum: 100, description: 'PostgreSQL connections per instance' })
  }, { additionalProperties: false }),
  storage: Type.Object({
    backend: Type.Union([Type.Literal('local'), Type.Literal('database')], { description: 'Where stored files live: local (a folder under dataDir) or database (chunks in the database, for several instances)' }),
    chunkBytes: Type.Integer({ minimum: 4096, maximum: 16777216, description: 'Size of each chunk of the database backend' })
  }, { additionalProperties: false }),
  mail: Type.Object({
    url: Type.String({ description: 'Empty: write each message as an .eml file under <dataDir>/mail; otherwise smtp://[user:pass@]host[:port] (STARTTLS required except to a relay on this machine) or smtps:// (TLS)' }),
    from: Type.String({ minLength: 3, maxLength: 200, description: 'The From address of every message, e.g. "Shortlist <rfp@example.org>"' }),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 50, description: 'Attempts before a temporarily failing message is marked failed' }),
    retryBaseMs: Type.Integer({ minimum: 1000, maximum: 86400000, description: 'Wait before the second attempt; doubles after each failure' }),
    retryMaxMs: Type.Integer({ minimum: 1000, maximum: 604800000, description: 'Longest wait between attempts' }),
    pollIntervalMs: Type.Integer({ minimum: 100, maximum: 3600000, description: 'How often the delivery worker looks for due messages' }),
    batchSize: Type.Integer({ minimum: 1, maximum: 1000, description: 'Messages one pass of the worker sends at most' }),
    leaseMs: Type.Integer({ minimum: 1000, maximum: 3600000, description: 'How long a message being sent is reserved for its worker before another may take it over' }),
    sendTimeoutMs: Type.Integer({ minimum: 1000, maximum: 600000, description: 'Connection, greeting and socket time-out of one SMTP attempt' })
  }, { additionalProperties: false }),
  log: Type.Object({
    level: LogLevel
  }, { additionalProperties: false }),
  session: Type.Object({
    secret: Type.String({ description: 'Signs the session cookie (32 characters or more). Empty: made on first start and kept in <dataDir>/session-secret' }),
    idleTimeoutMs: Type.Integer({ minimum: 60000, maximum: 604800000, description: 'A session ends after this long unused' }),
    absoluteTimeoutMs: Type.Integer({ minimum: 60000, maximum: 2592000000, description: 'A session ends this long after sign-in, however busy' })
  }, { additionalProperties: false }),
  signIn: Type.Object({
    linksPerHour: Type.Integer({ minimum: 1, maximum: 100, description: 'Sign-in links one account is sent per hour at most; more requests get the same answer and no mail' }),
    attemptsPerWindow: Type.Integer({ minimum: 1, maximum: 10000, description: 'Sign-in and registration requests one client address may make per window' }),
    windowMs: Type.Integer({ minimum: 1000, maximum: 86400000, description: 'The rate-limit window' }),
    failuresPerAccount: Type.Integer({ minimum: 1, maximum: 1000, description: 'Wrong passwords or second-factor codes one account may get per window before further tries are refused' })
  }, { additionalProperties: false }),
  http: Type.Object({
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 104857600, description: 'Largest request body accepted' }),
    trustProxy: Type.Union([
      Type.Boolean(),
      Type.Integer({ minimum: 1, maximum: 10 }),
      Type.String({ pattern: '^[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*$' })
    ], { description: 'Which X-Forwarded-For entries to believe: false (none), a number of proxy hops, or the proxies\' addresses/CIDRs, comma-separated; true trusts any sender' }),
    shutdownGraceMs: Type.Integer({ minimum: 0, maximum: 600000, description: 'How long in-flight requests may finish on SIGTERM' })
  }, { additionalProperties: false }),
  views: Type.Object({
    cache: Type.Boolean({ description: 'Compile templates once; false recompiles on every request (template work only)' })
  }, { additionalProperties: false }),
  keys: Type.Object({
    transparencyKey: Type.String({ pattern: '^([A-Za-z0-9_-]{43})?$', description: 'Signs the transparency log\'s checkpoints: an Ed25519 seed, 32 random bytes in base64url (43 characters). Empty: made on first start and kept in <dataDir>/transparency-key. Every instance sharing a database needs the same one; a new key makes every checkpoint signed before unverifiable with the new verifier key' }),
    instanceKey: Type.String({ description: 'Wraps each RFP\'s opening key: 32 random bytes in base64url (43 characters). Empty: made on first start and kept in <dataDir>/instance-key. Every instance sharing a database needs the same one, and losing it loses every sealed proposal not yet opened' })
  }, { additionalProperties: false }),
  proposals: Type.Object({
    maxFileBytes: Type.Integer({ minimum: 1024, maximum: 4294967296, description: 'Largest file a proposal may attach' }),
    maxProposalBytes: Type.Integer({ minimum: 1024, maximum: 17179869184, description: 'Largest total of one proposal version\'s files' }),
    maxFiles: Type.Integer({ minimum: 1, maximum: 100, description: 'Most files one proposal version may attach' }),
    allowedTypes: Type.String({ pattern: '^(pdf|png|jpeg|text|zip)(,(pdf|png|jpeg|text|zip))*$', description: 'Kinds of file accepted, recognised by content, comma-separated: pdf, png, jpeg, text, zip' })
  }, { additionalProperties: false }),
  evaluation: Type.Object({
    attestation: Type.String({ minLength: 20, maxLength: 4000, description: 'What every committee member attests before reading any proposal (embargo and no conflict of interest); an RFP may give its own' })
  }, { additionalProperties: false }),
  publicRecord: Type.Object({
    publisher: Type.String({ minLength: 1, maxLength: 200, description: 'Who publishes the record: the foundation or working group, named in open data (OCDS publisher and buyer) and in the archive' }),
    ocidPrefix: Type.String({ pattern: '^ocds-[a-z0-9]{6}$', description: 'The OCDS ocid prefix registered for this publisher (ocds-xxxxxx); each RFP\'s ocid is the prefix, a hyphen and the RFP\'s slug' }),
    transparencyOrigin: Type.String({ maxLength: 200, pattern: '^[^\\s+]*$', description: 'The origin line of the transparency log\'s checkpoints (C2SP tlog-checkpoint), e.g. shortlist.example.org/log. Empty: the public URL\'s host and path' })
  }, { additionalProperties: false }),
  limits: Type.Object({
    pageSize: Type.Integer({ minimum: 1, maximum: 200, description: 'Rows per page on listings' }),
    maxPage: Type.Integer({ minimum: 1, maximum: 100000, description: 'Highest page number a listing accepts' })
  }, { additionalProperties: false })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>

/** A configuration problem, worded as the single line the CLI prints before it exits. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Names the overlay file; it is not itself a setting. */
export const CONFIG_FILE_VARIABLE = 'SHORTLIST_CONFIG_FILE'

interface Leaf { path: string[], variable: string, schema: TSchema & { type?: string, description?: string, anyOf?: { type?: string }[] } }

function upperSnake (name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

function leavesOf (schema: TSchema & { properties?: Record<string, TSchema> }, path: string[] = []): Leaf[] {
  if (schema.properties === undefined) {
    return [{ path, variable: 'SHORTLIST_' + path.map(upperSnake).join('_'), schema }]
  }
  return Object.entries(schema.properties).flatMap(([key, child]) => leavesOf(child, [...path, key]))
}

/** Every setting with the environment variable that sets it, in schema order. */
export const configLeaves: readonly Leaf[] = leavesOf(ConfigSchema)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = Record<string, Json>

function isObject (value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readJsonObject (file: string, label: string): JsonObject {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`config: cannot read ${label}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // V8's message quotes the text around the fault, which may be a secret: give the position only.
    const position = /position (\d+)/.exec((error as Error).message)?.[1]
    throw new ConfigError(`config: ${label} is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`)
  }
  if (!isObject(value)) throw new ConfigError(`config: ${label} must hold a JSON object`)
  return value
}

/** Merges `overlay` into `base`, recording which source set each leaf. */
function mergeInto (base: JsonObject, overlay: JsonObject, label: string, sources: Map<string, string>, prefix = ''): void {
  for (const [key, value] of Object.entries(overlay)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    const current = base[key]
    if (isObject(value) && isObject(current)) {
      mergeInto(current, value, label, sources, path)
    } else {
      base[key] = value
      sources.set(path, label)
    }
  }
}

function fromVariable (leaf: Leaf, raw: string): Json {
  if (leaf.schema.anyOf !== undefined) {
    // A union takes the first reading that fits: true/false, then a whole number, then the text.
    const types = leaf.schema.anyOf.map((s) => s.type)
    if (types.includes('boolean') && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true'
    if (types.includes('integer') && /^\d+$/.test(raw.trim())) return Number(raw.trim())
    return raw
  }
  switch (leaf.schema.type) {
    case 'integer':
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`config: ${leaf.path.join('.')} (${leaf.variable}): must be an integer`)
      return Number(raw.trim())
    case 'boolean':
      if (/^(true|1)$/i.test(raw.trim())) return true
      if (/^(false|0)$/i.test(raw.trim())) return false
      throw new ConfigError(`config: ${leaf.path.join('.')} (${leaf.variable}): must be true or false`)
    default:
      return raw
  }
}

function setPath (target: JsonObject, path: string[], value: Json): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (!isObject(next)) node[key] = {}
    node = node[key] as JsonObject
  }
  node[path[path.length - 1] as string] = value
}

function describeError (config: JsonObject, sources: Map<string, string>): string | undefined {
  const [first] = schemaProblems(ConfigSchema, config, 1)
  if (first === undefined) return undefined
  const leaf = configLeaves.find((l) => l.path.join('.') === first.path)
  const message = first.message === 'is not an allowed field'
    ? 'is not a setting'
    : leaf?.schema.anyOf !== undefined ? `must be ${leaf.schema.description ?? 'one of the allowed forms'}` : first.message
  return `config: ${first.path} (${sources.get(first.path) ?? 'config/default.json'}): ${message}`
}

function checkMeaning (config: Config, sources: Map<string, string>): void {
  const where = (k: string): string => `${k} (${sources.get(k) ?? 'config/default.json'})`
  if (config.database.url.includes('://')) {
    let server: URL | undefined
    try { server = new URL(config.database.url) } catch {}
    const postgres = server !== undefined && /^postgres(ql)?:$/.test(server.protocol) && server.hostname !== '' && server.pathname.length > 1
    if (!postgres) throw new ConfigError(`config: ${where('database.url')}: must be postgres://[user[:password]@]host[:port]/database, or the path of an SQLite file`)
  }
  let url: URL | undefined
  try {
    url = new URL(config.publicUrl)
  } catch {}
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`config: ${where('publicUrl')}: must be an absolute http(s) URL without query or fragment`)
  }
  if (config.mail.url !== '') {
    let mailUrl: URL | undefined
    try {
      mailUrl = new URL(config.mail.url)
    } catch {}
    let credentialsDecode = true
    try {
      if (mailUrl !== undefined) { decodeURIComponent(mailUrl.username); decodeURIComponent(mailUrl.password) }
    } catch {
      credentialsDecode = false
    }
    if (!credentialsDecode) throw new ConfigError(`config: ${where('mail.url')}: the user name or password has a % that does not start an escape (write %25 for %)`)
    if (mailUrl === undefined || !['smtp:', 'smtps:'].includes(mailUrl.protocol) || mailUrl.hostname === '' || !['', '/'].includes(mailUrl.pathname) || mailUrl.search !== '' || mailUrl.hash !== '') {
      throw new ConfigError(`config: ${where('mail.url')}: must be empty or smtp://[user:pass@]host[:port] or smtps://…, with no path or query`)
    }
  }
  const from = /<([^<>]+)>\s*$/.exec(config.mail.from)?.[1] ?? config.mail.from
  if (!isEmailAddress(from.trim())) throw new ConfigError(`config: ${where('mail.from')}: must be an address such as "Shortlist <rfp@example.org>"`)
  if (config.mail.leaseMs < 2 * config.mail.sendTimeoutMs) throw new ConfigError(`config: ${where('mail.leaseMs')}: must be at least twice mail.sendTimeoutMs, so a send ends before its lease does`)
  if (config.session.secret !== '' && config.session.secret.length < 32) throw new ConfigError(`config: ${where('session.secret')}: must be at least 32 characters`)
  if (config.keys.instanceKey !== '' && !/^[A-Za-z0-9_-]{43}$/.test(config.keys.instanceKey)) throw new ConfigError(`config: ${where('keys.instanceKey')}: must be 32 bytes in base64url (43 characters), e.g. from: node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`)
  if (config.proposals.maxProposalBytes < config.proposals.maxFileBytes) throw new ConfigError(`config: ${where('proposals.maxProposalBytes')}: must not be less than proposals.maxFileBytes`)
  if (config.session.absoluteTimeoutMs < config.session.idleTimeoutMs) throw new ConfigError(`config: ${where('session.absoluteTimeoutMs')}: must not be less than session.idleTimeoutMs`)
  if (config.mail.retryMaxMs < config.mail.retryBaseMs) throw new ConfigError(`config: ${where('mail.retryMaxMs')}: must not be less than mail.retryBaseMs`)
  if (!isTimeZone(config.timeZone)) throw new ConfigError(`config: ${where('timeZone')}: is not an IANA time zone (e.g. Europe/Berlin, UTC)`)
}

export interface ConfigInput {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Settings applied last, above the environment: tests use it. */
  overrides?: Record<string, unknown>
}

/**
 * Loads and validates the configuration. Throws ConfigError with one line that
 * names the key, where its value came from, and the problem — never the value,
 * which may be a secret.
 */
export function loadConfig ({ env = process.env, cwd = process.cwd(), overrides }: ConfigInput = {}): Config {
  const sources = new Map<string, string>()
  const config = readJsonObject(join(configDir, 'default.json'), 'config/default.json')

  const overlayFile = env[CONFIG_FILE_VARIABLE]
  if (overlayFile !== undefined && overlayFile !== '') {
    mergeInto(config, readJsonObject(resolve(cwd, overlayFile), `${overlayFile} (${CONFIG_FILE_VARIABLE})`), overlayFile, sources)
  }

  const byVariable = new Map(configLeaves.map((leaf) => [leaf.variable, leaf]))
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith('SHORTLIST_') || variable === CONFIG_FILE_VARIABLE || raw === undefined) continue
    const leaf = byVariable.get(variable)
    if (leaf === undefined) throw new ConfigError(`config: ${variable}: is not a setting (see "Configuration" in README.md)`)
    setPath(config, leaf.path, fromVariable(leaf, raw))
    sources.set(leaf.path.join('.'), variable)
  }

  if (overrides !== undefined) mergeInto(config, structuredClone(overrides) as JsonObject, 'overrides', sources)

  const problem = describeError(config, sources)
  if (problem !== undefined) throw new ConfigError(problem)
  const valid = config as unknown as Config
  checkMeaning(valid, sources)

  return {
    ...valid,
    publicUrl: valid.publicUrl.replace(/\/+$/, ''),
    dataDir: resolve(cwd, valid.dataDir),
    // A server URL stays as it is; an SQLite path is made absolute.
    database: { ...valid.database, url: valid.database.url === '' || valid.database.url.includes('://') ? valid.database.url : resolve(cwd, valid.database.url) }
  }
}

/** The SQLite file the configuration points at. */
export function sqliteFile (config: Config): string {
  return config.database.url === '' ? join(config.dataDir, 'shortlist.sqlite') : config.database.url
}

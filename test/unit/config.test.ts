import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { configLeaves, ConfigError, loadConfig } from '../../src/config.js'

const problem = (env: Record<string, string>, cwd = process.cwd()): string => {
  try {
    loadConfig({ env, cwd })
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  return 'no problem'
}

t.test('the defaults load and are resolved against the working directory', async (t) => {
  const config = loadConfig({ env: {}, cwd: '/srv/shortlist' })
  t.equal(config.port, 3000)
  t.equal(config.host, 'localhost')
  t.equal(config.publicUrl, 'http://localhost:3000')
  t.equal(config.dataDir, '/srv/shortlist/data')
  t.equal(config.timeZone, 'UTC')
  t.equal(config.views.cache, true)
})

t.test('environment variables override, converted to the setting\'s type', async (t) => {
  const config = loadConfig({
    env: { SHORTLIST_PORT: '8080', SHORTLIST_PUBLIC_URL: 'https://rfp.example.org/', SHORTLIST_DATA_DIR: '/var/lib/shortlist', SHORTLIST_VIEWS_CACHE: 'false', SHORTLIST_DATABASE_URL: 'db/x.sqlite', SHORTLIST_MAIL_URL: 'smtps://u:p@mail.example.org', PATH: '/bin' },
    cwd: '/srv'
  })
  t.equal(config.port, 8080)
  t.equal(config.publicUrl, 'https://rfp.example.org', 'a trailing slash is dropped')
  t.equal(config.dataDir, '/var/lib/shortlist')
  t.equal(config.views.cache, false)
  t.equal(config.mail.url, 'smtps://u:p@mail.example.org')
  t.equal(config.database.url, '/srv/db/x.sqlite')
})

t.test('http.trustProxy takes false, a hop count, or proxy addresses', async (t) => {
  const trust = (value: string) => loadConfig({ env: { SHORTLIST_HTTP_TRUST_PROXY: value } }).http.trustProxy
  t.equal(trust('false'), false)
  t.equal(trust('TRUE'), true)
  t.equal(trust('2'), 2)
  t.equal(trust('10.0.0.0/8, 192.168.1.1'), '10.0.0.0/8, 192.168.1.1')
})

t.test('an overlay file named by SHORTLIST_CONFIG_FILE sits between the defaults and the environment', async (t) => {
  const dir = t.testdir({ 'site.json': JSON.stringify({ port: 4000, log: { level: 'warn' }, limits: { pageSize: 5 } }) })
  const config = loadConfig({ env: { SHORTLIST_CONFIG_FILE: 'site.json', SHORTLIST_PORT: '5000' }, cwd: dir })
  t.equal(config.port, 5000, 'the environment wins')
  t.equal(config.log.level, 'warn')
  t.equal(config.limits.pageSize, 5)
  t.equal(config.limits.maxPage, 1000, 'a partial object keeps the other defaults')
})

t.test('a bad value gives one line naming the key, its source and the problem, never the value', async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ SHORTLIST_PORT: 'abc' }, 'config: port (SHORTLIST_PORT): must be an integer'],
    [{ SHORTLIST_PORT: '70000' }, 'config: port (SHORTLIST_PORT): must be <= 65535'],
    [{ SHORTLIST_VIEWS_CACHE: 'yes' }, 'config: views.cache (SHORTLIST_VIEWS_CACHE): must be true or false'],
    [{ SHORTLIST_LOG_LEVEL: 'loud' }, 'config: log.level (SHORTLIST_LOG_LEVEL): must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ SHORTLIST_TIME_ZONE: 'Mars/Base' }, 'config: timeZone (SHORTLIST_TIME_ZONE): is not an IANA time zone (e.g. Europe/Berlin, UTC)'],
    [{ SHORTLIST_PUBLIC_URL: 'ftp://example.org' }, 'config: publicUrl (SHORTLIST_PUBLIC_URL): must be an absolute http(s) URL without query or fragment'],
    [{ SHORTLIST_PUBLIC_URL: 'localhost:3000' }, 'config: publicUrl (SHORTLIST_PUBLIC_URL): must be an absolute http(s) URL without query or fragment'],
    [{ SHORTLIST_DATABASE_URL: 'mysql://u:secret@db/x' }, 'config: database.url (SHORTLIST_DATABASE_URL): must be postgres://[user[:password]@]host[:port]/database, or the path of an SQLite file'],
    [{ SHORTLIST_DATABASE_URL: 'postgres://u:secret@db' }, 'config: database.url (SHORTLIST_DATABASE_URL): must be postgres://[user[:password]@]host[:port]/database, or the path of an SQLite file'],
    [{ SHORTLIST_PROT: '1' }, 'config: SHORTLIST_PROT: is not a setting (see "Configuration" in README.md)'],
    [{ SHORTLIST_DATA_DIR: '' }, 'config: dataDir (SHORTLIST_DATA_DIR): must not have fewer than 1 characters'],
    [{ SHORTLIST_MAIL_URL: 'http://mail.example.org' }, 'config: mail.url (SHORTLIST_MAIL_URL): must be empty or smtp://[user:pass@]host[:port] or smtps://…, with no path or query'],
    [{ SHORTLIST_MAIL_URL: 'smtp://u:secret@mail.example.org?tls.rejectUnauthorized=false' }, 'config: mail.url (SHORTLIST_MAIL_URL): must be empty or smtp://[user:pass@]host[:port] or smtps://…, with no path or query'],
    [{ SHORTLIST_MAIL_URL: 'smtp://u:50%off@mail.example.org' }, 'config: mail.url (SHORTLIST_MAIL_URL): the user name or password has a % that does not start an escape (write %25 for %)'],
    [{ SHORTLIST_MAIL_LEASE_MS: '30000' }, 'config: mail.leaseMs (SHORTLIST_MAIL_LEASE_MS): must be at least twice mail.sendTimeoutMs, so a send ends before its lease does'],
    [{ SHORTLIST_MAIL_FROM: 'Shortlist' }, 'config: mail.from (SHORTLIST_MAIL_FROM): must be an address such as "Shortlist <rfp@example.org>"'],
    [{ SHORTLIST_MAIL_RETRY_MAX_MS: '1000' }, 'config: mail.retryMaxMs (SHORTLIST_MAIL_RETRY_MAX_MS): must not be less than mail.retryBaseMs'],
    [{ SHORTLIST_HTTP_TRUST_PROXY: 'yes please' }, "config: http.trustProxy (SHORTLIST_HTTP_TRUST_PROXY): must be Which X-Forwarded-For entries to believe: false (none), a number of proxy hops, or the proxies' addresses/CIDRs, comma-separated; true trusts any sender"]
  ]
  for (const [env, expected] of cases) {
    const message = problem(env)
    t.equal(message, expected, Object.keys(env).join())
    t.notMatch(message, /\n/, 'one line')
    t.notMatch(message, /secret/, 'no value echoed')
  }
})

t.test('a PostgreSQL server URL is accepted', async (t) => {
  const config = loadConfig({ env: { SHORTLIST_DATABASE_URL: 'postgres://shortlist:secret@db.internal:5432/shortlist' }, cwd: process.cwd() })
  t.equal(config.database.url, 'postgres://shortlist:secret@db.internal:5432/shortlist')
})

t.test('overlay file problems name the file', async (t) => {
  const dir = t.testdir({
    'typo.json': JSON.stringify({ prot: 1 }),
    'nested.json': JSON.stringify({ http: { bodyLimit: 1 } }),
    'wrong.json': JSON.stringify({ views: { cache: 'yes' } }),
    'broken.json': '{ "port": ',
    'secret.json': '{ "mail": { "url": "smtp://u:hunter2@x" ,, } }',
    'array.json': '[]'
  })
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'typo.json' }, dir), 'config: prot (typo.json): is not a setting')
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'nested.json' }, dir), 'config: http.bodyLimit (nested.json): is not a setting')
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'wrong.json' }, dir), 'config: views.cache (wrong.json): must be boolean')
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'broken.json' }, dir), 'config: broken.json (SHORTLIST_CONFIG_FILE) is not valid JSON')
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'secret.json' }, dir), 'config: secret.json (SHORTLIST_CONFIG_FILE) is not valid JSON (at character 41)', 'the text around the fault is not quoted')
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'array.json' }, dir), 'config: array.json (SHORTLIST_CONFIG_FILE) must hold a JSON object')
  t.equal(problem({ SHORTLIST_CONFIG_FILE: 'missing.json' }, dir), 'config: cannot read missing.json (SHORTLIST_CONFIG_FILE): ENOENT')
})

t.test('every setting has its own variable, and the README documents each one', async (t) => {
  const variables = configLeaves.map((leaf) => leaf.variable)
  t.equal(new Set(variables).size, variables.length, 'no two settings share a variable')
  t.ok(variables.includes('SHORTLIST_PUBLIC_URL') && variables.includes('SHORTLIST_DATABASE_URL') && variables.includes('SHORTLIST_DATA_DIR'), 'the DESIGN §6 names')
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8')
  for (const variable of [...variables, 'SHORTLIST_CONFIG_FILE']) t.match(readme, variable, `README mentions ${variable}`)
})

t.test('the shipped example configuration is valid', async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'prod.json'), readFileSync(join(import.meta.dirname, '../../config/production.example.json')))
  t.equal(loadConfig({ env: { SHORTLIST_CONFIG_FILE: 'prod.json' }, cwd: dir }).publicUrl, 'https://rfp.example.org')
})

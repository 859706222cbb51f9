// The shortlist command as a real process: exit codes, one-line config errors, graceful shutdown.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { once } from 'node:events'
import { join } from 'node:path'
import t from 'tap'

function start (args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', SHORTLIST_CONFIG_FILE: 'config/test.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  return { child, exited, output: () => ({ stdout, stderr }) }
}

t.test('a bad configuration value exits non-zero with exactly one line', async (t) => {
  const run = start(['serve'], { SHORTLIST_DATA_DIR: t.testdir(), SHORTLIST_PORT: '99999' })
  const [code] = await run.exited
  t.equal(code, 78)
  t.equal(run.output().stderr, 'config: port (SHORTLIST_PORT): must be <= 65535\n')
  t.equal(run.output().stdout, '')
})

t.test('serve answers, then on SIGTERM stops and closes the database cleanly', async (t) => {
  const dir = t.testdir()
  const run = start(['serve', '--demo-if-empty'], { SHORTLIST_DATA_DIR: dir })
  t.teardown(() => { run.child.kill('SIGKILL') })
  let origin: string | undefined
  for await (const chunk of run.child.stdout) {
    origin = /listening on (http:\/\/\S+),/.exec(run.output().stdout)?.[1]
    if (origin !== undefined || chunk === null) break
  }
  t.ok(origin, run.output().stdout + run.output().stderr)
  const home = await fetch(`${origin}/`)
  t.equal(home.status, 200)
  t.match(await home.text(), 'Independent security audit of Driftwood 2.0')
  t.ok(existsSync(join(dir, 'shortlist.sqlite-wal')), 'the WAL is open while serving')

  run.child.kill('SIGTERM')
  const [code, signal] = await run.exited
  t.same([code, signal], [0, null], 'a clean exit')
  t.notOk(existsSync(join(dir, 'shortlist.sqlite-wal')), 'closing the database checkpointed and removed the WAL')
  await t.rejects(fetch(`${origin}/`), 'no longer accepting')
})

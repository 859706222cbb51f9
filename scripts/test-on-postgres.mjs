// The second run of `npm test`: the same tap suite on PostgreSQL, when TEST_POSTGRES_URL names a
// server (scripts/postgres-cluster.sh starts a throwaway one; .ci/run does). Without it, says so and passes.
import { spawnSync } from 'node:child_process'

const server = process.env.TEST_POSTGRES_URL
if (server === undefined || server === '') {
  console.log('test:postgres: TEST_POSTGRES_URL is not set; the suite ran on SQLite only')
  process.exit(0)
}
console.log(`test:postgres: the suite again, on PostgreSQL at ${new URL(server).host}`)
const run = spawnSync('npx', ['tap'], { stdio: 'inherit', env: { ...process.env, TEST_DATABASE: 'postgres' } })
process.exit(run.status ?? 1)

import t from 'tap'
import { startWorker } from '../src/worker.js'

t.test('the worker runs a pass at once, and stop waits for the pass in progress', async (t) => {
  let passes = 0
  let finish!: () => void
  let signal: AbortSignal | undefined
  const worker = startWorker({
    pass: async (stop) => { passes++; signal = stop; await new Promise<void>((resolve) => { finish = resolve }) },
    intervalMs: 3600000,
    onError: (error) => { t.fail(String(error)) }
  })
  t.equal(passes, 1, 'the first pass starts straight away')
  let stopped = false
  const stopping = worker.stop().then(() => { stopped = true })
  await Promise.resolve()
  t.equal(signal?.aborted, true, 'the pass in progress is told to stop')
  t.equal(stopped, false, 'stop waits while a pass is running')
  finish()
  await stopping
  t.equal(stopped, true)
  t.equal(passes, 1, 'no pass after stop')
})

t.test('a failed pass is reported, not thrown', async (t) => {
  const errors: unknown[] = []
  const worker = startWorker({ pass: async () => { throw new Error('database locked') }, intervalMs: 3600000, onError: (e) => errors.push(e) })
  await worker.stop()
  t.match(errors, [{ message: 'database locked' }])
})

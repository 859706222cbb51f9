// A background pass run every interval inside the server (mail delivery, housekeeping). Stopping aborts the
// pass in progress and waits for it to settle.

export interface Worker {
  stop (): Promise<void>
}

export interface WorkerOptions {
  pass: (stop: AbortSignal) => Promise<unknown>
  intervalMs: number
  onError: (error: unknown) => void
}

export function startWorker ({ pass, intervalMs, onError }: WorkerOptions): Worker {
  const stopping = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  const tick = (): void => {
    running = pass(stopping.signal).then(() => undefined, onError).finally(() => {
      if (!stopping.signal.aborted) timer = setTimeout(tick, intervalMs).unref()
    })
  }
  tick()

  return {
    async stop () {
      stopping.abort()
      clearTimeout(timer)
      await running
    }
  }
}

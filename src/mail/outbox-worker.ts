// The delivery worker inside the server: a pass over the outbox every poll interval. Stopping aborts the
// pass in progress (its send, and the messages after it) and waits for it to settle.

export interface MailWorker {
  stop (): Promise<void>
}

export interface MailWorkerOptions {
  pass: (stop: AbortSignal) => Promise<unknown>
  intervalMs: number
  onError: (error: unknown) => void
}

export function startMailWorker ({ pass, intervalMs, onError }: MailWorkerOptions): MailWorker {
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

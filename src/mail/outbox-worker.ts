// The delivery worker inside the server: a pass over the outbox every poll interval, stopped cleanly on close.

export interface MailWorker {
  /** Waits for a pass in progress to finish, then stops. */
  stop (): Promise<void>
}

export interface MailWorkerOptions {
  pass: () => Promise<unknown>
  intervalMs: number
  onError: (error: unknown) => void
}

export function startMailWorker ({ pass, intervalMs, onError }: MailWorkerOptions): MailWorker {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  const tick = (): void => {
    running = pass().then(() => undefined, onError).finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs).unref()
    })
  }
  tick()

  return {
    async stop () {
      stopped = true
      clearTimeout(timer)
      await running
    }
  }
}

// What a CLI command reads and writes, so tests can run commands in-process.
export interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  out: (line: string) => void
  err: (line: string) => void
  /**
   * Present only when standard error is a terminal: raw writes (no newline added) for a status line redrawn
   * in place. Absent for a pipe or a log file, where "\r" redraws would pile up as garbage.
   */
  terminal?: Terminal
}

export interface Terminal {
  columns: number
  write: (text: string) => void
}

const stderrTerminal: Terminal = {
  // A pseudo-terminal with no size set (script(1), some CI runners) reports 0 columns.
  get columns () { return process.stderr.columns > 0 ? process.stderr.columns : 80 },
  write: (text) => { process.stderr.write(text) }
}

export const processIo: CliIo = {
  env: process.env,
  cwd: process.cwd(),
  out: (line) => { process.stdout.write(line + '\n') },
  err: (line) => { process.stderr.write(line + '\n') },
  ...(process.stderr.isTTY ? { terminal: stderrTerminal } : {})
}

const BAR_WIDTH = 20

/**
 * "[#####     ] 42/120 label" in `columns` less one, so the cursor never wraps to a new line; a long label
 * keeps its end ("…releases/52.json"), where paths differ.
 */
export function progressText (done: number, total: number, label: string, columns: number): string {
  const filled = total <= 0 ? 0 : Math.min(BAR_WIDTH, Math.floor(BAR_WIDTH * done / total))
  const bar = `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${done}/${total} `
  const room = columns - 1 - bar.length
  const shown = label.length <= room ? label : room > 1 ? `…${label.slice(label.length - room + 1)}` : ''
  return (bar + shown).slice(0, Math.max(0, columns - 1))
}

export interface Progress {
  update: (done: number, total: number, label: string) => void
  /** Erases the bar, so the line that follows (a summary) starts clean. */
  end: () => void
}

/** A one-line progress bar on a terminal, redrawn with "\r"; does nothing when standard error is not one. */
export function progressBar (io: CliIo): Progress {
  const terminal = io.terminal
  if (terminal === undefined) return { update: () => {}, end: () => {} }
  let drawn = false
  return {
    update (done, total, label) {
      // "\x1b[K" clears what a longer previous line left to the right.
      terminal.write(`\r${progressText(done, total, label, terminal.columns)}\x1b[K`)
      drawn = true
    },
    end () {
      if (drawn) terminal.write('\r\x1b[K')
      drawn = false
    }
  }
}

// What a CLI command reads and writes, so tests can run commands in-process.
export interface CliIo {
  env: Record<string, string | undefined>
  cwd: string
  out: (line: string) => void
  err: (line: string) => void
}

export const processIo: CliIo = {
  env: process.env,
  cwd: process.cwd(),
  out: (line) => { process.stdout.write(line + '\n') },
  err: (line) => { process.stderr.write(line + '\n') }
}

#!/usr/bin/env node
// The shortlist command: parses arguments, loads the configuration, runs one command, returns its exit code.
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from './config.js'
import { archiveCommand } from './commands/archive.js'
import { demoCommand } from './commands/demo.js'
import { processIo, type CliIo } from './commands/io.js'
import { mailCommand } from './commands/mail.js'
import { migrateCommand } from './commands/migrate.js'
import { serveCommand } from './commands/serve.js'
import { userCommand } from './commands/user.js'
import { verifyCommand } from './commands/verify.js'
import { verifyDecisionCommand, verifyLogCommand } from './commands/verify-files.js'

const USAGE = `usage: shortlist <command>

commands:
  serve [--demo-if-empty]   migrate the database and start the web server
                            (--demo-if-empty seeds the demo RFP when there are no RFPs)
  migrate [latest|down|status]
                            apply pending migrations (default), undo the last one, or list them
  verify                    recompute the audit chain and the transparency log, and check every
                            checkpoint the instance signed; exit 1 at the first break
  verify decision FILE      recompute a published decision.json from itself: every result, and
                            every sealed score sheet against its hash
  verify log DIR [--vkey KEY] [--checkpoint FILE]
                            check a copy of the transparency log (checkpoint, vkey, tile/) against
                            its signed checkpoint, and an earlier checkpoint against it
  demo                      seed the demo RFP into an empty database
  user add [--admin] [--name NAME] EMAIL
                            add a committee member (or an admin) and print their invitation link
  mail flush                send the messages that are due, once
  mail list [--failed]      list the outbox, newest first (or only the failed messages)
  mail retry ID             queue a failed message again
  archive build --out DIR   write the public record, as of its newest event, into DIR: a static
                            site with its data files and a SHA256SUMS manifest
  archive verify DIR        check DIR against its SHA256SUMS (and each decision.json against its schema)
  help                      show this text

Configuration: config/default.json, the file named by SHORTLIST_CONFIG_FILE, then SHORTLIST_* variables.`

export async function main (argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { 'demo-if-empty': { type: 'boolean' }, failed: { type: 'boolean' }, admin: { type: 'boolean' }, name: { type: 'string' }, out: { type: 'string' }, vkey: { type: 'string' }, checkpoint: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  } catch (error) {
    io.err(`shortlist: ${(error as Error).message}`)
    return 2
  }
  const [command, ...rest] = parsed.positionals
  if (command === undefined || command === 'help' || parsed.values.help === true) {
    io.out(USAGE)
    return command === undefined && parsed.values.help !== true ? 2 : 0
  }

  let config
  try {
    config = loadConfig({ env: io.env, cwd: io.cwd })
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message)
      return 78 // EX_CONFIG
    }
    throw error
  }

  const extra = (allowed: number): boolean => {
    if (rest.length <= allowed) return false
    io.err(`shortlist ${command}: unexpected argument "${rest[allowed]}"`)
    return true
  }
  try {
    switch (command) {
      case 'serve': return extra(0) ? 2 : await serveCommand(config, io, { demoIfEmpty: parsed.values['demo-if-empty'] === true })
      case 'migrate': return extra(1) ? 2 : await migrateCommand(config, io, rest[0])
      case 'verify':
        if (rest[0] === 'decision') return extra(2) ? 2 : await verifyDecisionCommand(io, rest[1])
        if (rest[0] === 'log') return extra(2) ? 2 : await verifyLogCommand(io, rest[1], { vkey: parsed.values.vkey, checkpoint: parsed.values.checkpoint })
        return extra(0) ? 2 : await verifyCommand(config, io)
      case 'demo': return extra(0) ? 2 : await demoCommand(config, io)
      case 'user': return extra(2) ? 2 : await userCommand(config, io, rest[0], rest[1], { admin: parsed.values.admin === true, name: parsed.values.name })
      case 'mail': return extra(2) ? 2 : await mailCommand(config, io, rest[0], rest[1], { failed: parsed.values.failed === true })
      case 'archive': return extra(2) ? 2 : await archiveCommand(config, io, rest[0], rest[1], { out: parsed.values.out })
      default:
        io.err(`shortlist: unknown command "${command}"\n\n${USAGE}`)
        return 2
    }
  } catch (error) {
    // A refusal the services word for people (a coded 4xx) is the command's answer, not a crash.
    const { code, statusCode, message } = error as { code?: unknown, statusCode?: number, message?: string }
    if (typeof code === 'string' && code.startsWith('SL_') && statusCode !== undefined && statusCode < 500) {
      io.err(`shortlist: ${message}`)
      return 1
    }
    throw error
  }
}

function isEntryPoint (): boolean {
  const script = process.argv[1]
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code
  }, (error: unknown) => {
    process.stderr.write(`shortlist: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}

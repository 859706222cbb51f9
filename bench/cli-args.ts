// The bench npm scripts end in `--`, so `npm run bench -- --seconds 10` reaches the script as `-- --seconds 10`,
// which node:util's parseArgs reads as positionals and refuses. The options are what follows that first `--`.
export function benchArgs (argv = process.argv.slice(2)): string[] {
  return argv[0] === '--' ? argv.slice(1) : argv
}

import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { CliError, output } from './output.js';
import { COMMANDS, usage } from './commands.js';

/**
 * The `dmp` command line (DESIGN.md §3): start the system, the test PKI, assertions, records,
 * the patient's decisions, the access history, and the audit log's verification. Every command
 * answers JSON with `--json`.
 */
async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = [words[0], words[1]].filter(Boolean).join(' ');
  const command = COMMANDS.find((c) => c.name === name) ?? COMMANDS.find((c) => c.name === words[0]);
  if (!command || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage());
    return command || argv.length === 0 || argv.includes('--help') ? 0 : 2;
  }
  const rest = argv.slice(argv.indexOf(command.name.split(' ').at(-1)!) + 1);
  const { values } = parseArgs({ args: rest, options: { ...command.options, json: { type: 'boolean' } }, strict: true, allowPositionals: false });
  const out = output(values.json === true);
  await command.run(values as Record<string, string | boolean | string[] | undefined>, out);
  return 0;
}

/** Exits once stdout and stderr are flushed (an exit code set with process.exitCode is lost under tsx's loader). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exit(code !== 0 ? code : typeof process.exitCode === 'number' ? process.exitCode : 0),
  (error: unknown) => {
    const usageError = error instanceof CliError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    process.stderr.write(`dmp: ${error instanceof Error ? error.message : String(error)}\n`);
    exit(usageError ? 2 : 1);
  },
);

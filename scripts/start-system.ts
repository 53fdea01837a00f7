import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * `npm start`: the whole system on one machine, each system its own process as in the real world
 * (they talk only through public protocols): the DMP host with the simulated national services and
 * the patient portal, then Maternité Sainte Félicité's software, which reaches the DMP over mutual
 * TLS with the establishment certificate the DMP's demo issued from the test IGC-Santé.
 * Ctrl-C stops both. Arguments (e.g. `--no-demo`) go to both.
 */
const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');
const args = process.argv.slice(2);
const home = path.resolve(process.env.DMP_HOME ?? 'var');
const children: ChildProcess[] = [];
let stopping = false;

function run(entry: string, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [tsx, entry, 'start', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine?.(line);
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${path.basename(path.dirname(path.dirname(path.dirname(entry))))} stopped (${signal ?? code}); stopping the rest\n`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (alive.length === 0) process.exit(code);
  let left = alive.length;
  for (const child of alive) {
    child.once('exit', () => {
      left -= 1;
      if (left === 0) process.exit(code);
    });
    child.kill('SIGINT');
  }
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('packages/dmp/src/cli/main.ts', (line) => {
  if (line.startsWith('DMP host running') || line.includes('"fhirBase"')) {
    const certificate = path.join(home, 'pki', 'demo', 'maternite.cert.pem');
    if (!existsSync(certificate) && !process.env.MATERNITY_CERT_FILE) {
      process.stderr.write(`no establishment certificate for the maternity in ${certificate}: start without --no-demo, or set MATERNITY_CERT_FILE / MATERNITY_KEY_FILE\n`);
    }
    if (children.length === 1) run('packages/maternity/src/cli/main.ts');
  }
});

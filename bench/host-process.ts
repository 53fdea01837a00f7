import { loadConfig } from '../packages/dmp/src/config.js';
import { startHost } from '../packages/dmp/src/host.js';

/**
 * The DMP host as the bench runs it: alone in its own process (so that its memory is its own),
 * configured from the environment (DMP_HOME, DATABASE_URL, DMP_PORT=0, DMP_BENCH_AUDIT_OFF).
 * Prints `BENCH_HOST_READY {"port":...}` once it listens; SIGTERM closes it cleanly (which also
 * lets `--cpu-prof` write its profile).
 */
const config = loadConfig(process.env);
const host = await startHost(config, { checkpointEveryMs: 60_000 });
process.stdout.write(`BENCH_HOST_READY ${JSON.stringify({ port: host.port, pid: process.pid, auditDisabled: config.auditDisabled })}\n`);

let closing = false;
const stop = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  const stats = host.audit.stats;
  process.stdout.write(`BENCH_HOST_AUDIT ${JSON.stringify(stats)}\n`);
  await host.close();
  process.exit(0);
};
// SIGUSR2: the memory as V8 sees it, before and after a full garbage collection (node --expose-gc),
// to tell live memory from garbage not yet collected.
process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  process.stdout.write(`BENCH_HOST_MEMORY ${JSON.stringify({ before, after })}\n`);
});
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

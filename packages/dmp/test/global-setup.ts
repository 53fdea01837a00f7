import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '@dmp/postgres';

/**
 * Starts one embedded PostgreSQL for the integration suite, unless TEST_DATABASE_URL names an
 * external server (CI runs the suite both ways). Each run has its own cluster folder and port, so
 * runs side by side do not stop each other's server; each test file then works in a database of its own.
 */
let server: EmbeddedServer | undefined;
let clusterDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    clusterDir = path.resolve('var/test-pg-runs', `run-${process.pid}`);
    await mkdir(path.dirname(clusterDir), { recursive: true });
    server = await startEmbeddedPostgres({ dataDir: clusterDir, port: await freePort(), database: 'postgres', stopReused: true });
    url = server.url;
  }
  project.provide('adminDatabaseUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
}

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

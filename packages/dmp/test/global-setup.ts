import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-postgres.js';

/**
 * Starts one embedded PostgreSQL for the integration suite, unless TEST_DATABASE_URL names an
 * external server (CI runs the suite both ways). Each test file then works in a database of its own.
 */
let server: EmbeddedServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    server = await startEmbeddedPostgres({
      dataDir: path.resolve('var/test-pg'),
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330),
      database: 'postgres',
    });
    url = server.url;
  }
  project.provide('adminDatabaseUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

import os from 'node:os';
import path from 'node:path';
import { SimulatedInsi, type InsiService } from '@dmp/national';
import { AuditWriter } from '../audit/index.js';
import { loadConfig, type HostConfig } from '../config.js';
import type { HostServices, RequestContext } from '../context.js';
import { openDatabase } from '../db/database.js';

/** What a CLI command that works on the host's data gets. */
export interface CliHost {
  readonly config: HostConfig;
  readonly services: HostServices;
  readonly insi: InsiService;
  /** The operator, acting at the patient's request (DOMAIN.md: an administrator carries out the patient's decisions). */
  readonly admin: RequestContext;
}

/**
 * Opens the host's database (attaching to the embedded PostgreSQL if `npm start` runs it, or
 * starting it), runs `work`, then flushes the audit log and closes.
 */
export async function withHost<T>(work: (host: CliHost) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    embeddedDir: path.join(config.home, 'pg'),
    embeddedPort: config.embeddedPort,
    poolSize: 4,
  });
  const audit = new AuditWriter({ pool: database.pool });
  const services: HostServices = { pool: database.pool, masterKey: config.masterKey, fhirBase: config.fhirBase, audit };
  try {
    return await work({
      config,
      services,
      insi: new SimulatedInsi(),
      admin: { actor: { kind: 'administrator', operatorId: `cli:${os.userInfo().username}` }, mode: 'normal', requestId: `cli-${process.pid}`, software: 'dmp-cli' },
    });
  } finally {
    await audit.close();
    await database.close();
  }
}

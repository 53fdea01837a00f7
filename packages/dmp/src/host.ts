import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestAuthority, issueServerCertificate, saveCredentials, SimulatedDirectory, SimulatedInsi, type HealthDirectory, type InsiService, type TestAuthority } from '@dmp/national';
import { buildApp } from './api/app.js';
import { mutualTlsAuthenticator } from './api/authenticate-request.js';
import { AuditWriter, createCheckpoint, generateAuditSigningKey } from './audit/index.js';
import { loadClientCertificateVerifier, PostgresReplayStore } from './auth/index.js';
import type { HostConfig } from './config.js';
import type { HostServices } from './context.js';
import { openDatabase, type Database } from './db/database.js';

/** A running DMP host. */
export interface RunningHost {
  readonly config: HostConfig;
  readonly database: Database;
  readonly services: HostServices;
  readonly app: FastifyInstance;
  readonly authority: TestAuthority;
  readonly insi: InsiService;
  readonly directory: HealthDirectory;
  readonly audit: AuditWriter;
  /** The FHIR base URL actually served (the port may have been chosen by the system). */
  readonly fhirBase: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Listen (default true); false builds everything without opening a port. */
  readonly listen?: boolean;
  readonly logger?: boolean;
  readonly onLog?: (line: string) => void;
  /** Signed audit checkpoints every this many ms (default 60 s; 0: none). */
  readonly checkpointEveryMs?: number;
}

/**
 * Starts the DMP host: database (embedded unless configured), migrations, the test IGC-Santé
 * authority and the server's TLS certificate (created on first start), the audit writer and
 * periodic signed checkpoints, and the HTTPS (mutual TLS) FHIR API.
 */
export async function startHost(config: HostConfig, options: StartOptions = {}): Promise<RunningHost> {
  const database = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    embeddedDir: path.join(config.home, 'pg'),
    embeddedPort: config.embeddedPort,
    poolSize: 20,
    stopReusedServer: true,
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  const authority = await createTestAuthority({ dir: config.pkiDir });
  const serverCert = await ensureServerCertificate(authority, config.pkiDir);
  const signingKeyPem = await ensureAuditSigningKey(config.auditSigningKeyFile);
  const audit = new AuditWriter({ pool: database.pool, enabled: !config.auditDisabled });
  // fhirBase is settled once the port is known (port 0 in tests lets the system choose).
  const services: { -readonly [K in keyof HostServices]: HostServices[K] } = { pool: database.pool, masterKey: config.masterKey, fhirBase: config.fhirBase, audit };
  const verifier = await loadClientCertificateVerifier(config.pkiDir);
  const replayStore = new PostgresReplayStore(database.pool);
  const insi = new SimulatedInsi();
  const directory = new SimulatedDirectory();
  const app = await buildApp({
    services,
    insi,
    directory,
    authenticate: mutualTlsAuthenticator(services, { verifier, replayStore }),
    https: { key: serverCert.key, cert: serverCert.cert, ca: authority.certPem },
    logger: options.logger ?? false,
  });
  let port = config.port;
  if (options.listen ?? true) {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    if (address && typeof address === 'object') port = address.port;
    if (config.port === 0) services.fhirBase = `https://localhost:${port}/fhir`;
  }
  const fhirBase = services.fhirBase;
  const every = options.checkpointEveryMs ?? 60_000;
  const timer = every > 0 ? setInterval(() => void createCheckpoint(database.pool, signingKeyPem).catch(() => undefined), every) : undefined;
  timer?.unref();
  return {
    config,
    database,
    services,
    app,
    authority,
    insi,
    directory,
    audit,
    fhirBase,
    port,
    async close() {
      if (timer) clearInterval(timer);
      await app.close();
      await audit.close();
      await createCheckpoint(database.pool, signingKeyPem).catch(() => undefined);
      await database.close();
    },
  };
}

/** The host's TLS server certificate, issued by the test authority on first start. */
async function ensureServerCertificate(authority: TestAuthority, dir: string): Promise<{ key: string; cert: string }> {
  const certPath = path.join(dir, 'server.cert.pem');
  const keyPath = path.join(dir, 'server.key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const issued = await issueServerCertificate(authority, { hostnames: ['localhost', '127.0.0.1'] });
    await saveCredentials(issued, dir, 'server');
  }
  return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
}

/** The Ed25519 key that signs audit checkpoints, generated on first start (mode 0600). */
export async function ensureAuditSigningKey(file: string): Promise<string> {
  if (!existsSync(file)) {
    const key = generateAuditSigningKey();
    await writeFile(file, key.privateKeyPem, { mode: 0o600 });
    await writeFile(file.replace(/\.pem$/, '.pub.pem'), key.publicKeyPem);
  }
  return readFile(file, 'utf8');
}

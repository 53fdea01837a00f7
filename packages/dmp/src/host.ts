import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createTestAuthority, issueServerCertificate, saveCredentials, SimulatedDirectory, SimulatedInsi, type HealthDirectory, type InsiService, type TestAuthority } from '@dmp/national';
import { buildApp } from './api/app.js';
import { mutualTlsAuthenticator } from './api/authenticate-request.js';
import { AuditWriter, createCheckpoint, generateAuditSigningKey } from './audit/index.js';
import { loadClientCertificateVerifier, PostgresReplayStore } from './auth/index.js';
import type { HostConfig } from './config.js';
import type { HostServices } from './context.js';
import { openDatabase, type Database } from './db/database.js';
import { sealClearContacts } from './portal/auth/account-repository.js';
import { DemoSmsGateway, OutboxDispatcher, SmtpEmailSender, startDemoSmtpServer, type DemoSmtpServer } from './messaging/index.js';
import { buildPortalApp } from './portal/portal-app.js';
import { outboxNotifier } from './notifications/notifier.js';

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
  /** The patient portal (web app and its API). */
  readonly portal: FastifyInstance;
  readonly portalUrl: string;
  /** The demo's embedded SMTP server, when no relay is configured. */
  readonly demoSmtp?: DemoSmtpServer;
  close(): Promise<void>;
}

/** The built patient web app. */
const PORTAL_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'portal', 'dist');

export interface StartOptions {
  /** Listen (default true); false builds everything without opening a port. */
  readonly listen?: boolean;
  readonly logger?: boolean;
  readonly onLog?: (line: string) => void;
  /** Signed audit checkpoints every this many ms (default 60 s; 0: none). */
  readonly checkpointEveryMs?: number;
  /** Demo mode: the demo inbox page is served. */
  readonly demo?: boolean;
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
    poolSize: 4, // migrations, and tools given `database`; requests use `pool` below
    stopReusedServer: true,
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  // Portal accounts created before contact details were sealed: sealed now, their clear columns emptied.
  await sealClearContacts(database.pool, config.masterKey);
  // Requests use a pool of their own in node-postgres' pipeline mode: statements a request sends
  // together (a deposit's) share one round trip; awaited one by one, they behave as usual.
  const pool = new pg.Pool({ connectionString: database.url, max: 20, pipeline: true });
  pool.on('error', (error) => options.onLog?.(`database pool: ${error.message}`));
  const authority = await createTestAuthority({ dir: config.pkiDir });
  const serverCert = await ensureServerCertificate(authority, config.pkiDir);
  const signingKeyPem = await ensureAuditSigningKey(config.auditSigningKeyFile);
  const audit = new AuditWriter({ pool, enabled: !config.auditDisabled });
  // fhirBase is settled once the port is known (port 0 in tests lets the system choose).
  const services: { -readonly [K in keyof HostServices]: HostServices[K] } = { pool, masterKey: config.masterKey, fhirBase: config.fhirBase, audit };
  const verifier = await loadClientCertificateVerifier(config.pkiDir);
  // The assertions' single-use ids are claimed on a connection of their own that commits without
  // waiting for the disk (synchronous_commit off): the claims go one batch at a time, and an answer
  // leaves only once its audit entry (or its deposit) has committed with a flush of the log, which
  // makes every claim committed before it durable too. So a claim costs no flush of its own.
  const replayPool = new pg.Pool({ connectionString: database.url, max: 1, options: '-c synchronous_commit=off' });
  replayPool.on('error', (error) => options.onLog?.(`replay store pool: ${error.message}`));
  const replayStore = new PostgresReplayStore(replayPool);
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
  // Outgoing messages: a durable outbox, sent by SMTP (the demo's own server unless a relay is configured) and the SMS gateway.
  const demoSmtp = config.smtp ? undefined : await startDemoSmtpServer({ pool, port: config.demoSmtpPort });
  const email = new SmtpEmailSender({
    host: config.smtp?.host ?? demoSmtp!.host,
    port: config.smtp?.port ?? demoSmtp!.port,
    from: config.mailFrom,
    ...(config.smtp ? { secure: config.smtp.secure, requireTls: config.smtp.requireTls } : {}),
  });
  const dispatcher = new OutboxDispatcher({ pool, masterKey: config.masterKey, email, sms: new DemoSmsGateway(pool) });
  dispatcher.start();
  services.notifier = outboxNotifier({ pool, masterKey: config.masterKey, directory, kick: () => dispatcher.kick() });
  const { app: portal } = await buildPortalApp({
    services,
    insi,
    directory,
    dispatcher,
    portalBaseUrl: config.portalBaseUrl,
    staticDir: PORTAL_DIST,
    demo: options.demo ?? false,
    logger: options.logger ?? false,
  });

  let port = config.port;
  let portalUrl = config.portalBaseUrl;
  if (options.listen ?? true) {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    if (address && typeof address === 'object') port = address.port;
    if (config.port === 0) services.fhirBase = `https://localhost:${port}/fhir`;
    await portal.listen({ port: config.portalPort, host: config.portalHost });
    const portalAddress = portal.server.address();
    if (config.portalPort === 0 && portalAddress && typeof portalAddress === 'object') portalUrl = `http://localhost:${portalAddress.port}`;
  }
  const fhirBase = services.fhirBase;
  const every = options.checkpointEveryMs ?? 60_000;
  const timer = every > 0 ? setInterval(() => void createCheckpoint(pool, signingKeyPem).catch(() => undefined), every) : undefined;
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
    portal,
    portalUrl,
    ...(demoSmtp ? { demoSmtp } : {}),
    async close() {
      if (timer) clearInterval(timer);
      await portal.close();
      await app.close();
      await dispatcher.stop();
      email.close();
      await demoSmtp?.close();
      await audit.close();
      await replayPool.end();
      await createCheckpoint(pool, signingKeyPem).catch(() => undefined);
      await pool.end();
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

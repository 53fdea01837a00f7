import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { masterKeyFrom } from './records/content-crypto.js';

/** The DMP host's configuration, from the environment with demo-friendly defaults. */
export interface HostConfig {
  /** Folder for the embedded PostgreSQL, keys and the test PKI (default `./var`). */
  readonly home: string;
  /** External PostgreSQL; when absent, an embedded one is started in `home/pg`. */
  readonly databaseUrl?: string;
  readonly embeddedPort: number;
  /** HTTPS (mutual TLS) port of the FHIR API. */
  readonly port: number;
  readonly host: string;
  /** Public base of the FHIR API. */
  readonly fhirBase: string;
  readonly pkiDir: string;
  readonly masterKey: Buffer;
  /** Ed25519 private key (PEM) signing audit checkpoints. */
  readonly auditSigningKeyFile: string;
  /** Bench-only: switch the audit log off to measure its cost. Never set in production. */
  readonly auditDisabled: boolean;
  /** The patient portal's listener (HTTP on loopback in the demo; TLS is terminated in front in production). */
  readonly portalPort: number;
  readonly portalHost: string;
  /** Public URL of the portal (links in e-mails). */
  readonly portalBaseUrl: string;
  /** Outgoing mail relay; when absent, the demo's embedded SMTP server receives everything. */
  readonly smtp?: { readonly host: string; readonly port: number; readonly secure: boolean; readonly requireTls: boolean };
  readonly demoSmtpPort: number;
  readonly mailFrom: string;
}

/**
 * Reads the configuration. Keys that are not configured are generated once into `home/keys`
 * (mode 0600), outside the database: the demo's master key never sits beside the data it protects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const home = path.resolve(env.DMP_HOME ?? 'var');
  const port = Number(env.DMP_PORT ?? 8443);
  const host = env.DMP_HOST ?? '127.0.0.1';
  const keysDir = path.join(home, 'keys');
  // The home stays traversable: the embedded PostgreSQL runs as the `postgres` user and keeps its
  // cluster in home/pg. Only the keys folder is private.
  mkdirSync(home, { recursive: true, mode: 0o755 });
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const masterKeyFile = path.join(keysDir, 'master.key');
  let masterKeyBase64 = env.DMP_MASTER_KEY;
  if (!masterKeyBase64) {
    if (!existsSync(masterKeyFile)) writeFileSync(masterKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    masterKeyBase64 = readFileSync(masterKeyFile, 'utf8').trim();
  }
  return {
    home,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    embeddedPort: Number(env.DMP_EMBEDDED_PG_PORT ?? 54329),
    port,
    host,
    fhirBase: env.DMP_FHIR_BASE ?? `https://localhost:${port}/fhir`,
    pkiDir: path.join(home, 'pki'),
    masterKey: masterKeyFrom(masterKeyBase64),
    auditSigningKeyFile: env.DMP_AUDIT_SIGNING_KEY_FILE ?? path.join(keysDir, 'audit-signing.pem'),
    auditDisabled: env.DMP_BENCH_AUDIT_OFF === '1',
    portalPort: Number(env.DMP_PORTAL_PORT ?? 8080),
    portalHost: env.DMP_PORTAL_HOST ?? '127.0.0.1',
    portalBaseUrl: env.DMP_PORTAL_URL ?? `http://localhost:${env.DMP_PORTAL_PORT ?? 8080}`,
    ...(env.DMP_SMTP_HOST
      ? { smtp: { host: env.DMP_SMTP_HOST, port: Number(env.DMP_SMTP_PORT ?? 587), secure: env.DMP_SMTP_SECURE === '1', requireTls: env.DMP_SMTP_REQUIRE_TLS !== '0' } }
      : {}),
    demoSmtpPort: Number(env.DMP_DEMO_SMTP_PORT ?? 2525),
    mailFrom: env.DMP_MAIL_FROM ?? '"Mon DMP" <no-reply@dmp.localhost>',
  };
}

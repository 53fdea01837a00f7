import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { masterKeyFrom } from '@dmp/core';

/** The maternity as the DMP and MSS know it. */
export interface MaternityIdentity {
  readonly finess: string;
  /** idNat_Struct: `1` + FINESS (OID 1.2.250.1.71.4.2.2). */
  readonly structureId: string;
  readonly name: string;
  /** J02 facility type. */
  readonly facilityType: string;
  /** J04 practice setting. */
  readonly practiceSetting: string;
  readonly addressLines: readonly string[];
  readonly postalCode: string;
  readonly city: string;
  readonly telephone: string;
  /** The maternity's MSS address, sender of its letters. */
  readonly mssAddress: string;
}

export const SAINTE_FELICITE: MaternityIdentity = {
  finess: '330000012',
  structureId: '1330000012',
  name: 'Maternité Sainte Félicité',
  facilityType: 'SA01',
  practiceSetting: 'ETABLISSEMENT',
  addressLines: ['14 rue des Berceaux'],
  postalCode: '33000',
  city: 'Bordeaux',
  telephone: '+33 5 56 00 00 12',
  mssAddress: 'secretariat.obstetrique@maternite-sainte-felicite.mssante.fr',
};

/** The maternity software's configuration, from the environment with demo-friendly defaults. */
export interface MaternityConfig {
  /** Folder for its embedded PostgreSQL and its keys (default `./var/maternity`). */
  readonly home: string;
  /** External PostgreSQL; when absent an embedded one is started in `home/pg` (its own cluster). */
  readonly databaseUrl?: string;
  readonly embeddedPort: number;
  /** The staff UI and JSON API (HTTP on loopback; TLS is terminated in front in production). */
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly masterKey: Buffer;
  readonly identity: MaternityIdentity;
  /** The DMP's MHD API, reached with the maternity's establishment certificate. */
  readonly dmp: { readonly fhirBase: string; readonly certFile: string; readonly keyFile: string; readonly caFile: string };
  /**
   * The MSS operator's SMTP submission server. Clear text is refused except on the loopback (the
   * demo's embedded server); `MATERNITY_SMTP_SECURE=1` for implicit TLS, `MATERNITY_SMTP_REQUIRE_TLS=1` for STARTTLS.
   */
  readonly smtp: { readonly host: string; readonly port: number; readonly secure: boolean; readonly requireTls: boolean; readonly user?: string; readonly password?: string };
  /** Outbox polling period, ms. */
  readonly outboxPollMs: number;
}

/**
 * Reads the configuration. The master key, when not configured, is generated once into
 * `home/keys` (mode 0600), outside the database.
 */
export function loadMaternityConfig(env: NodeJS.ProcessEnv = process.env): MaternityConfig {
  const home = path.resolve(env.MATERNITY_HOME ?? path.join('var', 'maternity'));
  const dmpHome = path.resolve(env.DMP_HOME ?? 'var');
  const keysDir = path.join(home, 'keys');
  mkdirSync(home, { recursive: true, mode: 0o755 });
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(keysDir, 'master.key');
  let masterKey = env.MATERNITY_MASTER_KEY;
  if (!masterKey) {
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    masterKey = readFileSync(keyFile, 'utf8').trim();
  }
  const port = Number(env.MATERNITY_PORT ?? 8090);
  return {
    home,
    ...(env.MATERNITY_DATABASE_URL ? { databaseUrl: env.MATERNITY_DATABASE_URL } : {}),
    embeddedPort: Number(env.MATERNITY_EMBEDDED_PG_PORT ?? 54339),
    port,
    host: env.MATERNITY_HOST ?? '127.0.0.1',
    publicUrl: env.MATERNITY_URL ?? `http://localhost:${port}`,
    masterKey: masterKeyFrom(masterKey),
    identity: SAINTE_FELICITE,
    dmp: {
      fhirBase: env.MATERNITY_DMP_FHIR_BASE ?? `https://localhost:${env.DMP_PORT ?? 8443}/fhir`,
      certFile: env.MATERNITY_CERT_FILE ?? path.join(dmpHome, 'pki', 'demo', 'maternite.cert.pem'),
      keyFile: env.MATERNITY_KEY_FILE ?? path.join(dmpHome, 'pki', 'demo', 'maternite.key.pem'),
      caFile: env.MATERNITY_CA_FILE ?? path.join(dmpHome, 'pki', 'ca.cert.pem'),
    },
    smtp: {
      host: env.MATERNITY_SMTP_HOST ?? '127.0.0.1',
      port: Number(env.MATERNITY_SMTP_PORT ?? env.DMP_DEMO_SMTP_PORT ?? 2525),
      secure: env.MATERNITY_SMTP_SECURE === '1',
      requireTls: env.MATERNITY_SMTP_REQUIRE_TLS === '1',
      ...(env.MATERNITY_SMTP_USER ? { user: env.MATERNITY_SMTP_USER } : {}),
      ...(env.MATERNITY_SMTP_PASSWORD ? { password: env.MATERNITY_SMTP_PASSWORD } : {}),
    },
    outboxPollMs: Number(env.MATERNITY_OUTBOX_POLL_MS ?? 1000),
  };
}

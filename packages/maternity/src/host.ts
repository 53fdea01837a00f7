import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { SimulatedDirectory, SimulatedInsi, type HealthDirectory, type InsiService } from '@dmp/national';
import { openDatabase, type Database } from '@dmp/postgres';
import type { MaternityConfig } from './config.js';
import { ConnectorOutbox, type ConnectorTargets } from './connector/connector-outbox.js';
import { DmpClient } from './connector/dmp-client.js';
import type { MaternityContext } from './context.js';
import { SmtpMssSender } from './mss/index.js';
import { buildMaternityApp } from './web/maternity-app.js';

/** The maternity's migrations. */
export const MATERNITY_MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'db', 'migrations');

export interface RunningMaternity {
  readonly config: MaternityConfig;
  readonly database: Database;
  readonly ctx: MaternityContext;
  readonly app: FastifyInstance;
  readonly outbox: ConnectorOutbox;
  /** The staff UI's URL actually served. */
  readonly url: string;
  close(): Promise<void>;
}

export interface StartMaternityOptions {
  readonly listen?: boolean;
  readonly logger?: boolean;
  readonly onLog?: (line: string) => void;
  /** National services (simulated by default). */
  readonly insi?: InsiService;
  readonly directory?: HealthDirectory;
  /** Where deposits and letters go (the configured DMP and SMTP server by default). */
  readonly targets?: ConnectorTargets;
  /** The staff web UI, registered on the app. */
  readonly staffUi?: (app: FastifyInstance, ctx: MaternityContext) => Promise<void>;
  /** The outbox's retry schedule (default 1 s doubling up to 5 minutes). */
  readonly retry?: { readonly baseMs: number; readonly capMs: number };
  /** Start the outbox (default true). */
  readonly outbox?: boolean;
  readonly now?: () => Date;
}

/**
 * Starts Maternité Sainte Félicité's software: its own database (an embedded PostgreSQL cluster
 * of its own unless configured), its migrations, the outbox towards the DMP and MSS, and the web
 * application (staff UI and JSON API).
 */
export async function startMaternity(config: MaternityConfig, options: StartMaternityOptions = {}): Promise<RunningMaternity> {
  const database = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    embeddedDir: path.join(config.home, 'pg'),
    embeddedPort: config.embeddedPort,
    database: 'maternite',
    migrationsDir: MATERNITY_MIGRATIONS,
    poolSize: 10,
    stopReusedServer: true,
  });
  const ctx: MaternityContext = {
    pool: database.pool,
    masterKey: config.masterKey,
    identity: config.identity,
    insi: options.insi ?? new SimulatedInsi(),
    directory: options.directory ?? new SimulatedDirectory(),
    now: options.now ?? (() => new Date()),
  };
  let dmpClient: DmpClient | undefined;
  const targets: ConnectorTargets =
    options.targets ??
    (() => {
      dmpClient = DmpClient.fromFiles(config.dmp, config.identity);
      const smtp = config.smtp;
      return {
        dmp: dmpClient,
        mss: new SmtpMssSender({ host: smtp.host, port: smtp.port, security: smtp.secure ? 'tls' : smtp.requireTls ? 'starttls' : 'none', ...(smtp.user && smtp.password ? { auth: { user: smtp.user, pass: smtp.password } } : {}) }),
      };
    })();
  const outbox = new ConnectorOutbox(ctx, targets, { pollMs: config.outboxPollMs, ...(options.retry ? { retry: options.retry } : {}), ...(options.onLog ? { onLog: options.onLog } : {}) });
  const app = await buildMaternityApp({
    ctx,
    logger: options.logger ?? false,
    afterChange: () => outbox.nudge(),
    ...(options.staffUi ? { staffUi: (instance: FastifyInstance) => options.staffUi!(instance, ctx) } : {}),
  });
  let url = config.publicUrl;
  if (options.listen !== false) {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    if (address && typeof address === 'object' && config.port === 0) url = `http://localhost:${address.port}`;
  }
  if (options.outbox !== false) outbox.start();
  return {
    config,
    database,
    ctx,
    app,
    outbox,
    url,
    async close() {
      await outbox.stop();
      await app.close();
      dmpClient?.close();
      await database.close();
    },
  };
}

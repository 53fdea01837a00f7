import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { InsiService } from '@dmp/national';
import { freshDatabaseUrl } from '../../dmp/test/test-database.js';
import { loadMaternityConfig } from '../src/config.js';
import type { ConnectorTargets } from '../src/connector/connector-outbox.js';
import type { MaternityContext, StaffMember } from '../src/context.js';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD, seedMaternityDemo } from '../src/demo/maternity-demo.js';
import { startMaternity, type RunningMaternity } from '../src/host.js';
import { loadStaffMember } from '../src/staff/staff-accounts.js';

/** An answer of the maternity's web app, as tests read it. */
export interface ApiAnswer {
  readonly status: number;
  readonly json: Record<string, unknown> & { error?: { code: string; message: string; problems: { field: string; message: string }[] } };
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface TestMaternity {
  readonly maternity: RunningMaternity;
  readonly ctx: MaternityContext;
  readonly app: FastifyInstance;
  /** The demo staff, signed up. */
  readonly staff: { readonly midwife: StaffMember; readonly obstetrician: StaffMember; readonly anaesthetist: StaffMember };
  /** The demo mother's stay (admitted with a qualified identity). */
  readonly stayId: string;
  /** Signs in through the API and returns a bearer token. */
  signIn(login?: string, password?: string): Promise<string>;
  /** A JSON API call (`/api/v1` + path) with a bearer token. */
  api(method: 'GET' | 'POST' | 'DELETE', pathAndQuery: string, token: string | undefined, body?: unknown): Promise<ApiAnswer>;
  stop(): Promise<void>;
}

/**
 * Starts the maternity's software for a test file: its own database on the suite's PostgreSQL,
 * the demo staff and mother, no listening port (requests through `app.inject`) unless asked.
 * `targets` replaces the DMP and MSS (a real DMP host's client, or a recorder); the outbox only
 * runs when `outbox` is true.
 */
export async function startTestMaternity(
  options: { targets?: ConnectorTargets; outbox?: boolean; listen?: boolean; retry?: { baseMs: number; capMs: number }; insi?: InsiService; env?: Record<string, string>; staffUi?: (app: FastifyInstance, ctx: MaternityContext) => Promise<void> } = {},
): Promise<TestMaternity> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'maternity-test-'));
  const database = await freshDatabaseUrl();
  const config = loadMaternityConfig({ MATERNITY_HOME: home, MATERNITY_DATABASE_URL: database.url, MATERNITY_PORT: '0', MATERNITY_OUTBOX_POLL_MS: '50', ...(options.env ?? {}) });
  const targets: ConnectorTargets = options.targets ?? {
    dmp: { deposit: () => Promise.resolve({ kind: 'retry', reason: 'no DMP in this test' }) },
    mss: { send: () => Promise.reject(new Error('no MSS in this test')) },
  };
  const maternity = await startMaternity(config, { listen: options.listen ?? false, outbox: options.outbox ?? false, targets, ...(options.retry ? { retry: options.retry } : {}), ...(options.insi ? { insi: options.insi } : {}), ...(options.staffUi ? { staffUi: options.staffUi } : {}) });
  const seeded = await seedMaternityDemo(maternity.ctx);
  const staffRows = await maternity.ctx.pool.query<{ id: string; login: string }>('SELECT id, login FROM staff');
  const byLogin = new Map(staffRows.rows.map((r) => [r.login, r.id]));
  const member = async (login: string) => (await loadStaffMember(maternity.ctx.pool, byLogin.get(login)!))!;
  const staff = { midwife: await member(DEMO_STAFF.midwife.login), obstetrician: await member(DEMO_STAFF.obstetrician.login), anaesthetist: await member(DEMO_STAFF.anaesthetist.login) };
  const api: TestMaternity['api'] = async (method, pathAndQuery, token, body) => {
    const response = await maternity.app.inject({
      method,
      url: `/api/v1${pathAndQuery}`,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    let json: ApiAnswer['json'] = {};
    try {
      json = JSON.parse(response.body) as ApiAnswer['json'];
    } catch {
      // not JSON (a PDF, an empty answer)
    }
    return { status: response.statusCode, json, headers: response.headers as ApiAnswer['headers'], body: response.body };
  };
  return {
    maternity,
    ctx: maternity.ctx,
    app: maternity.app,
    staff,
    stayId: seeded.stayId!,
    async signIn(login = DEMO_STAFF.midwife.login, password = DEMO_STAFF_PASSWORD) {
      const answer = await api('POST', '/session', undefined, { login, password });
      if (answer.status !== 201) throw new Error(`sign-in failed: ${answer.status} ${answer.body}`);
      return answer.json.token as string;
    },
    api,
    async stop() {
      await maternity.close();
      await database.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

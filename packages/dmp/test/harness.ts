import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request as undiciRequest } from 'undici';
import { issueCpsCertificate, type IssuedCertificate } from '@dmp/national';
import { signAssertion, type AssertionInput } from '../src/auth/index.js';
import { loadConfig } from '../src/config.js';
import { DEMO_PROFESSIONALS, type DemoProfessional } from '../src/demo/demo-people.js';
import { startHost, type RunningHost } from '../src/host.js';
import type { RequestContext } from '../src/context.js';
import { freshDatabaseUrl } from './test-database.js';

/** A response as the tests read it. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: Record<string, unknown> & { resourceType?: string; issue?: { diagnostics?: string; code?: string }[]; entry?: { resource: Record<string, unknown>; response?: { status: string; location?: string } }[] };
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly rawBody?: string | Buffer;
  readonly contentType?: string;
  readonly accept?: string;
  /** Claims to put in (or override in) the assertion; `null` sends no assertion. */
  readonly assertion?: AssertionInput | null;
  readonly headers?: Record<string, string>;
}

/** A professional's software: a CPS certificate, an mTLS agent, and fresh assertions per request. */
export interface ProfessionalClient {
  readonly professional: DemoProfessional;
  readonly credentials: IssuedCertificate;
  request(method: string, pathAndQuery: string, options?: RequestOptions): Promise<TestResponse>;
}

export interface TestHost {
  readonly host: RunningHost;
  readonly base: string;
  /** The patient portal's base URL (HTTP on loopback). */
  readonly portal: string;
  client(professional: DemoProfessional): Promise<ProfessionalClient>;
  /** An unauthenticated TLS client (no client certificate). */
  anonymous(method: string, pathAndQuery: string, options?: RequestOptions): Promise<TestResponse>;
  /** A context for calling commands directly, as an administrator acting at the patient's request. */
  readonly admin: RequestContext;
  stop(): Promise<void>;
}

/**
 * Starts a real DMP host for a test file: its own database on the suite's PostgreSQL, its own test
 * PKI in a temporary folder, HTTPS with mutual TLS on a loopback port chosen by the system.
 */
export async function startTestHost(options: { demo?: boolean } = {}): Promise<TestHost> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'dmp-test-'));
  const database = await freshDatabaseUrl();
  const config = loadConfig({ DMP_HOME: home, DATABASE_URL: database.url, DMP_PORT: '0', DMP_PORTAL_PORT: '0', DMP_DEMO_SMTP_PORT: '0' });
  const host = await startHost(config, { checkpointEveryMs: 0, logger: process.env.DMP_TEST_LOG === '1', demo: options.demo ?? false });
  const base = `https://localhost:${host.port}`;
  const agents: Agent[] = [];
  const send = async (agent: Agent, method: string, pathAndQuery: string, options: RequestOptions, authorization?: string): Promise<TestResponse> => {
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await undiciRequest(`${base}${pathAndQuery}`, {
      method: method as 'GET',
      dispatcher: agent,
      headers: {
        ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/fhir+json' } : {}),
        accept: options.accept ?? 'application/fhir+json',
        ...(authorization ? { authorization } : {}),
        ...options.headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
    const buffer = Buffer.from(await response.body.arrayBuffer());
    let json: TestResponse['json'] = {};
    try {
      json = JSON.parse(buffer.toString('utf8')) as TestResponse['json'];
    } catch {
      // not JSON (e.g. a retrieved PDF)
    }
    return { status: response.statusCode, headers: response.headers, body: buffer, json };
  };
  const anonymousAgent = new Agent({ connect: { ca: host.authority.certPem } });
  agents.push(anonymousAgent);
  return {
    host,
    base,
    portal: host.portalUrl,
    admin: { actor: { kind: 'administrator', operatorId: 'test-admin' }, mode: 'normal', requestId: 'test' },
    async client(professional) {
      const credentials = await issueCpsCertificate(host.authority, {
        rpps: professional.rpps,
        profession: professional.profession,
        ...(professional.specialty ? { specialty: professional.specialty } : {}),
        familyName: professional.familyName,
        givenName: professional.givenName,
        ...(professional.structure ? { structure: professional.structure } : {}),
      });
      const agent = new Agent({ connect: { ca: host.authority.certPem, cert: credentials.certPem, key: credentials.keyPem } });
      agents.push(agent);
      return {
        professional,
        credentials,
        async request(method, pathAndQuery, options = {}) {
          const token = options.assertion === null ? undefined : await signAssertion(credentials.keyPem, credentials.certPem, { software: 'dmp-tests', ...options.assertion });
          return send(agent, method, pathAndQuery, options, token ? `Bearer ${token}` : undefined);
        },
      };
    },
    anonymous: (method, pathAndQuery, options = {}) => send(anonymousAgent, method, pathAndQuery, options),
    async stop() {
      await Promise.all(agents.map((a) => a.close()));
      await host.close();
      await database.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export { DEMO_PROFESSIONALS };

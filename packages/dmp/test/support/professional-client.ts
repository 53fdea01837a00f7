import { Agent, request as undiciRequest } from 'undici';
import { issueCpsCertificate, type IssuedCertificate, type TestAuthority } from '@dmp/national';
import { signAssertion } from '../../src/auth/index.js';
import type { DemoProfessional } from '../../src/demo/demo-people.js';
import type { RequestOptions, TestResponse } from '../harness.js';

/** A professional's software against a host found at `base` (a child process, say): CPS certificate, mTLS, a fresh assertion per request. */
export interface RemoteProfessionalClient {
  readonly professional: DemoProfessional;
  readonly credentials: IssuedCertificate;
  request(method: string, pathAndQuery: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Issues a CPS certificate from `authority` (the host's test IGC-Santé) and opens an mTLS client to `base`. */
export async function remoteProfessionalClient(base: string, authority: TestAuthority, professional: DemoProfessional, credentials?: IssuedCertificate): Promise<RemoteProfessionalClient> {
  const issued =
    credentials ??
    (await issueCpsCertificate(authority, {
      rpps: professional.rpps,
      profession: professional.profession,
      ...(professional.specialty ? { specialty: professional.specialty } : {}),
      familyName: professional.familyName,
      givenName: professional.givenName,
      ...(professional.structure ? { structure: professional.structure } : {}),
    }));
  const agent = new Agent({ connect: { ca: authority.certPem, cert: issued.certPem, key: issued.keyPem } });
  return {
    professional,
    credentials: issued,
    async request(method, pathAndQuery, options = {}) {
      const token = options.assertion === null ? undefined : await signAssertion(issued.keyPem, issued.certPem, { software: 'dmp-tests', ...options.assertion });
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const response = await undiciRequest(`${base}${pathAndQuery}`, {
        method: method as 'GET',
        dispatcher: agent,
        headers: {
          ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/fhir+json' } : {}),
          accept: options.accept ?? 'application/fhir+json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...options.headers,
        },
        ...(body !== undefined ? { body } : {}),
      });
      const buffer = Buffer.from(await response.body.arrayBuffer());
      let json: TestResponse['json'] = {};
      try {
        json = JSON.parse(buffer.toString('utf8')) as TestResponse['json'];
      } catch {
        // not JSON (a retrieved PDF)
      }
      return { status: response.statusCode, headers: response.headers, body: buffer, json };
    },
    close: () => agent.close(),
  };
}

import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { issueCpsCertificate, issueServerCertificate, type IssuedCertificate } from '@dmp/national';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAssertion } from './assertion.js';
import { authenticateProfessional } from './authenticate.js';
import { loadClientCertificateVerifier, type ClientCertificateVerifier } from './client-certificate.js';
import { AuthenticationError } from './errors.js';
import { InMemoryReplayStore } from './replay-store.js';
import { CPS_NATIONAL_ID, STRUCTURE_ID, createTestPki, type TestPki } from './test-pki.js';

/**
 * A real mutual-TLS exchange on the loopback: node's https server asks for a client certificate
 * without judging it (`rejectUnauthorized: false`), and the DMP's own checks decide.
 */

let pki: TestPki;
let verifier: ClientCertificateVerifier;
let server: https.Server;
let port: number;
const replayStore = new InMemoryReplayStore();

beforeAll(async () => {
  pki = await createTestPki();
  verifier = await loadClientCertificateVerifier(pki.ca.dir);
  const tlsCredentials = await issueServerCertificate(pki.ca, { hostnames: ['localhost', '127.0.0.1'] });
  server = https.createServer(
    { key: tlsCredentials.keyPem, cert: tlsCredentials.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      const socket = request.socket as TLSSocket;
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const peer = socket.getPeerX509Certificate();
      const work = request.url === '/certificate'
        ? verifier.verify(peer).then((info) => ({ kind: info.kind, id: info.kind === 'cps' ? info.nationalId : info.structureId, name: info.name }))
        : authenticateProfessional({ peerCertificate: peer, authorization: request.headers.authorization }, { verifier, replayStore }).then((result) => result.actor);
      work.then(
        (body) => reply(200, body),
        (error: unknown) => reply(401, { code: error instanceof AuthenticationError ? error.code : 'internal', message: String(error) }),
      );
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await pki.cleanup();
});

async function call(path: string, client: IssuedCertificate | undefined, authorization?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        ca: pki.ca.certPem,
        agent: false,
        ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
        headers: authorization ? { authorization } : {},
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('mutual TLS', () => {
  it('classifies the CPS certificate the client presented (getPeerX509Certificate)', async () => {
    expect(await call('/certificate', pki.cps)).toEqual({ status: 200, body: { kind: 'cps', id: CPS_NATIONAL_ID, name: 'Hélène Martin' } });
  });

  it('classifies an establishment certificate', async () => {
    expect(await call('/certificate', pki.establishment)).toEqual({ status: 200, body: { kind: 'establishment', id: STRUCTURE_ID, name: 'Maternité Sainte Félicité' } });
  });

  it('refuses a connection without a client certificate, and one from another authority', async () => {
    expect((await call('/certificate', undefined)).body.code).toBe('certificate-missing');
    const foreign = await issueCpsCertificate(pki.otherCa, { rpps: '10001234567', profession: '10', familyName: 'Martin', givenName: 'Hélène' });
    expect((await call('/certificate', foreign)).body.code).toBe('certificate-untrusted');
  });

  it('authenticates a request: certificate plus the assertion signed with its key, once', async () => {
    const jwt = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: 'urn:oid:1.2.250.1.213.1.4.8|295109912611193' });
    const first = await call('/fhir/metadata', pki.cps, `Bearer ${jwt}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ kind: 'professional', professional: { nationalId: CPS_NATIONAL_ID, profession: '10' } });
    expect((await call('/fhir/metadata', pki.cps, `Bearer ${jwt}`)).body.code).toBe('assertion-replayed');
    // an assertion stolen from the CPS holder does not work over another certificate
    const stolen = await signAssertion(pki.cps.keyPem, pki.cps.certPem, {});
    expect((await call('/fhir/metadata', pki.establishment, `Bearer ${stolen}`)).body.code).toBe('assertion-bad-signature');
  });
});

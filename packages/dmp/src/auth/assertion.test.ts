import { X509Certificate, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { issueCpsCertificate, issueEstablishmentCertificate, type IssuedCertificate } from '@dmp/national';
import { CompactSign, base64url, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAssertion, verifyAssertion, type VerifiedAssertion } from './assertion.js';
import { authenticateProfessional, bearerToken } from './authenticate.js';
import { loadClientCertificateVerifier, type ClientCertificateInfo, type ClientCertificateVerifier } from './client-certificate.js';
import { AuthenticationError, type AuthenticationErrorCode } from './errors.js';
import { InMemoryReplayStore } from './replay-store.js';
import { CPS_NATIONAL_ID, STRUCTURE_ID, createTestPki, type TestPki } from './test-pki.js';

const PATIENT = 'urn:oid:1.2.250.1.213.1.4.8|295109912611193';
const MIDWIFE = '810005555555';

let pki: TestPki;
let verifier: ClientCertificateVerifier;
let cps: ClientCertificateInfo;
let establishment: ClientCertificateInfo;

beforeAll(async () => {
  pki = await createTestPki();
  verifier = await loadClientCertificateVerifier(pki.ca.dir);
  cps = await verifier.verify(pki.cps.certPem);
  establishment = await verifier.verify(pki.establishment.certPem);
});

afterAll(async () => {
  await pki.cleanup();
});

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Signs anything, bypassing signAssertion's checks: to build the assertions a host must refuse. */
async function rawSign(credentials: IssuedCertificate, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const key = createPrivateKey(credentials.keyPem);
  const alg = key.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}

function cpsClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  return { sub: CPS_NATIONAL_ID, profession: '10', specialty: 'G15_10/SM26', patient: PATIENT, mode: 'normal', iat, exp: iat + 120, jti: randomUUID(), ...overrides };
}

async function refusal(jwt: string | undefined, certificate: ClientCertificateInfo = cps, now?: Date, store = new InMemoryReplayStore()): Promise<AuthenticationErrorCode> {
  try {
    await verifyAssertion(jwt, certificate, certificate.publicKey, store, now);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      expect(error.message.length).toBeGreaterThan(10);
      return error.code;
    }
    throw error;
  }
  throw new Error('the assertion was accepted');
}

describe('signed assertion', () => {
  it('accepts a CPS holder\'s assertion and builds the professional actor from the card', async () => {
    const jwt = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: PATIENT, software: 'LogicielCabinet/4.2' });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', typ: 'JWT' });
    const verified: VerifiedAssertion = await verifyAssertion(jwt, cps, cps.publicKey, new InMemoryReplayStore());
    expect(verified.actor).toEqual({
      kind: 'professional',
      professional: { nationalId: CPS_NATIONAL_ID, profession: '10', specialty: 'G15_10/SM26', familyName: 'Martin', givenName: 'Hélène' },
    });
    expect(verified.mode).toBe('normal');
    expect(verified.patientIns).toEqual({ oid: '1.2.250.1.213.1.4.8', value: '295109912611193' });
    expect(verified.software).toBe('LogicielCabinet/4.2');
    expect(verified.expiresAt.getTime() - verified.issuedAt.getTime()).toBe(120_000);
  });

  it('accepts an establishment acting for a named professional; the structure is the certificate\'s', async () => {
    const jwt = await signAssertion(pki.establishment.keyPem, pki.establishment.certPem, {
      sub: MIDWIFE,
      profession: '50',
      specialty: 'G15_50',
      given_name: 'Lucie',
      family_name: 'Bernard',
      patient: PATIENT,
    });
    const verified = await verifyAssertion(jwt, establishment, establishment.publicKey, new InMemoryReplayStore());
    const site = { nationalId: STRUCTURE_ID, facilityType: 'SA07', name: 'Maternité Sainte Félicité' };
    expect(verified.actor).toEqual({
      kind: 'professional',
      professional: { nationalId: MIDWIFE, profession: '50', specialty: 'G15_50', structure: site, familyName: 'Bernard', givenName: 'Lucie' },
      establishment: site,
    });
  });

  it('accepts RS256 with an RSA certificate, and an x5c header naming the TLS certificate', async () => {
    const rsa = await issueCpsCertificate(pki.ca, { rpps: '10006666666', profession: '21', familyName: 'Roux', givenName: 'Anne' }, { keyAlgorithm: 'rsa-2048' });
    const info = await verifier.verify(rsa.certPem);
    const jwt = await signAssertion(rsa.keyPem, rsa.certPem, { patient: PATIENT }, { includeCertificate: true });
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'RS256', x5c: [expect.any(String)] });
    const verified = await verifyAssertion(jwt, info, info.publicKey, new InMemoryReplayStore());
    expect(verified.actor.professional.nationalId).toBe('810006666666');
  });

  it('refuses a request without an assertion', async () => {
    expect(await refusal(undefined)).toBe('assertion-missing');
    expect(await refusal('  ')).toBe('assertion-missing');
  });

  it('refuses what is not a JWS', async () => {
    expect(await refusal('abc')).toBe('assertion-malformed');
    expect(await refusal('a.b.c')).toBe('assertion-malformed');
    const notJson = await new CompactSign(new TextEncoder().encode('nope')).setProtectedHeader({ alg: 'ES256' }).sign(createPrivateKey(pki.cps.keyPem));
    expect(await refusal(notJson)).toBe('assertion-malformed');
    const array = await new CompactSign(new TextEncoder().encode('[1]')).setProtectedHeader({ alg: 'ES256' }).sign(createPrivateKey(pki.cps.keyPem));
    expect(await refusal(array)).toBe('assertion-malformed');
    // unsigned: the signature part is empty
    expect(await refusal(`${base64url.encode('{"alg":"ES256"}')}.${base64url.encode(JSON.stringify(cpsClaims()))}.`)).toBe('assertion-bad-signature');
  });

  it('refuses an assertion signed by another key (forged), or altered after signing', async () => {
    const other = await issueCpsCertificate(pki.otherCa, { rpps: '10001234567', profession: '10', familyName: 'Martin', givenName: 'Hélène' });
    expect(await refusal(await rawSign(other, cpsClaims()))).toBe('assertion-bad-signature');
    const [header, , signature] = (await rawSign(pki.cps, cpsClaims())).split('.');
    const altered = `${header}.${base64url.encode(JSON.stringify(cpsClaims({ mode: 'bris_de_glace', reason: 'x' })))}.${signature}`;
    expect(await refusal(altered)).toBe('assertion-bad-signature');
  });

  it('refuses an ES256 signature in DER form rather than r || s, and JWS extensions it does not support', async () => {
    const key = createPrivateKey(pki.cps.keyPem);
    const input = `${base64url.encode('{"alg":"ES256","typ":"JWT"}')}.${base64url.encode(JSON.stringify(cpsClaims()))}`;
    const der = sign('sha256', Buffer.from(input), key).toString('base64url');
    expect(await refusal(`${input}.${der}`)).toBe('assertion-bad-signature');
    const p1363 = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    expect((await verifyAssertion(`${input}.${p1363}`, cps, cps.publicKey, new InMemoryReplayStore())).actor.kind).toBe('professional');
    const critical = `${base64url.encode('{"alg":"ES256","typ":"JWT","crit":["x-dmp"],"x-dmp":1}')}.${base64url.encode(JSON.stringify(cpsClaims()))}`;
    expect(await refusal(`${critical}.${sign('sha256', Buffer.from(critical), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`)).toBe('assertion-malformed');
  });

  it('refuses an expired assertion, and one issued in the future', async () => {
    const jwt = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: PATIENT });
    expect(await refusal(jwt, cps, new Date(Date.now() + 10 * 60_000))).toBe('assertion-expired');
    const iat = nowSeconds() + 600;
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ iat, exp: iat + 60 })))).toBe('assertion-not-yet-valid');
  });

  it('tolerates a small clock skew', async () => {
    const iat = nowSeconds() + 10;
    const verified = await verifyAssertion(await rawSign(pki.cps, cpsClaims({ iat, exp: iat + 60 })), cps, cps.publicKey, new InMemoryReplayStore());
    expect(verified.mode).toBe('normal');
  });

  it('refuses an assertion living more than 5 minutes, and signAssertion will not make one', async () => {
    const iat = nowSeconds();
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ iat, exp: iat + 301 })))).toBe('assertion-lifetime-too-long');
    await expect(signAssertion(pki.cps.keyPem, pki.cps.certPem, {}, { lifetimeSeconds: 600 })).rejects.toThrow(/300/);
    await expect(signAssertion(pki.cps.keyPem, pki.cps.certPem, { iat, exp: iat + 3600 })).rejects.toMatchObject({ code: 'assertion-lifetime-too-long' });
  });

  it('refuses a replayed assertion (same jti), across assertions', async () => {
    const store = new InMemoryReplayStore();
    const jwt = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: PATIENT });
    await verifyAssertion(jwt, cps, cps.publicKey, store);
    expect(await refusal(jwt, cps, undefined, store)).toBe('assertion-replayed');
    const jti = randomUUID();
    await verifyAssertion(await rawSign(pki.cps, cpsClaims({ jti })), cps, cps.publicKey, store);
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ jti, patient: undefined })), cps, undefined, store)).toBe('assertion-replayed');
  });

  it('does not burn the jti of a refused assertion', async () => {
    const store = new InMemoryReplayStore();
    const jti = randomUUID();
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ jti, mode: 'bris_de_glace' })), cps, undefined, store)).toBe('assertion-reason-missing');
    expect(store.size).toBe(0);
  });

  it('refuses alg "none" and HS256, and an algorithm that does not fit the key', async () => {
    const payload = base64url.encode(JSON.stringify(cpsClaims()));
    expect(await refusal(`${base64url.encode('{"alg":"none","typ":"JWT"}')}.${payload}.`)).toBe('assertion-algorithm-refused');
    const secret = new TextEncoder().encode('a shared secret of thirty-two bytes!');
    const hs = await new CompactSign(new TextEncoder().encode(JSON.stringify(cpsClaims()))).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expect(await refusal(hs)).toBe('assertion-algorithm-refused');
    const [, body, signature] = (await rawSign(pki.cps, cpsClaims())).split('.');
    expect(await refusal(`${base64url.encode('{"alg":"RS256"}')}.${body}.${signature}`)).toBe('assertion-algorithm-refused');
  });

  it('with a CPS certificate, refuses a sub that is not the holder, and another profession or specialty', async () => {
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ sub: '810009999999' })))).toBe('assertion-subject-mismatch');
    await expect(signAssertion(pki.cps.keyPem, pki.cps.certPem, { sub: '810009999999' })).rejects.toMatchObject({ code: 'assertion-subject-mismatch' });
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ profession: '21', specialty: 'G15_21' })))).toBe('assertion-profession-mismatch');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ specialty: 'G15_10/SM25' })))).toBe('assertion-profession-mismatch');
  });

  it('with an establishment certificate, refuses another structure or facility type', async () => {
    const claims = { sub: MIDWIFE, profession: '50', mode: 'normal' };
    const iat = nowSeconds();
    const base = { ...claims, iat, exp: iat + 60 };
    expect(await refusal(await rawSign(pki.establishment, { ...base, jti: randomUUID(), structure: { id: '1130000001' } }), establishment)).toBe('assertion-structure-mismatch');
    expect(await refusal(await rawSign(pki.establishment, { ...base, jti: randomUUID(), structure: { id: STRUCTURE_ID, facilityType: 'SA01' } }), establishment)).toBe('assertion-structure-mismatch');
    const other = await issueEstablishmentCertificate(pki.ca, { finess: '130000001', name: 'Autre' });
    expect(await refusal(await rawSign(other, { ...base, jti: randomUUID() }), establishment)).toBe('assertion-bad-signature');
  });

  it('refuses emergency access without a reason, and accepts it with one', async () => {
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ mode: 'bris_de_glace' })))).toBe('assertion-reason-missing');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ mode: 'centre_15', reason: '   ' })))).toBe('assertion-reason-missing');
    await expect(signAssertion(pki.cps.keyPem, pki.cps.certPem, { mode: 'bris_de_glace' })).rejects.toMatchObject({ code: 'assertion-reason-missing' });
    const jwt = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: PATIENT, mode: 'bris_de_glace', reason: 'patiente inconsciente, hémorragie' });
    const verified = await verifyAssertion(jwt, cps, cps.publicKey, new InMemoryReplayStore());
    expect(verified).toMatchObject({ mode: 'bris_de_glace', reason: 'patiente inconsciente, hémorragie' });
    const regulation = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: PATIENT, mode: 'centre_15', reason: 'appel au 15, détresse respiratoire', practice_setting: 'SAMU_SMUR' });
    const regulated = await verifyAssertion(regulation, cps, cps.publicKey, new InMemoryReplayStore());
    expect(regulated.mode).toBe('centre_15');
    expect(regulated.actor.professional).toMatchObject({ practiceSetting: 'SAMU_SMUR' });
  });

  it('refuses an unknown mode, a bad patient INS, missing claims and a short jti', async () => {
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ mode: 'admin' })))).toBe('assertion-mode-invalid');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ patient: 'urn:oid:1.2.250.1.213.1.4.8|295109912611194' })))).toBe('assertion-patient-invalid');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ patient: '295109912611193' })))).toBe('assertion-patient-invalid');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ jti: 'short' })))).toBe('assertion-malformed');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ profession: undefined })))).toBe('assertion-malformed');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ exp: undefined })))).toBe('assertion-malformed');
    expect(await refusal(await rawSign(pki.cps, cpsClaims({ mode: undefined })))).toBe('assertion-malformed');
  });

  it('refuses an x5c header naming another certificate than the TLS one', async () => {
    const der = new X509Certificate(pki.establishment.certPem).raw.toString('base64');
    expect(await refusal(await rawSign(pki.cps, cpsClaims(), { x5c: [der] }))).toBe('assertion-certificate-mismatch');
  });

  it('signAssertion refuses a key that is not the certificate\'s', async () => {
    await expect(signAssertion(pki.establishment.keyPem, pki.cps.certPem, {})).rejects.toThrow(/not the certificate's key/);
  });
});

describe('authenticateProfessional and the Authorization header', () => {
  it('checks certificate then assertion', async () => {
    const store = new InMemoryReplayStore();
    const jwt = await signAssertion(pki.cps.keyPem, pki.cps.certPem, { patient: PATIENT });
    const result = await authenticateProfessional({ peerCertificate: pki.cps.certPem, authorization: `Bearer ${jwt}` }, { verifier, replayStore: store });
    expect(result.certificate.kind).toBe('cps');
    expect(result.actor.professional.nationalId).toBe(CPS_NATIONAL_ID);
    await expect(authenticateProfessional({ peerCertificate: pki.cps.certPem, authorization: undefined }, { verifier, replayStore: store })).rejects.toMatchObject({ code: 'assertion-missing' });
    await expect(authenticateProfessional({ peerCertificate: undefined, authorization: `Bearer ${jwt}` }, { verifier, replayStore: store })).rejects.toMatchObject({ code: 'certificate-missing' });
  });

  it('parses Bearer and refuses other schemes', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc.def.ghi ')).toBe('abc.def.ghi');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow(AuthenticationError);
  });
});

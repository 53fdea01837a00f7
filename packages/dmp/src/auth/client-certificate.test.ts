import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as national from '@dmp/national';
import { issueCpsCertificate, issueEstablishmentCertificate, issueServerCertificate, readCrlPem, revoke } from '@dmp/national';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as profile from './certificate-profile.js';
import { ClientCertificateVerifier, classifyCertificateUnchecked, loadClientCertificateVerifier, type PeerCertificateInput } from './client-certificate.js';
import { AuthenticationError, type AuthenticationErrorCode } from './errors.js';
import { CPS_NATIONAL_ID, STRUCTURE_ID, createTestPki, type TestPki } from './test-pki.js';

let pki: TestPki;
let verifier: ClientCertificateVerifier;

beforeAll(async () => {
  pki = await createTestPki();
  verifier = await loadClientCertificateVerifier(pki.ca.dir);
});

afterAll(async () => {
  await pki.cleanup();
});

async function refusal(input: PeerCertificateInput, now?: Date, using: ClientCertificateVerifier = verifier): Promise<AuthenticationErrorCode> {
  try {
    await using.verify(input, now);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      expect(error.message.length).toBeGreaterThan(10);
      return error.code;
    }
    throw error;
  }
  throw new Error('the certificate was accepted');
}

describe('client certificate', () => {
  it('accepts a CPS certificate of the trusted authority and reads the professional from it', async () => {
    const info = await verifier.verify(pki.cps.certPem);
    expect(info).toMatchObject({
      kind: 'cps',
      nationalId: CPS_NATIONAL_ID,
      name: 'Hélène Martin',
      familyName: 'Martin',
      givenName: 'Hélène',
      profession: '10',
      specialty: 'G15_10/SM26',
      serial: pki.cps.serial,
    });
    expect(info).not.toHaveProperty('structure');
    expect(info.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('accepts the certificate as DER, as a node X509Certificate and as getPeerCertificate()\'s object', async () => {
    const node = new X509Certificate(pki.cps.certPem);
    for (const input of [node, node.raw, new Uint8Array(node.raw), { raw: node.raw }]) {
      expect((await verifier.verify(input)).kind).toBe('cps');
    }
  });

  it('reads the structure a CPS card names', async () => {
    const issued = await issueCpsCertificate(pki.ca, {
      rpps: '10007777777',
      profession: '50',
      specialty: 'G15_50',
      familyName: 'Bernard',
      givenName: 'Lucie',
      structure: { id: STRUCTURE_ID, name: 'Maternité Sainte Félicité', facilityType: 'SA07' },
    });
    const info = await verifier.verify(issued.certPem);
    expect(info).toMatchObject({ kind: 'cps', nationalId: '810007777777', profession: '50', structure: { nationalId: STRUCTURE_ID, name: 'Maternité Sainte Félicité', facilityType: 'SA07' } });
  });

  it('accepts an establishment certificate and reads 1+FINESS and the facility type', async () => {
    const info = await verifier.verify(pki.establishment.certPem);
    expect(info).toMatchObject({ kind: 'establishment', structureId: STRUCTURE_ID, name: 'Maternité Sainte Félicité', facilityType: 'SA07' });
  });

  it('refuses a connection without a certificate', async () => {
    expect(await refusal(undefined)).toBe('certificate-missing');
    expect(await refusal(null)).toBe('certificate-missing');
    expect(await refusal({})).toBe('certificate-missing');
    expect(await refusal(new Uint8Array())).toBe('certificate-missing');
  });

  it('refuses what is not a certificate', async () => {
    expect(await refusal('not a certificate')).toBe('certificate-malformed');
    expect(await refusal(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toBe('certificate-malformed');
  });

  it('refuses a certificate from another authority, even with the same names', async () => {
    const forged = await issueCpsCertificate(pki.otherCa, { rpps: '10001234567', profession: '10', familyName: 'Martin', givenName: 'Hélène' });
    expect(await refusal(forged.certPem)).toBe('certificate-untrusted');
  });

  it('refuses an expired certificate and one not yet valid', async () => {
    const day = 86_400_000;
    const expired = await issueCpsCertificate(pki.ca, { rpps: '10002222222', profession: '10', familyName: 'Old', givenName: 'Card' }, {
      notBefore: new Date(Date.now() - 400 * day),
      notAfter: new Date(Date.now() - day),
    });
    expect(await refusal(expired.certPem)).toBe('certificate-expired');
    const future = await issueCpsCertificate(pki.ca, { rpps: '10003333333', profession: '10', familyName: 'New', givenName: 'Card' }, {
      notBefore: new Date(Date.now() + day),
      notAfter: new Date(Date.now() + 400 * day),
    });
    expect(await refusal(future.certPem)).toBe('certificate-not-yet-valid');
    // and the clock given is the one used
    expect(await refusal(pki.cps.certPem, new Date(Date.now() + 4 * 365 * day))).toBe('certificate-expired');
  });

  it('refuses a revoked certificate as soon as the CRL file changes', async () => {
    const issued = await issueCpsCertificate(pki.ca, { rpps: '10004444444', profession: '60', familyName: 'Petit', givenName: 'Marc' });
    expect((await verifier.verify(issued.certPem)).kind).toBe('cps');
    await revoke(pki.ca, issued.serial);
    expect(await refusal(issued.certPem)).toBe('certificate-revoked');
    // other certificates are unaffected
    expect((await verifier.verify(pki.cps.certPem)).kind).toBe('cps');
  });

  it('refuses a server certificate and the authority certificate as client certificates', async () => {
    const server = await issueServerCertificate(pki.ca, { hostnames: ['localhost'] });
    expect(await refusal(server.certPem)).toBe('certificate-wrong-usage');
    expect(await refusal(pki.ca.certPem)).toBe('certificate-wrong-usage');
  });

  it('fails closed without revocation data: no CRL, or an out-of-date one', async () => {
    const noCrl = await ClientCertificateVerifier.create({ trustedAuthorities: pki.ca.certPem });
    expect(await refusal(pki.cps.certPem, undefined, noCrl)).toBe('certificate-revocation-unavailable');
    const lenient = await ClientCertificateVerifier.create({ trustedAuthorities: pki.ca.certPem, requireRevocationData: false });
    expect((await lenient.verify(pki.cps.certPem)).kind).toBe('cps');
    const staticCrl = await ClientCertificateVerifier.create({ trustedAuthorities: pki.ca.certPem, crls: await readCrlPem(pki.ca) });
    expect((await staticCrl.verify(pki.cps.certPem)).kind).toBe('cps');
    expect(await refusal(pki.cps.certPem, new Date(Date.now() + 100 * 86_400_000), staticCrl)).toBe('certificate-revocation-unavailable');
  });

  it('refuses to load a CRL another authority signed, and fails closed when the CRL file goes bad', async () => {
    await expect(ClientCertificateVerifier.create({ trustedAuthorities: pki.ca.certPem, crls: await readCrlPem(pki.otherCa) })).rejects.toThrow(/not signed/);
    const file = path.join(pki.root, 'copy.crl.pem');
    await writeFile(file, await readCrlPem(pki.ca));
    const following = await ClientCertificateVerifier.create({ trustedAuthorities: pki.ca.certPem, crlFile: file });
    expect((await following.verify(pki.cps.certPem)).kind).toBe('cps');
    await writeFile(file, await readCrlPem(pki.otherCa));
    expect(await refusal(pki.cps.certPem, undefined, following)).toBe('certificate-revocation-unavailable');
  });

  it('classifies without checking trust, for tools', async () => {
    const foreign = await issueEstablishmentCertificate(pki.otherCa, { finess: '130000001', name: 'Ailleurs' });
    expect(classifyCertificateUnchecked(foreign.certPem)).toMatchObject({ kind: 'establishment', structureId: '1130000001' });
  });

  it('reads the profile the national test authority writes', () => {
    expect(profile.TEST_IGC_SANTE_ARC).toBe(national.TEST_IGC_SANTE_ARC);
    expect(profile.CERTIFICATE_POLICY).toEqual(national.CERTIFICATE_POLICY);
    expect(profile.HEALTH_ATTRIBUTES_OID).toBe(national.HEALTH_ATTRIBUTES_OID);
    const value = { profession: '10', specialty: 'G15_10/SM26', facilityType: 'SA07' };
    expect(profile.decodeHealthAttributes(national.encodeHealthAttributes(value))).toEqual(value);
  });
});

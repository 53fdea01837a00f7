import 'reflect-metadata';
import { X509Certificate as NodeX509, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestAuthority,
  isRevoked,
  issueCpsCertificate,
  issueEstablishmentCertificate,
  issueServerCertificate,
  readCrlPem,
  refreshCrl,
  revoke,
  saveCredentials,
  type TestAuthority,
} from './authority.js';
import { CERTIFICATE_POLICY, HEALTH_ATTRIBUTES_OID, decodeHealthAttributes, encodeHealthAttributes } from './profile.js';

let dir: string;
let ca: TestAuthority;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'igc-sante-'));
  ca = await createTestAuthority({ dir: path.join(dir, 'ca') });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function policiesOf(certificate: x509.X509Certificate): readonly string[] {
  return certificate.getExtension(x509.CertificatePolicyExtension)?.policies ?? [];
}

describe('test IGC-Santé authority', () => {
  it('creates a self-signed CA with a private key readable only by its owner, and an empty CRL', async () => {
    const root = new NodeX509(await readFile(ca.paths.certificate));
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect((await stat(ca.paths.key)).mode & 0o777).toBe(0o600);
    const crl = new x509.X509Crl(await readCrlPem(ca));
    expect(crl.entries).toHaveLength(0);
    expect(await crl.verify({ publicKey: ca.certificate })).toBe(true);
  });

  it('loads the same authority when its files exist', async () => {
    const again = await createTestAuthority({ dir: ca.dir });
    expect(again.certPem).toBe(ca.certPem);
  });

  it('issues a CPS certificate: CN "given family", serialNumber 8+RPPS, profession and specialty in the health extension, clientAuth', async () => {
    const issued = await issueCpsCertificate(ca, {
      rpps: '10001234567',
      profession: '10',
      specialty: 'G15_10/SM26',
      familyName: 'Martin',
      givenName: 'Hélène',
      structure: { id: '1750000001', name: 'Maternité Sainte Félicité', facilityType: 'SA07' },
    });
    const certificate = new x509.X509Certificate(issued.certPem);
    expect(certificate.subjectName.getField('CN')).toEqual(['Hélène Martin']);
    expect(certificate.subjectName.getField('2.5.4.5')).toEqual(['810001234567']);
    expect(certificate.subjectName.getField('OU')).toEqual(['1750000001']);
    expect(policiesOf(certificate)).toEqual([CERTIFICATE_POLICY.cps]);
    const health = certificate.getExtension(HEALTH_ATTRIBUTES_OID);
    expect(health && decodeHealthAttributes(new Uint8Array(health.value))).toEqual({ profession: '10', specialty: 'G15_10/SM26', facilityType: 'SA07' });
    const node = new NodeX509(issued.certPem);
    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(node.checkIssued(new NodeX509(ca.certPem))).toBe(true);
    expect(node.verify(new NodeX509(ca.certPem).publicKey)).toBe(true);
    expect(issued.serial).toMatch(/^[0-9a-f]+$/);
    expect(issued.serial).toBe(node.serialNumber.toLowerCase().replace(/^0+/, ''));
    // The key is the certificate's.
    const publicFromKey = createPublicKey(createPrivateKey(issued.keyPem)).export({ type: 'spki', format: 'der' });
    expect(Buffer.compare(publicFromKey, node.publicKey.export({ type: 'spki', format: 'der' }))).toBe(0);
  });

  it('issues an establishment certificate for 1+FINESS with its facility type', async () => {
    const issued = await issueEstablishmentCertificate(ca, { finess: '750000001', name: 'Maternité Sainte Félicité', facilityType: 'SA07' });
    const certificate = new x509.X509Certificate(issued.certPem);
    expect(certificate.subjectName.getField('2.5.4.5')).toEqual(['1750000001']);
    expect(certificate.subjectName.getField('O')).toEqual(['Maternité Sainte Félicité']);
    expect(policiesOf(certificate)).toEqual([CERTIFICATE_POLICY.establishment]);
    expect(new NodeX509(issued.certPem).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('issues a server certificate with DNS and IP names', async () => {
    const issued = await issueServerCertificate(ca, { hostnames: ['localhost', '127.0.0.1'] });
    const node = new NodeX509(issued.certPem);
    expect(node.checkHost('localhost')).toBe('localhost');
    expect(node.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('refuses malformed requests', async () => {
    await expect(issueCpsCertificate(ca, { rpps: '123', profession: '10', familyName: 'A', givenName: 'B' })).rejects.toThrow(/RPPS/);
    await expect(issueEstablishmentCertificate(ca, { finess: '75000000', name: 'X' })).rejects.toThrow(/FINESS/);
    await expect(issueServerCertificate(ca, { hostnames: [] })).rejects.toThrow(/hostname/);
  });

  it('revokes: the CRL lists the serial, re-signed; revoking twice is harmless', async () => {
    const issued = await issueCpsCertificate(ca, { rpps: '10009999999', profession: '60', familyName: 'Durand', givenName: 'Paul' });
    expect(await isRevoked(ca, issued.serial)).toBe(false);
    await revoke(ca, issued.serial);
    await revoke(ca, issued.serial.toUpperCase());
    expect(await isRevoked(ca, issued.serial)).toBe(true);
    const crl = new x509.X509Crl(await readCrlPem(ca));
    expect(await crl.verify({ publicKey: ca.certificate })).toBe(true);
    expect(crl.entries).toHaveLength(1);
    expect(crl.findRevoked(new x509.X509Certificate(issued.certPem))).not.toBeNull();
    await refreshCrl(ca);
    const refreshed = new x509.X509Crl(await readCrlPem(ca));
    expect(refreshed.thisUpdate.getTime()).toBeGreaterThanOrEqual(crl.thisUpdate.getTime());
    expect(await refreshed.verify({ publicKey: ca.certificate })).toBe(true);
    expect(await isRevoked(ca, issued.serial)).toBe(true);
  });

  it('saves credentials with the key in mode 0600', async () => {
    const issued = await issueEstablishmentCertificate(ca, { finess: '2A0000012', name: 'Clinique de Corse' });
    const saved = await saveCredentials(issued, path.join(dir, 'out'), 'clinique');
    expect((await stat(saved.keyPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(saved.certPath, 'utf8')).toBe(issued.certPem);
    await expect(saveCredentials(issued, dir, '../escape')).rejects.toThrow(/file name/);
  });

  it('round-trips the health attributes encoding, including long values', () => {
    const long = 'x'.repeat(200);
    expect(decodeHealthAttributes(encodeHealthAttributes({ specialty: long }))).toEqual({ specialty: long });
    expect(decodeHealthAttributes(encodeHealthAttributes({}))).toEqual({});
    expect(() => decodeHealthAttributes(Uint8Array.from([0x30, 0x03, 0x85, 0x01, 0x41]))).toThrow();
  });
});

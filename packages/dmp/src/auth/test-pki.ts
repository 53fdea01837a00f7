/**
 * For the tests of this folder only: a fresh test authority in a temporary folder, and the
 * credentials the tests use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestAuthority,
  issueCpsCertificate,
  issueEstablishmentCertificate,
  type IssuedCertificate,
  type TestAuthority,
} from '@dmp/national';

export interface TestPki {
  readonly root: string;
  readonly ca: TestAuthority;
  /** Dr Hélène Martin, médecin (10), gynécologue-obstétricien (G15_10/SM26), RPPS 10001234567. */
  readonly cps: IssuedCertificate;
  /** Maternité Sainte Félicité, FINESS 750000001, facility type SA07. */
  readonly establishment: IssuedCertificate;
  /** An authority nobody trusts. */
  readonly otherCa: TestAuthority;
  cleanup(): Promise<void>;
}

export const CPS_RPPS = '10001234567';
export const CPS_NATIONAL_ID = `8${CPS_RPPS}`;
export const FINESS = '750000001';
export const STRUCTURE_ID = `1${FINESS}`;

export async function createTestPki(): Promise<TestPki> {
  const root = await mkdtemp(path.join(tmpdir(), 'dmp-auth-'));
  const ca = await createTestAuthority({ dir: path.join(root, 'ca') });
  const otherCa = await createTestAuthority({ dir: path.join(root, 'other-ca'), commonName: 'AC PIRATE' });
  const cps = await issueCpsCertificate(ca, {
    rpps: CPS_RPPS,
    profession: '10',
    specialty: 'G15_10/SM26',
    familyName: 'Martin',
    givenName: 'Hélène',
  });
  const establishment = await issueEstablishmentCertificate(ca, { finess: FINESS, name: 'Maternité Sainte Félicité', facilityType: 'SA07' });
  return {
    root,
    ca,
    cps,
    establishment,
    otherCa,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

import type { FastifyInstance } from 'fastify';
import type { HostServices } from '../context.js';
import { findAccount } from '../portal/auth/account-repository.js';
import { issueActivationCode } from '../portal/auth/index.js';
import { DEMO_PATIENTS } from './demo-people.js';

/** The demo patient's sign-in: her login id is given at first start; the password is this one. */
export const DEMO_PATIENT_PASSWORD = 'Berceau-Garonne-2026!';
export const DEMO_PATIENT_EMAIL = 'camille.leroy@example.org';

/**
 * Opens the demo mother's portal account the way a patient would: the record exists (a
 * professional created it), an activation code is issued by letter, and she activates her account
 * through the portal's own API. Returns her login id (also on later starts).
 */
export async function ensureDemoAccount(services: HostServices, portal: FastifyInstance): Promise<string> {
  const { mother } = DEMO_PATIENTS;
  const existing = await findAccount(services.pool, services.masterKey, { ins: mother.ins });
  if (existing) return existing.loginId;
  const issued = await issueActivationCode(services, mother.ins, 'letter', { actor: { kind: 'administrator', id: 'demo-setup' }, requestId: 'demo-setup' });
  const response = await portal.inject({
    method: 'POST',
    url: '/api/auth/activate',
    headers: { 'content-type': 'application/json' },
    payload: {
      insuredNir: mother.card.insuredNir,
      rank: mother.card.rank,
      familyName: mother.card.familyName,
      givenName: mother.card.givenName,
      birthDate: mother.card.birthDate,
      email: DEMO_PATIENT_EMAIL,
      phone: '+33612345678',
      password: DEMO_PATIENT_PASSWORD,
      otpChannel: 'email',
      activationCode: issued.code,
    },
  });
  if (response.statusCode >= 300) throw new Error(`demo account: ${response.statusCode} ${response.body}`);
  return (JSON.parse(response.body) as { loginId: string }).loginId;
}

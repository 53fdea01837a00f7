import type { MaternityContext } from '../context.js';
import { upsertStaffMember } from '../staff/staff-accounts.js';
import { admitMother } from '../records/stays.js';

/** The demo staff's password (the staff UI asks for at least 12 characters). */
export const DEMO_STAFF_PASSWORD = 'Maternite-Bordeaux-2026!';

/** The maternity's demo staff: the directory's professionals of Maternité Sainte Félicité. */
export const DEMO_STAFF = {
  midwife: { login: 'sbernard', rpps: '10005678901', givenName: 'Sophie', familyName: 'BERNARD', profession: '50', specialty: 'G15_50', roleLabel: 'Sage-femme' },
  obstetrician: { login: 'cfontaine', rpps: '10004567890', givenName: 'Claire', familyName: 'FONTAINE', profession: '10', specialty: 'G15_10/SM20', roleLabel: 'Gynécologue-obstétricienne' },
  anaesthetist: { login: 'amercier', rpps: '10010000004', givenName: 'Antoine', familyName: 'MERCIER', profession: '10', specialty: 'G15_10/SM02', roleLabel: 'Anesthésiste-réanimateur' },
} as const;

/** The demo mother's Carte Vitale (the DMP demo's Camille, née Dubois) and her care team. */
export const DEMO_MOTHER = {
  insuredNir: '279035121518989',
  rank: 1,
  familyName: 'Dubois',
  givenName: 'Camille',
  birthDate: '1979-03-14',
  /** Dr Jean Lefèvre, her médecin traitant. */
  medecinTraitantNationalId: '810003456789',
  /** Julie François, the sage-femme libérale who followed the pregnancy. */
  referringNationalId: '810010000010',
} as const;

/**
 * Seeds the demo: the staff accounts, and the demo mother admitted today (identity qualified from
 * her Carte Vitale through INSi) unless she already has a stay. Returns whether she was admitted now.
 */
export async function seedMaternityDemo(ctx: MaternityContext): Promise<{ admittedNow: boolean; stayId?: string }> {
  const staff = [];
  for (const member of Object.values(DEMO_STAFF)) staff.push(await upsertStaffMember(ctx.pool, { ...member, password: DEMO_STAFF_PASSWORD }));
  const existing = await ctx.pool.query<{ id: string }>('SELECT s.id FROM stay s JOIN patient p ON p.id = s.patient_id WHERE p.ins = $1 LIMIT 1', [DEMO_MOTHER.insuredNir]);
  if (existing.rows[0]) return { admittedNow: false, stayId: existing.rows[0].id };
  const admitted = new Date(ctx.now().getTime() - 6 * 3_600_000);
  const result = await admitMother(ctx, staff[0]!, {
    admittedAt: admitted.toISOString(),
    insuredNir: DEMO_MOTHER.insuredNir,
    rank: DEMO_MOTHER.rank,
    familyName: DEMO_MOTHER.familyName,
    givenName: DEMO_MOTHER.givenName,
    birthDate: DEMO_MOTHER.birthDate,
    identityChecked: true,
    medecinTraitantNationalId: DEMO_MOTHER.medecinTraitantNationalId,
    referringNationalId: DEMO_MOTHER.referringNationalId,
  });
  return { admittedNow: true, stayId: result.stay.id };
}

import type pg from 'pg';
import type { IdentityStatus } from '../../records/patients.js';
import type { LetterDelivery } from '../../records/stay-view.js';
import { zonedIso } from '../../records/local-time.js';
import { listStaff } from '../../staff/staff-accounts.js';

/**
 * French wording for the staff UI: dates in the maternity's time zone (the one in which the forms'
 * `datetime-local` values are read), identity statuses, MSS letter states.
 */


/** `20/11/2026 à 14:32` from an ISO instant, in the maternity's time zone. */
export function frenchDateTime(iso: string | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return iso ?? '—';
  const local = zonedIso(iso);
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} à ${local.slice(11, 16)}`;
}

/** `02/10/1995` from `1995-10-02`. */
export function frenchDate(isoDate: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '—';
}

/** The value of a `datetime-local` field (`2026-11-20T14:32`) for an ISO instant, in the maternity's time zone. */
export function localInputValue(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return zonedIso(d).slice(0, 16);
}

/** An ISO instant as the commands store them (`…Z`). */
export function isIsoInstant(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(value);
}

export const IDENTITY_STATUS_LABELS: Record<IdentityStatus, string> = {
  PROV: 'Identité provisoire',
  RECUP: 'Identité récupérée (INSi)',
  VALI: 'Identité validée',
  QUAL: 'Identité qualifiée',
};

export const LETTER_STATUS_LABELS: Record<LetterDelivery['status'], string> = {
  pending: "En attente d'envoi",
  done: 'Envoyée',
  failed: "Échec d'envoi",
  cancelled: 'Non envoyée',
};

export const RECIPIENT_KIND_LABELS: Readonly<Record<string, string>> = {
  'medecin-traitant': 'Médecin traitant',
  referring: 'Praticien adresseur',
  patient: 'Patiente (sa messagerie sécurisée)',
};

export const SEX_LABELS: Readonly<Record<string, string>> = { F: 'Féminin', M: 'Masculin', U: 'Indéterminé' };

/** `Sophie BERNARD (Sage-femme)` by staff id, for "recorded by" and document authors. */
export async function staffNames(pool: pg.Pool): Promise<Map<string, string>> {
  return new Map((await listStaff(pool)).map((s) => [s.id, `${s.givenName} ${s.familyName} (${s.roleLabel})`]));
}

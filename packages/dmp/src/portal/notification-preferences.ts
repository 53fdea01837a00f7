import type { HostServices, RequestContext } from '../context.js';
import { inTransaction } from '../db/database.js';
import { auditInTransaction } from '../records/audit-trail.js';
import type { NotificationPreferences, OtpChannel } from './api-contract.js';
import { PortalInputError } from './patient-documents.js';

const DEFAULTS: NotificationPreferences = { newDocument: ['email'], newProfessionalAccess: ['email'], emergencyAccess: ['email', 'sms'] };
const CHANNELS: readonly OtpChannel[] = ['email', 'sms'];

/** The patient's notification preferences (defaults until they choose). */
export async function readPreferences(services: HostServices, ins: string): Promise<NotificationPreferences> {
  const found = await services.pool.query<{ new_document: OtpChannel[]; new_professional_access: OtpChannel[]; emergency_access: OtpChannel[] }>(
    'SELECT new_document, new_professional_access, emergency_access FROM notification_preference WHERE ins = $1',
    [ins],
  );
  const row = found.rows[0];
  return row ? { newDocument: row.new_document, newProfessionalAccess: row.new_professional_access, emergencyAccess: row.emergency_access } : DEFAULTS;
}

/** Saves the preferences (each a list of channels among email and sms). */
export async function savePreferences(ctx: RequestContext, services: HostServices, ins: string, input: unknown): Promise<NotificationPreferences> {
  const value = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  const channels = (name: keyof NotificationPreferences): OtpChannel[] => {
    const raw = value[name];
    if (!Array.isArray(raw) || raw.some((c) => !(CHANNELS as readonly unknown[]).includes(c))) {
      fields[name] = 'Choisissez parmi e-mail et SMS.';
      return [];
    }
    return [...new Set(raw as OtpChannel[])];
  };
  const preferences: NotificationPreferences = { newDocument: channels('newDocument'), newProfessionalAccess: channels('newProfessionalAccess'), emergencyAccess: channels('emergencyAccess') };
  if (Object.keys(fields).length > 0) throw new PortalInputError(fields);
  await inTransaction(services.pool, async (client) => {
    await client.query(
      `INSERT INTO notification_preference (ins, new_document, new_professional_access, emergency_access) VALUES ($1, $2, $3, $4)
       ON CONFLICT (ins) DO UPDATE SET new_document = EXCLUDED.new_document, new_professional_access = EXCLUDED.new_professional_access,
         emergency_access = EXCLUDED.emergency_access, updated_at = now()`,
      [ins, preferences.newDocument, preferences.newProfessionalAccess, preferences.emergencyAccess],
    );
    await auditInTransaction(client, ctx, [{ action: 'record.notification-preferences', outcome: 'allowed', rule: 'patient-own-record', ins }]);
  });
  return preferences;
}

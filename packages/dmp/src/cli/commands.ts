import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestAuthority, issueCpsCertificate, issueEstablishmentCertificate, revoke, saveCredentials } from '@dmp/national';
import { createCheckpoint, verifyAuditLog } from '../audit/index.js';
import { signAssertion } from '../auth/index.js';
import { loadConfig } from '../config.js';
import { ensureAuditSigningKey } from '../host.js';
import { createRecordFromCarteVitale } from '../identity/create-record.js';
import { changeRecord, type RecordChange } from '../identity/manage-record.js';
import { readHistory } from '../records/read-history.js';
import { updateDocument } from '../records/update-document.js';
import { issueActivationCode } from '../portal/auth/index.js';
import { withHost } from './context.js';
import { CliError, type Output } from './output.js';
import { startCommand } from './start.js';

type Values = Record<string, string | boolean | string[] | undefined>;
type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly options: OptionSpec;
  run(values: Values, out: Output): Promise<void>;
}

function need(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`--${name} is required`);
  return value;
}

function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const recordChange = (name: string, kind: RecordChange['kind'], summary: string, withProfessional: boolean): Command => ({
  name: `record ${name}`,
  summary,
  options: { ins: { type: 'string' }, ...(withProfessional ? { professional: { type: 'string' } } : {}) },
  async run(values, out) {
    const ins = need(values, 'ins');
    const change = (withProfessional ? { kind, nationalId: need(values, 'professional') } : { kind }) as RecordChange;
    await withHost((host) => changeRecord(host.admin, host.services, ins, change));
    out.result({ ins, change: kind, ...(withProfessional ? { professional: values.professional } : {}) }, () => `${kind}: done for ${ins}`);
  },
});

const documentVisibility = (name: 'mask' | 'unmask'): Command => ({
  name: `document ${name}`,
  summary: name === 'mask' ? 'mask a document from professionals (MASQUE_PS), at the patient’s request' : 'lift MASQUE_PS from a document',
  options: { id: { type: 'string' } },
  async run(values, out) {
    const id = need(values, 'id');
    const label = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code: 'MASQUE_PS' }] };
    const parameters = {
      resourceType: 'Parameters',
      parameter: [
        name === 'mask'
          ? { name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'DocumentReference' }, { name: 'name', valueString: 'securityLabel' }, { name: 'value', valueCodeableConcept: label }] }
          : { name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: "DocumentReference.securityLabel.where(coding.code='MASQUE_PS')" }] },
      ],
    };
    const updated = await withHost((host) => updateDocument(host.admin, host.services, id, { kind: 'fhirpath-patch', parameters }));
    out.result({ id, securityLabel: updated.securityLabel }, () => `${name === 'mask' ? 'masked' : 'unmasked'}: ${id}`);
  },
});

export const COMMANDS: readonly Command[] = [
  startCommand,
  {
    name: 'pki init',
    summary: 'create (or show) the test IGC-Santé authority',
    options: {},
    async run(_values, out) {
      const ca = await createTestAuthority({ dir: loadConfig().pkiDir });
      out.result({ dir: ca.dir, certificate: ca.paths.certificate, crl: ca.paths.crl }, (v) => `test IGC-Santé authority in ${(v as { dir: string }).dir}`);
    },
  },
  {
    name: 'pki issue-cps',
    summary: 'issue a CPS certificate: --rpps --profession [--specialty] --family --given [--structure-id --structure-name --facility-type] [--out DIR]',
    options: {
      rpps: { type: 'string' }, profession: { type: 'string' }, specialty: { type: 'string' }, family: { type: 'string' }, given: { type: 'string' },
      'structure-id': { type: 'string' }, 'structure-name': { type: 'string' }, 'facility-type': { type: 'string' }, out: { type: 'string' },
    },
    async run(values, out) {
      const config = loadConfig();
      const ca = await createTestAuthority({ dir: config.pkiDir });
      const rpps = need(values, 'rpps');
      const structureId = optional(values, 'structure-id');
      const specialty = optional(values, 'specialty');
      const structureName = optional(values, 'structure-name');
      const facilityType = optional(values, 'facility-type');
      const issued = await issueCpsCertificate(ca, {
        rpps,
        profession: need(values, 'profession'),
        ...(specialty ? { specialty } : {}),
        familyName: need(values, 'family'),
        givenName: need(values, 'given'),
        ...(structureId ? { structure: { id: structureId, ...(structureName ? { name: structureName } : {}), ...(facilityType ? { facilityType } : {}) } } : {}),
      });
      const saved = await saveCredentials(issued, optional(values, 'out') ?? path.join(config.pkiDir, 'issued'), `cps-${rpps}`);
      out.result({ ...saved, serial: issued.serial, nationalId: `8${rpps}`, notAfter: issued.notAfter }, (v) => `CPS certificate for 8${rpps}: ${(v as { certPath: string }).certPath}`);
    },
  },
  {
    name: 'pki issue-establishment',
    summary: 'issue an establishment certificate: --finess --name [--facility-type] [--out DIR]',
    options: { finess: { type: 'string' }, name: { type: 'string' }, 'facility-type': { type: 'string' }, out: { type: 'string' } },
    async run(values, out) {
      const config = loadConfig();
      const ca = await createTestAuthority({ dir: config.pkiDir });
      const finess = need(values, 'finess');
      const facilityType = optional(values, 'facility-type');
      const issued = await issueEstablishmentCertificate(ca, { finess, name: need(values, 'name'), ...(facilityType ? { facilityType } : {}) });
      const saved = await saveCredentials(issued, optional(values, 'out') ?? path.join(config.pkiDir, 'issued'), `establishment-${finess}`);
      out.result({ ...saved, serial: issued.serial, structureId: `1${finess}` }, (v) => `establishment certificate for 1${finess}: ${(v as { certPath: string }).certPath}`);
    },
  },
  {
    name: 'pki revoke',
    summary: 'revoke a certificate of the test authority: --serial HEX',
    options: { serial: { type: 'string' } },
    async run(values, out) {
      const ca = await createTestAuthority({ dir: loadConfig().pkiDir });
      await revoke(ca, need(values, 'serial'));
      out.result({ revoked: values.serial }, () => `revoked ${String(values.serial)}`);
    },
  },
  {
    name: 'assertion sign',
    summary: 'sign an assertion for a certificate: --cert FILE --key FILE [--patient INS] [--mode normal|bris_de_glace|centre_15] [--reason TEXT] [--sub ID --profession CODE --specialty CODE (establishment)]',
    options: {
      cert: { type: 'string' }, key: { type: 'string' }, patient: { type: 'string' }, mode: { type: 'string' }, reason: { type: 'string' },
      sub: { type: 'string' }, profession: { type: 'string' }, specialty: { type: 'string' }, 'practice-setting': { type: 'string' }, lifetime: { type: 'string' },
    },
    async run(values, out) {
      const [certPem, keyPem] = await Promise.all([readFile(need(values, 'cert'), 'utf8'), readFile(need(values, 'key'), 'utf8')]);
      const patient = optional(values, 'patient');
      const mode = optional(values, 'mode');
      const claims = {
        ...(patient ? { patient: patient.includes('|') ? patient : `urn:oid:1.2.250.1.213.1.4.8|${patient}` } : {}),
        ...(mode ? { mode: mode as 'normal' } : {}),
        ...(optional(values, 'reason') ? { reason: optional(values, 'reason') } : {}),
        ...(optional(values, 'sub') ? { sub: optional(values, 'sub') } : {}),
        ...(optional(values, 'profession') ? { profession: optional(values, 'profession') } : {}),
        ...(optional(values, 'specialty') ? { specialty: optional(values, 'specialty') } : {}),
        ...(optional(values, 'practice-setting') ? { practice_setting: optional(values, 'practice-setting') } : {}),
        software: 'dmp-cli',
      };
      const lifetime = optional(values, 'lifetime');
      const token = await signAssertion(keyPem, certPem, claims, lifetime ? { lifetimeSeconds: Number(lifetime) } : {});
      out.result({ assertion: token }, () => token);
    },
  },
  {
    name: 'record create',
    summary: 'create a record from Carte Vitale data: --nir (insured) [--rank 1] --family --given --birth-date YYYY-MM-DD [--representative ID]',
    options: { nir: { type: 'string' }, rank: { type: 'string' }, family: { type: 'string' }, given: { type: 'string' }, 'birth-date': { type: 'string' }, representative: { type: 'string', multiple: true } },
    async run(values, out) {
      const rank = Number(optional(values, 'rank') ?? '1');
      if (!Number.isInteger(rank) || rank < 1 || rank > 99) throw new CliError('--rank is a whole number from 1 to 99');
      const birthDate = need(values, 'birth-date');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new CliError('--birth-date is YYYY-MM-DD');
      const representatives = Array.isArray(values.representative) ? values.representative : [];
      const result = await withHost((host) =>
        createRecordFromCarteVitale(host.admin, host.services, host.insi, { insuredNir: need(values, 'nir'), rank, familyName: need(values, 'family'), givenName: need(values, 'given'), birthDate }, { legalRepresentatives: representatives }),
      );
      out.result(result, () => `${result.created ? 'created' : 'already existed'}: record of INS ${result.ins} (${result.identity.givenNames.join(' ')} ${result.identity.birthName})`);
    },
  },
  recordChange('authorise', 'authorise', 'authorise a professional to read: --ins --professional NATIONAL_ID', true),
  recordChange('revoke-authorisation', 'revoke-authorisation', 'withdraw an authorisation: --ins --professional NATIONAL_ID', true),
  recordChange('block', 'block', 'block a professional: --ins --professional NATIONAL_ID', true),
  recordChange('unblock', 'unblock', 'lift a block: --ins --professional NATIONAL_ID', true),
  recordChange('declare-medecin-traitant', 'declare-medecin-traitant', 'declare the médecin traitant: --ins --professional NATIONAL_ID', true),
  recordChange('withdraw-medecin-traitant', 'withdraw-medecin-traitant', 'withdraw the médecin traitant declaration: --ins', false),
  recordChange('oppose-emergency', 'oppose-emergency-access', 'oppose emergency access (bris de glace, centre 15): --ins', false),
  recordChange('accept-emergency', 'accept-emergency-access', 'withdraw the opposition to emergency access: --ins', false),
  recordChange('close', 'close', 'close the record (kept, no new access): --ins', false),
  recordChange('reopen', 'reopen', 'reopen a closed record: --ins', false),
  {
    name: 'record activation-code',
    summary: 'issue the code a patient needs to open their portal account: --ins --channel letter|sms|email [--destination PHONE|EMAIL]',
    options: { ins: { type: 'string' }, channel: { type: 'string' }, destination: { type: 'string' } },
    async run(values, out) {
      const ins = need(values, 'ins');
      const channel = need(values, 'channel');
      if (channel !== 'letter' && channel !== 'sms' && channel !== 'email') throw new CliError('--channel is letter, sms or email');
      const destination = optional(values, 'destination');
      if (channel !== 'letter' && !destination) throw new CliError(`--destination is required for ${channel}`);
      const issued = await withHost((host) =>
        issueActivationCode(host.services, ins, channel, {
          ...(destination ? { destination } : {}),
          portalBaseUrl: host.config.portalBaseUrl,
          actor: { kind: 'administrator', id: String(host.admin.actor.kind === 'administrator' ? host.admin.actor.operatorId : 'cli') },
          requestId: host.admin.requestId,
        }),
      );
      out.result(issued, () => (issued.letter ? issued.letter : `activation code sent by ${channel} to ${issued.maskedDestination ?? ''}`));
    },
  },
  documentVisibility('mask'),
  documentVisibility('unmask'),
  {
    name: 'history',
    summary: 'show a patient’s access history, newest first: --ins [--count 50]',
    options: { ins: { type: 'string' }, count: { type: 'string' } },
    async run(values, out) {
      const ins = need(values, 'ins');
      const count = Math.min(1000, Number(optional(values, 'count') ?? '50'));
      const { resources } = await withHost((host) => readHistory(host.admin, host.services, ins, { count }));
      out.result(resources, (v) =>
        (v as { recorded: string; outcomeDesc?: string; outcome: string; subtype?: { code: string }[]; agent?: { who?: { display?: string; identifier?: { value?: string } } }[] }[])
          .map((e) => `${e.recorded}  ${e.outcome === '0' ? 'allowed' : 'REFUSED'}  ${e.subtype?.[0]?.code ?? ''}  by ${e.agent?.[0]?.who?.display ?? e.agent?.[0]?.who?.identifier?.value ?? '?'}  (${e.outcomeDesc ?? ''})`)
          .join('\n'),
      );
    },
  },
  {
    name: 'audit verify',
    summary: 'verify the audit log: every hash chain and the signed checkpoints; names the first bad entry',
    options: {},
    async run(_values, out) {
      const config = loadConfig();
      await ensureAuditSigningKey(config.auditSigningKeyFile);
      const publicKey = await readFile(config.auditSigningKeyFile.replace(/\.pem$/, '.pub.pem'), 'utf8');
      const result = await withHost((host) => verifyAuditLog(host.services.pool, publicKey));
      out.result(result, (v) => JSON.stringify(v, null, 2));
      if (!result.ok) process.exitCode = 3;
    },
  },
  {
    name: 'audit checkpoint',
    summary: 'sign a checkpoint over every chain head now',
    options: {},
    async run(_values, out) {
      const config = loadConfig();
      const key = await ensureAuditSigningKey(config.auditSigningKeyFile);
      const checkpoint = await withHost((host) => createCheckpoint(host.services.pool, key));
      out.result(checkpoint, () => `checkpoint signed over ${JSON.stringify((checkpoint as unknown as { headCount?: number }).headCount ?? '')} chains`);
    },
  },
];

/** The help text. */
export function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(34)} ${c.summary}`);
  return `Usage: npx dmp <command> [options] [--json]\n\nCommands:\n${lines.join('\n')}\n\nEnvironment: DMP_HOME (default ./var), DATABASE_URL (external PostgreSQL), DMP_PORT (8443), DMP_MASTER_KEY.\n`;
}

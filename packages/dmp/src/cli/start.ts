import { existsSync } from 'node:fs';
import path from 'node:path';
import { issueCpsCertificate, issueEstablishmentCertificate, saveCredentials, type TestAuthority } from '@dmp/national';
import { loadConfig } from '../config.js';
import { DEMO_PATIENTS, DEMO_PROFESSIONALS, MATERNITY } from '../demo/demo-people.js';
import { seedDemo } from '../demo/seed-demo.js';
import { DEMO_PATIENT_PASSWORD, ensureDemoAccount } from '../demo/demo-account.js';
import { startHost } from '../host.js';
import type { Command } from './commands.js';

/** Issues the demo professionals' CPS certificates and the maternity's certificate, once. */
async function demoCredentials(authority: TestAuthority, dir: string): Promise<Record<string, { certPath: string; keyPath: string }>> {
  const result: Record<string, { certPath: string; keyPath: string }> = {};
  for (const p of Object.values(DEMO_PROFESSIONALS)) {
    const paths = { certPath: path.join(dir, `${p.key}.cert.pem`), keyPath: path.join(dir, `${p.key}.key.pem`) };
    if (!existsSync(paths.certPath)) {
      const issued = await issueCpsCertificate(authority, {
        rpps: p.rpps,
        profession: p.profession,
        ...(p.specialty ? { specialty: p.specialty } : {}),
        familyName: p.familyName,
        givenName: p.givenName,
        ...(p.structure ? { structure: p.structure } : {}),
      });
      await saveCredentials(issued, dir, p.key);
    }
    result[p.key] = paths;
  }
  const maternity = { certPath: path.join(dir, 'maternite.cert.pem'), keyPath: path.join(dir, 'maternite.key.pem') };
  if (!existsSync(maternity.certPath)) {
    await saveCredentials(await issueEstablishmentCertificate(authority, { finess: MATERNITY.finess, name: MATERNITY.name, facilityType: MATERNITY.facilityType }), dir, 'maternite');
  }
  result.maternite = maternity;
  return result;
}

export const startCommand: Command = {
  name: 'start',
  summary: 'start the DMP host (FHIR API over mutual TLS) on the embedded PostgreSQL, with demo data unless --no-demo',
  options: { 'no-demo': { type: 'boolean' } },
  async run(values, out) {
    const config = loadConfig();
    out.info('Starting the DMP host…');
    const demo = values['no-demo'] !== true;
    const host = await startHost(config, { logger: process.env.DMP_LOG === '1', demo });
    let seeded = false;
    let credentials: Record<string, { certPath: string; keyPath: string }> = {};
    let loginId: string | undefined;
    if (demo) {
      seeded = await seedDemo(host.services, host.insi);
      credentials = await demoCredentials(host.authority, path.join(config.pkiDir, 'demo'));
      loginId = await ensureDemoAccount(host.services, host.portal);
    }
    const gp = credentials['medecin-traitant'];
    const relative = (p: string) => path.relative(process.cwd(), p);
    const info = {
      portal: host.portalUrl,
      ...(demo ? { demoInbox: `${host.portalUrl}/demo/inbox`, demoPatientLogin: { loginId, password: DEMO_PATIENT_PASSWORD } } : {}),
      fhirBase: host.fhirBase,
      health: host.fhirBase.replace(/\/fhir$/, '/health'),
      database: config.databaseUrl ? 'external PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL 17 in ${relative(path.join(config.home, 'pg'))}`,
      pki: { authority: relative(path.join(config.pkiDir, 'ca.cert.pem')), demoCertificates: relative(path.join(config.pkiDir, 'demo')) },
      demo: values['no-demo'] === true ? undefined : { seededNow: seeded, patients: DEMO_PATIENTS, professionals: Object.values(DEMO_PROFESSIONALS).map((p) => ({ key: p.key, nationalId: p.nationalId, description: p.description })) },
    };
    const example = gp
      ? [
          `TOKEN=$(npx dmp assertion sign --cert ${relative(gp.certPath)} --key ${relative(gp.keyPath)} --patient ${DEMO_PATIENTS.mother.ins})`,
          `curl --cacert ${info.pki.authority} --cert ${relative(gp.certPath)} --key ${relative(gp.keyPath)} -H "Authorization: Bearer $TOKEN" \\`,
          `  '${host.fhirBase}/DocumentReference?patient.identifier=urn:oid:1.2.250.1.213.1.4.8|${DEMO_PATIENTS.mother.ins}&status=current'`,
        ].join('\n')
      : undefined;
    out.result({ ...info, exampleRequest: example }, () =>
      [
        '',
        'DMP host running',
        `  patient portal         ${info.portal}`,
        ...(demo
          ? [
              `  demo inbox             ${host.portalUrl}/demo/inbox   (the one-time codes sent by e-mail and SMS)`,
              `  demo patient sign-in   login id ${loginId}, password ${DEMO_PATIENT_PASSWORD}  (Camille Leroy)`,
            ]
          : []),
        `  FHIR API (mutual TLS)  ${info.fhirBase}`,
        `  health                 ${info.health}`,
        `  database               ${info.database}`,
        `  test IGC-Santé         ${info.pki.authority}`,
        ...(gp
          ? [
              `  demo certificates      ${info.pki.demoCertificates}/<professional>.cert.pem / .key.pem`,
              '',
              'Demo professionals:',
              ...Object.values(DEMO_PROFESSIONALS).map((p) => `  ${p.key.padEnd(20)} ${p.nationalId}  ${p.givenName} ${p.familyName}, ${p.description}`),
              '',
              'Demo patients (INS):',
              `  ${DEMO_PATIENTS.mother.ins}  Camille LEROY née DUBOIS, followed at Maternité Sainte Félicité (médecin traitant: Dr Lefèvre)`,
              `  ${DEMO_PATIENTS.hugo.ins}  Hugo LEROY, her son (minor)`,
              `  ${DEMO_PATIENTS.lea.ins}  Léa MARTIN`,
              `  ${DEMO_PATIENTS.julien.ins}  Julien MOREAU`,
              '',
              'Try it: the médecin traitant lists the mother’s documents',
              example ?? '',
            ]
          : []),
        '',
        'Stop with Ctrl-C.',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    out.info('Stopping…');
    await host.close();
  },
};

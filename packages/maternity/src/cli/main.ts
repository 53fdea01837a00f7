import { parseArgs } from 'node:util';
import { loadMaternityConfig } from '../config.js';
import { DEMO_MOTHER, DEMO_STAFF, DEMO_STAFF_PASSWORD, seedMaternityDemo } from '../demo/maternity-demo.js';
import { startMaternity } from '../host.js';
import { registerStaffUi } from '../web/staff-ui/index.js';

const USAGE = `Usage: maternite start [--no-demo] [--json]

Starts Maternité Sainte Félicité's software: the staff UI and JSON API, its own database
(an embedded PostgreSQL of its own unless MATERNITY_DATABASE_URL is set), and the connector that
deposits its documents in the DMP (MATERNITY_DMP_FHIR_BASE, with the establishment certificate
MATERNITY_CERT_FILE / MATERNITY_KEY_FILE) and sends the lettre de liaison by MSS
(MATERNITY_SMTP_HOST / MATERNITY_SMTP_PORT).
`;

/** `maternite start`: runs until Ctrl-C. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'start' || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv[0] === undefined || argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const { values } = parseArgs({ args: argv.slice(1), options: { 'no-demo': { type: 'boolean' }, json: { type: 'boolean' } }, strict: true });
  const config = loadMaternityConfig();
  const maternity = await startMaternity(config, {
    logger: process.env.MATERNITY_LOG === '1',
    onLog: (line) => process.stderr.write(`maternité: ${line}\n`),
    staffUi: (app, ctx) => registerStaffUi(app, ctx, { afterChange: () => maternity.outbox.nudge() }),
  });
  const demo = values['no-demo'] !== true;
  if (demo) await seedMaternityDemo(maternity.ctx);
  const info = {
    staffUi: maternity.url,
    api: `${maternity.url}/api/v1`,
    dmp: config.dmp.fhirBase,
    database: config.databaseUrl ? 'external PostgreSQL (MATERNITY_DATABASE_URL)' : `embedded PostgreSQL 17 in ${config.home}/pg (its own)`,
    ...(demo ? { demoStaff: Object.values(DEMO_STAFF).map((s) => ({ login: s.login, role: s.roleLabel })), demoPassword: DEMO_STAFF_PASSWORD } : {}),
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(info, null, 2)}\n`
      : [
          '',
          'Maternité Sainte Félicité running',
          `  staff UI               ${info.staffUi}`,
          `  JSON API               ${info.api}`,
          `  DMP (MHD, mutual TLS)  ${info.dmp}`,
          `  database               ${info.database}`,
          ...(demo
            ? [
                `  demo staff             ${Object.values(DEMO_STAFF).map((s) => `${s.login} (${s.roleLabel.toLowerCase()})`).join(', ')}`,
                `  demo staff password    ${DEMO_STAFF_PASSWORD}`,
                `  demo mother            ${DEMO_MOTHER.givenName} ${DEMO_MOTHER.familyName.toUpperCase()} (LEROY), admitted: record her delivery from the staff UI`,
              ]
            : []),
          '',
        ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await maternity.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`maternite: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

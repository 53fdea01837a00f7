import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENTS, DEMO_PROFESSIONALS } from '../src/demo/demo-people.js';
import { freshDatabaseUrl } from './test-database.js';

const run = promisify(execFile);
const MAIN = path.resolve('packages/dmp/src/cli/main.ts');

/** The `dmp` command line, run as a user would, on its own home and database. */
describe('dmp command line', () => {
  let home: string;
  let database: { url: string; drop(): Promise<void> };
  const env = () => ({ ...process.env, DMP_HOME: home, DATABASE_URL: database.url });
  const dmp = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args, '--json'], { env: env() });
      return { code: 0, json: JSON.parse(stdout) as Record<string, unknown> };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(failed.stdout) as Record<string, unknown>;
      } catch {
        json = { stderr: failed.stderr };
      }
      return { code: failed.code, json };
    }
  };

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'dmp-cli-'));
    database = await freshDatabaseUrl();
  });
  afterAll(async () => {
    await database?.drop();
    await rm(home, { recursive: true, force: true });
  });

  it('creates a record from Carte Vitale data, carries out the patient’s decisions and shows the history', async () => {
    const { card } = DEMO_PATIENTS.julien;
    const created = await dmp('record', 'create', '--nir', card.insuredNir, '--rank', '1', '--family', card.familyName, '--given', card.givenName, '--birth-date', card.birthDate);
    expect(created).toMatchObject({ code: 0, json: { ins: DEMO_PATIENTS.julien.ins, created: true } });
    expect((await dmp('record', 'authorise', '--ins', DEMO_PATIENTS.julien.ins, '--professional', DEMO_PROFESSIONALS.pharmacist.nationalId)).code).toBe(0);
    expect((await dmp('record', 'oppose-emergency', '--ins', DEMO_PATIENTS.julien.ins)).code).toBe(0);
    const history = await dmp('history', '--ins', DEMO_PATIENTS.julien.ins);
    const events = history.json as unknown as { subtype?: { code: string }[] }[];
    expect(events.map((e) => e.subtype?.[0]?.code)).toEqual(expect.arrayContaining(['record.create', 'record.authorise', 'record.oppose-emergency-access']));
  });

  it('refuses bad input with a clear message and exit code 2', async () => {
    const result = await dmp('record', 'create', '--nir', '295109912611193', '--family', 'Martin', '--given', 'Léa', '--birth-date', '02/10/1995');
    expect(result.code).toBe(2);
    expect(String(result.json.stderr)).toMatch(/birth-date/);
  });

  it('signs an assertion for a certificate it issued', async () => {
    const issued = await dmp('pki', 'issue-cps', '--rpps', '10003456789', '--profession', '10', '--specialty', 'G15_10/SM26', '--family', 'LEFEVRE', '--given', 'Jean', '--out', path.join(home, 'certs'));
    expect(issued.code).toBe(0);
    const signed = await dmp('assertion', 'sign', '--cert', String(issued.json.certPath), '--key', String(issued.json.keyPath), '--patient', DEMO_PATIENTS.julien.ins);
    const [, payload] = String(signed.json.assertion).split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ sub: '810003456789', profession: '10', mode: 'normal' });
  });

  it('verifies the audit log, and names the first bad entry once a row is edited', async () => {
    expect(await dmp('audit', 'checkpoint')).toMatchObject({ code: 0 });
    expect(await dmp('audit', 'verify')).toMatchObject({ code: 0, json: { ok: true } });
    // an attacker with database administrator rights edits the history
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('ALTER TABLE audit_entry DISABLE TRIGGER USER');
    await client.query("UPDATE audit_entry SET rule = 'tampered' WHERE partition = $1 AND seq = 2", [DEMO_PATIENTS.julien.ins]);
    await client.end();
    const verdict = await dmp('audit', 'verify');
    expect(verdict.code).toBe(3);
    expect(verdict.json).toMatchObject({ ok: false, firstBad: { partition: DEMO_PATIENTS.julien.ins, seq: 2 } });
  });
});

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueEstablishmentCertificate } from '../packages/national/src/index.js';
import { DEMO_PATIENT_PASSWORD, ensureDemoAccount } from '../packages/dmp/src/demo/demo-account.js';
import { DEMO_PATIENTS, DEMO_PROFESSIONALS } from '../packages/dmp/src/demo/demo-people.js';
import { seedDemo } from '../packages/dmp/src/demo/seed-demo.js';
import { startTestHost, type ProfessionalClient, type TestHost } from '../packages/dmp/test/harness.js';
import { SAINTE_FELICITE } from '../packages/maternity/src/config.js';
import { DmpClient } from '../packages/maternity/src/connector/dmp-client.js';
import { DEMO_STAFF_PASSWORD } from '../packages/maternity/src/demo/maternity-demo.js';
import { SmtpMssSender } from '../packages/maternity/src/mss/index.js';
import { localInputValue } from '../packages/maternity/src/web/staff-ui/format.js';
import { registerStaffUi } from '../packages/maternity/src/web/staff-ui/index.js';
import { startTestMaternity, type TestMaternity } from '../packages/maternity/test/maternity-harness.js';
import { codeFromInbox, frenchPage, launchBrowser, seriousViolations } from './browser.js';

const SCREENSHOTS = path.resolve('docs/screenshots');
const MOTHER = DEMO_PATIENTS.mother.ins;
const TITLES = ["Compte rendu d'accouchement", 'Synthèse Salle de Naissance Mère', 'Compte rendu opératoire', 'Lettre de liaison à la sortie'];

/**
 * The issue's end-to-end story, in Chromium, across two systems: a caesarean is entered in the
 * maternity's staff UI → the CRA, its structured twin and the CRO reach the mother's DMP → at
 * discharge the lettre de liaison reaches it and the mail leaves → the mother sees the four in her
 * portal → her médecin traitant reads them through the API.
 */
describe('Maternité Sainte Félicité to the DMP, in Chromium', () => {
  let dmp: TestHost;
  let maternity: TestMaternity;
  let client: DmpClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let loginId: string;
  let gp: ProfessionalClient;
  const accessibility: { page: string; violations: number }[] = [];

  async function checkAccessibility(name: string): Promise<void> {
    const violations = await seriousViolations(page);
    accessibility.push({ page: name, violations: violations.length });
    expect(violations, `${name}: ${JSON.stringify(violations)}`).toEqual([]);
  }

  async function signInStaff(login: string): Promise<void> {
    await page.goto(`${maternity.maternity.url}/connexion`);
    await page.getByLabel('Identifiant').fill(login);
    await page.getByLabel('Mot de passe').fill(DEMO_STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dmp = await startTestHost({ demo: true });
    await seedDemo(dmp.host.services, dmp.host.insi);
    loginId = await ensureDemoAccount(dmp.host.services, dmp.host.portal);
    gp = await dmp.client(DEMO_PROFESSIONALS.medecinTraitant);
    const certificate = await issueEstablishmentCertificate(dmp.host.authority, { finess: SAINTE_FELICITE.finess, name: SAINTE_FELICITE.name, facilityType: SAINTE_FELICITE.facilityType });
    client = new DmpClient({ fhirBase: `${dmp.base}/fhir`, certPem: certificate.certPem, keyPem: certificate.keyPem, caPem: dmp.host.authority.certPem, identity: SAINTE_FELICITE });
    const smtp = dmp.host.demoSmtp!;
    maternity = await startTestMaternity({
      targets: { dmp: client, mss: new SmtpMssSender({ host: smtp.host, port: smtp.port, security: 'none' }) },
      outbox: true,
      listen: true,
      retry: { baseMs: 100, capMs: 1000 },
      staffUi: (app, ctx) => registerStaffUi(app, ctx, { afterChange: () => maternity.maternity.outbox.nudge() }),
    });
    browser = await launchBrowser();
    ({ context, page } = await frenchPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await maternity?.stop();
    client?.close();
    await dmp?.stop();
    if (accessibility.length > 0) process.stdout.write(`accessibility of the staff UI (serious + critical violations per page): ${JSON.stringify(accessibility)}\n`);
  });

  it('the midwife records a caesarean delivery in the staff UI', async () => {
    await signInStaff('sbernard');
    await checkAccessibility('sejours');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'maternite-01-sejours.png'), fullPage: true });
    await page.goto(`${maternity.maternity.url}/sejours/${maternity.stayId}`);
    await page.getByRole('link', { name: "Saisir l'accouchement" }).click();
    await checkAccessibility('accouchement');
    const now = Date.now();
    await page.getByLabel("Date et heure de l'accouchement").fill(localInputValue(new Date(now - 50 * 60_000)));
    await page.getByLabel('Début du travail (facultatif)').fill(localInputValue(new Date(now - 8 * 3_600_000)));
    await page.getByLabel("Terme : semaines d'aménorrhée").fill('39');
    await page.getByLabel('Terme : jours').fill('2');
    await page.getByLabel("Mode d'accouchement").selectOption('cesarienne_urgence');
    await page.getByLabel('Présentation').selectOption('sommet');
    await page.getByLabel('Anesthésie').selectOption('rachianesthesie');
    await page.getByLabel('Délivrance').selectOption('artificielle');
    await page.getByLabel('Périnée').selectOption('non_applicable');
    await page.getByLabel('Pertes sanguines (ml)').fill('650');
    await page.getByLabel('Sexe').selectOption('F');
    await page.getByLabel('Poids de naissance (g)').fill('3280');
    await page.getByLabel('Apgar à 1 minute').fill('8');
    await page.getByLabel('Apgar à 5 minutes').fill('10');
    await page.getByLabel('Prénom (facultatif)').fill('Alice');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'maternite-02-accouchement.png'), fullPage: true });
    await page.getByRole('button', { name: "Enregistrer l'accouchement" }).click();
    await page.getByRole('link', { name: "Corriger l'accouchement" }).waitFor();
    await checkAccessibility('sejour');
  });

  it('an Apgar score of 15 is refused in place, with the typed values kept; Enter in a field saves', async () => {
    await page.getByRole('link', { name: "Corriger l'accouchement" }).click();
    await page.getByLabel('Apgar à 5 minutes').fill('15');
    // Enter in a field submits the form as its save button would (not "Afficher les champs des nouveau-nés")
    await page.getByLabel('Apgar à 5 minutes').press('Enter');
    await expect.poll(async () => page.textContent('body')).toMatch(/entre 0 et 10/);
    expect(await page.getByLabel('Apgar à 5 minutes').inputValue()).toBe('15');
    await checkAccessibility('accouchement-erreur');
  });

  it('the obstetrician records the operation, the midwife the discharge; the four documents reach the DMP and the letters leave', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signInStaff('cfontaine');
    await page.goto(`${maternity.maternity.url}/sejours/${maternity.stayId}`);
    await page.getByRole('link', { name: 'Saisir le compte rendu opératoire' }).click();
    const now = Date.now();
    await page.getByLabel("Début de l'intervention").fill(localInputValue(new Date(now - 60 * 60_000)));
    await page.getByLabel("Fin de l'intervention").fill(localInputValue(new Date(now - 20 * 60_000)));
    await page.getByLabel("Degré d'urgence").selectOption('orange');
    await page.getByLabel('Indication').fill('Anomalies du rythme cardiaque fœtal persistantes en phase active');
    await page.getByLabel('Anesthésiste').selectOption({ index: 1 });
    await page.getByLabel('Anesthésie').selectOption('rachianesthesie');
    await page.getByLabel('Constatations (facultatif)').fill('Liquide amniotique clair. Utérus et annexes normaux.');
    await page.getByLabel('Pertes sanguines (ml)').fill('650');
    await checkAccessibility('cesarienne');
    await page.getByRole('button', { name: 'Enregistrer le compte rendu opératoire' }).click();
    await page.getByRole('link', { name: 'Corriger le compte rendu opératoire' }).waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signInStaff('sbernard');
    await page.goto(`${maternity.maternity.url}/sejours/${maternity.stayId}`);
    await page.getByRole('link', { name: 'Saisir la sortie' }).click();
    await page.getByLabel('Date et heure de sortie').fill(localInputValue(new Date(Date.now() - 60_000)));
    await page.getByLabel("Mode d'entrée").selectOption('urgence');
    await page.getByLabel('Motif du séjour').fill('Accouchement par césarienne en urgence à 39 SA + 2 j');
    await page.getByLabel('Synthèse du séjour').fill('Suites opératoires simples. Allaitement maternel bien installé.');
    await page.getByLabel('Traitements de sortie').fill('Enoxaparine 4000 UI ; 1 injection par jour pendant 6 semaines');
    await page.getByLabel('Suivi').fill('Consultation postnatale avec la sage-femme à 6 semaines');
    await page.getByLabel('Allergies recherchées').check();
    await checkAccessibility('sortie');
    await page.getByRole('button', { name: 'Enregistrer la sortie' }).click();
    await page.getByRole('link', { name: 'Corriger la sortie' }).waitFor();

    await expect
      .poll(
        async () => {
          await page.reload();
          return (await page.textContent('body'))?.match(/Versé au DMP/g)?.length ?? 0;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(4);
    const lettersSent = async () => (await maternity.ctx.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM connector_outbox WHERE kind = 'mss_letter' AND status = 'done'")).rows[0]!.n;
    await expect.poll(lettersSent, { timeout: 30_000, interval: 500 }).toBe(3);
    await page.reload();
    expect((await page.textContent('body'))?.match(/Envoyée/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    await checkAccessibility('sejour-complet');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'maternite-03-sejour.png'), fullPage: true });

    const inbox = await context.newPage();
    await inbox.goto(`${dmp.portal}/demo/inbox`);
    const letter = inbox.locator('tbody tr').filter({ hasText: 'jean.lefevre@medecin.mssante.fr' });
    await expect.poll(async () => letter.first().textContent()).toContain('IHE_XDM.ZIP');
    await inbox.close();
  });

  it('the mother sees the four documents in her portal', async () => {
    const patient = await context.newPage();
    const previous = page;
    page = patient;
    await page.goto(`${dmp.portal}/connexion`);
    await page.getByLabel('Identifiant').fill(loginId);
    await page.getByLabel(/^Mot de passe/).first().fill(DEMO_PATIENT_PASSWORD);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Code de vérification').fill(await codeFromInbox(context, dmp.portal));
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.waitForURL(`${dmp.portal}/`);
    await page.goto(`${dmp.portal}/documents`);
    await page.getByRole('link', { name: /Synthèse Salle de Naissance Mère/ }).first().waitFor();
    const text = (await page.textContent('main')) ?? '';
    for (const title of TITLES) expect(text).toContain(title);
    await page.close();
    page = previous;
  });

  it('her médecin traitant finds and reads them through the API', async () => {
    const ours = await maternity.ctx.pool.query<{ unique_id: string }>("SELECT unique_id FROM clinical_document WHERE dmp_status = 'sent'");
    const ids = new Set(ours.rows.map((r) => `urn:oid:${r.unique_id}`));
    const assertion = { patient: `urn:oid:1.2.250.1.213.1.4.8|${MOTHER}` };
    const search = await gp.request('GET', `/fhir/DocumentReference?patient.identifier=urn:oid:1.2.250.1.213.1.4.8|${MOTHER}&status=current&_count=100`, { assertion });
    const found = (search.json.entry ?? []).map((e) => e.resource as { masterIdentifier: { value: string }; content: { attachment: { url: string } }[] }).filter((r) => ids.has(r.masterIdentifier.value));
    expect(found).toHaveLength(4);
    for (const reference of found) {
      const content = await gp.request('GET', new URL(reference.content[0]!.attachment.url).pathname, { accept: '*/*', assertion });
      expect(content.status).toBe(200);
      expect(content.body.toString('utf8')).toContain('<ClinicalDocument');
    }
  });
});

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENT_PASSWORD, ensureDemoAccount } from '../packages/dmp/src/demo/demo-account.js';
import { DEMO_PATIENTS, DEMO_PROFESSIONALS } from '../packages/dmp/src/demo/demo-people.js';
import { seedDemo } from '../packages/dmp/src/demo/seed-demo.js';
import { startTestHost, type ProfessionalClient, type TestHost } from '../packages/dmp/test/harness.js';
import { codeFromInbox, frenchPage, launchBrowser, seriousViolations } from './browser.js';

const SCREENSHOTS = path.resolve('docs/screenshots');
const { mother } = DEMO_PATIENTS;
/** A person of the simulated INSi register who has no record yet: she signs up online. */
const isabelle = { insuredNir: '277076322082910', familyName: 'Bernard', givenName: 'Isabelle', birthDate: '1977-07-30' };
const motherSearch = `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${mother.ins}`)}`;

/** The patient portal in a real browser, against a real host with the demo data. */
describe('patient portal in Chromium', () => {
  let t: TestHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let loginId: string;
  let obstetrician: ProfessionalClient;
  let gp: ProfessionalClient;
  const accessibility: { page: string; violations: number }[] = [];

  async function checkAccessibility(name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    const violations = await seriousViolations(page);
    accessibility.push({ page: name, violations: violations.length });
    expect(violations, `${name}: ${JSON.stringify(violations)}`).toEqual([]);
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestHost({ demo: true });
    await seedDemo(t.host.services, t.host.insi);
    loginId = await ensureDemoAccount(t.host.services, t.host.portal);
    [obstetrician, gp] = await Promise.all([t.client(DEMO_PROFESSIONALS.obstetrician), t.client(DEMO_PROFESSIONALS.medecinTraitant)]);
    browser = await launchBrowser();
    ({ context, page } = await frenchPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    if (accessibility.length > 0) process.stdout.write(`accessibility (serious + critical violations per page): ${JSON.stringify(accessibility)}\n`);
  });

  it('signs up from Carte Vitale data', async () => {
    const signup = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    signup.setDefaultTimeout(15_000);
    const p = await signup.newPage();
    await p.goto(`${t.portal}/inscription`);
    await p.getByLabel('Numéro de sécurité sociale de l’assuré').fill(isabelle.insuredNir);
    await p.getByLabel('Rang du bénéficiaire').fill('1');
    await p.getByLabel('Nom de naissance').fill(isabelle.familyName);
    await p.getByLabel(/^Prénom/).fill(isabelle.givenName);
    await p.getByLabel('Date de naissance').fill(isabelle.birthDate);
    await p.getByLabel('Adresse électronique').fill('isabelle.bernard@example.org');
    await p.getByLabel('Téléphone mobile').fill('0611223344');
    await p.getByLabel(/^Mot de passe/).first().fill('Rivage-Lumineux-Octobre-77');
    await p.getByLabel(/^Confirmation du mot de passe/).fill('Rivage-Lumineux-Octobre-77');
    await p.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect.poll(async () => (await p.getByTestId('login-id').textContent()) ?? '', { timeout: 20_000 }).toMatch(/^\d{10}[A-Z]$/);
    await signup.close();
  });

  it('signs in with the one-time code read from the demo inbox', async () => {
    await page.goto(`${t.portal}/connexion`);
    await checkAccessibility('connexion');
    await shoot('01-connexion');
    await page.getByLabel('Identifiant').fill(loginId);
    await page.getByLabel(/^Mot de passe/).first().fill(DEMO_PATIENT_PASSWORD);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Code de vérification').waitFor();
    await checkAccessibility('code');
    await page.getByLabel('Code de vérification').fill(await codeFromInbox(context, t.portal));
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.waitForURL(`${t.portal}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await checkAccessibility('accueil');
    await shoot('02-accueil');
  });

  it('opens a document in the viewer', async () => {
    await page.goto(`${t.portal}/documents`);
    await page.getByRole('link', { name: /Compte rendu d'accouchement/ }).first().click();
    await page.locator('iframe').first().waitFor();
    await checkAccessibility('document');
    await shoot('04-document');
    await page.goto(`${t.portal}/documents`);
    await checkAccessibility('documents');
    await shoot('03-documents');
  });

  it('blocks a professional: the API refuses them and the refusal shows in the history', async () => {
    expect((await obstetrician.request('GET', motherSearch)).status).toBe(200);
    await page.goto(`${t.portal}/acces`);
    await checkAccessibility('acces');
    await page.getByLabel('Numéro RPPS').fill(DEMO_PROFESSIONALS.obstetrician.rpps);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const result = page.getByRole('listitem').filter({ hasText: 'FONTAINE' }).or(page.getByRole('row').filter({ hasText: 'FONTAINE' })).first();
    await result.getByRole('button', { name: /^Bloquer/ }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Bloquer' }).click();
    await expect.poll(async () => (await obstetrician.request('GET', motherSearch)).status, { timeout: 10_000 }).toBe(403);
    await shoot('05-acces');
    await page.goto(`${t.portal}/historique`);
    await page.getByText(/accès refusé/).first().waitFor();
    await checkAccessibility('historique');
    await shoot('06-historique');
  });

  it('masks a document: a professional no longer finds it, the médecin traitant still does', async () => {
    const docs = (await gp.request('GET', motherSearch)).json.entry ?? [];
    const target = docs.find((e) => String((e.resource.type as { coding: { code: string }[] }).coding[0]?.code) === '15508-5'); // by the obstetrician: the midwife is authorised but not its author
    expect(target).toBeDefined();
    const id = String(target!.resource.id);
    await page.goto(`${t.portal}/documents/${id}`);
    await page.getByLabel('Masquer ce document aux professionnels de santé').click({ force: true });
    await page.getByRole('alertdialog').getByRole('button', { name: /Masquer|Confirmer/ }).click();
    const midwife = await t.client(DEMO_PROFESSIONALS.midwife);
    const ids = async (client: ProfessionalClient) => ((await client.request('GET', motherSearch)).json.entry ?? []).map((e) => e.resource.id);
    await expect.poll(async () => (await ids(midwife)).includes(id), { timeout: 10_000 }).toBe(false);
    expect(await ids(gp)).toContain(id);
  });

  it('every other page passes axe-core with no serious or critical violation', async () => {
    for (const [route, name] of [
      ['/antecedents', 'antecedents'],
      ['/contacts-urgence', 'contacts-urgence'],
      ['/directives-anticipees', 'directives-anticipees'],
      ['/notifications', 'notifications'],
      ['/compte', 'compte'],
      ['/accessibilite', 'accessibilite'],
    ] as const) {
      await page.goto(`${t.portal}${route}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await checkAccessibility(name);
    }
  });

  it('works with the keyboard alone: skip link, then the main navigation', async () => {
    await page.goto(`${t.portal}/`);
    await page.keyboard.press('Tab');
    const first = String(await page.evaluate('document.activeElement?.textContent?.trim() ?? ""'));
    expect(first).toMatch(/contenu|Contenu/);
    await page.keyboard.press('Enter');
    const focusedInMain = Boolean(await page.evaluate("Boolean(document.activeElement?.closest('main') || document.activeElement?.id === 'contenu')"));
    expect(focusedInMain).toBe(true);
  });

  const accountLanguage = async (): Promise<string> => String(await page.evaluate("fetch('/api/session').then((r) => r.json()).then((s) => s.account.language)"));

  it('keeps the language chosen on the account', async () => {
    await page.goto(`${t.portal}/compte`);
    await page.getByLabel('Langue', { exact: true }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await expect.poll(accountLanguage).toBe('en');
    await page.getByLabel('Language', { exact: true }).selectOption('fr');
    await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
    await expect.poll(accountLanguage).toBe('fr');
  });

  it('sets up an authenticator app as second factor from the account page', async () => {
    await page.goto(`${t.portal}/compte`);
    await page.getByText('À chaque connexion, un code vous est envoyé par courriel.').waitFor();
    await page.getByRole('button', { name: 'Utiliser une application d’authentification' }).click();
    const secret = ((await page.locator('.portal-totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await checkAccessibility('compte-application');
    await page.getByLabel('Code affiché par l’application').fill('000000');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('Ce code de l’application d’authentification est incorrect.').first().waitFor();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    await page.getByLabel('Code affiché par l’application').fill(totp.generate());
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('Votre application d’authentification vous donnera désormais le code de connexion.').waitFor();
    await page.getByText('À chaque connexion, votre application d’authentification vous donne le code.').waitFor();
  });

  it('warns before an idle session ends, keeps it on request, and signs out at its end', async () => {
    await page.clock.install();
    await page.goto(`${t.portal}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // every answered request restarts the idle time: let the page's own requests end first
    await page.waitForLoadState('networkidle');
    await page.clock.fastForward('13:30');
    const warning = page.getByRole('alertdialog');
    await warning.getByText(/votre session se termine dans [12] min/).waitFor();
    await checkAccessibility('avertissement-fin-de-session');
    await warning.getByRole('button', { name: 'Rester connecté' }).click();
    await warning.waitFor({ state: 'detached' });
    await page.clock.fastForward('14:00');
    await warning.waitFor();
    await page.clock.fastForward('02:00');
    await page.getByText('Votre session a expiré. Veuillez vous reconnecter.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/connexion');
    // signed out on the server too
    expect(await page.evaluate("fetch('/api/session').then((r) => r.status)")).toBe(401);
  });
});

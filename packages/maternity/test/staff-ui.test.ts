import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffMember } from '../src/context.js';
import { DEMO_STAFF_PASSWORD } from '../src/demo/maternity-demo.js';
import { admitMother } from '../src/records/stays.js';
import { upsertStaffMember } from '../src/staff/staff-accounts.js';
import { registerStaffUi } from '../src/web/staff-ui/index.js';
import { localInputValue } from '../src/web/staff-ui/format.js';
import { startTestMaternity, type TestMaternity } from './maternity-harness.js';

/** One answer of the UI, as a browser would get it. */
interface Page {
  readonly status: number;
  readonly body: string;
  readonly location: string | undefined;
  readonly headers: Record<string, string | string[] | number | undefined>;
}

/** A browser without JavaScript: a session cookie, GET pages and POST forms (urlencoded). */
class Browser {
  private cookie: string | undefined;
  constructor(private readonly app: FastifyInstance) {}

  private async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Page> {
    const response = await this.app.inject({
      method,
      url,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    const setCookie = response.headers['set-cookie'];
    const session = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => /^maternite_session=([^;]*)/.exec(c)?.[1]).find((v) => v !== undefined);
    if (session !== undefined) this.cookie = session === '' ? undefined : `maternite_session=${session}`;
    return { status: response.statusCode, body: response.body, location: response.headers.location as string | undefined, headers: response.headers };
  }

  get(url: string): Promise<Page> {
    return this.send('GET', url);
  }

  /** Posts a form of `page` (or of the page at `url`), with the CSRF token it carries. */
  async submit(url: string, form: Record<string, string>, from?: Page): Promise<Page> {
    const source = from ?? (await this.get('/'));
    return this.send('POST', url, { _csrf: csrfOf(source.body), ...form });
  }

  post(url: string, form: Record<string, string>): Promise<Page> {
    return this.send('POST', url, form);
  }

  async signIn(login: string, password = DEMO_STAFF_PASSWORD): Promise<Page> {
    return this.send('POST', '/connexion', { login, password });
  }
}

function csrfOf(body: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  if (!token) throw new Error('no CSRF token in the page');
  return token;
}

/** The visible text of some HTML: tags dropped, entities decoded, spaces collapsed. */
function text(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The `value` of the input named `name`. */
function inputValue(body: string, name: string): string | undefined {
  const escaped = name.replace(/\./g, '\\.');
  return new RegExp(`<input[^>]*name="${escaped}" value="([^"]*)"`).exec(body)?.[1];
}

/** The text of the error summary at the top of a form. */
function errorSummaryText(body: string): string {
  return text(/<div class="error-summary"[\s\S]*?<\/div>/.exec(body)?.[0] ?? '');
}

/** The table row whose header cell starts with `label` (in the section titled by `section`, if given). */
function rowOf(body: string, label: string, section?: string): string {
  const scope = section ? (new RegExp(`<section aria-labelledby="${section}">[\\s\\S]*?</section>`).exec(body)?.[0] ?? '') : body;
  const rows = scope.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
  return text(rows.find((row) => text(row).startsWith(label)) ?? '');
}

const stayIdOf = (location: string | undefined) => /^\/sejours\/([0-9a-f-]{36})/.exec(location ?? '')?.[1] ?? '';

const hoursAgo = (h: number) => localInputValue(new Date(Date.now() - h * 3_600_000));

/** A caesarean in emergency of a single girl, as the delivery form sends it. */
function deliveryForm(): Record<string, string> {
  return {
    deliveredAt: hoursAgo(1),
    labourStartedAt: hoursAgo(9),
    gestationalWeeks: '39',
    gestationalDays: '2',
    birthPlace: 'maternite',
    mode: 'cesarienne_urgence',
    instrument: '',
    presentation: 'sommet',
    anaesthesia: 'rachianesthesie',
    placentalDelivery: 'artificielle',
    perineum: 'non_applicable',
    bloodLossMl: '650',
    events: 'Anomalies du rythme cardiaque fœtal persistantes en phase active.',
    newbornCount: '1',
    'newborns.0.sex': 'F',
    'newborns.0.weightGrams': '3280',
    'newborns.0.lengthCm': '49,5',
    'newborns.0.headCircumferenceCm': '34',
    'newborns.0.apgar1': '8',
    'newborns.0.apgar5': '10',
    'newborns.0.apgar10': '10',
    'newborns.0.givenName': 'Alice',
    'choices.patientInformed': 'on',
  };
}

function caesareanForm(anaesthetist: StaffMember): Record<string, string> {
  return {
    startedAt: localInputValue(new Date(Date.now() - 65 * 60_000)),
    endedAt: localInputValue(new Date(Date.now() - 30 * 60_000)),
    urgency: 'orange',
    indication: 'Anomalies du rythme cardiaque fœtal en phase active du travail',
    anaesthetistNationalId: anaesthetist.nationalId,
    assistantNationalId: '',
    anaesthesia: 'rachianesthesie',
    incision: 'pfannenstiel',
    hysterotomy: 'segmentaire_transversale',
    technique: 'Extraction céphalique aisée. Fermeture en deux plans.',
    findings: 'Liquide amniotique clair.',
    complications: '',
    bloodLossMl: '650',
    'choices.patientInformed': 'on',
  };
}

function dischargeForm(): Record<string, string> {
  return {
    dischargedAt: localInputValue(new Date()),
    admissionMode: 'urgence',
    mode: 'domicile',
    reasonForStay: 'Accouchement par césarienne en urgence à 39 SA + 2 j',
    summary: 'Suites opératoires simples. Allaitement maternel bien installé.',
    adverseEvents: '',
    treatmentsAtDischarge: 'Enoxaparine 4000 UI ; 1 injection par jour pendant 6 semaines\r\nParacétamol 1 g si douleur',
    treatmentsStopped: '',
    followUp: 'Consultation postnatale avec la sage-femme à 6 semaines',
    pendingResults: '',
    allergiesKnown: 'on',
    allergies: '',
    mdroFindings: '',
    'choices.patientInformed': 'on',
  };
}

describe('maternity staff UI', () => {
  let t: TestMaternity;
  let midwife: Browser;

  beforeAll(async () => {
    t = await startTestMaternity({
      staffUi: registerStaffUi,
      targets: {
        dmp: { deposit: () => Promise.resolve({ kind: 'accepted', documentReferenceId: 'dr-1' }) },
        mss: { send: () => Promise.resolve({ messageId: 'm-1', accepted: ['x'], rejected: [] }) },
      },
    });
    midwife = new Browser(t.app);
    expect((await midwife.signIn('sbernard')).status).toBe(303);
  });
  afterAll(async () => t?.stop());

  const reportCount = async (stayId: string) => (await t.ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM clinical_report WHERE stay_id = $1', [stayId])).rows[0]!.n;
  const admitUnknown = async (familyName: string, givenName: string, admittedAt = new Date()) =>
    (await admitMother(t.ctx, t.staff.midwife, { admittedAt: admittedAt.toISOString(), familyName, givenName, birthDate: '1990-04-12' })).stay.id;

  it('serves a French sign-in page with labelled fields and its stylesheet', async () => {
    const page = await new Browser(t.app).get('/connexion');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toMatch(/<label for="f-login">Identifiant<\/label>/);
    expect(page.body).toMatch(/<label for="f-password">Mot de passe<\/label>/);
    expect(page.body).not.toMatch(/style=|<script/);
    const css = await new Browser(t.app).get('/assets/staff.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain(':focus-visible');
    expect((await new Browser(t.app).get('/assets/..%2Findex.ts')).status).toBe(404);
  });

  it('signs in, and refuses a wrong password with the login kept and the password not', async () => {
    const browser = new Browser(t.app);
    const wrong = await browser.signIn('cfontaine', 'pas le bon mot de passe');
    expect(wrong.status).toBe(401);
    expect(errorSummaryText(wrong.body)).toContain('Identifiant ou mot de passe incorrect');
    expect(inputValue(wrong.body, 'login')).toBe('cfontaine');
    expect(inputValue(wrong.body, 'password')).toBe('');
    expect(wrong.body).toMatch(/id="f-password"[^>]*aria-describedby="f-password-error" aria-invalid="true"/);
    const ok = await browser.signIn('cfontaine');
    expect(ok).toMatchObject({ status: 303, location: '/' });
    const list = await browser.get('/');
    expect(list.status).toBe(200);
    expect(text(list.body)).toContain('Claire FONTAINE (Gynécologue-obstétricienne)');
    expect(rowOf(list.body, 'Camille')).toMatch(/Camille LEROY \(née DUBOIS\).*QUAL/);
    expect(list.body).toMatch(/<a class="button" href="\/admissions\/nouvelle">Nouvelle admission<\/a>/);
  });

  it('locks an account after five failures, even for the right password', async () => {
    await upsertStaffMember(t.ctx.pool, { login: 'verrou', password: 'Verrou-Essai-2026!', rpps: '10099999991', givenName: 'Test', familyName: 'VERROU', profession: '50', specialty: 'G15_50', roleLabel: 'Sage-femme' });
    const browser = new Browser(t.app);
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push((await browser.signIn('verrou', `mauvais-${i}`)).status);
    expect(answers).toEqual([401, 401, 401, 401, 423]);
    const locked = await browser.signIn('verrou', 'Verrou-Essai-2026!');
    expect(locked.status).toBe(423);
    expect(errorSummaryText(locked.body)).toMatch(/Compte verrouillé après 5 échecs/);
  });

  it('sends a visitor without a session to the sign-in page, and back to the page asked for', async () => {
    const browser = new Browser(t.app);
    const asked = await browser.get(`/sejours/${t.stayId}`);
    expect(asked).toMatchObject({ status: 303, location: `/connexion?retour=${encodeURIComponent(`/sejours/${t.stayId}`)}` });
    const form = await browser.get(asked.location!);
    expect(inputValue(form.body, 'retour')).toBe(`/sejours/${t.stayId}`);
    const signedIn = await browser.post('/connexion', { login: 'sbernard', password: DEMO_STAFF_PASSWORD, retour: `/sejours/${t.stayId}` });
    expect(signedIn.location).toBe(`/sejours/${t.stayId}`);
    // only paths of this site: another origin is never a destination
    for (const hostile of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const other = new Browser(t.app);
      expect((await other.post('/connexion', { login: 'sbernard', password: DEMO_STAFF_PASSWORD, retour: hostile })).location).toBe('/');
    }
    expect((await new Browser(t.app).post(`/sejours/${t.stayId}/accouchement`, { _csrf: 'x' })).location).toBe(`/connexion?retour=${encodeURIComponent(`/sejours/${t.stayId}/accouchement`)}`);
  });

  it('refuses a form without the session’s CSRF token, and changes nothing', async () => {
    const before = (await t.ctx.pool.query('SELECT count(*)::int AS n FROM stay')).rows[0] as { n: number };
    const form = { admittedAt: localInputValue(new Date()), familyName: 'Sansjeton', givenName: 'Eve', birthDate: '1991-01-01' };
    for (const csrf of [undefined, 'faux-jeton']) {
      const answer = await midwife.post('/admissions/nouvelle', csrf ? { ...form, _csrf: csrf } : form);
      expect(answer.status).toBe(403);
      expect(text(answer.body)).toContain('Formulaire expiré');
    }
    expect((await t.ctx.pool.query('SELECT count(*)::int AS n FROM stay')).rows[0]).toEqual(before);
  });

  it('admits Léa MARTIN from her Carte Vitale through INSi, then qualifies her identity', async () => {
    const form = await midwife.get('/admissions/nouvelle');
    expect(form.status).toBe(200);
    for (const label of ["NIR de l'assuré", 'Rang du bénéficiaire', 'Nom de naissance', 'Prénom', "Nom d'usage (facultatif)", 'Date de naissance', "Pièce d'identité vérifiée", 'Médecin traitant (annuaire santé)']) {
      expect(form.body).toContain(`>${label.replace(/'/g, '&#39;')}</label>`);
    }
    expect(form.body).toMatch(/<option value="810003456789">Dr Jean LEFEVRE/);
    const admitted = await midwife.submit(
      '/admissions/nouvelle',
      { admittedAt: hoursAgo(2), insuredNir: '295109912611193', rank: '1', familyName: 'Martin', givenName: 'Léa', usedName: '', birthDate: '1995-10-02', medecinTraitantSuggestion: '810003456789', medecinTraitantNationalId: '', referringSuggestion: '', referringNationalId: '810010000010', mssAddress: '' },
      form,
    );
    expect(admitted.status, admitted.body).toBe(303);
    expect(admitted.location).toMatch(/\?ok=admission-insi-trouvee$/);
    const stay = await midwife.get(admitted.location!);
    expect(text(stay.body)).toContain('INSi a trouvé son identité');
    expect(text(stay.body)).toMatch(/Nom de naissance MARTIN .*Prénoms Léa Sophie/);
    expect(text(stay.body)).toMatch(/Statut de l'identité RECUP/);
    expect(text(stay.body)).toContain('Dr Jean LEFEVRE (810003456789)');
    expect(text(stay.body)).toContain('Julie FRANCOIS (810010000010)');
    const qualified = await midwife.submit(`/sejours/${stayIdOf(admitted.location)}/identite/${/action="\/sejours\/[^/]+\/identite\/([0-9a-f-]{36})"/.exec(stay.body)![1]}`, { identityChecked: 'on' }, stay);
    expect(qualified.location).toMatch(/\?ok=identite-qual$/);
    const after = await midwife.get(qualified.location!);
    expect(text(after.body)).toMatch(/Statut de l'identité QUAL/);
    expect(after.body).not.toContain('Qualifier l&#39;identité</button>');
  });

  it('admits a person INSi does not know with a provisional identity (PROV), and says so', async () => {
    const admitted = await midwife.submit('/admissions/nouvelle', { admittedAt: hoursAgo(1), insuredNir: '295109912611193', rank: '1', familyName: 'Martin', givenName: 'Léa', birthDate: '1995-10-03' });
    expect(admitted.location).toMatch(/\?ok=admission-insi-inconnue$/);
    const stay = await midwife.get(admitted.location!);
    expect(text(stay.body)).toContain('identité provisoire (PROV) : INSi ne trouve pas cette identité');
    expect(text(stay.body)).toMatch(/INS Pas encore d’INS/);
    expect(stay.body).toContain('<button type="submit" class="button">Qualifier l&#39;identité</button>');
    // an unknown national id is refused before the stay exists
    const wrong = await midwife.submit('/admissions/nouvelle', { admittedAt: hoursAgo(1), familyName: 'Durand', givenName: 'Zoé', birthDate: '1992-02-02', medecinTraitantNationalId: '899999999999' });
    expect(wrong.status).toBe(400);
    expect(errorSummaryText(wrong.body)).toContain("Aucun professionnel 899999999999 dans l'annuaire santé");
  });

  it('records a caesarean delivery, the operation and the discharge through the forms; the stay lists CRA, OBP-SNM, CRO and LDL with their DMP status', async () => {
    const stayPath = `/sejours/${t.stayId}`;
    expect(text((await midwife.get(stayPath)).body)).toContain('Après un accouchement par césarienne');
    const form = await midwife.get(`${stayPath}/accouchement`);
    expect(form.body).toMatch(/<input type="checkbox" id="f-choices-patientInformed" name="choices.patientInformed" value="on" checked>/);
    const delivery = await midwife.submit(`${stayPath}/accouchement`, deliveryForm(), form);
    expect(delivery.status, delivery.body).toBe(303);
    expect(delivery.location).toBe(`${stayPath}?ok=accouchement`);
    expect(text((await midwife.get(delivery.location!)).body)).toContain("L'accouchement est enregistré");

    const obstetrician = new Browser(t.app);
    await obstetrician.signIn('cfontaine');
    const croForm = await obstetrician.get(`${stayPath}/cesarienne`);
    expect(croForm.status).toBe(200);
    expect(croForm.body).toMatch(/<option value="810010000004"[^>]*>Antoine MERCIER — Anesthésiste-réanimateur<\/option>/);
    expect((await obstetrician.submit(`${stayPath}/cesarienne`, caesareanForm(t.staff.anaesthetist), croForm)).location).toBe(`${stayPath}?ok=cesarienne`);
    expect((await midwife.submit(`${stayPath}/sortie`, dischargeForm())).location).toBe(`${stayPath}?ok=sortie`);

    const waiting = await midwife.get(stayPath);
    expect(rowOf(waiting.body, "Compte rendu d'accouchement", 'documents')).toContain("En file d'envoi vers le DMP");
    await t.maternity.outbox.drain();
    const stay = await midwife.get(`${stayPath}?ok=inconnu`);
    expect(stay.body).not.toContain('notice-success');
    const page = text(stay.body);
    expect(page).toMatch(/Accouchement Enregistré le .* par Sophie BERNARD \(Sage-femme\) 1 Corriger l'accouchement/);
    expect(page).toMatch(/Compte rendu opératoire \(césarienne\) Enregistré le .* par Claire FONTAINE/);
    for (const kind of ["Compte rendu d'accouchement", 'Synthèse salle de naissance mère (OBP-SNM)', 'Compte rendu opératoire (césarienne)', 'Lettre de liaison de sortie']) {
      expect(rowOf(stay.body, kind, 'documents'), kind).toMatch(/Versé au DMP.*Informée.*PDF.*CDA/);
    }
    expect(rowOf(stay.body, 'Compte rendu opératoire (césarienne)', 'documents')).toContain('Claire FONTAINE');
    expect(rowOf(stay.body, 'Médecin traitant')).toMatch(/Médecin traitant 1 Envoyée 1/);
    expect(rowOf(stay.body, 'Praticien adresseur')).toContain('Envoyée');
    expect(text(stay.body)).toMatch(/Nouveau-né 1 : Alice LEROY .*PROV/);

    const pdfLink = /href="(\/documents\/[0-9a-f-]{36}\/pdf)"/.exec(stay.body)![1]!;
    const pdf = await midwife.get(pdfLink);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.startsWith('%PDF')).toBe(true);

    // a correction is prefilled with the latest version
    expect((await midwife.get(`${stayPath}/accouchement`)).location).toBe(`${stayPath}/accouchement?correction=1`);
    const correction = await midwife.get(`${stayPath}/accouchement?correction=1`);
    expect(text(correction.body)).toContain("Corriger l'accouchement");
    expect(inputValue(correction.body, 'newborns.0.weightGrams')).toBe('3280');
    expect(inputValue(correction.body, 'deliveredAt')).toBe(deliveryForm().deliveredAt);
    const corrected = await midwife.submit(`${stayPath}/accouchement?correction=1`, { ...deliveryForm(), 'newborns.0.weightGrams': '3290' }, correction);
    expect(corrected.location).toBe(`${stayPath}?ok=accouchement-corrige`);
    expect(rowOf((await midwife.get(stayPath)).body, 'Accouchement')).toMatch(/ 2 Corriger/);

    // the newborn's identity: INSi cannot know a child born an hour ago; the answer is shown in place
    const newbornForm = /action="(\/sejours\/[^/]+\/identite\/[0-9a-f-]{36})"/.exec(stay.body)![1]!;
    const asked = await midwife.submit(newbornForm, { insuredNir: '279035121518989', rank: '3', givenName: 'Alice' }, stay);
    expect(asked.status).toBe(400);
    expect(errorSummaryText(asked.body)).toContain('INSi ne trouve pas cette identité');
    expect(asked.body).toMatch(/name="insuredNir" value="279035121518989"[^>]*aria-describedby="q\d+-insuredNir-error" aria-invalid="true"/);
  });

  it.each([
    ['an Apgar score of 15', { 'newborns.0.apgar5': '15' }, 'newborns.0.apgar5', "Le score d'Apgar à 5 minutes doit être entre 0 et 10", '15'],
    ['a newborn weight of 0', { 'newborns.0.weightGrams': '0' }, 'newborns.0.weightGrams', 'Le poids de naissance doit être entre 300 et 7000 g', '0'],
    ["a delivery before the mother's birth", { deliveredAt: '1970-05-01T10:00', labourStartedAt: '' }, 'deliveredAt', "La date de l'accouchement est avant la naissance de la mère", '1970-05-01T10:00'],
  ])('shows %s again with its message at the top and beside the field, the values kept, nothing recorded', async (_label, change, field, message, typed) => {
    const stayId = await admitUnknown('Valeurs', `Test${field.replace(/\W/g, '')}`);
    const answer = await midwife.submit(`/sejours/${stayId}/accouchement`, { ...deliveryForm(), ...change });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<title>Erreur : Saisir l&#39;accouchement');
    const id = `f-${field.replace(/\./g, '-')}`;
    expect(errorSummaryText(answer.body)).toContain(message);
    expect(answer.body).toContain(`<a href="#${id}">`);
    expect(text(/<p class="field-error" id="[^"]+-error">[\s\S]*?<\/p>/.exec(answer.body.slice(answer.body.indexOf(`for="${id}"`)))?.[0] ?? '')).toContain(message);
    expect(answer.body).toMatch(new RegExp(`id="${id}" name="${field.replace(/\./g, '\\.')}" value="${typed}"[^>]*aria-describedby="(${id}-hint )?${id}-error" aria-invalid="true"`));
    expect(inputValue(answer.body, 'newborns.0.givenName')).toBe('Alice');
    expect(inputValue(answer.body, 'bloodLossMl')).toBe('650');
    expect(answer.body).toMatch(/<option value="cesarienne_urgence" selected>/);
    expect(await reportCount(stayId)).toBe(0);
  });

  it('redraws the delivery form for twins, keeping what was typed, and records both newborns', async () => {
    const stayId = await admitUnknown('Jumeaux', 'Nina');
    const form = await midwife.get(`/sejours/${stayId}/accouchement`);
    expect(form.body).not.toContain('Nouveau-né 2');
    const redrawn = await midwife.submit(`/sejours/${stayId}/accouchement`, { ...deliveryForm(), newbornCount: '2', _action: 'newborns' }, form);
    expect(redrawn.status).toBe(200);
    expect(redrawn.body).toContain('<legend>Nouveau-né 2</legend>');
    expect(inputValue(redrawn.body, 'newborns.0.weightGrams')).toBe('3280');
    expect(await reportCount(stayId)).toBe(0);
    const twins = { ...deliveryForm(), newbornCount: '2', 'newborns.1.sex': 'M', 'newborns.1.weightGrams': '2950', 'newborns.1.apgar1': '7', 'newborns.1.apgar5': '9', 'newborns.1.bornAt': hoursAgo(0.9) };
    const saved = await midwife.submit(`/sejours/${stayId}/accouchement`, twins, redrawn);
    expect(saved.status, errorSummaryText(saved.body)).toBe(303);
    const stay = await midwife.get(`/sejours/${stayId}`);
    expect(text(stay.body)).toMatch(/Nouveau-né 1 : Alice JUMEAUX.*Nouveau-né 2 : JUMEAUX/);
  });

  it('records a birth at home before admission; the documents wait for the information of the mother until it is recorded', async () => {
    const stayId = await admitUnknown('Domicile', 'Inès', new Date(Date.now() - 30 * 60_000));
    const home = { ...deliveryForm(), deliveredAt: hoursAgo(3), labourStartedAt: hoursAgo(6), birthPlace: 'domicile', mode: 'voie_basse_spontanee', anaesthesia: 'aucune', placentalDelivery: 'naturelle', perineum: 'intact', bloodLossMl: '300' };
    delete (home as Record<string, string>)['choices.patientInformed'];
    const saved = await midwife.submit(`/sejours/${stayId}/accouchement`, home);
    expect(saved.status, errorSummaryText(saved.body)).toBe(303);
    let stay = await midwife.get(`/sejours/${stayId}`);
    expect(text(stay.body)).toContain('Sans objet : accouchement sans césarienne');
    expect(rowOf(stay.body, "Compte rendu d'accouchement", 'documents')).toMatch(/En attente de l'information de la patiente.*Non informée.*Patiente informée.*La patiente refuse le versement/);
    const informed = /action="(\/sejours\/[^"]+\/choix)"[\s\S]*?name="decision" value="informee"/.exec(stay.body)![1]!;
    expect((await midwife.submit(informed, { decision: 'informee' }, stay)).location).toBe(`/sejours/${stayId}?ok=information#documents`);
    stay = await midwife.get(`/sejours/${stayId}`);
    // her identity is provisional: the document now waits for it
    expect(text(stay.body)).toMatch(/Compte rendu d'accouchement .*En attente de l'identité qualifiée \(INS\)/);
    const refuse = /action="(\/sejours\/[^"]+\/choix)"[\s\S]*?name="decision" value="refus"/.exec(stay.body)![1]!;
    expect((await midwife.submit(refuse, { decision: 'refus' }, stay)).location).toContain('?ok=refus');
    expect(text((await midwife.get(`/sejours/${stayId}`)).body)).toMatch(/Refusé par la patiente: non envoyé/);
  });

  it('escapes hostile names everywhere', async () => {
    const admitted = await midwife.submit('/admissions/nouvelle', { admittedAt: hoursAgo(1), familyName: '<script>alert(1)</script>', givenName: '"><img src=x onerror=alert(2)>', birthDate: '1990-01-01' });
    expect(admitted.status, admitted.body).toBe(303);
    for (const page of [await midwife.get(admitted.location!), await midwife.get('/'), await midwife.get(`/sejours/${stayIdOf(admitted.location)}/accouchement`)]) {
      expect(page.body).not.toMatch(/<script|<img/i);
      expect(page.body).toContain('&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;');
      expect(page.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
    const invalid = await midwife.submit('/admissions/nouvelle', { familyName: '</label><script>x</script>', givenName: '', birthDate: 'hier' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).not.toMatch(/<script/i);
    expect(inputValue(invalid.body, 'familyName')).toBe('&lt;/label&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(errorSummaryText(invalid.body)).toMatch(/Prénom : champ obligatoire|Le prénom est obligatoire/);
  });

  it('shows readable pages for what is not found or not possible, and signs out', async () => {
    const missing = await midwife.get('/sejours/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(text(missing.body)).toContain('Séjour inconnu');
    const stayId = await admitUnknown('Voiebasse', 'Lou');
    expect((await midwife.submit(`/sejours/${stayId}/accouchement`, { ...deliveryForm(), mode: 'voie_basse_spontanee', perineum: 'intact' })).status).toBe(303);
    const cro = await midwife.get(`/sejours/${stayId}/cesarienne`);
    expect(cro.status).toBe(409);
    expect(text(cro.body)).toContain("L'accouchement enregistré n'est pas une césarienne");
    const browser = new Browser(t.app);
    await browser.signIn('amercier');
    const list = await browser.get('/');
    const out = await browser.submit('/deconnexion', {}, list);
    expect(out.location).toBe('/connexion?ok=deconnexion');
    expect((await browser.get('/')).location).toBe('/connexion');
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import * as OTPAuth from 'otpauth';
import { SimulatedInsi, type CarteVitaleData } from '@dmp/national';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter } from '../src/audit/index.js';
import type { HostServices } from '../src/context.js';
import type { Database } from '../src/db/database.js';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { DemoSmsGateway, OutboxDispatcher, readDemoMailbox, readDemoSms, SmtpEmailSender, startDemoSmtpServer, type DemoSmtpServer } from '../src/messaging/index.js';
import { issueActivationCode, PortalAuthError, portalSecurityHeaders, registerPortalAuth, type PortalAuth } from '../src/portal/auth/index.js';
import { openContact, sealClearContacts } from '../src/portal/auth/account-repository.js';
import { freshDatabase } from './test-database.js';

const PASSWORD = 'cheval agrafe pile correcte';
const card = (key: 'julien' | 'lea' | 'mother'): CarteVitaleData => DEMO_PATIENTS[key].card;
const OTHER = {
  bernard: { insuredNir: '277076322082910', rank: 1, familyName: 'Bernard', givenName: 'Isabelle', birthDate: '1977-07-30' },
  santoni: { insuredNir: '253072B07300470', rank: 1, familyName: 'Santoni', givenName: 'Marie-Dominique', birthDate: '1953-07-21' },
  pietri: { insuredNir: '253072A07300443', rank: 1, familyName: 'Pietri', givenName: 'Antonia', birthDate: '1953-07-08' },
} as const;
const OTHER_INS = { bernard: '277076322082910' } as const;

/**
 * The patient sign-in through the real Fastify plugin (app.inject), on a real PostgreSQL, with
 * every e-mail going through real SMTP to the demo mail server, read back from its mailbox.
 */
describe('portal sign-in', () => {
  let db: Database & { drop(): Promise<void> };
  let audit: AuditWriter;
  let services: HostServices;
  let smtp: DemoSmtpServer;
  let sender: SmtpEmailSender;
  let dispatcher: OutboxDispatcher;
  let app: FastifyInstance;
  let auth: PortalAuth;
  let offsetMs = 0;
  const now = (): Date => new Date(Date.now() + offsetMs);
  const insi = new SimulatedInsi();

  beforeAll(async () => {
    db = await freshDatabase();
    audit = new AuditWriter({ pool: db.pool });
    services = { pool: db.pool, masterKey: randomBytes(32), fhirBase: 'https://localhost/fhir', audit };
    smtp = await startDemoSmtpServer({ pool: db.pool });
    sender = new SmtpEmailSender({ host: smtp.host, port: smtp.port, from: '"DMP" <no-reply@dmp.localhost>' });
    dispatcher = new OutboxDispatcher({ pool: db.pool, masterKey: services.masterKey, email: sender, sms: new DemoSmsGateway(db.pool), pollIntervalMs: 100, now });
    dispatcher.start();
    app = Fastify();
    await app.register(portalSecurityHeaders);
    auth = await registerPortalAuth(app, { services, insi, dispatcher, now, config: { rateLimit: { max: 10_000, windowMs: 60_000 }, otpMaxIssued: 1_000, portalBaseUrl: 'https://portail.test' } });
    // a route of the kind the portal's record routes are: the INS in the URL, decided by the access module
    const check = async (request: Parameters<PortalAuth['requireRecordAccess']>[0], reply: Parameters<PortalAuth['sendError']>[1]) => {
      try {
        const { record } = await auth.requireRecordAccess(request, (request.params as { ins: string }).ins);
        return { ins: record.ins };
      } catch (error) {
        if (error instanceof PortalAuthError) return auth.sendError(request, reply, error);
        throw error;
      }
    };
    app.get('/api/records/:ins/check', { preHandler: auth.requirePatientSession }, check);
    app.post('/api/records/:ins/check', { preHandler: auth.requirePatientSession }, check);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await dispatcher?.stop();
    sender?.close();
    await smtp?.close();
    await audit?.close();
    await db?.drop();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => app.inject({ method: 'POST', url, payload: payload as object, headers });
  const get = (url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => app.inject({ method: 'GET', url, headers });
  const cookieOf = (response: LightMyRequestResponse): string => {
    const header = response.headers['set-cookie'];
    const value = (Array.isArray(header) ? header[0] : header) ?? '';
    return value.split(';')[0]!;
  };

  /** The newest mail to `to` whose subject matches, once the dispatcher delivered it through SMTP. */
  async function mailTo(to: string, subject: RegExp, after = 0): Promise<{ id: number; text: string }> {
    let found: { id: number; text: string } | undefined;
    await expect
      .poll(async () => {
        found = (await readDemoMailbox(db.pool, { recipient: to, limit: 50 })).find((m) => subject.test(m.subject) && m.id > after);
        return found !== undefined;
      }, { timeout: 10_000, interval: 50 })
      .toBe(true);
    return found!;
  }
  const lastMailId = async (to: string): Promise<number> => (await readDemoMailbox(db.pool, { recipient: to, limit: 1 }))[0]?.id ?? 0;

  async function signUp(data: CarteVitaleData, email: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await post('/api/auth/signup', { ...data, email, password: PASSWORD, otpChannel: 'email', ...extra });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { loginId: string }).loginId;
  }

  /** Login id + password, then the code from the demo mailbox: answers the session cookie and CSRF token. */
  async function signIn(loginId: string, email: string, headers: Record<string, string> = {}): Promise<{ cookie: string; csrf: string; response: LightMyRequestResponse }> {
    const before = await lastMailId(email);
    const login = await post('/api/auth/login', { loginId, password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    const mail = await mailTo(email, /code de connexion/, before);
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    const response = await post('/api/auth/otp', { challengeId: (login.json() as { challengeId: string }).challengeId, code }, headers);
    expect(response.statusCode, response.body).toBe(200);
    return { cookie: cookieOf(response), csrf: (response.json() as { csrfToken: string }).csrfToken, response };
  }

  async function auditRows(action: string, partition?: string): Promise<{ outcome: string; rule: string; partition: string; details: Record<string, unknown> | null }[]> {
    const result = await db.pool.query('SELECT partition, outcome, rule, details FROM audit_entry WHERE action = $1 AND ($2::text IS NULL OR partition = $2) ORDER BY recorded_at, seq', [action, partition ?? null]);
    return result.rows as { outcome: string; rule: string; partition: string; details: Record<string, unknown> | null }[];
  }

  let julienLogin = '';
  const julienMail = 'julien.moreau@example.org';

  it('signs up from Carte Vitale data, then signs in with the one-time code read from the demo mailbox', async () => {
    julienLogin = await signUp(card('julien'), julienMail);
    expect(julienLogin).toMatch(/^\d{10}[A-Z]$/);
    const welcome = await mailTo(julienMail, /identifiant/);
    expect(welcome.text).toContain(julienLogin);
    const record = await db.pool.query('SELECT status FROM patient_record WHERE ins = $1', [DEMO_PATIENTS.julien.ins]);
    expect(record.rows[0]).toEqual({ status: 'open' });

    const before = await lastMailId(julienMail);
    const login = await post('/api/auth/login', { loginId: julienLogin.toLowerCase(), password: PASSWORD });
    expect(login.json()).toMatchObject({ channel: 'email', maskedDestination: 'j***@example.org' });
    await mailTo(julienMail, /code de connexion/, before);
    const { cookie, csrf, response } = await signIn(julienLogin, julienMail);
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^dmp_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=43200$/);
    expect(response.json()).toMatchObject({
      account: { loginId: julienLogin, language: 'fr', email: julienMail, secondFactor: 'email' },
      records: [{ ins: DEMO_PATIENTS.julien.ins, displayName: 'Julien MOREAU', relation: 'self' }],
      idleTimeoutSeconds: 900,
    });

    const session = await get('/api/session', { cookie });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ csrfToken: csrf });
    expect(session.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(session.headers['content-security-policy']).toContain("base-uri 'none'");
    expect(session.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(session.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    expect(session.headers['permissions-policy']).toContain('camera=()');
    // the database keeps only the token's hash
    const token = cookie.split('=')[1]!;
    const stored = await db.pool.query("SELECT count(*)::int AS n FROM portal_session WHERE encode(id, 'escape') = $1", [token]);
    expect(stored.rows[0]).toEqual({ n: 0 });
    expect((await auditRows('portal.sign-in', DEMO_PATIENTS.julien.ins)).some((r) => r.outcome === 'allowed')).toBe(true);
    expect(await get('/api/session')).toMatchObject({ statusCode: 401 });
    // the e-mail address is kept sealed: no clear column, and not in the sealed bytes either
    const account = await db.pool.query<{ email: string | null; phone: string | null; contact: Buffer }>('SELECT email, phone, contact FROM portal_account WHERE ins = $1', [DEMO_PATIENTS.julien.ins]);
    expect(account.rows[0]).toMatchObject({ email: null, phone: null });
    expect(account.rows[0]!.contact.includes(Buffer.from(julienMail))).toBe(false);
  });

  it('seals at start the contact details of an account kept in the clear, which then still receives its codes', async () => {
    // Julien's account, as if created before the contact details were sealed
    await db.pool.query('UPDATE portal_account SET contact = NULL, email = $2, phone = NULL WHERE login_id = $1', [julienLogin, julienMail]);
    expect(await sealClearContacts(db.pool, services.masterKey)).toBe(1);
    expect(await sealClearContacts(db.pool, services.masterKey)).toBe(0);
    const row = await db.pool.query<{ id: string; email: string | null; phone: string | null; contact: Buffer | null }>('SELECT id, email, phone, contact FROM portal_account WHERE login_id = $1', [julienLogin]);
    expect(row.rows[0]).toMatchObject({ email: null, phone: null });
    expect(row.rows[0]!.contact!.includes(Buffer.from(julienMail))).toBe(false);
    expect(openContact(services.masterKey, row.rows[0]!)).toEqual({ email: julienMail, phone: null });
    const before = await lastMailId(julienMail);
    const started = await post('/api/auth/login', { loginId: julienLogin, password: PASSWORD });
    expect(started.json()).toMatchObject({ channel: 'email', maskedDestination: 'j***@example.org' });
    await mailTo(julienMail, /code de connexion/, before);
    // sealed for this account: the same bytes on another account do not open
    expect(() => openContact(services.masterKey, { ...row.rows[0]!, id: randomUUID() })).toThrow();
  });

  it('refuses weak, common and personal passwords, in the user’s language', async () => {
    const base = { ...card('lea'), email: 'lea@example.org', otpChannel: 'email' };
    for (const [password, fragment] of [
      ['court', '12 caractères'],
      ['password1234', 'plus utilisés'],
      ['Motdepasse2024!', 'plus utilisés'],
      ['lea-martin-1995!', 'votre nom'],
      ['trompette02101995', 'date de naissance'],
    ] as const) {
      const response = await post('/api/auth/signup', { ...base, password });
      expect(response.statusCode, password).toBe(422);
      expect(response.json()).toMatchObject({ code: 'weak-password' });
      expect((response.json() as { fields: { password: string } }).fields.password).toContain(fragment);
    }
    const english = await post('/api/auth/signup', { ...base, password: 'password1234' }, { 'accept-language': 'en-GB,en;q=0.9' });
    expect((english.json() as { message: string }).message).toBe('This password is not strong enough.');
    const bad = await post('/api/auth/signup', { ...base, insuredNir: 'abc', password: PASSWORD });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid-request', fields: { insuredNir: expect.any(String) } });
    // nothing half-saved
    expect((await db.pool.query('SELECT count(*)::int AS n FROM patient_record WHERE ins = $1', [DEMO_PATIENTS.lea.ins])).rows[0]).toEqual({ n: 0 });
  });

  it('lets only the holder sign up: rank 1 and an adult; an existing account is not created twice', async () => {
    const child = await post('/api/auth/signup', { ...DEMO_PATIENTS.hugo.card, email: 'hugo@example.org', password: PASSWORD, otpChannel: 'email' });
    expect(child.json()).toMatchObject({ code: 'signup-not-holder' });
    const again = await post('/api/auth/signup', { ...card('julien'), email: 'other@example.org', password: 'un autre mot de passe long', otpChannel: 'email' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'account-exists' });
    const unknown = await post('/api/auth/signup', { ...card('julien'), birthDate: '1985-05-12', email: 'x@example.org', password: PASSWORD, otpChannel: 'email' });
    expect(unknown.json()).toMatchObject({ code: 'identity-not-found' });
  });

  it('answers the same whether a login id exists or not (login and password reset)', async () => {
    const unknownId = '1234567890' + 'ABCDEFGHJKLMNPRSTUVWXYZ'[Number(1234567890n % 23n)]!;
    const wrongPassword = await post('/api/auth/login', { loginId: julienLogin, password: 'not the right password' });
    const unknownLogin = await post('/api/auth/login', { loginId: unknownId, password: 'not the right password' });
    const malformed = await post('/api/auth/login', { loginId: 'nobody', password: 'not the right password' });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownLogin.statusCode).toBe(401);
    expect(malformed.statusCode).toBe(401);
    expect(unknownLogin.body).toBe(wrongPassword.body);
    expect(malformed.body).toBe(wrongPassword.body);
    const resetKnown = await post('/api/auth/password-reset', { loginId: julienLogin });
    const resetUnknown = await post('/api/auth/password-reset', { loginId: unknownId });
    expect([resetKnown.statusCode, resetKnown.body]).toEqual([resetUnknown.statusCode, resetUnknown.body]);
    expect(resetKnown.statusCode).toBe(202);
    const unknownAudit = await auditRows('portal.sign-in', '_system');
    expect(unknownAudit.some((r) => r.rule === 'unknown-login-id')).toBe(true);
    // nothing in the log carries a password
    const all = await db.pool.query("SELECT count(*)::int AS n FROM audit_entry WHERE details::text LIKE '%not the right password%'");
    expect(all.rows[0]).toEqual({ n: 0 });
  });

  it('locks the account after 5 wrong passwords, says so only by e-mail, and unlocks after 15 minutes', async () => {
    const email = 'lea.martin@example.org';
    const loginId = await signUp(card('lea'), email);
    for (let i = 0; i < 5; i += 1) {
      expect((await post('/api/auth/login', { loginId, password: `wrong password ${i}` })).statusCode).toBe(401);
    }
    const locked = await post('/api/auth/login', { loginId, password: PASSWORD });
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({ code: 'invalid-credentials' });
    await mailTo(email, /bloqué/);
    expect(await auditRows('portal.lockout', DEMO_PATIENTS.lea.ins)).toHaveLength(1);
    expect((await auditRows('portal.sign-in', DEMO_PATIENTS.lea.ins)).filter((r) => r.rule === 'account-locked')).toHaveLength(1);
    offsetMs += 16 * 60_000;
    try {
      expect((await post('/api/auth/login', { loginId, password: PASSWORD })).statusCode).toBe(200);
      // the next lockout lasts twice as long
      for (let i = 0; i < 5; i += 1) await post('/api/auth/login', { loginId, password: `wrong again ${i}` });
      offsetMs += 16 * 60_000;
      expect((await post('/api/auth/login', { loginId, password: PASSWORD })).statusCode).toBe(401);
      offsetMs += 16 * 60_000;
      expect((await post('/api/auth/login', { loginId, password: PASSWORD })).statusCode).toBe(200);
    } finally {
      offsetMs = 0;
    }
  });

  it('refuses a one-time code used twice, expired, or after 5 wrong tries', async () => {
    // replay
    const before = await lastMailId(julienMail);
    const login = await post('/api/auth/login', { loginId: julienLogin, password: PASSWORD });
    const challengeId = (login.json() as { challengeId: string }).challengeId;
    const code = /\b(\d{6})\b/.exec((await mailTo(julienMail, /code de connexion/, before)).text)![1]!;
    expect((await post('/api/auth/otp', { challengeId, code })).statusCode).toBe(200);
    const replay = await post('/api/auth/otp', { challengeId, code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'otp-invalid' });
    expect((await auditRows('portal.otp', DEMO_PATIENTS.julien.ins)).some((r) => r.rule === 'code-already-used')).toBe(true);

    // expiry (5 minutes)
    const before2 = await lastMailId(julienMail);
    const login2 = await post('/api/auth/login', { loginId: julienLogin, password: PASSWORD });
    const code2 = /\b(\d{6})\b/.exec((await mailTo(julienMail, /code de connexion/, before2)).text)![1]!;
    offsetMs = 5 * 60_000 + 1_000;
    try {
      expect((await post('/api/auth/otp', { challengeId: (login2.json() as { challengeId: string }).challengeId, code: code2 })).statusCode).toBe(401);
    } finally {
      offsetMs = 0;
    }
    expect((await auditRows('portal.otp', DEMO_PATIENTS.julien.ins)).some((r) => r.rule === 'code-expired')).toBe(true);

    // attempts
    const before3 = await lastMailId(julienMail);
    const login3 = await post('/api/auth/login', { loginId: julienLogin, password: PASSWORD });
    const challenge3 = (login3.json() as { challengeId: string }).challengeId;
    const code3 = /\b(\d{6})\b/.exec((await mailTo(julienMail, /code de connexion/, before3)).text)![1]!;
    const wrong = code3 === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) expect((await post('/api/auth/otp', { challengeId: challenge3, code: wrong })).statusCode).toBe(401);
    expect((await post('/api/auth/otp', { challengeId: challenge3, code: code3 })).statusCode).toBe(401);
    expect((await auditRows('portal.otp', DEMO_PATIENTS.julien.ins)).some((r) => r.rule === 'too-many-attempts')).toBe(true);
    // the code never reaches the audit log
    const leaked = await db.pool.query('SELECT count(*)::int AS n FROM audit_entry WHERE details::text LIKE $1', [`%${code3}%`]);
    expect(leaked.rows[0]).toEqual({ n: 0 });
  });

  it('keeps the language chosen on the account, and writes to the patient in it', async () => {
    const { cookie, csrf } = await signIn(julienLogin, julienMail);
    const put = (payload: unknown, headers: Record<string, string>) => app.inject({ method: 'PUT', url: '/api/account/language', payload: payload as object, headers });
    expect((await put({ language: 'en' }, { cookie })).statusCode).toBe(403); // no CSRF token
    expect((await put({ language: 'en' }, {})).statusCode).toBe(401);
    for (const bad of [{ language: 'de' }, { language: '' }, {}, { language: ['en'] }]) expect((await put(bad, { cookie, 'x-csrf-token': csrf })).statusCode).toBe(400);
    expect((await get('/api/session', { cookie })).json()).toMatchObject({ account: { language: 'fr' } });
    expect((await put({ language: 'en' }, { cookie, 'x-csrf-token': csrf })).statusCode).toBe(204);
    expect((await get('/api/session', { cookie })).json()).toMatchObject({ account: { language: 'en' } });
    const before = await lastMailId(julienMail);
    expect((await post('/api/auth/login', { loginId: julienLogin, password: PASSWORD })).statusCode).toBe(200);
    await mailTo(julienMail, /^Your sign-in code$/, before);
    expect((await put({ language: 'fr' }, { cookie, 'x-csrf-token': csrf })).statusCode).toBe(204);
  });

  it('requires the CSRF token on every state-changing request', async () => {
    const { cookie, csrf } = await signIn(julienLogin, julienMail);
    const ins = DEMO_PATIENTS.julien.ins;
    expect((await post(`/api/records/${ins}/check`, {}, { cookie })).statusCode).toBe(403);
    const wrong = await post(`/api/records/${ins}/check`, {}, { cookie, 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'csrf' });
    expect((await post(`/api/records/${ins}/check`, {}, { cookie, 'x-csrf-token': csrf })).statusCode).toBe(200);
    expect((await get(`/api/records/${ins}/check`, { cookie })).statusCode).toBe(200);
    expect((await post('/api/auth/logout', {}, { cookie })).statusCode).toBe(403);
    expect((await auditRows('portal.csrf', ins)).length).toBeGreaterThanOrEqual(3);
    const logout = await post('/api/auth/logout', {}, { cookie, 'x-csrf-token': csrf });
    expect(logout.statusCode).toBe(204);
    expect(String(logout.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await get('/api/session', { cookie })).statusCode).toBe(401);
  });

  it('never promotes a cookie set before sign-in (session fixation)', async () => {
    const planted = 'dmp_session=' + randomBytes(32).toString('base64url');
    const first = await signIn(julienLogin, julienMail, { cookie: planted });
    expect(first.cookie).not.toBe(planted);
    expect((await get('/api/session', { cookie: planted })).statusCode).toBe(401);
    // a real session presented at sign-in is revoked, and replaced
    const second = await signIn(julienLogin, julienMail, { cookie: first.cookie });
    expect(second.cookie).not.toBe(first.cookie);
    expect((await get('/api/session', { cookie: first.cookie })).statusCode).toBe(401);
    expect((await get('/api/session', { cookie: second.cookie })).statusCode).toBe(200);
  });

  it('ends a session after 15 minutes idle, and after 12 hours whatever the activity', async () => {
    const idle = await signIn(julienLogin, julienMail);
    offsetMs = 14 * 60_000;
    expect((await get('/api/session', { cookie: idle.cookie })).statusCode).toBe(200);
    offsetMs = 28 * 60_000;
    expect((await get('/api/session', { cookie: idle.cookie })).statusCode).toBe(200);
    offsetMs = 44 * 60_000;
    expect((await get('/api/session', { cookie: idle.cookie })).statusCode).toBe(401);
    offsetMs = 0;

    const busy = await signIn(julienLogin, julienMail);
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      offsetMs = minutes * 60_000;
      expect((await get('/api/session', { cookie: busy.cookie })).statusCode, `at ${minutes} min`).toBe(200);
    }
    offsetMs = 12 * 3_600_000 + 1_000;
    expect((await get('/api/session', { cookie: busy.cookie })).statusCode).toBe(401);
    offsetMs = 0;
  });

  it('logs out everywhere', async () => {
    const a = await signIn(julienLogin, julienMail);
    const b = await signIn(julienLogin, julienMail);
    expect((await get('/api/session', { cookie: a.cookie })).statusCode).toBe(200);
    expect((await post('/api/auth/logout-all', {}, { cookie: b.cookie, 'x-csrf-token': b.csrf })).statusCode).toBe(204);
    expect((await get('/api/session', { cookie: a.cookie })).statusCode).toBe(401);
    expect((await get('/api/session', { cookie: b.cookie })).statusCode).toBe(401);
    expect(await auditRows('portal.logout-all', DEMO_PATIENTS.julien.ins)).toHaveLength(1);
  });

  it('refuses another patient’s INS in the URL, and audits the refusal in that patient’s history', async () => {
    const { cookie } = await signIn(julienLogin, julienMail);
    const lea = DEMO_PATIENTS.lea.ins;
    const refused = await get(`/api/records/${lea}/check`, { cookie });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden' });
    const entries = await db.pool.query<{ actor: { kind: string; id: string }; outcome: string; rule: string }>(
      "SELECT actor, outcome, rule FROM audit_entry WHERE partition = $1 AND action = 'document.search'",
      [lea],
    );
    expect(entries.rows).toEqual([{ actor: expect.objectContaining({ kind: 'patient', id: DEMO_PATIENTS.julien.ins }), outcome: 'denied', rule: 'not-own-record' }]);
    // a record that does not exist: refused the same way
    expect((await get('/api/records/299999999999999/check', { cookie })).statusCode).toBe(403);
  });

  it('resets a password with a single-use e-mail link, closing every session', async () => {
    const email = 'isabelle.bernard@example.org';
    const loginId = await signUp(OTHER.bernard, email);
    const before = await lastMailId(email);
    const session = await signIn(loginId, email);
    expect((await post('/api/auth/password-reset', { loginId })).statusCode).toBe(202);
    const mail = await mailTo(email, /Réinitialisation/, before);
    const token = /#jeton=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect(mail.text).toContain('https://portail.test/');
    const weak = await post('/api/auth/password-reset/confirm', { token, password: 'password12345' });
    expect(weak.json()).toMatchObject({ code: 'weak-password' });
    const newPassword = 'un nouveau mot de passe bien long';
    expect((await post('/api/auth/password-reset/confirm', { token, password: newPassword })).statusCode).toBe(204);
    expect((await get('/api/session', { cookie: session.cookie })).statusCode).toBe(401);
    const again = await post('/api/auth/password-reset/confirm', { token, password: 'encore un autre mot de passe' });
    expect(again.json()).toMatchObject({ code: 'reset-invalid' });
    expect((await post('/api/auth/login', { loginId, password: PASSWORD })).statusCode).toBe(401);
    expect((await post('/api/auth/login', { loginId, password: newPassword })).statusCode).toBe(200);
    await mailTo(email, /modifié/);
    expect((await auditRows('portal.password-reset', OTHER_INS.bernard)).map((r) => r.outcome)).toEqual(['allowed']);
  });

  it('activates a record a professional created with the code of a printed letter, or of an SMS', async () => {
    const admin = { actor: { kind: 'administrator' as const, operatorId: 'test-admin' }, mode: 'normal' as const, requestId: 'test' };
    const { ins } = await createRecordFromCarteVitale(admin, services, insi, OTHER.santoni);
    const signup = await post('/api/auth/signup', { ...OTHER.santoni, email: 'md.santoni@example.org', password: PASSWORD, otpChannel: 'email' });
    expect(signup.json()).toMatchObject({ code: 'activation-required' });
    const letter = await issueActivationCode(services, ins, 'letter', { now: now() });
    expect(letter.letter).toContain(letter.code!);
    const body = { ...OTHER.santoni, email: 'md.santoni@example.org', password: PASSWORD, otpChannel: 'email' };
    const wrong = await post('/api/auth/activate', { ...body, activationCode: 'AAAA-BBBB-CCCC' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'activation-invalid' });
    const activated = await post('/api/auth/activate', { ...body, activationCode: letter.code!.toLowerCase() });
    expect(activated.statusCode, activated.body).toBe(201);
    const loginId = (activated.json() as { loginId: string }).loginId;
    expect((await post('/api/auth/activate', { ...body, activationCode: letter.code! })).json()).toMatchObject({ code: 'account-exists' });
    await signIn(loginId, 'md.santoni@example.org');

    // by SMS, then the one-time codes by SMS too
    const camille = await createRecordFromCarteVitale(admin, services, insi, card('mother'));
    const sms = await issueActivationCode(services, camille.ins, 'sms', { destination: '+33612345678', now: now() });
    expect(sms.maskedDestination).toBe('06 ** ** ** 78');
    dispatcher.kick();
    let text = '';
    await expect.poll(async () => (text = (await readDemoSms(db.pool, { recipient: '+33612345678' }))[0]?.text ?? ''), { timeout: 5_000 }).toContain('activation');
    const code = /([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})/.exec(text)![1]!;
    const smsAccount = await post('/api/auth/activate', { ...card('mother'), email: 'camille@example.org', phone: '06 12 34 56 78', password: PASSWORD, otpChannel: 'sms', activationCode: code });
    expect(smsAccount.statusCode, smsAccount.body).toBe(201);
    const login = await post('/api/auth/login', { loginId: (smsAccount.json() as { loginId: string }).loginId, password: PASSWORD });
    expect(login.json()).toMatchObject({ channel: 'sms', maskedDestination: '06 ** ** ** 78' });
    await expect.poll(async () => (await readDemoSms(db.pool, { recipient: '+33612345678' }))[0]?.text ?? '', { timeout: 5_000 }).toMatch(/code de connexion/);
    const otp = /\b(\d{6})\b/.exec((await readDemoSms(db.pool, { recipient: '+33612345678' }))[0]!.text)![1]!;
    const done = await post('/api/auth/otp', { challengeId: (login.json() as { challengeId: string }).challengeId, code: otp });
    expect(done.statusCode).toBe(200);
    // the minor on her card appears among her records only if she is his legal representative: she is not here
    expect((done.json() as { records: unknown[] }).records).toHaveLength(1);
  });

  it('accepts an authenticator app (TOTP) as second factor', async () => {
    const email = 'antonia.pietri@example.org';
    const loginId = await signUp(OTHER.pietri, email);
    const { cookie, csrf } = await signIn(loginId, email);
    const setup = await post('/api/auth/totp/setup', {}, { cookie, 'x-csrf-token': csrf });
    expect(setup.statusCode).toBe(200);
    const { otpauthUri } = setup.json() as { otpauthUri: string };
    const totp = OTPAuth.URI.parse(otpauthUri) as OTPAuth.TOTP;
    expect((await post('/api/auth/totp/confirm', { code: '000000' === totp.generate() ? '111111' : '000000' }, { cookie, 'x-csrf-token': csrf })).statusCode).toBe(422);
    expect((await post('/api/auth/totp/confirm', { code: totp.generate() }, { cookie, 'x-csrf-token': csrf })).statusCode).toBe(204);
    const login = await post('/api/auth/login', { loginId, password: PASSWORD });
    expect(login.json()).toMatchObject({ channel: 'totp' });
    const done = await post('/api/auth/otp', { challengeId: (login.json() as { challengeId: string }).challengeId, code: totp.generate() });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ account: { secondFactor: 'totp' } });
  });

  it('rate-limits the sign-in endpoints per client IP', async () => {
    const limited = Fastify();
    await registerPortalAuth(limited, { services, insi, now, config: { rateLimit: { max: 3, windowMs: 60_000 } } });
    const attempt = (remoteAddress: string) => limited.inject({ method: 'POST', url: '/api/auth/login', payload: { loginId: julienLogin, password: 'wrong password here' }, remoteAddress });
    for (let i = 0; i < 3; i += 1) expect((await attempt('198.51.100.7')).statusCode).toBe(401);
    const blocked = await attempt('198.51.100.7');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'rate-limited' });
    expect((await attempt('198.51.100.8')).statusCode).toBe(401);
    await limited.close();
    // and the one-time codes sent to one account (2 in 15 minutes here)
    const fewCodes = Fastify();
    await registerPortalAuth(fewCodes, { services, insi, now, config: { otpMaxIssued: 2 } });
    const codes = fewCodes.inject.bind(fewCodes);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await codes({ method: 'POST', url: '/api/auth/login', payload: { loginId: julienLogin, password: PASSWORD }, remoteAddress: `203.0.113.${i}` })).statusCode);
    expect(statuses.slice(-1)).toEqual([429]);
    await fewCodes.close();
  });
});

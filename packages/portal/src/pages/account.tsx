import { useState, type FormEvent, type ReactNode } from 'react';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { api, type NotificationPreferences, type OtpChannel, type TotpSetup } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { Confirm, ErrorSummary, LoadState, Notice, OneTimeCodeInput, Page, problemOf, sixDigits, useLoad, type Problem } from '../ui.js';
import { isLang } from '../lib/i18n-dict.js';

const EVENTS = ['newDocument', 'newProfessionalAccess', 'emergencyAccess'] as const;
const CHANNELS: readonly OtpChannel[] = ['email', 'sms'];

export function NotificationsPage(): ReactNode {
  const { t } = useI18n();
  const { ins } = useSession();
  const loaded = useLoad<NotificationPreferences>(() => api.notifications(ins ?? ''), [ins]);
  const [draft, setDraft] = useState<NotificationPreferences | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);

  return (
    <Page title={t('notif.title')} lead={t('notif.intro')}>
      <Notice message={notice} />
      <ErrorSummary problem={problem} labels={{}} />
      <LoadState loaded={loaded}>
        {(saved) => {
          const prefs = draft ?? saved;
          const toggle = (ev: (typeof EVENTS)[number], ch: OtpChannel, on: boolean): void => {
            const cur = new Set(prefs[ev]);
            if (on) cur.add(ch);
            else cur.delete(ch);
            setDraft({ ...prefs, [ev]: CHANNELS.filter((c) => cur.has(c)) });
            setNotice(undefined);
          };
          const submit = async (e: FormEvent): Promise<void> => {
            e.preventDefault();
            setBusy(true);
            try {
              const res = await api.setNotifications(ins ?? '', prefs);
              loaded.setData(res && Array.isArray(res.newDocument) ? res : prefs);
              setDraft(undefined);
              setNotice(t('app.saved'));
              setProblem(undefined);
            } catch (err) {
              setProblem(problemOf(err, t));
            } finally {
              setBusy(false);
            }
          };
          return (
            <form onSubmit={submit}>
              {EVENTS.map((ev) => (
                <Checkbox
                  key={ev}
                  legend={t(`notif.${ev}`)}
                  orientation="horizontal"
                  options={CHANNELS.map((ch) => ({
                    label: t(`notif.${ch}`),
                    nativeInputProps: { name: `${ev}-${ch}`, checked: prefs[ev].includes(ch), onChange: (e) => toggle(ev, ch, e.target.checked) },
                  }))}
                />
              ))}
              <Button type="submit" disabled={busy}>
                {t('app.save')}
              </Button>
            </form>
          );
        }}
      </LoadState>
    </Page>
  );
}

export function AccountPage(): ReactNode {
  const { t, lang, dateTime } = useI18n();
  const { session, ins, selectRecord, signOut, chooseLanguage } = useSession();
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<Problem | undefined>();
  if (!session) return null;
  const a = session.account;
  return (
    <Page title={t('account.title')}>
      <ErrorSummary problem={problem} labels={{}} />
      <dl className="fr-mb-4w">
        <dt className="fr-text--bold">{t('account.loginId')}</dt>
        <dd>{a.loginId}</dd>
        <dt className="fr-text--bold">{t('account.email')}</dt>
        <dd>{a.email}</dd>
        {a.phone && (
          <>
            <dt className="fr-text--bold">{t('account.phone')}</dt>
            <dd>{a.phone}</dd>
          </>
        )}
      </dl>
      <Select label={t('account.language')} nativeSelectProps={{ id: 'account-language', value: lang, onChange: (e) => isLang(e.target.value) && chooseLanguage(e.target.value) }}>
        <option value="fr" lang="fr">
          {t('app.lang.fr')}
        </option>
        <option value="en" lang="en">
          {t('app.lang.en')}
        </option>
      </Select>

      <SecondFactorSection />

      <h2 className="fr-mt-4w">{t('account.records')}</h2>
      <ul className="portal-list-plain">
        {session.records.map((r) => (
          <li key={r.ins} className="portal-entry">
            <p className="fr-mb-1v fr-text--bold">{r.displayName}</p>
            <p className="fr-hint-text">{t(`account.relation.${r.relation}`)}</p>
            {r.ins === ins ? (
              <p className="fr-badge fr-badge--info fr-badge--sm">{t('account.current')}</p>
            ) : (
              <Button size="small" priority="secondary" onClick={() => selectRecord(r.ins)}>
                {t('account.select')}
                <span className="fr-sr-only"> {r.displayName}</span>
              </Button>
            )}
          </li>
        ))}
      </ul>

      <h2 className="fr-mt-4w">{t('account.sessions')}</h2>
      <p>{t('account.sessionEnds', { date: dateTime(session.absoluteExpiresAt) })}</p>
      <p className="fr-hint-text">{t('account.logoutAllHint')}</p>
      <Button priority="secondary" iconId="fr-icon-logout-box-r-line" onClick={() => setAsking(true)}>
        {t('account.logoutAll')}
      </Button>
      {asking && (
        <Confirm
          danger
          message={t('account.logoutAllConfirm')}
          confirmLabel={t('account.logoutAll')}
          onConfirm={async () => {
            try {
              await signOut({ everywhere: true });
            } catch (e) {
              setProblem(problemOf(e, t));
              setAsking(false);
            }
          }}
          onCancel={() => setAsking(false)}
        />
      )}
    </Page>
  );
}

/** The second factor of sign-in: the current one, and setting up an authenticator app (TOTP). */
function SecondFactorSection(): ReactNode {
  const { t } = useI18n();
  const { session, signedIn } = useSession();
  const [setup, setSetup] = useState<TotpSetup | undefined>();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (!session) return null;
  const current = session.account.secondFactor;

  const start = async (): Promise<void> => {
    setBusy(true);
    setNotice(undefined);
    try {
      setSetup(await api.totpSetup());
      setProblem(undefined);
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const clean = sixDigits(code);
    if (!clean) return setProblem({ fields: { 'totp-code': t('err.otpFormat') } });
    setBusy(true);
    try {
      await api.totpConfirm(clean);
      signedIn(await api.session());
      setSetup(undefined);
      setCode('');
      setProblem(undefined);
      setNotice(t('account.totp.done'));
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="second-factor">
      <h2 id="second-factor" className="fr-mt-4w">
        {t('account.secondFactor')}
      </h2>
      <Notice message={notice} />
      <p>{t(`account.secondFactor.${current}`)}</p>
      <ErrorSummary problem={problem} labels={{ 'totp-code': t('account.totp.code') }} />
      {!setup && (
        <Button priority="secondary" disabled={busy} onClick={() => void start()}>
          {current === 'totp' ? t('account.totp.replace') : t('account.totp.start')}
        </Button>
      )}
      {setup && (
        <form onSubmit={confirm} noValidate>
          <p>{t('account.totp.instructions')}</p>
          <p>
            {t('account.totp.key')}{' '}
            <code className="portal-totp-secret" aria-label={t('account.totp.keySpelled', { key: setup.secret.split('').join(' ') })}>
              {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </p>
          <p>
            <a href={setup.otpauthUri}>{t('account.totp.open')}</a>
          </p>
          <OneTimeCodeInput name="totp-code" label={t('account.totp.code')} problem={problem} value={code} onChange={setCode} />
          <ul className="fr-btns-group fr-btns-group--inline-sm">
            <li>
              <Button type="submit" disabled={busy}>
                {t('account.totp.confirm')}
              </Button>
            </li>
            <li>
              <Button priority="secondary" type="button" onClick={() => setSetup(undefined)}>
                {t('app.cancel')}
              </Button>
            </li>
          </ul>
        </form>
      )}
    </section>
  );
}

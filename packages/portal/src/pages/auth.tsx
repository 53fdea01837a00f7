import { useState, type FormEvent, type ReactNode } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { api, type OtpChannel } from '../api.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, currentLocation } from '../router.js';
import { useSession } from '../session.js';
import { ErrorSummary, fieldId, fieldState, Notice, OneTimeCodeInput, Page, problemOf, sixDigits, type Problem } from '../ui.js';
import { birthDateProblem, emailProblem, nirProblem, normaliseNir, passwordProblem, passwordRules, phoneProblem, type PasswordRule } from '../lib/validate.js';
import type { Key } from '../lib/i18n-dict.js';

/** Keeps only the fields with a problem; undefined when there is none. */
function collect(t: (k: Key) => string, checks: Record<string, Key | undefined>): Problem | undefined {
  const fields: Record<string, string> = {};
  for (const [name, key] of Object.entries(checks)) if (key) fields[name] = t(key);
  return Object.keys(fields).length > 0 ? { fields } : undefined;
}

export function SignInPage(): ReactNode {
  const { t } = useI18n();
  const { setChallenge, flash } = useSession();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const labels = { loginId: t('signin.loginId'), password: t('signin.password') };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const local = collect(t, { loginId: loginId.trim() ? undefined : 'err.required', password: password ? undefined : 'err.required' });
    if (local) return setProblem(local);
    setBusy(true);
    try {
      const challenge = await api.login({ loginId: loginId.trim(), password });
      setChallenge(challenge);
      const back = currentLocation().search.get('retour');
      navigate(back ? `/connexion/code?retour=${encodeURIComponent(back)}` : '/connexion/code');
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('signin.title')}>
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <Notice message={flash} severity="info" />
          <p>{t('signin.intro')}</p>
          <ErrorSummary problem={problem} labels={labels} />
          <form onSubmit={submit} noValidate>
            <Input
              label={labels.loginId}
              hintText={t('signin.loginIdHint')}
              {...fieldState(problem, 'loginId')}
              nativeInputProps={{ id: fieldId('loginId'), name: 'loginId', autoComplete: 'username', required: true, value: loginId, onChange: (e) => setLoginId(e.target.value) }}
            />
            <PasswordInput
              label={labels.password}
              messages={problem?.fields.password ? [{ severity: 'error', message: problem.fields.password }] : []}
              messagesHint=""
              nativeInputProps={{ id: fieldId('password'), name: 'password', autoComplete: 'current-password', required: true, value: password, onChange: (e) => setPassword(e.target.value) }}
            />
            <p className="fr-mt-2w">
              <Link className="fr-link" href="/mot-de-passe-oublie">
                {t('signin.forgot')}
              </Link>
            </p>
            <Button type="submit" disabled={busy}>
              {t('signin.submit')}
            </Button>
          </form>
          <hr className="fr-mt-4w" />
          <h2 className="fr-h5">{t('signin.noAccount')}</h2>
          <Button priority="secondary" linkProps={{ href: '/inscription' }}>
            {t('signin.signup')}
          </Button>
        </div>
      </div>
    </Page>
  );
}

export function OtpPage(): ReactNode {
  const { t, dateTime } = useI18n();
  const { challenge, signedIn } = useSession();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const labels = { code: t('otp.code') };

  if (!challenge)
    return (
      <Page title={t('otp.title')}>
        <Alert role={undefined} severity="info" small description={t('otp.missing')} className="fr-mb-2w" />
        <Button linkProps={{ href: '/connexion' }}>{t('otp.restart')}</Button>
      </Page>
    );

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const clean = sixDigits(code);
    if (!clean) return setProblem({ fields: { code: t('err.otpFormat') } });
    setBusy(true);
    try {
      const session = await api.otp({ challengeId: challenge.challengeId, code: clean });
      signedIn(session);
      const back = currentLocation().search.get('retour');
      navigate(back && back.startsWith('/') && !back.startsWith('//') ? back : '/');
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  const sent =
    challenge.channel === 'email'
      ? t('otp.sentEmail', { dest: challenge.maskedDestination })
      : challenge.channel === 'sms'
        ? t('otp.sentSms', { dest: challenge.maskedDestination })
        : t('otp.sentTotp');

  return (
    <Page title={t('otp.title')}>
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <p>{sent}</p>
          <p>{t('otp.expires', { time: dateTime(challenge.expiresAt) })}</p>
          <ErrorSummary problem={problem} labels={labels} />
          <form onSubmit={submit} noValidate>
            <OneTimeCodeInput name="code" label={labels.code} problem={problem} value={code} onChange={setCode} />
            <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm">
              <li>
                <Button type="submit" disabled={busy}>
                  {t('otp.submit')}
                </Button>
              </li>
              <li>
                <Button priority="secondary" linkProps={{ href: '/connexion' }}>
                  {t('otp.restart')}
                </Button>
              </li>
            </ul>
          </form>
        </div>
      </div>
    </Page>
  );
}

const RULES: readonly PasswordRule[] = ['length', 'lower', 'upper', 'digit', 'special'];

/** Sign-up from Carte Vitale data; with `activate`, the activation of a record a professional created (same fields plus the code). */
export function SignUpPage({ activate = false }: { activate?: boolean }): ReactNode {
  const { t } = useI18n();
  const [form, setForm] = useState({
    activationCode: '',
    insuredNir: '',
    rank: '1',
    familyName: '',
    givenName: '',
    birthDate: '',
    email: '',
    phone: '',
    password: '',
    passwordConfirm: '',
    otpChannel: 'email' as OtpChannel,
  });
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const [loginId, setLoginId] = useState<string | undefined>();
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value }));
  const labels: Record<string, string> = {
    ...(activate ? { activationCode: t('activate.code') } : {}),
    insuredNir: t('signup.nir'),
    rank: t('signup.rank'),
    familyName: t('signup.familyName'),
    givenName: t('signup.givenName'),
    birthDate: t('signup.birthDate'),
    email: t('signup.email'),
    phone: t('signup.phone'),
    password: t('signup.password'),
    passwordConfirm: t('signup.passwordConfirm'),
    otpChannel: t('signup.channel'),
  };
  const rules = passwordRules(form.password);

  if (loginId)
    return (
      <Page title={t('signup.done.title')}>
        <Alert role={undefined} severity="success" title={t('signup.done.title')} description={t('signup.done.text', { loginId })} as="h2" className="fr-mb-3w" />
        <p>
          <strong>{t('account.loginId')} :</strong> <span data-testid="login-id">{loginId}</span>
        </p>
        <Button linkProps={{ href: '/connexion' }}>{t('signup.done.signin')}</Button>
      </Page>
    );

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const rank = Number(form.rank);
    const local = collect(t, {
      activationCode: activate && !form.activationCode.trim() ? 'err.activationCode' : undefined,
      insuredNir: nirProblem(form.insuredNir),
      rank: Number.isInteger(rank) && rank >= 1 && rank <= 99 ? undefined : 'err.rank',
      familyName: form.familyName.trim() ? undefined : 'err.required',
      givenName: form.givenName.trim() ? undefined : 'err.required',
      birthDate: birthDateProblem(form.birthDate),
      email: emailProblem(form.email),
      phone: phoneProblem(form.phone, form.otpChannel === 'sms'),
      password: passwordProblem(form.password),
      passwordConfirm: form.passwordConfirm === form.password ? (form.passwordConfirm ? undefined : 'err.required') : 'err.passwordMismatch',
    });
    if (local) return setProblem(local);
    setBusy(true);
    try {
      const phone = form.phone.replace(/[\s.-]/g, '');
      const request = {
        insuredNir: normaliseNir(form.insuredNir),
        rank,
        familyName: form.familyName.trim(),
        givenName: form.givenName.trim(),
        birthDate: form.birthDate,
        email: form.email.trim(),
        ...(phone ? { phone } : {}),
        password: form.password,
        otpChannel: form.otpChannel,
      };
      const res = activate ? await api.activate({ ...request, activationCode: form.activationCode.trim() }) : await api.signup(request);
      setLoginId(res.loginId);
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t(activate ? 'activate.title' : 'signup.title')}>
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <p>{t(activate ? 'activate.intro' : 'signup.intro')}</p>
          {!activate && (
            <p>
              <Link className="fr-link" href="/activation">
                {t('signup.activate')}
              </Link>
            </p>
          )}
          <p className="fr-hint-text">{t('app.required')}</p>
          <ErrorSummary problem={problem} labels={labels} />
          <form onSubmit={submit} noValidate>
            {activate && (
              <Input
                label={`${t('activate.code')} *`}
                hintText={t('activate.codeHint')}
                {...fieldState(problem, 'activationCode')}
                nativeInputProps={{ id: fieldId('activationCode'), name: 'activationCode', autoComplete: 'off', required: true, value: form.activationCode, onChange: set('activationCode') }}
              />
            )}
            <fieldset className="fr-fieldset">
              <legend className="fr-fieldset__legend">
                <h2 className="fr-h4 fr-mb-0">{t('signup.vitale')}</h2>
              </legend>
              <div className="fr-fieldset__element">
                <Input
                  label={`${labels.insuredNir} *`}
                  hintText={t('signup.nirHint')}
                  {...fieldState(problem, 'insuredNir')}
                  nativeInputProps={{ id: fieldId('insuredNir'), name: 'insuredNir', inputMode: 'numeric', autoComplete: 'off', required: true, value: form.insuredNir, onChange: set('insuredNir') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <Input
                  label={`${labels.rank} *`}
                  hintText={t('signup.rankHint')}
                  {...fieldState(problem, 'rank')}
                  nativeInputProps={{ id: fieldId('rank'), name: 'rank', type: 'number', min: 1, max: 99, required: true, value: form.rank, onChange: set('rank') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <Input
                  label={`${labels.familyName} *`}
                  {...fieldState(problem, 'familyName')}
                  nativeInputProps={{ id: fieldId('familyName'), name: 'familyName', autoComplete: 'family-name', required: true, value: form.familyName, onChange: set('familyName') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <Input
                  label={`${labels.givenName} *`}
                  {...fieldState(problem, 'givenName')}
                  nativeInputProps={{ id: fieldId('givenName'), name: 'givenName', autoComplete: 'given-name', required: true, value: form.givenName, onChange: set('givenName') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <Input
                  label={`${labels.birthDate} *`}
                  {...fieldState(problem, 'birthDate')}
                  nativeInputProps={{ id: fieldId('birthDate'), name: 'birthDate', type: 'date', autoComplete: 'bday', required: true, value: form.birthDate, onChange: set('birthDate') }}
                />
              </div>
            </fieldset>
            <fieldset className="fr-fieldset">
              <legend className="fr-fieldset__legend">
                <h2 className="fr-h4 fr-mb-0">{t('signup.contact')}</h2>
              </legend>
              <div className="fr-fieldset__element">
                <Input
                  label={`${labels.email} *`}
                  hintText={t('signup.emailHint')}
                  {...fieldState(problem, 'email')}
                  nativeInputProps={{ id: fieldId('email'), name: 'email', type: 'email', autoComplete: 'email', required: true, value: form.email, onChange: set('email') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <Input
                  label={labels.phone}
                  hintText={t('signup.phoneHint')}
                  {...fieldState(problem, 'phone')}
                  nativeInputProps={{ id: fieldId('phone'), name: 'phone', type: 'tel', autoComplete: 'tel', value: form.phone, onChange: set('phone') }}
                />
              </div>
            </fieldset>
            <fieldset className="fr-fieldset">
              <legend className="fr-fieldset__legend">
                <h2 className="fr-h4 fr-mb-0">{t('signup.security')}</h2>
              </legend>
              <div className="fr-fieldset__element">
                <PasswordInput
                  label={`${labels.password} *`}
                  messagesHint={t('signup.passwordRules')}
                  messages={[
                    ...RULES.map((r) => ({ severity: rules[r] ? ('valid' as const) : problem?.fields.password ? ('error' as const) : ('info' as const), message: t(`signup.rule.${r}`) })),
                    { severity: 'info' as const, message: t('signup.passwordCommon') },
                    ...(problem?.fields.password && problem.fields.password !== t('err.passwordWeak') ? [{ severity: 'error' as const, message: problem.fields.password }] : []),
                  ]}
                  nativeInputProps={{ id: fieldId('password'), name: 'password', autoComplete: 'new-password', required: true, value: form.password, onChange: set('password') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <PasswordInput
                  label={`${labels.passwordConfirm} *`}
                  messagesHint=""
                  messages={problem?.fields.passwordConfirm ? [{ severity: 'error', message: problem.fields.passwordConfirm }] : []}
                  nativeInputProps={{ id: fieldId('passwordConfirm'), name: 'passwordConfirm', autoComplete: 'new-password', required: true, value: form.passwordConfirm, onChange: set('passwordConfirm') }}
                />
              </div>
              <div className="fr-fieldset__element">
                <RadioButtons
                  id={fieldId('otpChannel')}
                  legend={`${labels.otpChannel} *`}
                  name="otpChannel"
                  orientation="horizontal"
                  {...fieldState(problem, 'otpChannel')}
                  options={(['email', 'sms'] as const).map((c) => ({
                    label: t(`signup.channel.${c}`),
                    nativeInputProps: {
                      value: c,
                      checked: form.otpChannel === c,
                      onChange: () => setForm((f) => ({ ...f, otpChannel: c })),
                    },
                  }))}
                />
              </div>
            </fieldset>
            <Button type="submit" disabled={busy}>
              {t(activate ? 'activate.submit' : 'signup.submit')}
            </Button>
          </form>
          <hr className="fr-mt-4w" />
          <h2 className="fr-h5">{t('signup.haveAccount')}</h2>
          <Button priority="secondary" linkProps={{ href: '/connexion' }}>
            {t('app.signIn')}
          </Button>
        </div>
      </div>
    </Page>
  );
}

export function PasswordResetPage(): ReactNode {
  const { t } = useI18n();
  const [loginId, setLoginId] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>();
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const labels = { loginId: t('reset.loginId') };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const local = collect(t, { loginId: loginId.trim() ? undefined : 'err.required' });
    if (local) return setProblem(local);
    setBusy(true);
    try {
      await api.passwordReset(loginId.trim());
      setProblem(undefined);
      setSent(true);
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('reset.title')}>
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <Notice message={sent ? t('reset.sent') : undefined} />
          <p>{t('reset.intro')}</p>
          <ErrorSummary problem={problem} labels={labels} />
          <form onSubmit={submit} noValidate>
            <Input
              label={labels.loginId}
              {...fieldState(problem, 'loginId')}
              nativeInputProps={{ id: fieldId('loginId'), name: 'loginId', autoComplete: 'username', required: true, value: loginId, onChange: (e) => setLoginId(e.target.value) }}
            />
            <Button type="submit" disabled={busy}>
              {t('reset.submit')}
            </Button>
          </form>
          <p className="fr-mt-3w">
            <Link className="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/connexion">
              {t('reset.back')}
            </Link>
          </p>
        </div>
      </div>
    </Page>
  );
}

/** The e-mailed link's page: /mot-de-passe/nouveau#jeton=TOKEN (the token stays out of server logs). */
export function NewPasswordPage(): ReactNode {
  const { t } = useI18n();
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('jeton') ?? '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const labels = { password: t('signup.password'), passwordConfirm: t('signup.passwordConfirm') };
  const rules = passwordRules(password);

  if (!token)
    return (
      <Page title={t('newpw.title')}>
        <Alert role={undefined} severity="warning" small description={t('newpw.noToken')} className="fr-mb-2w" />
        <Button linkProps={{ href: '/mot-de-passe-oublie' }}>{t('newpw.again')}</Button>
      </Page>
    );
  if (done)
    return (
      <Page title={t('newpw.title')}>
        <Alert role={undefined} severity="success" small description={t('newpw.done')} className="fr-mb-2w" />
        <Button linkProps={{ href: '/connexion' }}>{t('app.signIn')}</Button>
      </Page>
    );

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const local = collect(t, {
      password: passwordProblem(password),
      passwordConfirm: confirm === password ? (confirm ? undefined : 'err.required') : 'err.passwordMismatch',
    });
    if (local) return setProblem(local);
    setBusy(true);
    try {
      await api.confirmPasswordReset(token, password);
      window.history.replaceState(null, '', window.location.pathname);
      setDone(true);
    } catch (err) {
      setProblem(problemOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('newpw.title')}>
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <p>{t('newpw.intro')}</p>
          <ErrorSummary problem={problem} labels={labels} />
          <form onSubmit={submit} noValidate>
            <PasswordInput
              label={labels.password}
              messagesHint={t('signup.passwordRules')}
              messages={[
                ...RULES.map((r) => ({ severity: rules[r] ? ('valid' as const) : problem?.fields.password ? ('error' as const) : ('info' as const), message: t(`signup.rule.${r}`) })),
                { severity: 'info' as const, message: t('signup.passwordCommon') },
                ...(problem?.fields.password && problem.fields.password !== t('err.passwordWeak') ? [{ severity: 'error' as const, message: problem.fields.password }] : []),
              ]}
              nativeInputProps={{ id: fieldId('password'), name: 'password', autoComplete: 'new-password', required: true, value: password, onChange: (e) => setPassword(e.target.value) }}
            />
            <PasswordInput
              label={labels.passwordConfirm}
              messagesHint=""
              messages={problem?.fields.passwordConfirm ? [{ severity: 'error', message: problem.fields.passwordConfirm }] : []}
              nativeInputProps={{ id: fieldId('passwordConfirm'), name: 'passwordConfirm', autoComplete: 'new-password', required: true, value: confirm, onChange: (e) => setConfirm(e.target.value) }}
            />
            <Button type="submit" disabled={busy} className="fr-mt-2w">
              {t('newpw.submit')}
            </Button>
          </form>
        </div>
      </div>
    </Page>
  );
}

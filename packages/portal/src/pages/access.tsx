import { useState, type FormEvent, type ReactNode } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { ToggleSwitch } from '@codegouvfr/react-dsfr/ToggleSwitch';
import { api, type AccessChange, type AccessSettings, type ProfessionalRef } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { Confirm, ErrorSummary, fieldState, LoadState, Notice, Page, problemOf, useLoad, type Problem } from '../ui.js';
import type { Key } from '../lib/i18n-dict.js';
import { rppsProblem } from '../lib/validate.js';

interface Pending {
  readonly change: AccessChange;
  readonly message: string;
  readonly confirmLabel: string;
  readonly danger: boolean;
  /** Where the confirmation shows: a professional's id, or a section name. */
  readonly at: string;
}

function isSettings(v: unknown): v is AccessSettings {
  return typeof v === 'object' && v !== null && Array.isArray((v as { authorised?: unknown }).authorised);
}

function describe(p: ProfessionalRef): string {
  return [p.profession, p.specialty, p.structure, p.city].filter(Boolean).join(' · ');
}

type ProAction = 'authorise' | 'revoke-authorisation' | 'block' | 'unblock' | 'declare-medecin-traitant' | 'withdraw-medecin-traitant';
const ACTION_LABEL: Record<ProAction, Key> = {
  authorise: 'access.authorise',
  'revoke-authorisation': 'access.revoke',
  block: 'access.block',
  unblock: 'access.unblock',
  'declare-medecin-traitant': 'access.mtDeclare',
  'withdraw-medecin-traitant': 'access.mtWithdraw',
};
const DANGER: ReadonlySet<ProAction> = new Set(['block', 'revoke-authorisation', 'withdraw-medecin-traitant']);

export function AccessPage(): ReactNode {
  const { t } = useI18n();
  const { ins } = useSession();
  const loaded = useLoad<AccessSettings>(() => api.access(ins ?? ''), [ins]);
  const [pending, setPending] = useState<Pending | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [search, setSearch] = useState({ q: '', profession: '', city: '', rpps: '' });
  const [results, setResults] = useState<readonly ProfessionalRef[] | undefined>();
  const [searchProblem, setSearchProblem] = useState<Problem | undefined>();
  const [searching, setSearching] = useState(false);

  const apply = async (change: AccessChange): Promise<void> => {
    try {
      const res = await api.changeAccess(ins ?? '', change);
      if (isSettings(res)) loaded.setData(res);
      else loaded.reload();
      setNotice(t('access.done'));
      setProblem(undefined);
    } catch (e) {
      setProblem(problemOf(e, t));
    } finally {
      setPending(undefined);
    }
  };

  const ask = (action: ProAction, p: ProfessionalRef, at: string): void => {
    const change: AccessChange =
      action === 'withdraw-medecin-traitant' ? { kind: action } : { kind: action, nationalId: p.nationalId };
    setPending({
      change,
      at,
      danger: DANGER.has(action),
      confirmLabel: t(ACTION_LABEL[action]),
      message: t('access.confirmAction', { action: t(ACTION_LABEL[action]).toLowerCase(), name: p.name }),
    });
  };

  const runSearch = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const q = { q: search.q.trim(), profession: search.profession.trim(), city: search.city.trim(), rpps: search.rpps.trim() };
    if (!q.q && !q.profession && !q.city && !q.rpps) {
      setSearchProblem({ message: t('access.search.atLeastOne'), fields: {} });
      return;
    }
    const rp = rppsProblem(q.rpps);
    if (rp) {
      setSearchProblem({ fields: { rpps: t(rp) } });
      return;
    }
    setSearching(true);
    try {
      setResults(await api.directory(q));
      setSearchProblem(undefined);
    } catch (err) {
      setSearchProblem(problemOf(err, t));
    } finally {
      setSearching(false);
    }
  };

  const row = (p: ProfessionalRef, actions: readonly ProAction[], at: string, badges?: ReactNode): ReactNode => (
    <li key={`${at}-${p.nationalId}`} className="portal-entry">
      <h3 className="fr-h6 fr-mb-1v">
        {p.name} {badges}
      </h3>
      <p className="fr-mb-1v">{describe(p)}</p>
      <p className="fr-hint-text">{t('access.rpps', { id: p.nationalId })}</p>
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm">
        {actions.map((a) => (
          <li key={a}>
            <Button size="small" priority={DANGER.has(a) ? 'secondary' : 'primary'} onClick={() => ask(a, p, `${at}-${p.nationalId}`)}>
              {t(ACTION_LABEL[a])}
              <span className="fr-sr-only"> {p.name}</span>
            </Button>
          </li>
        ))}
      </ul>
      {pending?.at === `${at}-${p.nationalId}` && (
        <Confirm message={pending.message} confirmLabel={pending.confirmLabel} danger={pending.danger} onConfirm={() => apply(pending.change)} onCancel={() => setPending(undefined)} />
      )}
    </li>
  );

  return (
    <Page title={t('access.title')} lead={t('access.intro')}>
      <Notice message={notice} />
      <ErrorSummary problem={problem} labels={{}} />
      <LoadState loaded={loaded}>
        {(s) => {
          const authorisedIds = new Set(s.authorised.map((p) => p.nationalId));
          const blockedIds = new Set(s.blocked.map((p) => p.nationalId));
          return (
            <>
              {s.status === 'closed' && <Alert role={undefined} severity="warning" title={t('home.status.closed')} description={t('access.reopenWarning')} as="h2" className="fr-mb-4w" />}

              <section aria-labelledby="mt-title" className="fr-mb-6w">
                <h2 id="mt-title">{t('access.mt')}</h2>
                {s.medecinTraitant ? <ul className="portal-list-plain">{row(s.medecinTraitant, ['withdraw-medecin-traitant'], 'mt')}</ul> : <p>{t('access.mtNone')}</p>}
              </section>

              <section aria-labelledby="auth-title" className="fr-mb-6w">
                <h2 id="auth-title">{t('access.authorised')}</h2>
                {s.authorised.length === 0 ? (
                  <p>{t('access.none')}</p>
                ) : (
                  <ul className="portal-list-plain">{s.authorised.map((p) => row(p, ['revoke-authorisation', 'block'], 'auth'))}</ul>
                )}
              </section>

              <section aria-labelledby="blocked-title" className="fr-mb-6w">
                <h2 id="blocked-title">{t('access.blocked')}</h2>
                <p className="fr-hint-text">{t('access.blockedHint')}</p>
                {s.blocked.length === 0 ? <p>{t('access.none')}</p> : <ul className="portal-list-plain">{s.blocked.map((p) => row(p, ['unblock'], 'blocked'))}</ul>}
              </section>

              <section aria-labelledby="search-title" className="fr-mb-6w">
                <h2 id="search-title">{t('access.search')}</h2>
                <ErrorSummary problem={searchProblem} labels={{ rpps: t('access.search.rpps') }} idPrefix="search-" />
                <form onSubmit={runSearch} role="search" aria-labelledby="search-title">
                  <div className="fr-grid-row fr-grid-row--gutters">
                    {(['q', 'profession', 'city', 'rpps'] as const).map((k) => (
                      <div key={k} className="fr-col-12 fr-col-md-6 fr-col-lg-3">
                        <Input
                          label={t(`access.search.${k}`)}
                          {...(k === 'rpps' ? { hintText: t('access.search.rppsHint'), ...fieldState(searchProblem, 'rpps') } : {})}
                          nativeInputProps={{ id: `search-${k}`, value: search[k], onChange: (e) => setSearch((x) => ({ ...x, [k]: e.target.value })), inputMode: k === 'rpps' ? 'numeric' : undefined }}
                        />
                      </div>
                    ))}
                  </div>
                  <Button type="submit" iconId="fr-icon-search-line" disabled={searching} className="fr-mt-2w">
                    {t('access.search.submit')}
                  </Button>
                </form>
                <div role="status" aria-live="polite" className="fr-mt-3w">
                  {results && <p>{results.length === 0 ? t('access.search.none') : t('access.search.results', { n: results.length })}</p>}
                </div>
                {results && results.length > 0 && (
                  <ul className="portal-list-plain">
                    {results.map((p) => {
                      const isAuth = authorisedIds.has(p.nationalId);
                      const isBlocked = blockedIds.has(p.nationalId);
                      const isMt = s.medecinTraitant?.nationalId === p.nationalId;
                      const actions: ProAction[] = [];
                      if (!isAuth && !isBlocked) actions.push('authorise');
                      if (!isBlocked) actions.push('block');
                      else actions.push('unblock');
                      if (!isMt && !isBlocked) actions.push('declare-medecin-traitant');
                      const badges = (
                        <>
                          {isAuth && <Badge small severity="success">{t('access.isAuthorised')}</Badge>}
                          {isBlocked && <Badge small severity="error">{t('access.isBlocked')}</Badge>}
                          {isMt && <Badge small severity="info">{t('access.isMt')}</Badge>}
                        </>
                      );
                      return row(p, actions, 'result', badges);
                    })}
                  </ul>
                )}
              </section>

              <section aria-labelledby="emergency-title" className="fr-mb-6w">
                <h2 id="emergency-title">{t('access.emergency')}</h2>
                <ToggleSwitch
                  label={t('access.emergencySwitch')}
                  helperText={t('access.emergencyHint')}
                  checked={s.emergencyAccessOpposed}
                  showCheckedHint={false}
                  onChange={(checked) =>
                    setPending({
                      change: { kind: checked ? 'oppose-emergency-access' : 'accept-emergency-access' },
                      at: 'emergency',
                      danger: checked,
                      confirmLabel: t('app.confirm'),
                      message: t(checked ? 'access.emergencyOpposeConfirm' : 'access.emergencyAcceptConfirm'),
                    })
                  }
                />
                {pending?.at === 'emergency' && (
                  <Confirm message={pending.message} danger={pending.danger} onConfirm={() => apply(pending.change)} onCancel={() => setPending(undefined)} />
                )}
              </section>

              <section aria-labelledby="status-title" className="fr-mb-6w">
                <h2 id="status-title">{t('access.status')}</h2>
                <p>
                  {s.status === 'open' ? <Badge severity="success">{t('home.status.open')}</Badge> : <Badge severity="warning">{t('home.status.closed')}</Badge>}
                </p>
                {s.status === 'open' ? (
                  <>
                    <Alert role={undefined} severity="warning" small description={t('access.closeWarning')} className="fr-mb-2w" />
                    <Button
                      priority="secondary"
                      iconId="fr-icon-lock-line"
                      onClick={() => setPending({ change: { kind: 'close' }, at: 'status', danger: true, confirmLabel: t('access.closeConfirm'), message: t('access.closeWarning') })}
                    >
                      {t('access.close')}
                    </Button>
                  </>
                ) : (
                  <>
                    <p>{t('access.reopenWarning')}</p>
                    <Button
                      iconId="fr-icon-lock-unlock-line"
                      onClick={() => setPending({ change: { kind: 'reopen' }, at: 'status', danger: false, confirmLabel: t('access.reopen'), message: t('access.reopenWarning') })}
                    >
                      {t('access.reopen')}
                    </Button>
                  </>
                )}
                {pending?.at === 'status' && (
                  <Confirm message={pending.message} confirmLabel={pending.confirmLabel} danger={pending.danger} onConfirm={() => apply(pending.change)} onCancel={() => setPending(undefined)} />
                )}
              </section>
            </>
          );
        }}
      </LoadState>
    </Page>
  );
}

import { useEffect, type ReactNode } from 'react';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { MainNavigation, type MainNavigationProps } from '@codegouvfr/react-dsfr/MainNavigation';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useI18n } from './i18n.js';
import { matchPath, navigate, useLocation } from './router.js';
import { useSession } from './session.js';
import { Page } from './ui.js';
import { SignInPage, OtpPage, SignUpPage, PasswordResetPage, NewPasswordPage } from './pages/auth.js';
import { HomePage } from './pages/home.js';
import { DocumentsPage, DocumentPage, UploadPage } from './pages/documents.js';
import { EntriesPage } from './pages/entries.js';
import { AccessPage } from './pages/access.js';
import { HistoryPage } from './pages/history.js';
import { NotificationsPage, AccountPage } from './pages/account.js';
import { AccessibilityPage } from './pages/accessibility.js';
import type { Key } from './lib/i18n-dict.js';

interface Route {
  readonly pattern: string;
  readonly auth: 'private' | 'public' | 'guest';
  readonly render: (params: Record<string, string>) => ReactNode;
}

/** The portal's routes. 'guest' pages are for signed-out visitors; 'public' for everyone. */
export const ROUTES: readonly Route[] = [
  { pattern: '/connexion', auth: 'guest', render: () => <SignInPage /> },
  { pattern: '/connexion/code', auth: 'guest', render: () => <OtpPage /> },
  { pattern: '/inscription', auth: 'guest', render: () => <SignUpPage /> },
  { pattern: '/activation', auth: 'guest', render: () => <SignUpPage activate /> },
  { pattern: '/mot-de-passe-oublie', auth: 'guest', render: () => <PasswordResetPage /> },
  { pattern: '/mot-de-passe/nouveau', auth: 'public', render: () => <NewPasswordPage /> },
  { pattern: '/accessibilite', auth: 'public', render: () => <AccessibilityPage /> },
  { pattern: '/', auth: 'private', render: () => <HomePage /> },
  { pattern: '/documents', auth: 'private', render: () => <DocumentsPage /> },
  { pattern: '/documents/ajouter', auth: 'private', render: () => <UploadPage /> },
  { pattern: '/documents/:id', auth: 'private', render: (p) => <DocumentPage id={p.id ?? ''} /> },
  { pattern: '/antecedents', auth: 'private', render: () => <EntriesPage section="medical-history" /> },
  { pattern: '/contacts-urgence', auth: 'private', render: () => <EntriesPage section="emergency-contacts" /> },
  { pattern: '/directives-anticipees', auth: 'private', render: () => <EntriesPage section="advance-directives" /> },
  { pattern: '/acces', auth: 'private', render: () => <AccessPage /> },
  { pattern: '/historique', auth: 'private', render: () => <HistoryPage /> },
  { pattern: '/notifications', auth: 'private', render: () => <NotificationsPage /> },
  { pattern: '/compte', auth: 'private', render: () => <AccountPage /> },
];

function resolve(path: string): { route: Route; params: Record<string, string> } | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, clean);
    if (params) return { route, params };
  }
  return undefined;
}

function Redirect({ to }: { to: string }): ReactNode {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound(): ReactNode {
  const { t } = useI18n();
  return (
    <Page title={t('app.notFound.title')}>
      <p>{t('app.notFound.text')}</p>
      <p>
        <a className="fr-link" href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          {t('app.backHome')}
        </a>
      </p>
    </Page>
  );
}

function Navigation({ path }: { path: string }): ReactNode {
  const { t } = useI18n();
  const link = (href: string, key: Key): MainNavigationProps.Item => ({
    text: t(key),
    linkProps: { href },
    isActive: href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`),
  });
  const health: [string, Key][] = [
    ['/antecedents', 'nav.medicalHistory'],
    ['/contacts-urgence', 'nav.emergencyContacts'],
    ['/directives-anticipees', 'nav.directives'],
  ];
  const settings: [string, Key][] = [
    ['/notifications', 'nav.notifications'],
    ['/compte', 'nav.account'],
  ];
  return (
    <MainNavigation
      id="navigation"
      items={[
        link('/', 'nav.home'),
        link('/documents', 'nav.documents'),
        {
          text: t('nav.health'),
          isActive: health.some(([h]) => path === h),
          menuLinks: health.map(([href, key]) => ({ text: t(key), linkProps: { href }, isActive: path === href })),
        },
        link('/acces', 'nav.access'),
        link('/historique', 'nav.history'),
        {
          text: t('nav.settings'),
          isActive: settings.some(([h]) => path === h),
          menuLinks: settings.map(([href, key]) => ({ text: t(key), linkProps: { href }, isActive: path === href })),
        },
      ]}
    />
  );
}

function RecordSwitcher(): ReactNode {
  const { t } = useI18n();
  const { session, ins, selectRecord } = useSession();
  if (!session || session.records.length < 2) return null;
  return (
    <div className="fr-mb-4w">
      <Select
        label={t('app.recordSwitcher')}
        nativeSelectProps={{ id: 'record-switcher', value: ins ?? '', onChange: (e) => selectRecord(e.target.value) }}
      >
        {session.records.map((r) => (
          <option key={r.ins} value={r.ins}>
            {r.relation === 'self' ? t('app.recordSelf', { name: r.displayName }) : t('app.recordMinor', { name: r.displayName })}
          </option>
        ))}
      </Select>
    </div>
  );
}

export function App(): ReactNode {
  const { t, lang } = useI18n();
  const { session, signOut, chooseLanguage } = useSession();
  const { path } = useLocation();
  const found = resolve(path);
  const signedIn = !!session;

  let content: ReactNode;
  if (!found) content = <NotFound />;
  else if (found.route.auth !== 'public' && session === undefined)
    content = (
      <p role="status" aria-live="polite">
        {t('app.loading')}
      </p>
    );
  else if (found.route.auth === 'private' && !session) content = <Redirect to={`/connexion?retour=${encodeURIComponent(path)}`} />;
  else if (found.route.auth === 'guest' && session) content = <Redirect to="/" />;
  else content = found.route.render(found.params);

  const other = lang === 'fr' ? 'en' : 'fr';
  return (
    <>
      <SkipLinks
        links={[
          { label: t('app.skip.content'), anchor: '#contenu' },
          ...(signedIn ? [{ label: t('app.skip.menu'), anchor: '#navigation' }] : []),
          { label: t('app.skip.footer'), anchor: '#pied-de-page' },
        ]}
      />
      <Header
        brandTop={
          <>
            République
            <br />
            Française
          </>
        }
        homeLinkProps={{ href: '/', title: t('app.homeTitle') }}
        serviceTitle={t('app.title')}
        serviceTagline={t('app.tagline')}
        quickAccessItems={[
          {
            iconId: 'fr-icon-translate-2',
            text: other === 'en' ? 'English' : 'Français',
            buttonProps: { lang: other, onClick: () => chooseLanguage(other), type: 'button' },
          },
          ...(signedIn
            ? [
                { iconId: 'fr-icon-account-circle-line' as const, text: t('app.account'), linkProps: { href: '/compte' } },
                {
                  iconId: 'fr-icon-logout-box-r-line' as const,
                  text: t('app.signOut'),
                  buttonProps: { onClick: () => void signOut(), type: 'button' as const },
                },
              ]
            : [{ iconId: 'fr-icon-lock-line' as const, text: t('app.signIn'), linkProps: { href: '/connexion' } }]),
        ]}
        navigation={signedIn ? <Navigation path={path} /> : undefined}
      />
      <main id="contenu" tabIndex={-1} className="fr-container fr-pt-4w fr-pb-8w">
        <RecordSwitcher />
        <div key={path}>{content}</div>
      </main>
      <Footer
        id="pied-de-page"
        accessibility="partially compliant"
        accessibilityLinkProps={{ href: '/accessibilite' }}
        contentDescription={t('app.footer.desc')}
        brandTop={
          <>
            République
            <br />
            Française
          </>
        }
        homeLinkProps={{ href: '/', title: t('app.homeTitle') }}
        bottomItems={[]}
      />
    </>
  );
}

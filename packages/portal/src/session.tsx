import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setOnActivity, setOnUnauthorised, type LoginChallenge, type SessionInfo } from './api.js';
import { navigate } from './router.js';
import { useI18n } from './i18n.js';
import type { Lang } from './lib/i18n-dict.js';
import { Confirm } from './ui.js';
import { sessionDeadline, SESSION_WARNING_MS } from './lib/session-deadline.js';

export interface SessionState {
  /** undefined while loading, null when signed out. */
  readonly session: SessionInfo | null | undefined;
  /** The record being shown (own, or a minor's for a legal representative). */
  readonly ins: string | undefined;
  readonly record: SessionInfo['records'][number] | undefined;
  selectRecord(ins: string): void;
  signedIn(session: SessionInfo): void;
  /** Shows the portal in this language, and keeps it on the account when signed in (its messages follow). */
  chooseLanguage(lang: Lang): void;
  signOut(opts?: { everywhere?: boolean }): Promise<void>;
  /** The first factor's answer, kept in memory for the one-time code page. */
  readonly challenge: LoginChallenge | undefined;
  setChallenge(c: LoginChallenge | undefined): void;
  /** A message for the sign-in page (signed out, session expired). */
  readonly flash: string | undefined;
  setFlash(m: string | undefined): void;
}

const Ctx = createContext<SessionState | undefined>(undefined);
const RECORD_KEY = 'dmp-portal-record';
const CHALLENGE_KEY = 'dmp-portal-challenge';

/** The pending second factor survives a reload of the code page (not its expiry). */
function loadChallenge(): LoginChallenge | undefined {
  try {
    const raw = window.sessionStorage.getItem(CHALLENGE_KEY);
    if (!raw) return undefined;
    const c = JSON.parse(raw) as LoginChallenge;
    return typeof c.challengeId === 'string' && Date.parse(c.expiresAt) > Date.now() ? c : undefined;
  } catch {
    return undefined;
  }
}

export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const { t, lang, setLang } = useI18n();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [ins, setIns] = useState<string | undefined>(undefined);
  const [challenge, setChallengeState] = useState<LoginChallenge | undefined>(loadChallenge);
  const setChallenge = useCallback((c: LoginChallenge | undefined) => {
    setChallengeState(c);
    try {
      if (c) window.sessionStorage.setItem(CHALLENGE_KEY, JSON.stringify(c));
      else window.sessionStorage.removeItem(CHALLENGE_KEY);
    } catch {
      // storage refused: the challenge lives in memory only
    }
  }, []);
  const [flash, setFlash] = useState<string | undefined>(undefined);
  const adoptLanguage = useRef(setLang);
  adoptLanguage.current = setLang;
  /** When the server last answered a request of this session (it counts the idle time from there). */
  const lastActivity = useRef(Date.now());
  /** While the end of an idle session is near: when it ends. */
  const [endingAt, setEndingAt] = useState<number | undefined>(undefined);

  const adopt = useCallback((s: SessionInfo | null) => {
    setSession(s);
    setCsrfToken(s?.csrfToken);
    lastActivity.current = Date.now();
    setEndingAt(undefined);
    if (!s) {
      setIns(undefined);
      return;
    }
    let saved: string | null = null;
    try {
      saved = window.sessionStorage.getItem(RECORD_KEY);
    } catch {
      saved = null;
    }
    const pick = s.records.find((r) => r.ins === saved) ?? s.records.find((r) => r.relation === 'self') ?? s.records[0];
    setIns(pick?.ins);
  }, []);

  useEffect(() => {
    let live = true;
    api
      .session()
      .then((s) => {
        if (!live) return;
        adopt(s);
        adoptLanguage.current(s.account.language); // the account's language, kept on the server
      })
      .catch(() => live && adopt(null));
    return () => {
      live = false;
    };
  }, [adopt]);

  useEffect(() => {
    setOnUnauthorised(() => {
      adopt(null);
      setFlash(t('app.sessionExpired'));
      navigate('/connexion', { replace: true });
    });
    return () => setOnUnauthorised(undefined);
  }, [adopt, t]);

  // Every answered request resets the idle time, on the server as here.
  useEffect(() => {
    setOnActivity(() => {
      lastActivity.current = Date.now();
      setEndingAt(undefined);
    });
    return () => setOnActivity(undefined);
  }, []);

  // Shortly before an idle session ends, ask whether to stay; at its end, sign out here too.
  useEffect(() => {
    if (!session) return undefined;
    const check = (): void => {
      const deadline = sessionDeadline(session, lastActivity.current);
      const left = deadline - Date.now();
      if (left <= 0) {
        api.logout().catch(() => undefined);
        adopt(null);
        setFlash(t('app.sessionExpired'));
        navigate('/connexion', { replace: true });
      } else setEndingAt(left <= SESSION_WARNING_MS ? deadline : undefined);
    };
    const timer = window.setInterval(check, 5_000);
    return () => window.clearInterval(timer);
  }, [session, adopt, t]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      ins,
      record: session?.records.find((r) => r.ins === ins),
      selectRecord(next) {
        setIns(next);
        try {
          window.sessionStorage.setItem(RECORD_KEY, next);
        } catch {
          // ignore
        }
      },
      chooseLanguage(next) {
        setLang(next);
        if (!session || session.account.language === next) return;
        const account = { ...session.account, language: next };
        api
          .setLanguage(next)
          .then(() => setSession((s) => (s ? { ...s, account } : s)))
          .catch(() => undefined);
      },
      signedIn(s) {
        adopt(s);
        setChallenge(undefined);
        setFlash(undefined);
        if (s.account.language !== lang) setLang(s.account.language);
      },
      async signOut(opts = {}) {
        try {
          if (opts.everywhere) await api.logoutEverywhere();
          else await api.logout();
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 401) throw e;
        }
        adopt(null);
        setFlash(t('signin.loggedOut'));
        navigate('/connexion');
      },
      challenge,
      setChallenge,
      flash,
      setFlash,
    }),
    [session, ins, challenge, setChallenge, flash, adopt, t, lang, setLang],
  );
  return (
    <Ctx.Provider value={value}>
      {children}
      {session && endingAt !== undefined && (
        <div className="portal-session-warning">
          <Confirm
            message={t('app.sessionWarning', { minutes: String(Math.max(1, Math.ceil((endingAt - Date.now()) / 60_000))) })}
            confirmLabel={t('app.stayConnected')}
            cancelLabel={t('app.signOut')}
            onConfirm={async () => {
              adopt(await api.session());
            }}
            onCancel={() => void value.signOut()}
          />
        </div>
      )}
    </Ctx.Provider>
  );
}

export function useSession(): SessionState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setOnUnauthorised, type LoginChallenge, type SessionInfo } from './api.js';
import { navigate } from './router.js';
import { useI18n } from './i18n.js';

export interface SessionState {
  /** undefined while loading, null when signed out. */
  readonly session: SessionInfo | null | undefined;
  /** The record being shown (own, or a minor's for a legal representative). */
  readonly ins: string | undefined;
  readonly record: SessionInfo['records'][number] | undefined;
  selectRecord(ins: string): void;
  signedIn(session: SessionInfo): void;
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

  const adopt = useCallback((s: SessionInfo | null) => {
    setSession(s);
    setCsrfToken(s?.csrfToken);
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
      .then((s) => live && adopt(s))
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
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

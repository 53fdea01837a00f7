import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isLang, translate, type Key, type Lang } from './lib/i18n-dict.js';
import { setApiLanguage } from './api.js';
import { formatDate, formatDateTime, formatSize } from './lib/format.js';

export interface I18n {
  readonly lang: Lang;
  setLang(lang: Lang): void;
  t(key: Key, params?: Record<string, string | number>): string;
  dateTime(iso: string): string;
  date(iso: string): string;
  size(bytes: number): string;
}

const STORAGE = 'dmp-portal-lang';

function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE);
    if (isLang(saved)) return saved;
  } catch {
    // storage refused: French
  }
  return 'fr';
}

const Ctx = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }): ReactNode {
  const [lang, setLangState] = useState<Lang>(initialLang);
  setApiLanguage(lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang(l) {
        setLangState(l);
        try {
          window.localStorage.setItem(STORAGE, l);
        } catch {
          // ignore
        }
      },
      t: (key, params) => translate(lang, key, params),
      dateTime: (iso) => formatDateTime(iso, lang),
      date: (iso) => formatDate(iso, lang),
      size: (bytes) => formatSize(bytes, lang),
    }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** For react-dsfr's own strings (startReactDsfr useLang). */
export function currentLang(): Lang {
  const l = document.documentElement.lang;
  return isLang(l) ? l : 'fr';
}

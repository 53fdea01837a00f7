/** Shared building blocks: page frame with focus management, error summary, confirmation, loading. */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { ApiError } from './api.js';
import { useI18n } from './i18n.js';
import type { Key } from './lib/i18n-dict.js';

let firstPage = true;

/** A page: its <h1>, the tab title, and the focus moved to the heading when the route changes. */
export function Page({ title, children, lead }: { title: string; children?: ReactNode; lead?: ReactNode }): ReactNode {
  const { t } = useI18n();
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${t('app.title')}`;
  }, [title, t]);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    h1.current?.focus();
    window.scrollTo(0, 0);
  }, []);
  return (
    <>
      <h1 ref={h1} tabIndex={-1} className="portal-h1">
        {title}
      </h1>
      {lead !== undefined && <p className="fr-text--lead">{lead}</p>}
      {children}
    </>
  );
}

/** What went wrong with a form: a general message and messages per field. */
export interface Problem {
  readonly message?: string;
  readonly fields: Readonly<Record<string, string>>;
}

export function problemOf(e: unknown, t: (k: Key) => string): Problem {
  if (e instanceof ApiError) {
    if (e.error.code === 'network') return { message: t('err.network'), fields: {} };
    return { message: e.error.message || t('err.generic'), fields: e.error.fields ?? {} };
  }
  return { message: t('err.generic'), fields: {} };
}

export const fieldId = (name: string): string => `field-${name}`;

/** The six digits of a typed one-time code (spaces ignored), or undefined when it is not six digits. */
export function sixDigits(code: string): string | undefined {
  const clean = code.replace(/\s/g, '');
  return /^\d{6}$/.test(clean) ? clean : undefined;
}

/** A one-time code field (6 digits): from an e-mail, an SMS or an authenticator app. */
export function OneTimeCodeInput({ name, label, problem, value, onChange }: { name: string; label: string; problem: Problem | undefined; value: string; onChange: (value: string) => void }): ReactNode {
  const { t } = useI18n();
  return (
    <Input
      label={label}
      hintText={t('otp.codeHint')}
      {...fieldState(problem, name)}
      nativeInputProps={{
        id: fieldId(name),
        name,
        autoComplete: 'one-time-code',
        inputMode: 'numeric',
        pattern: '[0-9]{6}',
        maxLength: 6,
        required: true,
        value,
        onChange: (e) => onChange(e.target.value),
      }}
    />
  );
}

/** Props for a DSFR Input/Select showing the field's error, if any. */
export function fieldState(problem: Problem | undefined, name: string): { state?: 'error'; stateRelatedMessage?: string } {
  const m = problem?.fields[name];
  return m ? { state: 'error', stateRelatedMessage: m } : {};
}

/**
 * The DSFR error alert at the top of a form: the general message and one link per field in
 * error, each moving the focus to its field. Takes the focus when it appears.
 */
export function ErrorSummary({
  problem,
  labels,
  idPrefix = 'field-',
}: {
  problem: Problem | undefined;
  labels: Readonly<Record<string, string>>;
  idPrefix?: string;
}): ReactNode {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problem) ref.current?.focus();
  }, [problem]);
  if (!problem) return null;
  const entries = Object.entries(problem.fields);
  const title = entries.length > 0 ? t('err.summaryTitle') : (problem.message ?? t('err.generic'));
  return (
    <div ref={ref} tabIndex={-1} className="fr-mb-4w">
      <Alert
        severity="error"
        title={title}
        description={
          entries.length > 0 ? (
            <>
              {problem.message && <span className="fr-mb-1w" style={{ display: 'block' }}>{problem.message}</span>}
              <span style={{ display: 'block' }}>{t('err.summaryIntro')}</span>
              <ul>
                {entries.map(([name, message]) => (
                  <li key={name}>
                    <a
                      href={`#${idPrefix}${name}`}
                      onClick={(e) => {
                        const el = document.getElementById(`${idPrefix}${name}`);
                        if (el) {
                          e.preventDefault();
                          // A group (fieldset) takes the focus on its first control.
                          const target = el.matches('input, select, textarea, button') ? el : (el.querySelector<HTMLElement>('input, select, textarea, button') ?? el);
                          target.focus();
                          target.scrollIntoView({ block: 'center' });
                        }
                      }}
                    >
                      {labels[name] ? `${labels[name]} : ${message}` : message}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ) : undefined
        }
        as="h2"
      />
    </div>
  );
}

/** A status message (success or info) announced politely. */
export function Notice({ message, severity = 'success' }: { message: string | undefined; severity?: 'success' | 'info' }): ReactNode {
  return (
    <div role="status" aria-live="polite">
      {message && <Alert role={undefined} small severity={severity} description={message} className="fr-mb-3w" />}
    </div>
  );
}

/**
 * An inline confirmation: the message and two buttons. Takes the focus when it opens and gives
 * it back to what had it when cancelled.
 */
export function Confirm({
  message,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
  danger,
}: {
  message: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  onConfirm: () => void | Promise<void>;
  onCancel: () => void;
  danger?: boolean;
}): ReactNode {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  const previous = useRef<Element | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    previous.current = document.activeElement;
    ref.current?.focus();
  }, []);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="alertdialog"
      aria-labelledby={`${id}-msg`}
      className={`fr-callout fr-my-2w ${danger ? 'fr-callout--orange-terre-battue' : ''}`}
    >
      <p id={`${id}-msg`} className="fr-callout__text fr-text--md">
        {message}
      </p>
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-mt-2w">
        <li>
          <Button
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onConfirm();
              } finally {
                setBusy(false);
              }
            }}
          >
            {confirmLabel ?? t('app.confirm')}
          </Button>
        </li>
        <li>
          <Button
            priority="secondary"
            onClick={() => {
              onCancel();
              const p = previous.current;
              if (p instanceof HTMLElement) p.focus();
            }}
          >
            {cancelLabel ?? t('app.cancel')}
          </Button>
        </li>
      </ul>
    </div>
  );
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly problem: Problem | undefined;
  readonly loading: boolean;
  reload(): void;
  setData(d: T): void;
}

/** Loads data when `deps` change; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { t } = useI18n();
  const [data, setData] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef
      .current()
      .then((d) => {
        if (!live) return;
        setData(d);
        setProblem(undefined);
      })
      .catch((e: unknown) => {
        if (live) setProblem(problemOf(e, t));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, problem, loading, reload, setData };
}

/** Shows "loading" or the load error (with a retry button) until the data is there. */
export function LoadState<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }): ReactNode {
  const { t } = useI18n();
  if (loaded.problem && loaded.data === undefined)
    return (
      <div>
        <Alert severity="error" title={loaded.problem.message ?? t('err.generic')} as="h2" className="fr-mb-2w" />
        <Button priority="secondary" onClick={loaded.reload}>
          {t('app.retry')}
        </Button>
      </div>
    );
  if (loaded.data === undefined)
    return (
      <p role="status" aria-live="polite">
        {t('app.loading')}
      </p>
    );
  return <>{children(loaded.data)}</>;
}

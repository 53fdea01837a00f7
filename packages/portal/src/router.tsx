/**
 * A small client-side router on the History API: paths are the French URLs the portal shows,
 * links are real <a href> (so they work with the keyboard, a middle click and a screen reader).
 */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

type Listener = () => void;
const listeners = new Set<Listener>();

export function currentLocation(): { path: string; search: URLSearchParams } {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

/** Re-renders on every navigation; gives the path and the query. */
export function useLocation(): { path: string; search: URLSearchParams; key: string } {
  const [key, setKey] = useState(() => window.location.pathname + window.location.search);
  useEffect(() => {
    const l = (): void => setKey(window.location.pathname + window.location.search);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { ...currentLocation(), key };
}

/** Matches "/documents/:id" against a path; gives the parameters or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] ?? '';
    const val = s[i] ?? '';
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(val);
    else if (seg !== val) return undefined;
  }
  return params;
}

export type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { href?: string; children?: ReactNode };

/** An <a> that navigates inside the app without reloading (the Link given to react-dsfr too). */
export function Link({ href, onClick, children, target, ...rest }: LinkProps): ReactNode {
  const handle = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || href === undefined) return;
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || target === '_blank') return;
    if (href.startsWith('#') || /^[a-z]+:/i.test(href) || href.startsWith('/api/')) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={handle} target={target} {...rest}>
      {children}
    </a>
  );
}

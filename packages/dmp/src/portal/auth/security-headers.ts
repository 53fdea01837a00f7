import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/** The Content-Security-Policy of the portal's pages and API answers. */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // the one inline style react-dsfr inserts (`:root { color-scheme: light; }`), allowed by its hash only
  "style-src 'self' 'sha256-HzhUjVBe6Oi2wcxUM7bmy2Rp9VdLMHYDdYr9MalNmOY='",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The headers set on every portal response (a route's own CSP or cache policy is kept). */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface SecurityHeadersOptions {
  /** Replaces PORTAL_CSP (e.g. to allow the design system's inline styles). */
  readonly contentSecurityPolicy?: string;
}

/**
 * Fastify plugin: security headers on every response of the instance it is registered on
 * (not encapsulated, like fastify-plugin: register it on the portal's listener). CSP
 * (`default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'`...), HSTS,
 * nosniff, no referrer, a closed Permissions-Policy, and `Cache-Control: no-store` on `/api`.
 */
const plugin: FastifyPluginAsync<SecurityHeadersOptions> = async (app: FastifyInstance, options: SecurityHeadersOptions) => {
  const csp = options.contentSecurityPolicy ?? PORTAL_CSP;
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', csp);
    for (const [name, value] of Object.entries(PORTAL_SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
};

export const portalSecurityHeaders = Object.assign(plugin, { [Symbol.for('skip-override')]: true });

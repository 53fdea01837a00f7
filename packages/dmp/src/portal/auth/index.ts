/**
 * The patient sign-in (issue 3 item 2): accounts from Carte Vitale data or an activation code,
 * login id + password (argon2id) + one-time code by e-mail, SMS or authenticator app, lockout and
 * rate limiting, password reset, sessions in a secure cookie with CSRF tokens, security headers.
 */
export { registerPortalAuth, type PortalAuth } from './portal-auth-routes.js';
export { portalSecurityHeaders, PORTAL_CSP, PORTAL_SECURITY_HEADERS, type SecurityHeadersOptions } from './security-headers.js';
export { requireRecordAccess, type PortalRequestState } from './session-guard.js';
export { issueActivationCode, type IssuedActivationCode } from './accounts.js';
export { DEFAULT_PORTAL_AUTH_CONFIG, type PortalAuthConfig, type PortalAuthDeps } from './portal-auth-config.js';
export { PortalAuthError, AUTH_ERRORS, languageFromHeader, type AuthErrorCode } from './portal-auth-error.js';
export { checkPassword, type PasswordVerdict, type PasswordWeakness } from './password-policy.js';
export { SESSION_COOKIE } from './session-cookie.js';
export type { ActivationRequest } from './signup-input.js';

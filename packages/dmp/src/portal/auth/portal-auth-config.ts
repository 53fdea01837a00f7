import type { InsiService } from '@dmp/national';
import type { HostServices } from '../../context.js';

/** Lifetimes and limits of the patient sign-in (defaults in `DEFAULT_PORTAL_AUTH_CONFIG`). */
export interface PortalAuthConfig {
  /** Public URL of the portal, for links in e-mails (password reset). */
  readonly portalBaseUrl: string;
  readonly otpLifetimeMs: number;
  readonly otpMaxAttempts: number;
  /** One-time codes an account may be sent in `otpIssueWindowMs` (keeps a stolen password from trying code after code). */
  readonly otpMaxIssued: number;
  readonly otpIssueWindowMs: number;
  /** Wrong passwords in a row before the account locks. */
  readonly maxFailedPasswords: number;
  /** First lockout; each following one doubles (capped at 24 h). */
  readonly lockoutMs: number;
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly resetLifetimeMs: number;
  readonly activationLifetimeMs: number;
  readonly activationMaxAttempts: number;
  /** Requests to the sign-in endpoints per client IP in a window. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** `Secure` on the session cookie (keep true: the portal is served over HTTPS). */
  readonly secureCookie: boolean;
}

export const DEFAULT_PORTAL_AUTH_CONFIG: PortalAuthConfig = {
  portalBaseUrl: 'https://localhost:8443',
  otpLifetimeMs: 5 * 60_000,
  otpMaxAttempts: 5,
  otpMaxIssued: 5,
  otpIssueWindowMs: 15 * 60_000,
  maxFailedPasswords: 5,
  lockoutMs: 15 * 60_000,
  sessionIdleMs: 15 * 60_000,
  sessionAbsoluteMs: 12 * 3_600_000,
  resetLifetimeMs: 30 * 60_000,
  activationLifetimeMs: 30 * 24 * 3_600_000,
  activationMaxAttempts: 5,
  rateLimit: { max: 30, windowMs: 10 * 60_000 },
  secureCookie: true,
};

/** What the patient sign-in needs. */
export interface PortalAuthDeps {
  readonly services: HostServices;
  readonly insi: InsiService;
  /**
   * Messages (one-time codes, login id, reset links) go through the durable outbox
   * (`messaging/enqueueMessage`); the dispatcher sends them. Pass it to have it woken at once
   * after each enqueue, rather than at its next poll.
   */
  readonly dispatcher?: { kick(): void };
  /** The clock (tests move it). */
  readonly now?: () => Date;
  readonly config?: Partial<PortalAuthConfig>;
}

/** The deps with defaults filled in. */
export interface ResolvedAuthDeps {
  readonly services: HostServices;
  readonly insi: InsiService;
  readonly kick: () => void;
  readonly now: () => Date;
  readonly config: PortalAuthConfig;
  /** Key for hashing short codes (derived from the master key). */
  readonly codeKey: Buffer;
}

import * as OTPAuth from 'otpauth';
import { sealValue } from '../../records/content-crypto.js';
import type { PortalAccount } from './account-repository.js';
import { findAccount } from './account-repository.js';
import { auditPortal } from './auth-audit.js';
import type { ResolvedAuthDeps } from './portal-auth-config.js';
import { PortalAuthError } from './portal-auth-error.js';
import { totpOf } from './sign-in.js';

/**
 * Starts enrolling an authenticator app (TOTP, RFC 6238) as the second factor: a new secret, kept
 * sealed as pending until the patient proves their app has it (`confirmTotp`). Answers the
 * `otpauth://` URI to show as a QR code, and the secret in base32 for typing.
 */
export async function startTotpEnrolment(deps: ResolvedAuthDeps, account: PortalAccount): Promise<{ otpauthUri: string; secret: string }> {
  const secret = new OTPAuth.Secret({ size: 20 });
  const sealed = sealValue(Buffer.from(secret.base32), deps.services.masterKey, `totp:${account.id}`);
  await deps.services.pool.query('UPDATE portal_account SET totp_pending = $2 WHERE id = $1', [account.id, sealed]);
  const totp = new OTPAuth.TOTP({ issuer: 'DMP', label: account.loginId, algorithm: 'SHA1', digits: 6, period: 30, secret });
  return { otpauthUri: totp.toString(), secret: secret.base32 };
}

/** Confirms the enrolment with a code from the app: from then on sign-in asks for the app's code. */
export async function confirmTotp(deps: ResolvedAuthDeps, accountId: string, code: string, requestId: string): Promise<void> {
  const account = await findAccount(deps.services.pool, deps.services.masterKey, { id: accountId });
  if (!account?.totpPending || !/^\d{6}$/.test(code)) throw new PortalAuthError('totp-invalid');
  const ok = totpOf(deps, account, account.totpPending).validate({ token: code, timestamp: deps.now().getTime(), window: 1 }) !== null;
  if (!ok) {
    await auditPortal(deps.services, { action: 'portal.totp-enrolment', outcome: 'denied', rule: 'wrong-code', ins: account.ins, requestId });
    throw new PortalAuthError('totp-invalid');
  }
  await deps.services.pool.query(`UPDATE portal_account SET totp_secret = totp_pending, totp_pending = NULL, otp_channel = 'totp' WHERE id = $1`, [account.id]);
  await auditPortal(deps.services, { action: 'portal.totp-enrolment', outcome: 'allowed', rule: 'authenticator-app', ins: account.ins, requestId });
}

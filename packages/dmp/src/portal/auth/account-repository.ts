import { openValue, sealValue } from '../../records/content-crypto.js';
import type { Language } from '../api-contract.js';
import type { Queryable } from '../../records/record-repository.js';

/** The second factor sign-in asks of an account: its chosen channel, if it can be used (a confirmed app, a phone), else e-mail. */
export function secondFactorOf(account: Pick<PortalAccount, 'otpChannel' | 'totpSecret' | 'phone'>): 'email' | 'sms' | 'totp' {
  return account.otpChannel === 'totp' && account.totpSecret ? 'totp' : account.otpChannel === 'sms' && account.phone ? 'sms' : 'email';
}

/** How to reach a patient: kept sealed under the master key (`portal_account.contact`). */
export interface AccountContact {
  readonly email: string;
  readonly phone: string | null;
}

const contactAad = (accountId: string) => `portal-contact:${accountId}`;

/** Seals an account's contact details, bound to its id (a sealed value moved to another account does not open). */
export function sealContact(masterKey: Buffer, accountId: string, contact: AccountContact): Buffer {
  return sealValue(Buffer.from(JSON.stringify({ email: contact.email, phone: contact.phone })), masterKey, contactAad(accountId));
}

/** The contact details of a row: sealed, or in the clear columns of an account not sealed yet. */
export function openContact(masterKey: Buffer, row: { id: string; contact: Buffer | null; email: string | null; phone: string | null }): AccountContact {
  if (!row.contact) return { email: row.email ?? '', phone: row.phone };
  return JSON.parse(openValue(row.contact, masterKey, contactAad(row.id)).toString('utf8')) as AccountContact;
}

/**
 * Seals the contact details of accounts created before they were sealed, and empties their clear
 * columns; run at start, after the migrations. Returns how many accounts it sealed.
 */
export async function sealClearContacts(db: Queryable, masterKey: Buffer): Promise<number> {
  const clear = await db.query<{ id: string; email: string; phone: string | null }>('SELECT id, email, phone FROM portal_account WHERE contact IS NULL');
  for (const row of clear.rows) {
    await db.query('UPDATE portal_account SET contact = $2, email = NULL, phone = NULL WHERE id = $1 AND contact IS NULL', [row.id, sealContact(masterKey, row.id, row)]);
  }
  return clear.rows.length;
}

/** A patient's portal account, as the sign-in reads it. */
export interface PortalAccount {
  readonly id: string;
  readonly loginId: string;
  readonly ins: string;
  readonly email: string;
  readonly phone: string | null;
  readonly passwordHash: string;
  readonly otpChannel: 'email' | 'sms' | 'totp';
  readonly totpSecret: Buffer | null;
  readonly totpPending: Buffer | null;
  readonly language: Language;
  readonly failedAttempts: number;
  readonly lockouts: number;
  readonly lockedUntil: Date | null;
}

interface AccountRow {
  id: string;
  login_id: string;
  ins: string;
  contact: Buffer | null;
  email: string | null;
  phone: string | null;
  password_hash: string;
  otp_channel: 'email' | 'sms' | 'totp';
  totp_secret: Buffer | null;
  totp_pending: Buffer | null;
  language: Language;
  failed_attempts: number;
  lockouts: number;
  locked_until: Date | null;
}

const COLUMNS = 'id, login_id, ins, contact, email, phone, password_hash, otp_channel, totp_secret, totp_pending, language, failed_attempts, lockouts, locked_until';

/** Loads an account by one of its unique keys, optionally locking it for update. */
export async function findAccount(db: Queryable, masterKey: Buffer, by: { loginId: string } | { ins: string } | { id: string }, lock = false): Promise<PortalAccount | undefined> {
  const [column, value] = 'loginId' in by ? ['login_id', by.loginId] : 'ins' in by ? ['ins', by.ins] : ['id', by.id];
  const result = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM portal_account WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
  const row = result.rows[0];
  return row ? fromRow(row, masterKey) : undefined;
}

function fromRow(row: AccountRow, masterKey: Buffer): PortalAccount {
  const contact = openContact(masterKey, row);
  return {
    id: row.id,
    loginId: row.login_id,
    ins: row.ins,
    email: contact.email,
    phone: contact.phone,
    passwordHash: row.password_hash,
    otpChannel: row.otp_channel,
    totpSecret: row.totp_secret,
    totpPending: row.totp_pending,
    language: row.language,
    failedAttempts: row.failed_attempts,
    lockouts: row.lockouts,
    lockedUntil: row.locked_until,
  };
}

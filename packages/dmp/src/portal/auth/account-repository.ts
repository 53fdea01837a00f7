import type { Language } from '../api-contract.js';
import type { Queryable } from '../../records/record-repository.js';

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
  email: string;
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

const COLUMNS = 'id, login_id, ins, email, phone, password_hash, otp_channel, totp_secret, totp_pending, language, failed_attempts, lockouts, locked_until';

/** Loads an account by one of its unique keys, optionally locking it for update. */
export async function findAccount(db: Queryable, by: { loginId: string } | { ins: string } | { id: string }, lock = false): Promise<PortalAccount | undefined> {
  const [column, value] = 'loginId' in by ? ['login_id', by.loginId] : 'ins' in by ? ['ins', by.ins] : ['id', by.id];
  const result = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM portal_account WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
  const row = result.rows[0];
  return row ? fromRow(row) : undefined;
}

function fromRow(row: AccountRow): PortalAccount {
  return {
    id: row.id,
    loginId: row.login_id,
    ins: row.ins,
    email: row.email,
    phone: row.phone,
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

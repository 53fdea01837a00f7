import { sql, type Kysely } from 'kysely';

/**
 * Patient portal accounts (issue 3 item 2): accounts, sessions, one-time codes, activation codes
 * for records a professional created, password resets, and the per-IP rate-limit counters.
 * Secrets are never stored: sessions, codes and tokens are kept as hashes; the TOTP secret is sealed
 * under the master key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE portal_account (
      id               uuid PRIMARY KEY,
      login_id         text NOT NULL UNIQUE,
      ins              text NOT NULL UNIQUE REFERENCES patient_record(ins),
      email            text NOT NULL,
      phone            text,
      password_hash    text NOT NULL,                 -- argon2id, PHC string
      otp_channel      text NOT NULL CHECK (otp_channel IN ('email', 'sms', 'totp')),
      totp_secret      bytea,                         -- sealed (sealValue), set once enrolment is confirmed
      totp_pending     bytea,                         -- sealed, between setup and confirmation
      language         text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
      failed_attempts  integer NOT NULL DEFAULT 0,
      lockouts         integer NOT NULL DEFAULT 0,    -- consecutive lockouts: each doubles the next one
      locked_until     timestamptz,
      created_at       timestamptz NOT NULL
    );

    CREATE TABLE portal_session (
      id                   bytea PRIMARY KEY,         -- SHA-256 of the cookie's token; the token itself is never stored
      account_id           uuid NOT NULL REFERENCES portal_account(id),
      csrf_token           text NOT NULL,
      created_at           timestamptz NOT NULL,
      last_seen_at         timestamptz NOT NULL,
      absolute_expires_at  timestamptz NOT NULL,
      revoked_at           timestamptz
    );
    CREATE INDEX portal_session_by_account ON portal_session (account_id) WHERE revoked_at IS NULL;

    CREATE TABLE otp_challenge (
      id          uuid PRIMARY KEY,
      account_id  uuid NOT NULL REFERENCES portal_account(id),
      purpose     text NOT NULL CHECK (purpose IN ('login', 'reset', 'activation')),
      channel     text NOT NULL CHECK (channel IN ('email', 'sms', 'totp')),
      code_hash   bytea,                               -- HMAC of the code; NULL for TOTP
      created_at  timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL,
      attempts    integer NOT NULL DEFAULT 0,
      used_at     timestamptz
    );
    CREATE INDEX otp_challenge_by_account ON otp_challenge (account_id, created_at DESC);

    CREATE TABLE activation_code (
      id          uuid PRIMARY KEY,
      ins         text NOT NULL REFERENCES patient_record(ins),
      code_hash   bytea NOT NULL,
      channel     text NOT NULL CHECK (channel IN ('sms', 'email', 'letter')),
      created_at  timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL,
      attempts    integer NOT NULL DEFAULT 0,
      used_at     timestamptz
    );
    CREATE INDEX activation_code_by_ins ON activation_code (ins, created_at DESC);

    CREATE TABLE password_reset (
      id          uuid PRIMARY KEY,
      account_id  uuid NOT NULL REFERENCES portal_account(id),
      token_hash  bytea NOT NULL UNIQUE,
      created_at  timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz
    );

    CREATE TABLE portal_rate_limit (
      key           text NOT NULL,                    -- e.g. 'login:' || client IP
      window_start  timestamptz NOT NULL,
      hits          integer NOT NULL,
      PRIMARY KEY (key, window_start)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE portal_rate_limit, password_reset, activation_code, otp_challenge, portal_session, portal_account`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/** Single use of professional assertions: the `jti` of every accepted assertion, until it expires. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE assertion_jti (
      jti         text PRIMARY KEY,
      expires_at  timestamptz NOT NULL
    );
    -- the periodic purge of expired ids
    CREATE INDEX assertion_jti_expiry ON assertion_jti (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE assertion_jti`.execute(db);
}

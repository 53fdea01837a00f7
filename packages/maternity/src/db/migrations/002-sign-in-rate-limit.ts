import { sql, type Kysely } from 'kysely';

/** Sign-in attempts counted per client address and fixed window (shared by every process). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff_rate_limit (
      key           text NOT NULL,
      window_start  timestamptz NOT NULL,
      hits          integer NOT NULL,
      PRIMARY KEY (key, window_start)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE staff_rate_limit`.execute(db);
}

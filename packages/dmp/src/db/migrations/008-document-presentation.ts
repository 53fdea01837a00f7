import { sql, type Kysely } from 'kysely';

/**
 * Each document's DocumentReference kept as text ready to present (records/document-presentation.ts),
 * written at deposit: an ITI-67 answer is then put together from text, without PostgreSQL printing
 * `jsonb` nor the host parsing and printing it again. Documents deposited before keep NULL and are
 * presented from `resource`, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE document ADD COLUMN presentation text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE document DROP COLUMN presentation`.execute(db);
}

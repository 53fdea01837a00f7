import { sql, type Kysely } from 'kysely';

/**
 * A document's submission set is looked up from the set (ITI-66 lists, clean-ups): without this
 * index, deleting or joining a submission set scans every document. Content is already encrypted
 * (incompressible): PostgreSQL need not try to compress it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX document_by_submission_set ON document (submission_set_id) WHERE submission_set_id IS NOT NULL;
    ALTER TABLE document_content ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX document_by_submission_set;
    ALTER TABLE document_content ALTER COLUMN ciphertext SET STORAGE EXTENDED;
  `.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * A portal account's e-mail address and phone number are sealed under the master key, like the
 * patient's identity and the outbox: `contact` holds them (sealValue of a JSON object, bound to
 * the account id). The clear columns stay for accounts created before; the host seals those at
 * start (`sealClearContacts`) and empties the columns, so they hold nothing afterwards.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE portal_account ADD COLUMN contact bytea;
    ALTER TABLE portal_account ALTER COLUMN email DROP NOT NULL;
    ALTER TABLE portal_account ADD CONSTRAINT portal_account_contact_known CHECK (contact IS NOT NULL OR email IS NOT NULL);
    -- the accounts still in the clear, looked for at every start: none once sealed, so the index stays empty
    CREATE INDEX portal_account_contact_unsealed ON portal_account (id) WHERE contact IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX portal_account_contact_unsealed; ALTER TABLE portal_account DROP CONSTRAINT portal_account_contact_known; ALTER TABLE portal_account DROP COLUMN contact`.execute(db);
}

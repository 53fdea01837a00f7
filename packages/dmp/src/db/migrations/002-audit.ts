import { sql, type Kysely } from 'kysely';

/**
 * The audit log (DESIGN.md §2.2): one hash chain per partition (a patient's INS, or `_system`),
 * the chain heads, and signed checkpoints over all heads. The log is append-only at the database
 * level: triggers refuse UPDATE, DELETE and TRUNCATE of entries and checkpoints. Someone with
 * the rights to disable those triggers can still edit rows; the hash chains and the signed
 * checkpoints are what make that detectable (`verifyAuditLog`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_entry (
      partition           text NOT NULL CHECK (partition <> ''),
      seq                 bigint NOT NULL CHECK (seq >= 1),
      recorded_at         timestamptz NOT NULL,
      actor               jsonb NOT NULL,          -- kind, id, profession, specialty, structure, names, software
      action              text NOT NULL,
      outcome             text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'error')),
      rule                text NOT NULL,
      mode                text,                    -- TRE_R248 access mode
      reason              text,                    -- reason stated for an emergency access
      document_id         uuid,
      document_unique_id  text,
      request_id          text,
      details             jsonb,
      prev_hash           bytea NOT NULL,
      hash                bytea NOT NULL,
      PRIMARY KEY (partition, seq)                 -- also "a patient's history, newest first" (seq DESC)
    );
    -- "the accesses to this document" (within its patient's partition, newest first)
    CREATE INDEX audit_entry_by_document ON audit_entry (partition, document_id, seq DESC)
      WHERE document_id IS NOT NULL;

    CREATE TABLE audit_head (
      partition  text PRIMARY KEY,
      seq        bigint NOT NULL,                  -- 0 until the partition's first entry commits
      hash       bytea NOT NULL
    );

    CREATE TABLE audit_checkpoint (
      id            bigserial PRIMARY KEY,
      created_at    timestamptz NOT NULL,
      heads_digest  bytea NOT NULL,
      head_count    integer NOT NULL,
      signature     bytea NOT NULL,
      key_id        text NOT NULL,
      heads         jsonb NOT NULL                 -- [{ partition, seq, hash (hex) }] sorted by partition
    );

    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$;

    CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
    CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
    CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
    CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE audit_checkpoint, audit_head, audit_entry;
    DROP FUNCTION audit_refuse_change();
  `.execute(db);
}

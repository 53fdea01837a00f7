import type pg from 'pg';
import type { StaffMember } from '../context.js';

/**
 * Appends to the maternity's log of staff actions (who did what, allowed or refused). No health
 * data goes in: targets are ids, details are outcomes.
 */
export async function recordStaffEvent(
  db: pg.Pool | pg.PoolClient,
  staff: Pick<StaffMember, 'id'> | undefined,
  action: string,
  target: string | undefined,
  outcome: 'ok' | 'refused' | 'failed',
  detail?: string,
): Promise<void> {
  await db.query('INSERT INTO staff_event (staff_id, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5)', [staff?.id ?? null, action, target ?? null, outcome, detail ?? null]);
}

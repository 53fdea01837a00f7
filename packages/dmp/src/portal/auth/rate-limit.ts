import type { Queryable } from '../../records/record-repository.js';
import { PortalAuthError } from './portal-auth-error.js';

/**
 * A fixed-window counter in PostgreSQL, shared by every process of the host: counts a hit for
 * `key` (e.g. `login:203.0.113.7`) and refuses with `rate-limited` past `max` in the window.
 */
export async function hitRateLimit(db: Queryable, key: string, limit: { max: number; windowMs: number }, now: Date): Promise<void> {
  const windowStart = new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
  const result = await db.query<{ hits: number }>(
    `INSERT INTO portal_rate_limit (key, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = portal_rate_limit.hits + 1 RETURNING hits`,
    [key, windowStart],
  );
  if (Math.random() < 0.01) {
    await db.query('DELETE FROM portal_rate_limit WHERE window_start < $1', [new Date(windowStart.getTime() - limit.windowMs)]);
  }
  if ((result.rows[0]?.hits ?? 0) > limit.max) throw new PortalAuthError('rate-limited');
}

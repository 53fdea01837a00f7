/**
 * The maternity's wall clock. Staff type local times (a `datetime-local` field gives
 * `2026-11-20T14:32`, without an offset); the records keep instants; documents and pages show
 * local times with their offset. The zone is the maternity's (Europe/Paris unless
 * `MATERNITY_TIME_ZONE` says otherwise), not the server's.
 */
export const MATERNITY_TIME_ZONE = process.env.MATERNITY_TIME_ZONE ?? 'Europe/Paris';

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallParts(instantMs: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Minutes east of UTC of `timeZone` at an instant (60 in Paris in winter, 120 in summer). */
export function offsetMinutes(instantMs: number, timeZone = MATERNITY_TIME_ZONE): number {
  const p = wallParts(instantMs, timeZone);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * The instant of a wall time (`YYYY-MM-DDTHH:MM[:SS]`) in `timeZone`. In the autumn's repeated
 * hour, the first; in the spring's missing hour, read with the offset before the change (02:30 is
 * taken as 03:30 summer time), as calendars do.
 */
export function wallTimeToInstant(wall: string, timeZone = MATERNITY_TIME_ZONE): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(wall);
  if (!m) throw new RangeError(`not a wall time: ${wall}`);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const before = asUtc - offsetMinutes(asUtc - 86_400_000, timeZone) * 60_000;
  const after = asUtc - offsetMinutes(asUtc + 86_400_000, timeZone) * 60_000;
  const matches = [before, after].filter((candidate) => {
    const p = wallParts(candidate, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) === asUtc;
  });
  return new Date(matches.length > 0 ? Math.min(...matches) : before);
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-20T14:32:00+01:00`: an instant as local time with its offset. */
export function zonedIso(instant: string | Date, timeZone = MATERNITY_TIME_ZONE): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  const p = wallParts(ms, timeZone);
  const offset = offsetMinutes(ms, timeZone);
  const sign = offset < 0 ? '-' : '+';
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

/** The local calendar date of an instant (`2026-11-20`). */
export function zonedDate(instant: string | Date, timeZone = MATERNITY_TIME_ZONE): string {
  return zonedIso(instant, timeZone).slice(0, 10);
}

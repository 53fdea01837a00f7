import type pg from 'pg';
import type { HealthDirectory, InsiService } from '@dmp/national';
import type { MaternityIdentity } from './config.js';

/** What every maternity command is given: its database, its key, who it is, the national services it calls. */
export interface MaternityContext {
  readonly pool: pg.Pool;
  readonly masterKey: Buffer;
  readonly identity: MaternityIdentity;
  readonly insi: InsiService;
  readonly directory: HealthDirectory;
  /** The clock (tests set it). */
  readonly now: () => Date;
}

/** A professional of the maternity, signed in to the staff UI or named by the API caller. */
export interface StaffMember {
  readonly id: string;
  readonly login: string;
  readonly rpps: string;
  /** idNat_PS: `8` + RPPS. */
  readonly nationalId: string;
  readonly givenName: string;
  readonly familyName: string;
  /** TRE_G15 code. */
  readonly profession: string;
  /** J01 code, e.g. `G15_10/SM20`. */
  readonly specialty?: string;
  readonly roleLabel: string;
}

/** One error type for the maternity's commands; the web layer maps `code` to an HTTP status. */
export class MaternityError extends Error {
  constructor(
    readonly code: 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'locked' | 'rate-limited',
    message: string,
    readonly problems: readonly { readonly field: string; readonly message: string }[] = [],
  ) {
    super(message);
    this.name = 'MaternityError';
  }
}

import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { signAssertion } from '../packages/dmp/src/auth/index.js';

/**
 * Pre-signed assertions (one per request: the host accepts each `jti` once). The claims are those
 * `signAssertion` produces for the certificate (it is called once, as the template, so they are
 * checked the same way); only `jti`, `iat` and `exp` change. Signing here (ES256 over a cached key)
 * costs a few tens of microseconds, and is done before a phase, not during it.
 */
export class AssertionPool {
  readonly #key: KeyObject;
  readonly #header: string;
  readonly #claims: Record<string, unknown>;
  #pool: string[] = [];
  #next = 0;
  /** Assertions signed during a phase because the pool ran dry. */
  signedLate = 0;

  private constructor(key: KeyObject, header: string, claims: Record<string, unknown>) {
    this.#key = key;
    this.#header = header;
    this.#claims = claims;
  }

  static async create(keyPem: string, certPem: string, software = 'dmp-bench'): Promise<AssertionPool> {
    const template = await signAssertion(keyPem, certPem, { software });
    const [header, payload] = template.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return new AssertionPool(createPrivateKey(keyPem), header, claims);
  }

  /** Signs `count` fresh assertions (living 300 s, the most allowed), replacing the pool. */
  fill(count: number): number {
    const started = performance.now();
    const pool: string[] = new Array<string>(count);
    for (let i = 0; i < count; i++) pool[i] = this.#sign();
    this.#pool = pool;
    this.#next = 0;
    this.signedLate = 0;
    return performance.now() - started;
  }

  /** An `Authorization` header value never used before. */
  take(): string {
    const token = this.#next < this.#pool.length ? this.#pool[this.#next++]! : this.#late();
    return `Bearer ${token}`;
  }

  get remaining(): number {
    return this.#pool.length - this.#next;
  }

  #late(): string {
    this.signedLate += 1;
    return this.#sign();
  }

  #sign(): string {
    const iat = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(JSON.stringify({ ...this.#claims, jti: randomUUID(), iat, exp: iat + 300 })).toString('base64url');
    const input = `${this.#header}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.#key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return `${input}.${signature}`;
  }
}

import type { Algorithm } from '@node-rs/argon2';

/** The native argon2 module, loaded on first use (a host that signs nobody in never loads it). */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane). */
const OPTIONS = { algorithm: 2 as Algorithm /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id (PHC string with salt and parameters). */
export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against its hash; with no hash (unknown login id), checks against a dummy one
 * so that the answer takes as long either way and does not tell whether the login id exists.
 */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    dummy ??= hashPassword('dummy password for timing');
    const { verify } = await loadArgon2();
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  const { verify } = await loadArgon2();
  return verify(passwordHash, password).catch(() => false);
}

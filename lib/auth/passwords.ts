import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's baseline (19 MiB, 2 passes); the library's defaults are exactly that.
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same time as a real check, so an unknown or locked e-mail cannot be told apart
 * from a wrong password by timing.
 */
export async function spendPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hash('vigil-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}

export const minPasswordLength = 12;

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/env';
import { log } from '@/lib/log/logger';

/**
 * Staff secrets (authenticator-app seeds) are encrypted at rest with AES-256-GCM under a key that does not live in
 * the database: `VIGIL_ENCRYPTION_KEY` (32 bytes, base64 or hex), or — the weaker choice, for the embedded demo —
 * a key file created at first use beside the embedded data (`<VIGIL_DATA_DIR>/../encryption.key`, mode 0600).
 * A stolen database dump alone does not give an attacker anyone's second factor.
 */

const version = 'v1';

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('VIGIL_ENCRYPTION_KEY must be 32 bytes, as base64 or 64 hex digits');
  return key;
}

export function keyFilePath(dataDir = env().VIGIL_DATA_DIR): string {
  return path.join(path.dirname(path.resolve(dataDir)), 'encryption.key');
}

let cached: { source: string; key: Buffer } | undefined;

/** The installation's encryption key (created in the key file on first use when none is configured). */
export function encryptionKey(): Buffer {
  const configured = env().VIGIL_ENCRYPTION_KEY;
  const source = configured ? 'env' : keyFilePath();
  if (cached?.source === source) return cached.key;
  let key: Buffer;
  if (configured) key = parseKey(configured);
  else {
    const file = keyFilePath();
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      log.warn('created an encryption key file for staff secrets; set VIGIL_ENCRYPTION_KEY in production', {
        file,
      });
    }
    key = parseKey(fs.readFileSync(file, 'utf8'));
  }
  cached = { source, key };
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function seal(plaintext: string, key = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [version, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function open(sealed: string, key = encryptionKey()): string {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== version || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Tests that change the key re-read it. */
export function resetEncryptionKeyForTests(): void {
  cached = undefined;
}

import { newSecretToken, sha256Hex } from '@/lib/auth/tokens';

export const apiKeyPrefix = 'vgl_live_';

/** 256 random bits behind a recognisable prefix (so a leaked key is easy to spot and scan for). */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = newSecretToken(apiKeyPrefix);
  return { key, prefix: key.slice(0, apiKeyPrefix.length + 4), hash: hashApiKey(key) };
}

/** The key is random, so a fast hash is enough; a slow password hash would only cost throughput. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

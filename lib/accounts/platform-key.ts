import { createHmac } from 'node:crypto';
import { encryptionKey } from '@/lib/auth/secret-box';

/**
 * The keyed hash (HMAC-SHA256 under the encryption key) of a platform account id: all Vigil keeps of it once the
 * customer is erased (a repeated DELETE finds the erasure by it), and the `accountRef` the streams name an account
 * by, so that a SIEM can delete its copies when an `account.erased` record comes (lib/streams/read-stream.ts). Every
 * server must share VIGIL_ENCRYPTION_KEY for the references to agree.
 */
export const platformKey = (platformAccountId: string) =>
  createHmac('sha256', encryptionKey()).update(`vigil:erasure:${platformAccountId}`).digest('hex');

import { v5 as uuidv5 } from 'uuid';

/** The namespace of account ids (RFC 9562 name-based UUIDs). Fixed forever: changing it would give known accounts new ids. */
const accountNamespace = '03a98a41-3139-4edc-9059-2db60ab2cf25';

/**
 * The Vigil id of an account, derived from the platform's account id. Every path that creates accounts
 * (ingest, bulk seed) uses it, so two writers that both meet a new account before either commits agree on
 * its id without asking the database, and ingest can store a batch's events before it creates their
 * accounts at the end of its transaction. Accounts created before ids were derived keep their random ids,
 * and are found by external id.
 */
export const accountIdFor = (externalId: string): string => uuidv5(externalId, accountNamespace);

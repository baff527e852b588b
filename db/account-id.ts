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

/**
 * The advisory lock that keeps an erasure and ingest apart. Ingest holds it shared from before it reads a batch's
 * accounts until it commits (batches never wait on each other for it); an erasure holds it exclusively. So an
 * erasure waits for the batches in flight, and erases their events too, and a batch that meets it waits until it
 * is done and then finds no account under the erased platform id (its events start a fresh one). Without it, a
 * batch that read the account before the erasure could commit events, IPs and all, under the old derived id after.
 */
export const ERASURE_LOCK_KEY = 7419020540;

/**
 * The class of the advisory locks (two-key form, a key space apart from ERASURE_LOCK_KEY's) that let one batch at a
 * time create a given new account: the second key is hashtext(platform id). Two batches that both read an account
 * as new insert the same derived id, and INSERT … ON CONFLICT (external_id) only resolves a conflict it finds on its
 * arbiter: if the other batch's row reached the primary key first while this one was between its conflict check and
 * its insert, this one failed on accounts_pkey (seen once in CI, eight concurrent batches of one new account).
 */
export const NEW_ACCOUNT_LOCK_CLASS = 74190205;

import { z } from 'zod';

/**
 * Text PostgreSQL can store: no NUL character and no lone UTF-16 surrogate (both make the database
 * refuse the whole statement, which would turn bad input into a 500 instead of a 400).
 */
export const isStorableText = (s: string) => !s.includes('\u0000') && s.isWellFormed();
export const storableText = (max: number) =>
  z.string().max(max).refine(isStorableText, 'contains characters that cannot be stored (NUL or broken Unicode)');

/** Strips what PostgreSQL cannot store, for free text that is matched rather than stored (search boxes). */
export const toStorableText = (s: string) => s.replaceAll('\u0000', '').toWellFormed();

/** An instant from 1970 to 9999 (what a timestamp column and a chart can hold). */
export const isSensibleInstant = (value: string) => {
  const t = Date.parse(value);
  return Number.isFinite(t) && t >= 0 && t < Date.UTC(10000, 0, 1);
};

import type { z } from 'zod';
import { invalid, type FieldErrors } from './errors';

/** Re-parses input on the server; a failure names every wrong field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const names = Object.keys(fieldErrors).join(', ');
  throw invalid(`Invalid input: ${names}`, fieldErrors);
}

import { z } from 'zod';

/** Keyset position of an event row: (occurredAt, id), newest first. Opaque to the browser. */
export interface EventCursor {
  occurredAt: Date;
  id: number;
}

export function encodeCursor(c: EventCursor): string {
  return Buffer.from(`${c.occurredAt.toISOString()}|${c.id}`).toString('base64url');
}

const sensibleTime = z.iso.datetime().refine((t) => t >= '1970' && t < '9999', 'out of range');
export const CursorTime = sensibleTime;
const CursorParts = z.tuple([sensibleTime, z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

/** A malformed cursor is treated as no cursor (first page), never an error. */
export function decodeCursor(raw: string | undefined | null): EventCursor | null {
  if (!raw || raw.length > 200) return null;
  const parts = CursorParts.safeParse(Buffer.from(raw, 'base64url').toString('utf8').split('|'));
  if (!parts.success) return null;
  return { occurredAt: new Date(parts.data[0]), id: parts.data[1] };
}

export interface Page<T> {
  items: T[];
  /** Cursor for the next (older) page, if any. */
  older: string | null;
  /** Cursor for the previous (newer) page, if any. */
  newer: string | null;
}

export type PageDirection = { after?: string | null; before?: string | null };

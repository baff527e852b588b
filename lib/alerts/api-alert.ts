import { z } from 'zod';
import { alertRules, alertSeverities, alertStatuses, alertSubjectTypes } from '@/db/schema';

/** At most this many evidence event ids per alert in the API. */
export const apiEvidenceLimit = 100;

/** An alert as GET /api/v1/alerts answers it: the one definition of the shape, for the handler and the OpenAPI document. */
export const ApiAlert = z.object({
  id: z.uuid(),
  rule: z.enum(alertRules),
  severity: z.enum(alertSeverities),
  status: z.enum(alertStatuses),
  subject: z.object({
    type: z.enum(alertSubjectTypes),
    id: z.string().describe("The platform's account id, or the IP address"),
  }),
  firstSeen: z.iso.datetime().describe('Event time of the earliest evidence'),
  lastSeen: z.iso.datetime().describe('Event time of the latest evidence'),
  hitCount: z.number().int(),
  evidence: z
    .array(z.string())
    .max(apiEvidenceLimit)
    .describe(`Event ids (as sent in events) that triggered the alert, oldest first, at most ${apiEvidenceLimit}`),
  evidenceCount: z.number().int(),
});
export type ApiAlert = z.infer<typeof ApiAlert>;

/** A page of GET /api/v1/alerts. */
export const ApiAlertPage = z.object({
  alerts: z.array(ApiAlert),
  nextCursor: z.string().nullable().describe('Pass it back as `cursor` for the next page; null on the last page'),
});
export type ApiAlertPage = z.infer<typeof ApiAlertPage>;

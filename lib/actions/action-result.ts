import type { FieldErrors } from '@/lib/errors';

/**
 * What every staff server action returns (app/_adapters/server-action.ts builds it): server actions always
 * answer HTTP 200, so refusals live here.
 */
export type ActionResult<T = undefined> =
  | { ok: true; message: string; data?: T }
  | {
      ok: false;
      error: string;
      fieldErrors?: FieldErrors;
      code: string;
      requestId?: string;
      current?: unknown;
      /** What was submitted, so a form can show it again instead of losing it (e.g. after asking for step-up). */
      values?: Record<string, string>;
      /** With `step_up_required` while staff single sign-on is on: the IdP's name, to verify again there. */
      sso?: string;
    };

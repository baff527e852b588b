import type { StaffRole } from '@/db/schema';

/** Who is acting, as established server-side from the session row and the staff table (never from the request). */
export interface StaffActor {
  kind: 'staff';
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  sessionId: string;
  /** When a second factor was last verified on this session (sign-in or step-up). */
  factorVerifiedAt?: Date | null;
  requestId?: string;
  ip?: string | null;
}

/** The operator running the `vigil` CLI on the server. */
export interface SystemActor {
  kind: 'system';
  id: null;
  email: string;
  role: 'system';
  requestId?: string;
  ip?: null;
}

/** A platform service calling the machine API with an API key; what it may do follows its scopes. */
export interface ApiActor {
  kind: 'api';
  id: null;
  apiKeyId: string;
  email: string;
  role: 'api';
  scopes: string[];
  requestId?: string;
  ip?: null;
}

/** Someone on a public route (a customer filing a report): no identity, no permission. */
export interface PublicActor {
  kind: 'public';
  id: null;
  email: 'public';
  role: 'public';
  requestId?: string;
  ip?: null;
}

export const publicActor: PublicActor = { kind: 'public', id: null, email: 'public', role: 'public' };

export type Actor = StaffActor | SystemActor | ApiActor | PublicActor;

export function cliActor(): SystemActor {
  const user = process.env.USER ?? process.env.LOGNAME ?? 'operator';
  return { kind: 'system', id: null, email: `cli:${user}`, role: 'system' };
}

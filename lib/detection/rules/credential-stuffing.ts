import { minuteMs, type EvidenceFacts, type RuleDefinition } from '../types';
import { denseRuns, distinct } from './windows';

const isFailedLogin = (e: EvidenceFacts) => e.type === 'login.failed';

/**
 * Credential stuffing: one IP with failed logins (any reason) against at least `minAccounts` distinct
 * accounts within `windowMinutes`. The subject is the IP; the alert lists the accounts.
 */
export const credentialStuffing: RuleDefinition<'credential_stuffing'> = {
  rule: 'credential_stuffing',
  subject: 'ip',
  severity: 'high',
  title: 'Credential stuffing',
  evidence: isFailedLogin,
  describe: (s) => `Failed logins from one IP against ${s.minAccounts} or more accounts within ${s.windowMinutes} min.`,
  evaluate({ events }, s) {
    const failures = events.filter(isFailedLogin);
    return denseRuns(failures, s.windowMinutes * minuteMs, s.minAccounts, (e) => e.accountId).map((run) => {
      const accounts = distinct(run.map((e) => e.account));
      return {
        evidence: run,
        details: { failures: run.length, accountCount: accounts.length, accounts: accounts.slice(0, 100) },
      };
    });
  },
};

import { minuteMs, type EvidenceFacts, type RuleDefinition } from '../types';
import { denseRuns, distinct } from './windows';

const isWrongPassword = (e: EvidenceFacts) => e.type === 'login.failed' && e.reason === 'bad_password';

/** Password brute force: at least `minFailures` failed logins with a wrong password for one account within `windowMinutes`. */
export const passwordBruteforce: RuleDefinition<'password_bruteforce'> = {
  rule: 'password_bruteforce',
  subject: 'account',
  severity: 'medium',
  title: 'Password brute force',
  evidence: isWrongPassword,
  describe: (s) => `${s.minFailures} or more wrong passwords for one account within ${s.windowMinutes} min.`,
  evaluate({ events }, s) {
    const failures = events.filter(isWrongPassword);
    return denseRuns(failures, s.windowMinutes * minuteMs, s.minFailures).map((run) => ({
      evidence: run,
      details: {
        failures: run.length,
        ips: distinct(run.map((e) => e.ip)).slice(0, 20),
        countries: distinct(run.map((e) => e.country)),
      },
    }));
  },
};

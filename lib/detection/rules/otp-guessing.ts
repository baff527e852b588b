import { minuteMs, type RuleDefinition } from '../types';
import { denseRuns, distinct } from './windows';

/**
 * Code guessing: at least `minFailures` wrong codes (`otp.failed` with reason `incorrect`) for one account
 * within `windowMinutes`, counted across codes — asking for a new code does not reset the budget. Expired
 * codes and the entry that used up a code's last try (`max_attempts`) are not counted, as the rule
 * names `incorrect`; the platform allows 5 tries a code, so a guesser on one code shows 4 and is caught
 * as soon as the next code is tried.
 */
export const otpGuessing: RuleDefinition<'otp_guessing'> = {
  rule: 'otp_guessing',
  subject: 'account',
  severity: 'high',
  title: 'OTP guessing',
  describe: (s) => `${s.minFailures} or more wrong codes entered for one account within ${s.windowMinutes} min, across codes.`,
  evaluate({ events }, s) {
    const wrong = events.filter((e) => e.type === 'otp.failed' && e.reason === 'incorrect');
    return denseRuns(wrong, s.windowMinutes * minuteMs, s.minFailures).map((run) => ({
      evidence: run,
      details: { failures: run.length, codes: distinct(run.map((e) => e.otpId)).length, purposes: distinct(run.map((e) => e.purpose)), ips: distinct(run.map((e) => e.ip)).slice(0, 20) },
    }));
  },
};

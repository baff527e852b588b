import { minuteMs, type EvidenceFacts, type RuleDefinition } from '../types';
import { denseRuns, distinct } from './windows';

const isWrongCode = (e: EvidenceFacts) => e.type === 'otp.failed' && e.reason === 'incorrect';

/**
 * Code guessing: at least `minFailures` wrong codes (`otp.failed` with reason `incorrect`) for one account
 * within `windowMinutes`, counted across codes — asking for a new code does not reset the budget. Expired
 * codes and the entry that used up a code's last try (`max_attempts`) are not counted, as the rule
 * names `incorrect`; the platform allows 5 tries a code, so a guesser on one code shows 4 and is caught
 * as soon as the next code is tried.
 *
 * Typos on a code that was then verified do not count: that is a customer with the code in hand, not
 * someone guessing (the benchmark's false alarms were all of this kind: a few slips, then success). A
 * guesser's codes are never verified, unless he finally hits one — and the codes he burnt before still count.
 */
export const otpGuessing: RuleDefinition<'otp_guessing'> = {
  rule: 'otp_guessing',
  subject: 'account',
  severity: 'high',
  title: 'OTP guessing',
  evidence: isWrongCode,
  describe: (s) =>
    `${s.minFailures} or more wrong codes entered for one account within ${s.windowMinutes} min, counted across codes (typos on a code then verified do not count).`,
  evaluate({ events }, s) {
    const verified = new Set(events.filter((e) => e.type === 'otp.verified' && e.otpId).map((e) => e.otpId));
    const wrong = events.filter((e) => isWrongCode(e) && !verified.has(e.otpId));
    return denseRuns(wrong, s.windowMinutes * minuteMs, s.minFailures).map((run) => ({
      evidence: run,
      details: {
        failures: run.length,
        codes: distinct(run.map((e) => e.otpId)).length,
        purposes: distinct(run.map((e) => e.purpose)),
        ips: distinct(run.map((e) => e.ip)).slice(0, 20),
      },
    }));
  },
};

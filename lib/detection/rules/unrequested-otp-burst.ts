import { minuteMs, type EvidenceFacts, type RuleDefinition } from '../types';
import { denseRuns, distinct, splitAt } from './windows';

const isIssued = (e: EvidenceFacts) => e.type === 'otp.issued';

/**
 * OTP bombing: at least `minIssued` codes issued to one account within `windowMinutes`, with no successful
 * login and no verified code between the first and the last of them — the customer is flooded with codes
 * they did not ask for (someone holding the password keeps triggering them). A success splits the stream:
 * codes on either side of it never count together.
 */
export const unrequestedOtpBurst: RuleDefinition<'unrequested_otp_burst'> = {
  rule: 'unrequested_otp_burst',
  subject: 'account',
  severity: 'high',
  title: 'Unrequested OTP burst',
  evidence: isIssued,
  describe: (s) =>
    `${s.minIssued} or more codes issued to one account within ${s.windowMinutes} min, with no successful login or verified code in between.`,
  evaluate({ events }, s) {
    const stretches = splitAt(events, (e) => e.type === 'login.succeeded' || e.type === 'otp.verified', isIssued);
    return stretches
      .flatMap((issued) => denseRuns(issued, s.windowMinutes * minuteMs, s.minIssued))
      .map((run) => ({
        evidence: run,
        details: {
          issued: run.length,
          channels: distinct(run.map((e) => e.channel)),
          purposes: distinct(run.map((e) => e.purpose)),
          ips: distinct(run.map((e) => e.ip)).slice(0, 20),
        },
      }));
  },
};

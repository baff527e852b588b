import type { AlertRule } from '@/db/schema';
import type { RuleDefinition } from '../types';
import { contactChangeThenRisk } from './contact-change-then-risk';
import { credentialStuffing } from './credential-stuffing';
import { impossibleTravel } from './impossible-travel';
import { newDeviceNewCountry } from './new-device-new-country';
import { otpGuessing } from './otp-guessing';
import { passwordBruteforce } from './password-bruteforce';
import { smsPumping } from './sms-pumping';
import { unrequestedOtpBurst } from './unrequested-otp-burst';

/** Every rule, in the order. */
export const rules = {
  unrequested_otp_burst: unrequestedOtpBurst,
  otp_guessing: otpGuessing,
  password_bruteforce: passwordBruteforce,
  credential_stuffing: credentialStuffing,
  new_device_new_country: newDeviceNewCountry,
  impossible_travel: impossibleTravel,
  contact_change_then_risk: contactChangeThenRisk,
  sms_pumping: smsPumping,
} as const satisfies { [R in AlertRule]: RuleDefinition<R> };

export const ruleList: RuleDefinition[] = Object.values(rules) as RuleDefinition[];

import { describe, expect, it } from 'vitest';
import { setupTestDatabase } from '@/db/testing/test-database';
import { authenticateApiKey } from '@/lib/api-keys/authenticate-api-key';
import { serviceContext } from '@/lib/context';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { makeStaff } from '@/lib/testing/fixtures';
import { loadDetectionSettings } from './settings';
import { detectionSettingsFromForm, updateDetectionSettingsFromForm } from './update-detection-settings';

const { db } = setupTestDatabase();

// Field names that would write onto Object.prototype if the form were read into plain nested objects.
const polluting: [string, string][] = [
  ['__proto__.offset', '5'],
  ['constructor.prototype', '1'],
  ['__proto__[offset]', '5'],
  ['otp_guessing.__proto__', '1'],
  ['prototype.limit', '3'],
  ['otp_guessing.minFailures.extra', '9'],
];

const prototypeIsClean = () => {
  const probe = {} as Record<string, unknown>;
  return probe.offset === undefined && probe.limit === undefined && !Object.hasOwn(Object.prototype, 'offset');
};

describe('the detection rules form cannot pollute prototypes', () => {
  it('keeps only rule and field names from the settings schema', () => {
    const input = detectionSettingsFromForm([
      ...polluting,
      ['otp_guessing.minFailures', '7'],
      ['otp_guessing.enabled', 'on'],
      ['no_such_rule.enabled', 'on'],
      ['rules', 'otp_guessing,password_bruteforce,__proto__'],
    ]);
    expect(input).toEqual({ otp_guessing: { minFailures: 7, enabled: true }, password_bruteforce: { enabled: false } });
    expect(Object.getPrototypeOf(input.otp_guessing)).toBe(Object.prototype);
    expect(prototypeIsClean()).toBe(true);
  });

  it('checks the permission before reading the form; afterwards queries and API keys still work', async () => {
    const agent = await makeStaff(db(), 'agent');
    let read = false;
    function* entries(): Generator<[string, string]> {
      read = true;
      yield* polluting;
    }
    await expect(updateDetectionSettingsFromForm(serviceContext(db(), agent.actor), entries())).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(read).toBe(false);

    const analyst = await makeStaff(db(), 'analyst');
    const before = await loadDetectionSettings(db());
    await expect(
      updateDetectionSettingsFromForm(serviceContext(db(), analyst.actor), [
        ...polluting,
        // The whole form as the rules page posts it, one threshold changed.
        ...Object.entries(before).flatMap(([rule, fields]) =>
          Object.entries(fields).flatMap(([field, value]): [string, string][] =>
            field === 'enabled'
              ? value
                ? [[`${rule}.enabled`, 'on']]
                : []
              : [
                  [
                    `${rule}.${field}`,
                    String(rule === 'otp_guessing' && field === 'minFailures' ? Number(value) + 1 : value),
                  ],
                ],
          ),
        ),
        ['rules', Object.keys(before).join(',')],
      ]),
    ).resolves.toMatchObject({ changed: true });
    expect(prototypeIsClean()).toBe(true);
    expect((await loadDetectionSettings(db())).otp_guessing.minFailures).toBe(before.otp_guessing.minFailures + 1);
    const { key } = await makeApiKey(db(), ['events:write']);
    await expect(authenticateApiKey(db(), `Bearer ${key}`, 'events:write')).resolves.toMatchObject({
      scopes: ['events:write'],
    });
  });
});

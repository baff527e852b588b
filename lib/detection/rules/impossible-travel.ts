import { countryDistanceKm } from '../geo';
import { hourMs, type EvidenceFacts, type RuleDefinition } from '../types';

const isLogin = (e: EvidenceFacts) => e.type === 'login.succeeded';

/**
 * Impossible travel: two consecutive successful logins whose countries are further apart than could be
 * travelled at `maxSpeedKmh` in the time between them. Distances are between country centres, too coarse
 * for neighbours, so pairs under `minDistanceKm` apart are ignored. Consecutive pairs suffice: if A→C is
 * too fast, one of A→B, B→C is too (the triangle inequality).
 */
export const impossibleTravel: RuleDefinition<'impossible_travel'> = {
  rule: 'impossible_travel',
  subject: 'account',
  severity: 'high',
  title: 'Impossible travel',
  evidence: isLogin,
  describe: (s) => `Two successful logins from countries further apart than ${s.maxSpeedKmh} km/h allows in the time between them (pairs under ${s.minDistanceKm} km ignored).`,
  evaluate({ events }, s) {
    const logins = events.filter((e) => isLogin(e) && e.country);
    const hits = [];
    for (let i = 1; i < logins.length; i++) {
      const from = logins[i - 1]!;
      const to = logins[i]!;
      if (from.country === to.country) continue;
      const distanceKm = countryDistanceKm(from.country!, to.country!);
      if (distanceKm === null || distanceKm < s.minDistanceKm) continue;
      const hours = (to.occurredAt - from.occurredAt) / hourMs;
      if (distanceKm <= s.maxSpeedKmh * hours) continue;
      hits.push({
        evidence: [from, to],
        details: { from: from.country, to: to.country, distanceKm: Math.round(distanceKm), minutes: Math.round(hours * 60), speedKmh: hours > 0 ? Math.round(distanceKm / hours) : null },
      });
    }
    return hits;
  },
};

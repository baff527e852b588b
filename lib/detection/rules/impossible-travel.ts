import { countryDistanceKm, halfEarthKm } from '../geo';
import { hourMs, type EvidenceFacts, type RuleDefinition } from '../types';

const isLogin = (e: EvidenceFacts) => e.type === 'login.succeeded';

/**
 * Impossible travel: two successful logins whose countries are further apart than could be travelled at
 * `maxSpeedKmh` in the time between them. Distances are between country centres, too coarse for
 * neighbours, so a pair under `minDistanceKm` apart is never judged. Each login is compared with the logins
 * before it, newest first, until one makes the trip impossible (a hit), or the walk reaches a login in the
 * same country (the customer was already there), the end of an earlier hit (that trip is reported), or the
 * time by which even half the Earth is within reach. So a chain of short hops (Amsterdam, Berlin, Prague,
 * Warsaw within half an hour) is caught by its ends, with the logins between shown as `via`. The evidence
 * is the two ends only: a late login in the middle of a trip already reported raises nothing new.
 */
export const impossibleTravel: RuleDefinition<'impossible_travel'> = {
  rule: 'impossible_travel',
  subject: 'account',
  severity: 'high',
  title: 'Impossible travel',
  evidence: isLogin,
  describe: (s) =>
    `Two successful logins from countries further apart than ${s.maxSpeedKmh} km/h allows in the time between them (countries under ${s.minDistanceKm} km apart are not compared, but the logins around them are).`,
  evaluate({ events }, s) {
    const logins = events.filter((e) => isLogin(e) && e.country);
    const arrivals = new Set<number>();
    const hits = [];
    for (let j = 1; j < logins.length; j++) {
      const to = logins[j]!;
      for (let i = j - 1; i >= 0; i--) {
        const from = logins[i]!;
        // Nothing older can be too fast: even half the Earth's circumference is reachable by then.
        if ((to.occurredAt - from.occurredAt) * s.maxSpeedKmh >= halfEarthKm * hourMs) break;
        if (from.country === to.country) break;
        const distanceKm = countryDistanceKm(from.country!, to.country!);
        const hours = (to.occurredAt - from.occurredAt) / hourMs;
        if (distanceKm !== null && distanceKm >= s.minDistanceKm && distanceKm > s.maxSpeedKmh * hours) {
          const via = logins.slice(i + 1, j);
          arrivals.add(j);
          hits.push({
            evidence: [from, to],
            details: {
              from: from.country,
              to: to.country,
              ...(via.length > 0 ? { via: via.map((e) => e.country) } : {}),
              distanceKm: Math.round(distanceKm),
              minutes: Math.round(hours * 60),
              speedKmh: hours > 0 ? Math.round(distanceKm / hours) : null,
            },
          });
          break;
        }
        if (arrivals.has(i)) break;
      }
    }
    return hits;
  },
};

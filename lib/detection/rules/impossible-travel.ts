import { countryDistanceKm, halfEarthKm } from '../geo';
import { hourMs, type EvidenceFacts, type RuleDefinition } from '../types';

const isLogin = (e: EvidenceFacts) => e.type === 'login.succeeded';

/**
 * Impossible travel: two successful logins whose countries are further apart than could be travelled at
 * `maxSpeedKmh` in the time between them. Distances are between country centres, too coarse for
 * neighbours, so a hop under `minDistanceKm` is not judged on its own. It is not forgotten either: each
 * login is compared with the logins before it, walking back over such short hops (they become the hit's
 * `via`) to the last login that is far enough away to judge. So a chain of short hops (Amsterdam, Berlin,
 * Prague, Warsaw within half an hour) is caught by its ends. The walk stops at a login in the same country
 * (the customer was already there) and at a login that was itself the end of a hit (that trip is reported).
 * Judging against the last judgeable login suffices: if an older one made the trip impossible, that older
 * leg was itself too fast (the triangle inequality) and was reported when it happened.
 */
export const impossibleTravel: RuleDefinition<'impossible_travel'> = {
  rule: 'impossible_travel',
  subject: 'account',
  severity: 'high',
  title: 'Impossible travel',
  evidence: isLogin,
  describe: (s) => `Two successful logins from countries further apart than ${s.maxSpeedKmh} km/h allows in the time between them (hops under ${s.minDistanceKm} km are judged together with the logins around them).`,
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
        if (distanceKm === null || distanceKm < s.minDistanceKm) {
          if (arrivals.has(i)) break;
          continue;
        }
        const hours = (to.occurredAt - from.occurredAt) / hourMs;
        if (distanceKm > s.maxSpeedKmh * hours) {
          const via = logins.slice(i + 1, j);
          arrivals.add(j);
          hits.push({
            evidence: [from, ...via, to],
            details: {
              from: from.country,
              to: to.country,
              ...(via.length > 0 ? { via: via.map((e) => e.country) } : {}),
              distanceKm: Math.round(distanceKm),
              minutes: Math.round(hours * 60),
              speedKmh: hours > 0 ? Math.round(distanceKm / hours) : null,
            },
          });
        }
        break;
      }
    }
    return hits;
  },
};

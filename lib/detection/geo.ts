import { countryCentroids } from './country-centroids';

const earthRadiusKm = 6371.0088;
/** The longest distance between two places on Earth, for how far back impossible travel must look. */
export const halfEarthKm = 20_040;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine) between two points given as [latitude, longitude] in degrees. */
export function greatCircleKm(a: readonly [number, number], b: readonly [number, number]): number {
  const dLat = radians(b[0] - a[0]);
  const dLon = radians(b[1] - a[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a[0])) * Math.cos(radians(b[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance between two countries' centres, or null when either code is not in the table. */
export function countryDistanceKm(from: string, to: string): number | null {
  const a = countryCentroids[from];
  const b = countryCentroids[to];
  return a && b ? greatCircleKm(a, b) : null;
}

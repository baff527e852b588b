import { describe, expect, it } from 'vitest';
import { countryDistanceKm, greatCircleKm } from './geo';

describe('distances', () => {
  it('London to New York is about 5,570 km (haversine, hand-checked)', () => {
    expect(greatCircleKm([51.5074, -0.1278], [40.7128, -74.006])).toBeCloseTo(5570, -1);
  });

  it('a point to itself is 0 km; antipodes are half the circumference', () => {
    expect(greatCircleKm([10, 20], [10, 20])).toBe(0);
    expect(greatCircleKm([0, 0], [0, 180])).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('country centres come from the shipped table; unknown codes give null', () => {
    expect(countryDistanceKm('GB', 'BR')!).toBeCloseTo(8673, 0);
    expect(countryDistanceKm('GB', 'ZZ')).toBeNull();
  });
});

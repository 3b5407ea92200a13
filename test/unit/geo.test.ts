import { EARTH_RADIUS_M, haversineMetres } from '../../domain/geo';

const ONE_DEGREE_M = (EARTH_RADIUS_M * Math.PI) / 180; // ≈ 111 195.08 m

describe('haversineMetres', () => {
  it('is zero for the same point', () => {
    expect(haversineMetres({ lat: 42.0308, lon: -93.6319 }, { lat: 42.0308, lon: -93.6319 })).toBe(0);
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 0, lon: 0 })).toBe(0);
  });

  it('measures one degree of latitude as about 111.195 km', () => {
    expect(ONE_DEGREE_M).toBeCloseTo(111_195.08, 1);
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(111_195.08, 1);
    // Along a meridian the distance does not depend on the latitude or longitude.
    expect(haversineMetres({ lat: 42, lon: -93.6 }, { lat: 43, lon: -93.6 })).toBeCloseTo(ONE_DEGREE_M, 3);
    expect(haversineMetres({ lat: -60, lon: 120 }, { lat: -61, lon: 120 })).toBeCloseTo(ONE_DEGREE_M, 3);
  });

  it('measures one degree of longitude on the equator like one of latitude', () => {
    expect(haversineMetres({ lat: 0, lon: 10 }, { lat: 0, lon: 11 })).toBeCloseTo(ONE_DEGREE_M, 3);
  });

  it('shrinks east-west distances away from the equator (just under cos(lat) of the equatorial one)', () => {
    const d = haversineMetres({ lat: 60, lon: 0 }, { lat: 60, lon: 1 });
    const parallel = ONE_DEGREE_M * Math.cos((60 * Math.PI) / 180); // along the parallel, ≈ 55.6 km
    expect(d).toBeLessThan(parallel);
    expect(d).toBeGreaterThan(parallel - 1); // the great circle is only a few cm shorter
  });

  it('is symmetric', () => {
    const ames = { lat: 42.0308, lon: -93.6319 };
    const desMoines = { lat: 41.5868, lon: -93.625 };
    const d = haversineMetres(ames, desMoines);
    expect(haversineMetres(desMoines, ames)).toBeCloseTo(d, 6);
    // Ames to Des Moines is about 49 km as the crow flies.
    expect(d / 1000).toBeGreaterThan(48);
    expect(d / 1000).toBeLessThan(51);
  });

  it('gives half the circumference (π·R) for antipodes', () => {
    const half = Math.PI * EARTH_RADIUS_M;
    expect(haversineMetres({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(half, 0);
    expect(haversineMetres({ lat: 90, lon: 0 }, { lat: -90, lon: 0 })).toBeCloseTo(half, 0);
    expect(haversineMetres({ lat: 42.03, lon: -93.63 }, { lat: -42.03, lon: 86.37 })).toBeCloseTo(half, 0);
  });

  it('treats longitudes 360° apart as the same and crosses the antimeridian the short way', () => {
    expect(haversineMetres({ lat: 10, lon: -180 }, { lat: 10, lon: 180 })).toBeCloseTo(0, 3);
    expect(haversineMetres({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo(ONE_DEGREE_M, 3);
  });

  it('satisfies the triangle inequality', () => {
    const a = { lat: 42.0308, lon: -93.6319 };
    const b = { lat: 41.8781, lon: -87.6298 };
    const c = { lat: 40.7128, lon: -74.006 };
    expect(haversineMetres(a, c)).toBeLessThanOrEqual(haversineMetres(a, b) + haversineMetres(b, c));
  });
});

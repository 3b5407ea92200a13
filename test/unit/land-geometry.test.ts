/**
 * Parcel geometry against hand-computed cases: what makes a boundary invalid
 * (and the path each problem names), the area on the WGS84 ellipsoid, the
 * centroid, and the exact tests search runs after Elasticsearch's coarse one.
 */
import {
  authalicQ,
  bboxAround,
  distanceToPolygonMetres,
  parcelArea,
  pointInPolygon,
  polygonAreaSquareMetres,
  polygonBBox,
  polygonCentroid,
  polygonProblems,
  polygonsIntersect,
  segmentsIntersect,
  SQM_PER_SQFT,
  type Polygon,
  type Position,
} from '../../domain/land/geometry';
import { haversineMetres } from '../../domain/geo';

const polygon = (...ring: Position[]): Polygon => ({ type: 'Polygon', coordinates: [ring] });
/** A lon/lat rectangle, counter-clockwise, closed. */
const rect = (west: number, south: number, east: number, north: number): Polygon =>
  polygon([west, south], [east, south], [east, north], [west, north], [west, south]);
const paths = (value: unknown) => polygonProblems(value).map((p) => p.path.join('.'));

// A 0.001° × 0.001° cell in Ames, Iowa (42.03–42.031° N, 93.62–93.619° W).
const AMES = rect(-93.62, 42.03, -93.619, 42.031);

describe('a valid boundary', () => {
  test('a closed rectangle in either orientation has no problems', () => {
    expect(polygonProblems(AMES)).toEqual([]);
    expect(polygonProblems(polygon(...[...AMES.coordinates[0]!].reverse()))).toEqual([]);
  });

  test('a concave (L-shaped) ring with a straight-through corner is valid', () => {
    // (0,0) (2,0) (2,1) (1,1) (1,2) (0,2), plus (1,0) on the bottom edge, scaled to 0.001°.
    const k = 0.001;
    const L = polygon([0, 0], [k, 0], [2 * k, 0], [2 * k, k], [k, k], [k, 2 * k], [0, 2 * k], [0, 0]);
    expect(polygonProblems(L)).toEqual([]);
  });
});

describe('an invalid boundary: each problem names where it is', () => {
  test.each<[string, unknown, string[], RegExp]>([
    ['not an object', 'POLYGON((0 0,1 0,1 1,0 0))', [''], /GeoJSON Polygon/],
    ['another type', { type: 'MultiPolygon', coordinates: AMES.coordinates }, ['type'], /"Polygon"/],
    ['no rings', { type: 'Polygon', coordinates: [] }, ['coordinates'], /one ring/],
    ['a hole', { type: 'Polygon', coordinates: [AMES.coordinates[0], rect(-93.6198, 42.0302, -93.6192, 42.0308).coordinates[0]] }, ['coordinates.1'], /holes are not supported/],
    ['three positions', polygon([0, 0], [0.001, 0], [0, 0]), ['coordinates.0'], /at least 4 positions/],
    ['a position of three numbers', polygon([0, 0], [0.001, 0, 5] as unknown as Position, [0.001, 0.001], [0, 0]), ['coordinates.0.1'], /two finite numbers/],
    ['a longitude out of range', polygon([0, 0], [180.5, 0], [0.001, 0.001], [0, 0]), ['coordinates.0.1.0'], /±180/],
    ['a latitude out of range', polygon([0, 0], [0.001, 0], [0.001, 90.5], [0, 0]), ['coordinates.0.2.1'], /±90/],
    // The last position is not the first: the ring is open.
    ['an open ring', polygon([-93.62, 42.03], [-93.619, 42.03], [-93.619, 42.031], [-93.62, 42.031]), ['coordinates.0.3'], /not closed/],
    ['a position repeated', polygon([0, 0], [0.001, 0], [0.001, 0], [0.001, 0.001], [0, 0]), ['coordinates.0.2'], /repeats the position before it/],
    // A bow-tie: (0,0)→(1,1)→(1,0)→(0,1)→(0,0); edge 2 (1,0)→(0,1) crosses edge 0 (0,0)→(1,1) at (0.5, 0.5).
    ['a bow-tie', polygon([0, 0], [0.001, 0.001], [0.001, 0], [0, 0.001], [0, 0]), ['coordinates.0.2'], /edge from position 2 to 3 meets the edge from position 0 to 1/],
    // (0,0)→(2,0)→(1,0)…: edge 1 folds back over edge 0 (a spike).
    ['a spike', polygon([0, 0], [0.002, 0], [0.001, 0], [0.001, 0.001], [0, 0]), ['coordinates.0.1'], /intersects itself/],
    // (0,0) (2,0) (2,2) (1,0) (0,2): the corner (1,0) touches edge 0 from (0,0) to (2,0).
    ['a corner touching an edge', polygon([0, 0], [0.002, 0], [0.002, 0.002], [0.001, 0], [0, 0.002], [0, 0]), ['coordinates.0.2'], /intersects itself/],
    // 0.000001° ≈ 0.11 m by 0.08 m: about 0.009 m², under 1 m².
    ['a ring enclosing less than 1 m²', rect(-93.62, 42.03, -93.619999, 42.030001), ['coordinates.0'], /encloses no area/],
  ])('%s', (_what, value, expected, message) => {
    const problems = polygonProblems(value);
    expect(problems.map((p) => p.path.join('.'))).toEqual(expected);
    expect(problems[0]!.message).toMatch(message);
  });

  test('every bad position is named, not only the first', () => {
    expect(paths(polygon([0, 0], [200, 0], [0.001, -95], [0, 0]))).toEqual(['coordinates.0.1.0', 'coordinates.0.2.1']);
  });

  test('segments: crossing, touching at an end, collinear overlapping, collinear apart, parallel', () => {
    expect(segmentsIntersect([0, 0], [2, 2], [0, 2], [2, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 0], [1, 0], [1, 1])).toBe(true);
    expect(segmentsIntersect([0, 0], [2, 0], [1, 0], [3, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 0], [2, 0], [3, 0])).toBe(false);
    expect(segmentsIntersect([0, 0], [1, 0], [0, 1], [1, 1])).toBe(false);
  });
});

describe('area on the WGS84 ellipsoid', () => {
  test('one eighth of the ellipsoid (0–90° E, equator to pole) is π·Rq²/2, Rq = 6,371,007.1809 m the authalic radius', () => {
    // π × 6,371,007.1809² / 2 = 63,758,202,715,141 m²: a quarter of the northern hemisphere.
    const octant = polygonAreaSquareMetres(rect(0, 0, 90, 90));
    expect(Math.abs(octant - 63_758_202_715_141) / octant).toBeLessThan(1e-9);
  });

  test('a 0.001° × 0.001° cell in Ames is M·N·cos φ·Δφ·Δλ = 9,198.159 m² (99,008 sqft)', () => {
    // At φ = 42.0305° (the middle), with e² = f(2 − f), f = 1/298.257223563, a = 6,378,137 m:
    //   W = 1 − e² sin² φ;  M = a(1 − e²)/W^1.5 = 6,364,064.30 m;  N = a/√W = 6,387,728.53 m;  cos φ = 0.742788525
    //   Δφ = Δλ = 0.001° = 1.745329e-5 rad
    //   A = 6,364,064.30 × 6,387,728.53 × 0.742788525 × (1.745329e-5)² = 9,198.1594 m²
    // (the midpoint rule's error over 0.001° is ~1e-10 of A; Simpson's rule over the cell gives 9,198.159396).
    const area = polygonAreaSquareMetres(AMES);
    expect(area).toBeCloseTo(9_198.1594, 3);
    // A sphere of the mean radius (6,371,008.7714 m) would give 9,184.094 m²: 0.15 % short at this latitude.
    expect(parcelArea(AMES)).toEqual({ areaSqm: 9_198.16, areaSqft: 99_008 }); // 9,198.1594 / 0.09290304 = 99,008.16
  });

  test('the orientation and the starting corner do not change it; a diagonal halves the cell exactly', () => {
    const area = polygonAreaSquareMetres(AMES);
    const ring = AMES.coordinates[0]!;
    expect(polygonAreaSquareMetres(polygon(...[...ring].reverse()))).toBeCloseTo(area, 6);
    expect(polygonAreaSquareMetres(polygon(ring[2]!, ring[3]!, ring[0]!, ring[1]!, ring[2]!))).toBeCloseTo(area, 6);
    // The diagonal is straight in the equal-area projection, so the triangle is exactly half.
    expect(polygonAreaSquareMetres(polygon(ring[0]!, ring[1]!, ring[2]!, ring[0]!))).toBeCloseTo(area / 2, 6);
  });

  /** A ring's area with each edge following its great circle (densified in 100 steps), over its area with straight edges, minus 1. */
  function greatCircleDifference(ring: Position[]): number {
    const rad = Math.PI / 180;
    const toVec = ([lon, lat]: Position) => [Math.cos(lat * rad) * Math.cos(lon * rad), Math.cos(lat * rad) * Math.sin(lon * rad), Math.sin(lat * rad)];
    const dense: Position[] = [];
    for (let i = 0; i < ring.length - 1; i++) {
      const a = toVec(ring[i]!), b = toVec(ring[i + 1]!);
      const omega = Math.acos(Math.min(1, a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!));
      for (let s = 0; s < 100; s++) {
        const t = s / 100;
        const wa = Math.sin((1 - t) * omega) / Math.sin(omega), wb = Math.sin(t * omega) / Math.sin(omega);
        const v = [0, 1, 2].map((k) => wa * a[k]! + wb * b[k]!);
        dense.push([Math.atan2(v[1]!, v[0]!) / rad, Math.atan2(v[2]!, Math.hypot(v[0]!, v[1]!)) / rad]);
      }
    }
    dense.push(dense[0]!);
    const straight = polygonAreaSquareMetres(polygon(...ring));
    return Math.abs(polygonAreaSquareMetres(polygon(...dense)) - straight) / straight;
  }

  test('slanted edges: following the great circle instead changes the area by < 2e-5 of it with a 1.2 km edge, < 2e-6 with a 120 m one', () => {
    // A quadrilateral whose east edge runs 0.006° of longitude and 0.01° of latitude (≈ 0.5 km by 1.1 km); then one a tenth of its size.
    const shape = (k: number): Position[] => [[-93.64, 42.02], [-93.64 + 0.012 * k, 42.02], [-93.64 + 0.006 * k, 42.02 + 0.01 * k], [-93.64, 42.02 + 0.01 * k], [-93.64, 42.02]];
    expect(greatCircleDifference(shape(1))).toBeLessThan(2e-5);
    expect(greatCircleDifference(shape(0.1))).toBeLessThan(2e-6);
  });

  test('q(φ): 0 at the equator, odd in φ; square feet are 0.09290304 m² exactly', () => {
    expect(authalicQ(0)).toBe(0);
    expect(authalicQ(-42)).toBeCloseTo(-authalicQ(42), 14);
    expect(0.3048 * 0.3048).toBeCloseTo(SQM_PER_SQFT, 15);
  });
});

describe('centroid and bounding box', () => {
  test('a rectangle\'s centroid is its centre', () => {
    const c = polygonCentroid(AMES);
    expect(c.lat).toBeCloseTo(42.0305, 10);
    expect(c.lon).toBeCloseTo(-93.6195, 10);
  });

  test('an L of three unit squares has its centroid at (5/6, 5/6) of a unit', () => {
    // Squares centred at (0.5, 0.5), (1.5, 0.5), (0.5, 1.5): mean (2.5/3, 2.5/3) = (0.8333, 0.8333) units.
    const k = 0.001;
    const L = polygon([0, 0], [2 * k, 0], [2 * k, k], [k, k], [k, 2 * k], [0, 2 * k], [0, 0]);
    const c = polygonCentroid(L);
    expect(c.lon).toBeCloseTo((5 / 6) * k, 12);
    expect(c.lat).toBeCloseTo((5 / 6) * k, 12);
  });

  test('the bounding box', () => {
    expect(polygonBBox(AMES)).toEqual({ minLon: -93.62, minLat: 42.03, maxLon: -93.619, maxLat: 42.031 });
  });
});

describe('the exact tests search runs', () => {
  // A U open to the north: (0,0) (3,0) (3,3) (2,3) (2,1) (1,1) (1,3) (0,3), 0.001° units.
  const k = 0.001;
  const U = polygon([0, 0], [3 * k, 0], [3 * k, 3 * k], [2 * k, 3 * k], [2 * k, k], [k, k], [k, 3 * k], [0, 3 * k], [0, 0]);

  test('point in polygon: inside, in the notch, outside, on an edge, on a corner', () => {
    expect(pointInPolygon({ lon: 0.5 * k, lat: 2 * k }, U)).toBe(true);
    expect(pointInPolygon({ lon: 1.5 * k, lat: 2 * k }, U)).toBe(false); // in the notch
    expect(pointInPolygon({ lon: 4 * k, lat: k }, U)).toBe(false);
    expect(pointInPolygon({ lon: 1.5 * k, lat: k }, U)).toBe(true); // on the notch's floor
    expect(pointInPolygon({ lon: 3 * k, lat: 3 * k }, U)).toBe(true);
  });

  test('polygon intersection: overlapping, apart, one inside the other, touching, crossing with no corner inside', () => {
    expect(polygonsIntersect(rect(0, 0, 2, 2), rect(1, 1, 3, 3))).toBe(true);
    expect(polygonsIntersect(rect(0, 0, 1, 1), rect(2, 2, 3, 3))).toBe(false);
    expect(polygonsIntersect(rect(0, 0, 10, 10), rect(4, 4, 5, 5))).toBe(true);
    expect(polygonsIntersect(rect(4, 4, 5, 5), rect(0, 0, 10, 10))).toBe(true);
    expect(polygonsIntersect(rect(0, 0, 1, 1), rect(1, 0, 2, 1))).toBe(true); // a shared edge
    expect(polygonsIntersect(rect(0, 2, 6, 3), rect(2, 0, 3, 6))).toBe(true); // a plus sign
  });

  test('a square in the U\'s notch overlaps its bounding box but not the U', () => {
    const inNotch = rect(1.2 * k, 1.5 * k, 1.8 * k, 2.5 * k);
    expect(polygonsIntersect(U, inNotch)).toBe(false);
    expect(polygonsIntersect(inNotch, U)).toBe(false);
  });

  test('distance: 0 inside; 0.001° due north of the edge is 111.195 m; beyond a corner it is the distance to the corner', () => {
    expect(distanceToPolygonMetres({ lat: 42.0305, lon: -93.6195 }, AMES)).toBe(0);
    // 0.001° of latitude on the mean-radius sphere: 6,371,008.7714 × π/180 × 0.001 = 111.19508 m.
    expect(distanceToPolygonMetres({ lat: 42.032, lon: -93.6195 }, AMES)).toBeCloseTo(111.19508, 3);
    const beyond = { lat: 42.032, lon: -93.618 };
    expect(distanceToPolygonMetres(beyond, AMES)).toBeCloseTo(haversineMetres(beyond, { lat: 42.031, lon: -93.619 }), 6);
  });

  test('the box around a point holds every point within the radius', () => {
    // 1 km at 42.03° N: 1,000 / 111,195.08 m per degree = 0.0089932° of latitude, 5 % margin → 0.0094428°.
    const box = bboxAround({ lat: 42.03, lon: -93.62 }, 1_000);
    expect(box.maxLat - 42.03).toBeCloseTo(0.0094428, 6);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      // A point 999 m away in each direction, on the sphere.
      const d = 999 / 6_371_008.7714, b = (bearing * Math.PI) / 180, lat1 = (42.03 * Math.PI) / 180, lon1 = (-93.62 * Math.PI) / 180;
      const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
      const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
      const p = { lat: (lat2 * 180) / Math.PI, lon: (lon2 * 180) / Math.PI };
      expect(p.lat >= box.minLat && p.lat <= box.maxLat && p.lon >= box.minLon && p.lon <= box.maxLon).toBe(true);
    }
    expect(bboxAround({ lat: 89.99, lon: 0 }, 5_000)).toMatchObject({ minLon: -180, maxLon: 180, maxLat: 90 });
  });
});

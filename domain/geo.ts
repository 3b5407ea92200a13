/** Geographic helpers shared by the search API, the importer and tests. */

/** Mean Earth radius in metres, the one Elasticsearch's arc distance uses. */
export const EARTH_RADIUS_M = 6_371_008.7714;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle (haversine) distance in metres. */
export function haversineMetres(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

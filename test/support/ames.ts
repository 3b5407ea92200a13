/** The real Ames sales, read from the shared data folder for tests to compare against. */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { AMES_CSV_PATH } from '../../lib/config';

export { AMES_CSV_PATH };

export interface AmesSale {
  id: string;
  lat: number;
  lon: number;
  price: number;
  beds: number;
  fireplaces: number;
  raw: Record<string, string>;
}

export function readAmesCsv(): string {
  return fs.readFileSync(AMES_CSV_PATH, 'utf8');
}

export function amesSales(): AmesSale[] {
  const rows = parse(readAmesCsv(), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    id: r.rownames!,
    lat: Number(r.Latitude),
    lon: Number(r.Longitude),
    price: Number(r.Sale_Price),
    beds: Number(r.Bedroom_AbvGr),
    fireplaces: Number(r.Fireplaces),
    raw: r,
  }));
}

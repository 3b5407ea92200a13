import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseBatch, readRecords } from '../../activities/listing-import';

const AMES_CSV = path.resolve(__dirname, '../../../shared/data/ames.csv');
const content = fs.readFileSync(AMES_CSV, 'utf8');
const lines = content.split(/\r?\n/);
const header = lines[0]!;
/** The header and the first five data rows of the real file, as CSV. */
const csvOf = (rows: string[]) => [header, ...rows].join('\n') + '\n';
const firstRows = lines.slice(1, 6);
const records = parse(csvOf(firstRows), { columns: true }) as Record<string, string>[];
const ndjsonOf = (rs: object[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('readRecords', () => {
  it('reads CSV with a header row into records keyed by column', () => {
    const { records: read, errors } = readRecords(csvOf(firstRows), 'csv');
    expect(errors).toEqual([]);
    expect(read).toHaveLength(5);
    expect(read[0]!.record).toMatchObject({ rownames: '1', Bldg_Type: 'OneFam', Sale_Price: '215000' });
    expect(read.map((r) => r.record.rownames)).toEqual(['1', '2', '3', '4', '5']);
    expect(read.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads NDJSON, stringifying values and turning null into an empty string', () => {
    const { records: read, errors } = readRecords('{"rownames":"1","Sale_Price":215000,"Lot_Area":null}\n\n{"rownames":"2"}\r\n', 'ndjson');
    expect(errors).toEqual([]);
    // Rows are line numbers: the blank line 2 still counts.
    expect(read).toEqual([
      { row: 1, record: { rownames: '1', Sale_Price: '215000', Lot_Area: '' } },
      { row: 3, record: { rownames: '2' } },
    ]);
  });

  it.each(['[1,2,3]', '"a string"', '42', 'null', '{not json'])('rejects the NDJSON line %s with its row number', (bad) => {
    const text = ndjsonOf(records.slice(0, 2)) + bad + '\n';
    const { records: read, errors } = readRecords(text, 'ndjson');
    expect(read).toHaveLength(2);
    expect(errors).toEqual([{ row: 3, ref: null, reasons: ['line is not a JSON object'] }]);
  });
});

describe('parseBatch', () => {
  it('numbers rejections by their line in JSON lines, blank and broken lines included', () => {
    const bad = { ...records[1]!, Mo_Sold: '13' };
    const batch = parseBatch(`${ndjsonOf([records[0]!])}\nnot json\n${ndjsonOf([bad])}`, 'ndjson', 'ames');
    expect(batch.rejections.map((r) => [r.row, r.ref])).toEqual([
      [3, null],
      [4, '2'],
    ]);
  });

  it('parses the same rows from CSV and from NDJSON', () => {
    const fromCsv = parseBatch(csvOf(firstRows), 'csv', 'ames');
    const fromNdjson = parseBatch(ndjsonOf(records), 'ndjson', 'ames');
    expect(fromCsv.rejections).toEqual([]);
    expect(fromCsv.total).toBe(5);
    expect(fromCsv.valid.map((r) => r.ref)).toEqual(['ames:1', 'ames:2', 'ames:3', 'ames:4', 'ames:5']);
    expect(fromNdjson).toEqual(fromCsv);
  });

  it('rejects the second of two rows with the same rownames, keeping the first', () => {
    const dup = { ...records[2]!, rownames: '1', Sale_Price: '1' };
    const batch = parseBatch(ndjsonOf([records[0]!, records[1]!, dup]), 'ndjson', 'ames');
    expect(batch.total).toBe(3);
    expect(batch.valid.map((r) => r.ref)).toEqual(['ames:1', 'ames:2']);
    expect(batch.valid[0]!.listing.soldPriceMinor).toBe(21_500_000);
    expect(batch.rejections).toHaveLength(1);
    expect(batch.rejections[0]!.row).toBe(3);
    expect(batch.rejections[0]!.reasons.join(' ')).toMatch(/duplicate/);
  });

  it('sorts rejections by row and counts every row in the total', () => {
    // Row 1 fails validation, row 2 is fine, row 3 is not JSON: readRecords reports row 3 before row 1 is mapped.
    const bad = { ...records[0]!, Mo_Sold: '13' };
    const text = ndjsonOf([bad, records[1]!]) + '[]\n';
    const batch = parseBatch(text, 'ndjson', 'ames');
    expect(batch.total).toBe(3);
    expect(batch.valid.map((r) => r.ref)).toEqual(['ames:2']);
    expect(batch.rejections.map((r) => r.row)).toEqual([1, 3]);
    expect(batch.rejections[0]!.reasons).toEqual(['Mo_Sold: 13 is outside 1..12']);
    expect(batch.rejections[1]!.reasons).toEqual(['line is not a JSON object']);
  });

  it('numbers CSV rejections by data row (the header is row 0)', () => {
    const rows = [...firstRows];
    rows[1] = rows[1]!.replace(',OneFam,', ',Castle,');
    rows[3] = rows[3]!.replace(',244000,', ',,');
    const batch = parseBatch(csvOf(rows), 'csv', 'ames');
    expect(batch.total).toBe(5);
    expect(batch.valid.map((r) => r.ref)).toEqual(['ames:1', 'ames:3', 'ames:5']);
    expect(batch.rejections.map((r) => [r.row, r.reasons])).toEqual([
      [2, ['Bldg_Type: "Castle" is not a known building type']],
      [4, ['Sale_Price: missing']],
    ]);
  });

  it('parses the whole Ames file without rejections', () => {
    const batch = parseBatch(content, 'csv', 'ames');
    expect(batch.total).toBe(2930);
    expect(batch.valid).toHaveLength(2930);
    expect(batch.rejections).toEqual([]);
    expect(new Set(batch.valid.map((r) => r.ref)).size).toBe(2930);
  });
});

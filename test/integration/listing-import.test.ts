/**
 * The importer: the whole Ames file through the API, idempotent on a second
 * run; bad rows rejected with reasons while good ones land; JSON lines too.
 */
import { QueryTypes } from 'sequelize';
import type { ImportReport } from '../../contracts/listing-import.schema';
import { amesSales, readAmesCsv } from '../support/ames';
import { createHarness, eventually, type Harness } from '../support/harness';

let h: Harness;
let admin: Awaited<ReturnType<Harness['user']>>;

beforeAll(async () => {
  h = await createHarness('import');
  await h.startWorker();
  admin = await h.user(['admin']);
});

afterAll(async () => {
  await h?.close();
});

async function importFile(source: string, body: string, contentType = 'text/csv'): Promise<ImportReport> {
  const res = await h.request(`/v1/admin/import/listings?source=${source}`, {
    method: 'POST',
    token: admin.token,
    headers: { 'content-type': contentType },
    body,
  });
  expect(res.status).toBe(202);
  const location = res.headers.get('location')!;
  expect(location).toMatch(/^\/v1\/admin\/imports\/[0-9a-f-]{36}$/);
  return eventually(async () => {
    const r = await h.request(location, { token: admin.token });
    const report = (await r.json()) as ImportReport;
    return report.status === 'completed' ? report : undefined;
  }, 120_000, 'the import to complete');
}

async function countListings(source: string) {
  const [row] = await h.db.query<{ n: number }>('select count(*)::int as n from listings where external_ref like $1', {
    bind: [`${source}:%`],
    type: QueryTypes.SELECT,
  });
  return row!.n;
}

test('importing the Ames sales twice creates them once', async () => {
  const source = `ames-idem-${h.indexPrefix.slice(-8)}`;
  const total = amesSales().length;
  const first = await importFile(source, readAmesCsv());
  expect(first).toMatchObject({ totalRows: total, created: total, updated: 0, unchanged: 0, rejected: 0 });
  const second = await importFile(source, readAmesCsv());
  expect(second).toMatchObject({ totalRows: total, created: 0, updated: 0, unchanged: total, rejected: 0 });
  expect(await countListings(source)).toBe(total);
  const [props] = await h.db.query<{ n: number }>('select count(*)::int as n from properties where external_ref like $1', {
    bind: [`${source}:%`],
    type: QueryTypes.SELECT,
  });
  expect(props!.n).toBe(total);
  await h.es.indices.refresh({ index: h.alias });
  const indexed = await h.es.count({ index: h.alias, query: { term: { status: 'sold' } } });
  expect(indexed.count).toBe(total);
}, 180_000);

test('a corrected row updates its listing instead of adding one', async () => {
  const source = `ames-fix-${h.indexPrefix.slice(-8)}`;
  const [header, row1, row2] = readAmesCsv().split('\n');
  await importFile(source, [header, row1, row2].join('\n'));
  const priceAt = header!.split(',').indexOf('Sale_Price');
  const cells = row1!.split(',');
  cells[priceAt] = String(Number(cells[priceAt]) + 1000);
  const report = await importFile(source, [header, cells.join(','), row2].join('\n'));
  expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
  expect(await countListings(source)).toBe(2);
});

test('bad rows are rejected with reasons and the good ones are imported', async () => {
  const source = `ames-bad-${h.indexPrefix.slice(-8)}`;
  const lines = readAmesCsv().split('\n');
  const header = lines[0]!;
  const cols = header.split(',');
  const edit = (line: string, changes: Record<string, string>) => {
    const cells = line.split(',');
    for (const [k, v] of Object.entries(changes)) cells[cols.indexOf(k)] = v;
    return cells.join(',');
  };
  const body = [
    header,
    lines[1],
    edit(lines[2]!, { Sale_Price: '' }),
    edit(lines[3]!, { Latitude: '200', Mo_Sold: '13' }),
    lines[4],
    edit(lines[5]!, { rownames: '1' }), // duplicate of the first row
    edit(lines[6]!, { Bldg_Type: 'Castle' }),
  ].join('\n');
  const report = await importFile(source, body);
  expect(report).toMatchObject({ totalRows: 6, created: 2, rejected: 4 });
  expect(report.rejections.map((r) => r.row)).toEqual([2, 3, 5, 6]);
  expect(report.rejections[0]!.reasons.join()).toMatch(/Sale_Price/);
  expect(report.rejections[1]!.reasons.join()).toMatch(/Latitude/);
  expect(report.rejections[1]!.reasons.join()).toMatch(/Mo_Sold/);
  expect(report.rejections[2]!.reasons.join()).toMatch(/duplicate/);
  expect(report.rejections[3]!.reasons.join()).toMatch(/Bldg_Type/);
  expect(await countListings(source)).toBe(2);
});

test('JSON lines import the same records; a line that is not JSON is rejected', async () => {
  const source = `ames-jsonl-${h.indexPrefix.slice(-8)}`;
  const records = amesSales().slice(0, 3).map((s) => JSON.stringify(s.raw));
  const report = await importFile(source, [...records, '{not json'].join('\n'), 'application/x-ndjson');
  expect(report).toMatchObject({ totalRows: 4, created: 3, rejected: 1 });
  expect(report.rejections[0]).toMatchObject({ row: 4, reasons: ['line is not a JSON object'] });
});

test('a source that is not a slug is a 422 naming `source`, and no system owner is derived from it', async () => {
  const [header, row1] = readAmesCsv().split('\n');
  const res = await h.request('/v1/admin/import/listings?source=0.', {
    method: 'POST',
    token: admin.token,
    headers: { 'content-type': 'text/csv' },
    body: [header, row1].join('\n'),
  });
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { errors: { field: string; message: string }[] };
  expect(problem.errors[0]).toMatchObject({ field: 'source', message: expect.stringMatching(/slug/) });
  const users = await h.db.query<{ n: number }>('select count(*)::int as n from users where email = $1', {
    bind: ['import+0.@trilight.local'],
    type: QueryTypes.SELECT,
  });
  expect(users[0]!.n).toBe(0);
  const batches = await h.db.query<{ n: number }>('select count(*)::int as n from import_batches where source = $1', {
    bind: ['0.'],
    type: QueryTypes.SELECT,
  });
  expect(batches[0]!.n).toBe(0);
});

/**
 * SIGTERM drains a worker process: it stops polling, lets in-flight work
 * finish or hands it back, and exits 0. A new worker then finishes the job
 * with nothing lost and nothing done twice.
 */
import { QueryTypes } from 'sequelize';
import { startListingImport } from '../../clients/listing-import';
import { amesSales, readAmesCsv } from '../support/ames';
import { createHarness, eventually, type Harness } from '../support/harness';
import { deleteSchedulesOf, killAllWorkerProcesses, startWorkerProcess } from '../support/worker-process';

let h: Harness;
let queuePrefix: string;

const startWorker = () => startWorkerProcess(h, queuePrefix);

beforeAll(async () => {
  h = await createHarness('drain');
  queuePrefix = `drain-${h.indexPrefix.slice(-8)}`;
});

afterAll(async () => {
  killAllWorkerProcesses();
  if (h) await deleteSchedulesOf(h, queuePrefix);
  await h?.close();
});

test('a worker stopped with SIGTERM mid-import exits 0 and the import completes exactly once', async () => {
  const first = startWorker();
  await eventually(async () => first.output().includes('worker started'), 90_000, 'the worker process to start');

  const source = `ames-drain-${h.indexPrefix.slice(-8)}`;
  const { batch, handle } = await startListingImport(
    { client: h.client, taskQueue: `${queuePrefix}-search` },
    { source, format: 'csv', content: readAmesCsv() },
  );
  // Wait until the first chunk is committed: the import is under way.
  await eventually(async () => {
    const [row] = await h.db.query<{ n: number }>('select count(*)::int as n from import_chunks where batch_id = $1', {
      bind: [batch.id],
      type: QueryTypes.SELECT,
    });
    return row!.n >= 1;
  }, 60_000, 'the first chunk');

  first.proc.kill('SIGTERM');
  const code = await first.exited;
  if (code !== 0) console.log(first.output().slice(-3000));
  expect(code).toBe(0);
  expect(first.output()).toContain('worker stopped');

  const second = startWorker();
  try {
    const result = await handle.result();
    const total = amesSales().length;
    expect(result).toMatchObject({ status: 'completed', created: total, updated: 0, unchanged: 0 });
    const [listings] = await h.db.query<{ n: number }>('select count(*)::int as n from listings where external_ref like $1', {
      bind: [`${source}:%`],
      type: QueryTypes.SELECT,
    });
    expect(listings!.n).toBe(total);
    await h.es.indices.refresh({ index: h.alias });
    expect((await h.es.count({ index: h.alias })).count).toBe(total);
  } finally {
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
}, 240_000);

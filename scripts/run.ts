/**
 * The run command: starts the embedded services, migrates, starts the worker
 * and the API as separate processes, loads the Ames demo data once, and prints
 * where everything is. Ctrl-C or SIGTERM stops it all cleanly; running it again
 * reuses the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { loadConfig, PROJECT_ROOT } from '../lib/config';
import { createSequelize } from '../lib/db';
import { AMES_CSV_PATH, runListingImport } from '../clients/listing-import';
import { connectTemporal } from '../lib/temporal';
import { migrateUp } from '../models/migrator';
import { ImportBatch, initModels } from '../models';
import { smtpSinkDir, startServices, stopServices } from './services';

const children: { name: string; proc: ChildProcess }[] = [];
let stopping = false;

function log(message: string) {
  process.stdout.write(`[run] ${message}\n`);
}

function startProcess(name: string, entry: string) {
  // One process per service, TypeScript through tsx's loader: SIGTERM reaches our
  // own handlers directly (the tsx CLI would relay it through a supervisor).
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping`);
      void shutdown(1);
    }
  });
  children.push({ name, proc });
}

async function waitForApi(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the API did not answer at ${url}/healthz within ${timeoutMs / 1000}s`);
}

async function loadDemoData() {
  const config = loadConfig();
  if (!fs.existsSync(AMES_CSV_PATH)) {
    log(`no demo data at ${AMES_CSV_PATH}; skipping`);
    return;
  }
  const db = createSequelize(config, { poolMax: 2 });
  initModels(db);
  const { connection, client } = await connectTemporal(config);
  try {
    const done = await ImportBatch.count({ where: { source: 'ames', status: 'completed' } });
    if (done) {
      log('Ames demo data already loaded');
      return;
    }
    log('loading the Ames sales (2,930 sold listings) as demo data');
    const report = await runListingImport(
      { client, taskQueue: config.temporal.taskQueues.search },
      { source: 'ames', format: 'csv', content: fs.readFileSync(AMES_CSV_PATH, 'utf8') },
    );
    log(`demo data: ${report.created} created, ${report.unchanged} unchanged, ${report.rejected} rejected`);
  } finally {
    await connection.close();
    await db.close();
  }
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping the API and the worker');
  await Promise.all(
    children.map(
      ({ proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 60_000).unref();
        }),
    ),
  );
  if (process.env.KEEP_SERVICES !== '1') {
    log('stopping the embedded services');
    await stopServices();
  }
  process.exit(code);
}

async function main() {
  const config = loadConfig();
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  await startServices();
  const db = createSequelize(config, { poolMax: 2 });
  const applied = await migrateUp(db);
  await db.close();
  log(`database migrated (${applied.length} new migration(s))`);
  startProcess('worker', 'workers/main.ts');
  startProcess('api', 'api/main.ts');
  await waitForApi(`http://${config.api.host}:${config.api.port}`);
  await loadDemoData();
  const api = config.api.publicUrl;
  log('');
  log(`API docs (Swagger UI):  ${api}/docs`);
  log(`OpenAPI document:       ${api}/openapi.json`);
  log(`Temporal Web UI:        ${config.temporal.uiUrl}`);
  if (config.smtp.embedded) log(`E-mails sent (SMTP sink): ${smtpSinkDir(config)}`);
  log(`A token for the API:    npm run token -- --roles admin`);
  log('Press Ctrl-C to stop.');
}

main().catch(async (err: Error) => {
  process.stderr.write(`[run] ${err.message}\n`);
  await shutdown(1);
});

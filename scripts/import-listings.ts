/**
 * Imports listings from a file through the import workflow and prints the report:
 *   npm run import:ames -- [--file ../shared/data/ames.csv] [--source ames] [--format csv|ndjson]
 * A worker must be running (the run command starts one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { connectTemporal } from '../lib/temporal';
import { initModels } from '../models';
import { AMES_CSV_PATH, runListingImport } from '../clients/listing-import';
import { ImportSourceSchema } from '../contracts/listing-import.schema';
import { type ImportFormat } from '../domain/listing-import';


async function main() {
  const { values } = parseArgs({
    options: { file: { type: 'string' }, source: { type: 'string' }, format: { type: 'string' } },
  });
  const file = path.resolve(values.file ?? AMES_CSV_PATH);
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const parsed = ImportSourceSchema.safeParse(values.source ?? 'ames');
  if (!parsed.success) throw new Error(`--source ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const source = parsed.data;
  const format = (values.format ?? (file.endsWith('.csv') ? 'csv' : 'ndjson')) as ImportFormat;
  const config = loadConfig();
  const db = createSequelize(config, { poolMax: 2 });
  initModels(db);
  const { connection, client } = await connectTemporal(config);
  try {
    const report = await runListingImport({ client, taskQueue: config.temporal.taskQueues.search }, { source, format, content: fs.readFileSync(file, 'utf8') });
    process.stdout.write(`${JSON.stringify({ ...report, rejections: report.rejections.slice(0, 20) }, null, 2)}\n`);
  } finally {
    await connection.close();
    await db.close();
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`import: ${err.message}\n`);
    process.exit(1);
  });
}

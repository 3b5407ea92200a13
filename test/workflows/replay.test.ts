/**
 * Workflows are forever: histories recorded from real runs (test/fixtures/histories,
 * exported with `temporal workflow show --output json` from the dev server, or
 * written by the whole-lease test run with RECORD_HISTORIES=1) must replay against
 * today's workflow code. A change that breaks determinism for a running
 * workflow fails here; guard such changes with patched().
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { installQuietRuntime, workflowBundle } from '../support/harness';

installQuietRuntime();

const DIR = path.join(__dirname, '../fixtures/histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

test('there are recorded histories for every workflow type the workers run', () => {
  const types = new Set(
    files.map((f) => {
      const events = (JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowType: { name: string } } }[] }).events;
      return events[0]!.workflowExecutionStartedEventAttributes!.workflowType.name;
    }),
  );
  expect([...types].sort()).toEqual(Object.keys(workflows).sort());
});

test.each(files)('%s replays deterministically', async (file) => {
  // runReplayHistory takes the CLI's JSON as it is and throws on any nondeterminism.
  const history: unknown = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: file }, history, file),
  ).resolves.toBeUndefined();
});

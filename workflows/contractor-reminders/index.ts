/**
 * The daily reminders of expiring vendor documents
 * (contracts/contractor-reminders.ts), started by a Temporal Schedule. One
 * activity does the work in one transaction; the run returns what it sent,
 * and its ProcessStatus (`sent` or `nothing_due`) lets operations staff find
 * the days that reminded someone in the Web UI.
 */
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { ContractorRemindersActivities, ContractorRemindersInput, ContractorRemindersResult } from '../../contracts/contractor-reminders';
import { ProcessStatusKey } from '../../domain/search-attributes';
import { scheduledStart } from '../scheduled-start';

const { sendDocumentExpiryReminders } = proxyActivities<ContractorRemindersActivities>({
  // One grouped read and a few inserts per reminder: seconds.
  startToCloseTimeout: '5 minutes',
  // Postgres away for a while: keep trying for most of the day; the next day's run catches up anyway.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 40 },
});

export async function contractorDocumentRemindersWorkflow(input: ContractorRemindersInput = {}): Promise<ContractorRemindersResult> {
  const asOf = input.asOf ?? scheduledStart().toISOString().slice(0, 10);
  const sent = await sendDocumentExpiryReminders({ asOf });
  upsertSearchAttributes([{ key: ProcessStatusKey, value: sent.length ? 'sent' : 'nothing_due' }]);
  return { asOf, sent };
}

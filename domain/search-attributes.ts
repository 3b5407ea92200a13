/**
 * Custom search attributes: what operations staff filter on in the Temporal
 * Web UI. One list, used by workflows (to set them), by the service manager
 * (to register them on the dev server) and by the worker (to register them on
 * any other server at start).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PropertyIdKey = defineSearchAttributeKey('PropertyId', SearchAttributeType.KEYWORD);
export const ListingIdKey = defineSearchAttributeKey('ListingId', SearchAttributeType.KEYWORD);
export const ImportBatchIdKey = defineSearchAttributeKey('ImportBatchId', SearchAttributeType.KEYWORD);
export const ProcessStatusKey = defineSearchAttributeKey('ProcessStatus', SearchAttributeType.KEYWORD);
export const LeaseStatusKey = defineSearchAttributeKey('LeaseStatus', SearchAttributeType.KEYWORD);
export const TenantIdsKey = defineSearchAttributeKey('TenantIds', SearchAttributeType.KEYWORD_LIST);
export const PurchaseStageKey = defineSearchAttributeKey('PurchaseStage', SearchAttributeType.KEYWORD);
/** Everyone on a purchase: buyers, sellers and their agents. */
export const PartyIdsKey = defineSearchAttributeKey('PartyIds', SearchAttributeType.KEYWORD_LIST);

/** Work orders: their status is ProcessStatus (with WorkflowType = workOrderWorkflow); these add what staff filter on. */
export const WorkOrderPriorityKey = defineSearchAttributeKey('WorkOrderPriority', SearchAttributeType.KEYWORD);
export const ContractorIdKey = defineSearchAttributeKey('ContractorId', SearchAttributeType.KEYWORD);
export const SlaBreachedKey = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);

export const RentRunDateKey = defineSearchAttributeKey('RentRunDate', SearchAttributeType.KEYWORD);
export const RentRunProcessedKey = defineSearchAttributeKey('RentRunProcessed', SearchAttributeType.INT);
export const RentRunChargedKey = defineSearchAttributeKey('RentRunCharged', SearchAttributeType.INT);
export const RentRunFailedKey = defineSearchAttributeKey('RentRunFailed', SearchAttributeType.INT);
// The dev server's SQLite visibility store allows three Int attributes per namespace: the fourth count is a Double.
export const RentRunRetryingKey = defineSearchAttributeKey('RentRunRetrying', SearchAttributeType.DOUBLE);

/** A report run's kind and period (`ReportRun = 'month-end' AND ReportRun = '2026-11'`); its status is ProcessStatus. */
export const ReportRunKey = defineSearchAttributeKey('ReportRun', SearchAttributeType.KEYWORD_LIST);

export const CUSTOM_SEARCH_ATTRIBUTES = [
  PropertyIdKey,
  ListingIdKey,
  ImportBatchIdKey,
  ProcessStatusKey,
  LeaseStatusKey,
  TenantIdsKey,
  PurchaseStageKey,
  PartyIdsKey,
  WorkOrderPriorityKey,
  ContractorIdKey,
  SlaBreachedKey,
  RentRunDateKey,
  RentRunProcessedKey,
  RentRunChargedKey,
  RentRunFailedKey,
  RentRunRetryingKey,
  ReportRunKey,
];

/** The `Name=Type` spelling that `temporal server start-dev --search-attribute` takes. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.TEXT]: 'Text',
    [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DOUBLE]: 'Double',
    [SearchAttributeType.BOOL]: 'Bool',
    [SearchAttributeType.DATETIME]: 'Datetime',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  return CUSTOM_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type]}`]);
}

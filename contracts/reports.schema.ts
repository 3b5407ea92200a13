/**
 * The reports, as data: what the report builders (activities/reports/) return,
 * what the API serves as JSON (and validates against, so the OpenAPI document
 * says exactly this), and what the CSV and PDF renderers (lib/reports/) draw.
 * Each is a function of the books as of a date: the same period gives the
 * same data, hence the same bytes.
 *
 * Amounts are integer minor units of the report's one currency; rows in
 * another currency are in that currency's report.
 */
import { CurrencySchema } from './money.schema';
import { z } from './zod';

export const REPORT_KINDS = ['rent-roll', 'delinquency', 'occupancy', 'owner-statement', 'income-statement', 'tenant-ledger', 'vendor-tax-summary'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const Minor = z.number().int();
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Month = z.string().regex(/^\d{4}-\d{2}$/);

/** What every report says about itself. */
const header = {
  title: z.string(),
  currency: CurrencySchema,
  /** The day the books are read as of (the period's last day for a period report). */
  asOf: IsoDate,
};

export const RENT_ROLL_STATUSES = ['occupied', 'notice_given', 'vacant'] as const;

export const RentRollRowSchema = z.object({
  propertyId: z.uuid(),
  propertyAddress: z.string(),
  unitLabel: z.string().nullable(),
  status: z.enum(RENT_ROLL_STATUSES),
  leaseId: z.uuid().nullable(),
  tenants: z.array(z.string()),
  startDate: IsoDate.nullable(),
  endDate: IsoDate.nullable(),
  rentMinor: Minor.nullable(),
  depositHeldMinor: Minor,
  /** What the tenant owes as of the day (negative: in credit). */
  balanceMinor: Minor,
});
export const RentRollSchema = z.object({
  kind: z.literal('rent-roll'),
  ...header,
  rows: z.array(RentRollRowSchema),
  totals: z.object({ units: z.number().int(), occupied: z.number().int(), noticeGiven: z.number().int(), vacant: z.number().int(), rentMinor: Minor, depositHeldMinor: Minor, balanceMinor: Minor }),
});
export type RentRoll = z.infer<typeof RentRollSchema>;
export type RentRollRow = z.infer<typeof RentRollRowSchema>;

export const AgingBucketsSchema = z.object({
  current: Minor.describe('0–30 days past due'),
  days31to60: Minor,
  days61to90: Minor,
  over90: Minor,
  total: Minor,
});
export type AgingBuckets = z.infer<typeof AgingBucketsSchema>;
export const DelinquencyRowSchema = z.object({
  leaseId: z.uuid(),
  propertyId: z.uuid(),
  propertyAddress: z.string(),
  unitLabel: z.string().nullable(),
  tenants: z.array(z.string()),
  buckets: AgingBucketsSchema,
});
export const DelinquencySchema = z.object({
  kind: z.literal('delinquency'),
  ...header,
  rows: z.array(DelinquencyRowSchema),
  totals: AgingBucketsSchema,
  /** The ledger's tenant receivable over the same leases: equal to totals.total, or the report is withheld. */
  ledgerReceivableMinor: Minor,
});
export type Delinquency = z.infer<typeof DelinquencySchema>;
export type DelinquencyRow = z.infer<typeof DelinquencyRowSchema>;

export const OccupancyRowSchema = z.object({
  propertyId: z.uuid(),
  propertyAddress: z.string(),
  month: Month,
  units: z.number().int(),
  unitDays: z.number().int(),
  occupiedUnitDays: z.number().int(),
  /** Occupied unit-days over unit-days, in basis points. */
  physicalBps: z.number().int(),
  /** Rent the units would earn at their lease (or last lease's) rent, for the days of the month. */
  potentialRentMinor: Minor,
  /** Rent and other receipts collected in the month, net of returned payments. */
  collectedMinor: Minor,
  /** Collected over potential, in basis points. */
  economicBps: z.number().int(),
});
export const OccupancySchema = z.object({
  kind: z.literal('occupancy'),
  ...header,
  from: Month,
  to: Month,
  rows: z.array(OccupancyRowSchema),
});
export type Occupancy = z.infer<typeof OccupancySchema>;
export type OccupancyRow = z.infer<typeof OccupancyRowSchema>;

export const StatementLineSchema = z.object({
  date: IsoDate,
  description: z.string(),
  /** Signed: money in is positive, money out negative. */
  amountMinor: Minor,
  reference: z.string().nullable(),
});
export type StatementLine = z.infer<typeof StatementLineSchema>;
export const ExpenseLineSchema = StatementLineSchema.extend({
  account: z.string(),
  vendor: z.string().nullable(),
  billId: z.uuid().nullable(),
  workOrderId: z.uuid().nullable(),
  /** Uploads attached to the bill (their pages follow the statement in the PDF). */
  attachmentIds: z.array(z.uuid()),
});
export type ExpenseLine = z.infer<typeof ExpenseLineSchema>;
export const OwnerStatementPropertySchema = z.object({
  propertyId: z.uuid(),
  propertyAddress: z.string(),
  /** The owner's share of the property, in basis points (10000 = all of it). */
  shareBps: z.number().int(),
  /** The property's cash less the deposits it holds for tenants, at the start of the month. */
  openingMinor: Minor,
  income: z.array(StatementLineSchema),
  expenses: z.array(ExpenseLineSchema),
  managementFees: z.array(StatementLineSchema),
  contributions: z.array(StatementLineSchema),
  distributions: z.array(StatementLineSchema),
  totals: z.object({ incomeMinor: Minor, expensesMinor: Minor, managementFeesMinor: Minor, contributionsMinor: Minor, distributionsMinor: Minor }),
  closingMinor: Minor,
  reserveMinor: Minor,
  depositsHeldMinor: Minor,
  /** This owner's own distributions in the month (a part of `distributions` when the property has several owners). */
  ownerDistributionsMinor: Minor,
});
export type OwnerStatementProperty = z.infer<typeof OwnerStatementPropertySchema>;
export const OwnerStatementSchema = z.object({
  kind: z.literal('owner-statement'),
  ...header,
  ownerId: z.uuid(),
  ownerName: z.string(),
  month: Month,
  from: IsoDate,
  to: IsoDate,
  properties: z.array(OwnerStatementPropertySchema),
});
export type OwnerStatement = z.infer<typeof OwnerStatementSchema>;

export const AccountAmountSchema = z.object({ account: z.string(), amountMinor: Minor });
export const IncomeStatementMonthSchema = z.object({
  month: Month,
  income: z.array(AccountAmountSchema),
  expenses: z.array(AccountAmountSchema),
  netIncomeMinor: Minor,
  /** Cash flow: operating receipts and payments, owners' contributions and distributions. */
  cash: z.object({ receiptsMinor: Minor, paymentsMinor: Minor, contributionsMinor: Minor, distributionsMinor: Minor, netMinor: Minor }),
});
export const IncomeStatementSchema = z.object({
  kind: z.literal('income-statement'),
  ...header,
  propertyId: z.uuid().nullable(),
  propertyAddress: z.string().nullable(),
  from: Month,
  to: Month,
  months: z.array(IncomeStatementMonthSchema),
});
export type IncomeStatement = z.infer<typeof IncomeStatementSchema>;

export const TenantLedgerLineSchema = z.object({
  date: IsoDate,
  kind: z.string(),
  description: z.string(),
  chargeMinor: Minor,
  paymentMinor: Minor,
  balanceMinor: Minor,
});
export const TenantLedgerSchema = z.object({
  kind: z.literal('tenant-ledger'),
  ...header,
  leaseId: z.uuid(),
  propertyAddress: z.string(),
  unitLabel: z.string().nullable(),
  tenants: z.array(z.string()),
  from: IsoDate,
  openingMinor: Minor,
  lines: z.array(TenantLedgerLineSchema),
  closingMinor: Minor,
});
export type TenantLedger = z.infer<typeof TenantLedgerSchema>;

export const VendorTaxRowSchema = z.object({
  /** The vendor's user id; null for a vendor known only by name on a bill. */
  vendorId: z.uuid().nullable(),
  name: z.string(),
  paidMinor: Minor,
  /** Paid at least the 1099-NEC threshold in the year. */
  reportable: z.boolean(),
  taxIdOnFile: z.boolean(),
  /** Reportable, but with no tax id (W-9) on file: ask for one before filing. */
  flagged: z.boolean(),
});
export const VendorTaxSummarySchema = z.object({
  kind: z.literal('vendor-tax-summary'),
  ...header,
  year: z.number().int(),
  thresholdMinor: Minor,
  rows: z.array(VendorTaxRowSchema),
});
export type VendorTaxSummary = z.infer<typeof VendorTaxSummarySchema>;

export const ReportSchema = z.discriminatedUnion('kind', [RentRollSchema, DelinquencySchema, OccupancySchema, OwnerStatementSchema, IncomeStatementSchema, TenantLedgerSchema, VendorTaxSummarySchema]);
export type Report = z.infer<typeof ReportSchema>;

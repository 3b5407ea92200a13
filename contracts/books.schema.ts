/** A property's books over the API: bills, management agreements, ownership shares and owners' contributions. */
import { isValidDate } from '../domain/calendar';
import { BILL_ACCOUNTS } from '../domain/ledger';
import { MoneySchema } from './money.schema';
import { z } from './zod';

export const IsoDaySchema = z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD').describe('A calendar date, YYYY-MM-DD');
const Text = (max: number) => z.string().trim().min(1).max(max);
const PositiveMoney = MoneySchema.refine((m) => m.amountMinor > 0, { path: ['amountMinor'], message: 'must be more than zero' });

export const BILL_STATUSES = ['pending_approval', 'approved', 'paid', 'void'] as const;
export const BILL_PAYMENT_METHODS = ['transfer', 'card', 'check'] as const;

export const BillCreateSchema = z
  .object({
    propertyId: z.uuid(),
    unitId: z.uuid().optional(),
    vendorId: z.uuid().optional().describe('A contractor of the vendor directory; its company is the vendor\'s name'),
    vendorName: Text(200).optional().describe('The vendor\'s name, when it is not in the directory'),
    account: z.enum(BILL_ACCOUNTS).describe('The expense account the bill is charged to'),
    amount: PositiveMoney,
    description: Text(500),
    invoiceNumber: Text(100).optional(),
    billDate: IsoDaySchema,
    dueOn: IsoDaySchema,
    attachmentIds: z.array(z.uuid()).max(20).default([]).describe('Uploads (POST /v1/uploads): the invoice, photos; their pages follow the owner statement'),
  })
  .refine((b) => b.vendorId || b.vendorName, { path: ['vendorName'], message: 'name the vendor, or give a vendorId from the directory' })
  .refine((b) => !isValidDate(b.billDate) || !isValidDate(b.dueOn) || b.dueOn >= b.billDate, { path: ['dueOn'], message: 'must not be before billDate' });

export const BillSchema = z.object({
  id: z.uuid(),
  propertyId: z.uuid(),
  unitId: z.uuid().nullable(),
  vendorId: z.uuid().nullable(),
  vendorName: z.string(),
  account: z.enum(BILL_ACCOUNTS),
  amountMinor: z.number().int(),
  currency: z.string(),
  description: z.string(),
  invoiceNumber: z.string().nullable(),
  billDate: z.string(),
  dueOn: z.string(),
  status: z.enum(BILL_STATUSES),
  approvalRequired: z.boolean(),
  approvedBy: z.uuid().nullable(),
  approvedAt: z.string().nullable(),
  paidOn: z.string().nullable(),
  paymentMethod: z.enum(BILL_PAYMENT_METHODS).nullable(),
  paymentReference: z.string().nullable(),
  ledgerTransactionId: z.uuid().nullable(),
  source: z.enum(['manual', 'work_order', 'draw']),
  workOrderId: z.uuid().nullable(),
  projectId: z.uuid().nullable(),
  attachmentIds: z.array(z.uuid()),
  voidReason: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
});

export const BillPaymentSchema = z.object({
  paidOn: IsoDaySchema,
  method: z.enum(BILL_PAYMENT_METHODS),
  reference: Text(200).optional().describe('The transfer\'s, card charge\'s or check\'s reference'),
});
export const BillVoidSchema = z.object({ reason: Text(500) });

export const AgreementCreateSchema = z
  .object({
    propertyId: z.uuid(),
    feeBps: z.number().int().min(0).max(10_000).describe('The management fee on rent collected, in basis points (800 = 8%)'),
    leasingFee: MoneySchema.optional().describe('A flat fee per lease that starts in the month'),
    reserve: MoneySchema.describe('Cash the property keeps; only what is above it (and above the deposits it holds and its open bills) is distributed'),
    approvalThreshold: MoneySchema.describe('Bills above this amount need an owner\'s approval'),
    startsOn: IsoDaySchema.describe('The first day it applies; it replaces the property\'s earlier agreement from then'),
  })
  .refine((a) => a.reserve.currency === a.approvalThreshold.currency, { path: ['approvalThreshold', 'currency'], message: 'must be the reserve\'s currency' })
  .refine((a) => !a.leasingFee || a.leasingFee.currency === a.reserve.currency, { path: ['leasingFee', 'currency'], message: 'must be the reserve\'s currency' });

export const AgreementSchema = z.object({
  id: z.uuid(),
  propertyId: z.uuid(),
  currency: z.string(),
  feeBps: z.number().int(),
  leasingFeeMinor: z.number().int(),
  reserveMinor: z.number().int(),
  approvalThresholdMinor: z.number().int(),
  startsOn: z.string(),
});

export const OwnershipSchema = z.object({
  owners: z
    .array(z.object({ ownerId: z.uuid(), shareBps: z.number().int().min(1).max(10_000).describe('Basis points of the property (all owners add up to 10000)') }))
    .min(1)
    .max(20),
});

export const ContributionCreateSchema = z.object({
  propertyId: z.uuid(),
  amount: PositiveMoney,
  receivedOn: IsoDaySchema,
  reference: Text(200).optional(),
});
export const ContributionSchema = z.object({
  transactionId: z.uuid(),
  ownerId: z.uuid(),
  propertyId: z.uuid(),
  amountMinor: z.number().int(),
  currency: z.string(),
  receivedOn: z.string(),
});

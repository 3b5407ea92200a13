/**
 * The lease activities' positional arguments as workflows recorded them
 * before activities took one input object (see ../legacy-inputs.ts).
 */
import type { IsoDate } from '../../domain/calendar';
import type { LateFee } from '../../domain/late-fees';
import type { Currency } from '../../domain/money';
import type { RentPeriod } from '../../domain/rent-schedule';
import type { Deduction, LeaseActivities, LeaseInput, LeaseStatus, ManualPayment, PaymentMethodRef, ReceiptHeader, Signature } from '../../contracts/lease';
import type { LegacyAdapter } from '../legacy-inputs';

export const LEASE_LEGACY_INPUTS: { [K in keyof LeaseActivities]?: LegacyAdapter } = {
  recordLeaseStatus: (leaseId: string, status: LeaseStatus) => ({ leaseId, status }),
  storeSignedAgreement: (leaseId: string, documentId: string, signatures: Signature[], audit: { at: string; event: string }[]) => ({ leaseId, documentId, signatures, audit }),
  chargeDeposit: (input: LeaseInput, today: IsoDate, attempt?: number) => ({
    leaseId: input.terms.leaseId,
    deposit: input.terms.deposit,
    paymentMethod: input.paymentMethod,
    today,
    attempt,
  }),
  issueReceipt: (leaseId: string, paymentId: string, header: ReceiptHeader) => ({ leaseId, paymentId, ...header }),
  billRentPeriod: (leaseId: string, currency: Currency, period: RentPeriod) => ({ leaseId, currency, period }),
  scheduleRentPeriods: (leaseId: string, currency: Currency, paymentMethod: PaymentMethodRef, periods: RentPeriod[], replace?: boolean) => ({
    leaseId,
    currency,
    paymentMethod,
    periods,
    replace,
  }),
  savePaymentMethod: (leaseId: string, paymentMethod: PaymentMethodRef) => ({ leaseId, paymentMethod }),
  collectRentPeriod: (leaseId: string, periodIndex: number, today: IsoDate) => ({ leaseId, periodIndex, today }),
  chargeEarlyTerminationFee: (leaseId: string, currency: Currency, amountMinor: number, today: IsoDate) => ({ leaseId, currency, amountMinor, today }),
  collectBalance: (input: LeaseInput, periodIndex: number, attempt: number, today: IsoDate) => ({
    leaseId: input.terms.leaseId,
    currency: input.terms.monthlyRent.currency,
    paymentMethod: input.paymentMethod,
    periodIndex,
    attempt,
    today,
  }),
  applyLateFees: (leaseId: string, currency: Currency, periodIndex: number, fees: LateFee[]) => ({ leaseId, currency, periodIndex, fees }),
  recordManualPayment: (leaseId: string, currency: Currency, payment: ManualPayment) => ({ leaseId, currency, payment }),
  periodOpenMinor: (leaseId: string, periodIndex: number) => ({ leaseId, periodIndex }),
  notify: (leaseId: string, template: string, data: Record<string, string | number>, to: string[]) => ({ leaseId, template, data, to }),
  settleDeposit: (input: LeaseInput, deductions: Deduction[], today: IsoDate) => ({ terms: input.terms, deductions, today }),
};

/**
 * The manager's fee for a month, per the property's management agreement: a
 * share of the rent collected (receipts net of returned payments) plus a
 * flat leasing fee for each lease that started in the month. Rounded half up
 * in integer arithmetic; never negative (a month of more returns than
 * receipts owes no fee, and takes none back).
 */
import { basisPointsOf } from '../money';

export interface ManagementTerms {
  feeBps: number;
  leasingFeeMinor: number;
}

export interface ManagementFee {
  collectedMinor: number;
  percentMinor: number;
  newLeases: number;
  leasingMinor: number;
  totalMinor: number;
}

export function managementFeeFor(terms: ManagementTerms, month: { collectedMinor: number; newLeases: number }): ManagementFee {
  const percentMinor = month.collectedMinor > 0 ? basisPointsOf(month.collectedMinor, terms.feeBps) : 0;
  const leasingMinor = terms.leasingFeeMinor * month.newLeases;
  return { collectedMinor: month.collectedMinor, percentMinor, newLeases: month.newLeases, leasingMinor, totalMinor: percentMinor + leasingMinor };
}

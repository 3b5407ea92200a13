/**
 * The lease workflow's activities (contracts/lease.ts: LeaseActivities), on
 * Postgres, Stripe and PDF rendering, built from injected clients. Each is
 * idempotent; the modules beside this one say how.
 */
import { activityInfo } from '@temporalio/activity';
import type { LeaseActivities } from '../../contracts/lease';
import { createDocumentStore } from '../documents/store';
import { acceptLegacyInputs } from '../legacy-inputs';
import { createNotifications, type NotificationDeps } from '../notifications';
import { createCardCharges, type PaymentsDeps } from '../payments/card-charges';
import { createAgreementActivities } from './agreement';
import { createChargeActivities } from './charges';
import { createDepositSettlement } from './deposit-settlement';
import { LEASE_LEGACY_INPUTS } from './legacy-inputs';
import { createReceiptActivities } from './receipts';
import { createRentCollection } from './rent-collection';
import { createRentPeriods } from './rent-periods';

export type LeaseDeps = PaymentsDeps & NotificationDeps;

export function createLeaseActivities(deps: LeaseDeps): LeaseActivities {
  const { db } = deps;
  const documents = createDocumentStore(db);
  const cards = createCardCharges(deps);
  const rent = createRentCollection(db, cards);
  const rentPeriods = createRentPeriods(db, rent);
  const notifications = createNotifications(deps);
  const activities: LeaseActivities = {
    async recordLeaseStatus({ leaseId, status }) {
      await db.query(
        `insert into leases (id, status, tenant_ids, workflow_id, created_at, updated_at) values ($1, $2, '{}', $3, now(), now())
         on conflict (id) do update set status = excluded.status, updated_at = now()`,
        { bind: [leaseId, status, activityInfo().workflowExecution?.workflowId ?? null] },
      );
    },
    ...createAgreementActivities(documents),
    ...createReceiptActivities(db, documents),
    ...createChargeActivities(db, cards, rent),
    ...createDepositSettlement(db, deps.stripe, rent, documents),
    scheduleRentPeriods: ({ leaseId, currency, paymentMethod, periods, replace }) => rentPeriods.schedule(leaseId, currency, paymentMethod, periods, replace),
    savePaymentMethod: ({ leaseId, paymentMethod }) => rentPeriods.savePaymentMethod(leaseId, paymentMethod),
    collectRentPeriod: ({ leaseId, periodIndex, today }) => rentPeriods.collect(leaseId, periodIndex, today),
    notify: (request) => notifications.notify(request),
  };
  return acceptLegacyInputs(activities, LEASE_LEGACY_INPUTS);
}

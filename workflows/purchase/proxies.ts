/** The purchase workflow's handles on its activities (implemented in activities/purchase/). */
import { proxyActivities } from '@temporalio/workflow';
import type { PurchaseActivities } from '../../contracts/purchase';

export const act = proxyActivities<PurchaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

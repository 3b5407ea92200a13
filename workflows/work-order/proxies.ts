/** The work-order workflow's handles on its activities (implemented in activities/work-order/). */
import { proxyActivities } from '@temporalio/workflow';
import type { WorkOrderActivities } from '../../contracts/work-order';

export const act = proxyActivities<WorkOrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The lease workflow's handles on its activities (implemented in activities/lease/). */
import { proxyActivities } from '@temporalio/workflow';
import type { LeaseActivities } from '../../contracts/lease';

export const act = proxyActivities<LeaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Recording an e-mail takes moments: after a worker crash, try again soon rather than after two minutes. */
export const mail = proxyActivities<Pick<LeaseActivities, 'notify'>>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The inspection workflow's handles on its activities (implemented in activities/inspection/). */
import { proxyActivities } from '@temporalio/workflow';
import type { InspectionActivities } from '../../contracts/inspection';

export const act = proxyActivities<InspectionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

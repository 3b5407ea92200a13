/** The project workflow's handles on its activities (to be implemented in activities/project/). */
import { proxyActivities } from '@temporalio/workflow';
import type { ProjectActivities } from '../../contracts/project';

export const act = proxyActivities<ProjectActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

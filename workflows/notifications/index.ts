export { notificationDeliveryWorkflow } from './delivery';
export { notificationOutboxSweepWorkflow } from './sweep';

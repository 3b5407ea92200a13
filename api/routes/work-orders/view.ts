/** A work order as the API answers it: its state, the property's address, and the requester's timeline. */
import type { WorkOrderState } from '../../../contracts/work-order';

export function workOrderView(state: WorkOrderState, address: string, readFrom: 'workflow' | 'database') {
  const timeline = [
    ...state.history.map((e) => ({ at: e.at as string | null, event: e.event, done: true })),
    ...(state.next ? [{ at: state.next.by, event: state.next.step, done: false }] : []),
  ];
  return { ...state, address, timeline, readFrom };
}

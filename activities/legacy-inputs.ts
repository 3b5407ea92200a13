/**
 * Activities take one input object. Workflows scheduled before that change
 * recorded positional arguments in their histories, and a worker may still be
 * handed such a task (an activity in flight, or retrying, across a deploy).
 * An adapter per activity turns the old arguments into the input object, so
 * those tasks run as they would have.
 *
 * When an adapter can go: once no workflow started before the change has an
 * activity open (every lease has since run a new workflow task, which
 * schedules with the new shape). Until then, keep the table as it is.
 */

/** The old positional arguments of one activity, mapped to its input object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LegacyAdapter = (...args: any[]) => unknown;

/** New-style calls pass exactly one plain object; anything else is the old shape. */
export const isLegacyCall = (args: unknown[]) => args.length !== 1 || args[0] === null || typeof args[0] !== 'object' || Array.isArray(args[0]);

export function acceptLegacyInputs<T extends object>(activities: T, adapters: { [K in keyof T]?: LegacyAdapter }): T {
  const wrapped = { ...activities } as Record<string, unknown>;
  for (const [name, adapt] of Object.entries(adapters) as [string, LegacyAdapter][]) {
    const fn = wrapped[name] as (input: unknown) => unknown;
    wrapped[name] = (...args: unknown[]) => fn(isLegacyCall(args) ? adapt(...args) : args[0]);
  }
  return wrapped as T;
}

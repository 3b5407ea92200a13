/** Stops the test profile's services, unless KEEP_SERVICES=1 (handy while iterating). */
export default async function globalTeardown() {
  if (process.env.KEEP_SERVICES === '1') return;
  const { stopServices } = await import('../../scripts/services');
  const { parseConfig } = await import('../../lib/config');
  await stopServices(undefined, parseConfig(process.env));
}

import { startTemporalDevServer } from '/work/main/test/support/temporal-server';
import { Connection, Client } from '@temporalio/client';
async function main() {
  let t = Date.now();
  const s = await startTemporalDevServer();
  console.log('started', s.address, Date.now() - t);
  const connection = await Connection.connect({ address: s.address });
  const client = new Client({ connection });
  t = Date.now(); await s.stop(); console.log('stopped', Date.now() - t);
  // how long does a start take while down?
  t = Date.now();
  try { await client.workflow.start('x', { workflowId: 'x1', taskQueue: 'q', args: [] }); } catch (e: any) { console.log('start err', Date.now() - t, e.name, e.constructor?.name, e.message, e.cause?.code, e.cause?.details); }
  t = Date.now();
  try { await client.workflow.getHandle('x1').signal('s'); } catch (e: any) { console.log('signal err', Date.now() - t, e.name, e.message, e.cause?.code); }
  t = Date.now();
  await s.start(); console.log('restarted', Date.now() - t);
  t = Date.now();
  for (;;) { try { await client.workflow.start('x', { workflowId: 'x2', taskQueue: 'q', args: [] }); break; } catch (e: any) { console.log('retry start', Date.now() - t, e.cause?.code); } }
  console.log('start ok after restart', Date.now() - t);
  await connection.close();
  await s.dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });

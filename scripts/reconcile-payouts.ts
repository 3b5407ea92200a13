/**
 * Matches the Stripe payouts that arrived between two days (UTC, inclusive)
 * against the ledger's cash postings and prints one result per payout as JSON:
 *   npx tsx scripts/reconcile-payouts.ts --from 2025-06-01 --to 2025-06-30
 * Needs the real Stripe API (STRIPE_SECRET_KEY): localstripe has no payouts.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createSequelize } from '../lib/db';
import { createStripe } from '../lib/stripe';
import { isRealStripe, reconcileStripePayouts } from '../activities/reconciliation/stripe-payouts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

async function main() {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  const { from, to } = values;
  if (!from || !to || !DAY.test(from) || !DAY.test(to)) {
    throw new Error('usage: reconcile-payouts.ts --from YYYY-MM-DD --to YYYY-MM-DD');
  }
  if (from > to) throw new Error(`--from ${from} is after --to ${to}`);
  const config = loadConfig();
  if (!isRealStripe(config)) {
    const where = `${config.stripe.protocol}://${config.stripe.host}:${config.stripe.port}`;
    throw new Error(
      `the configured Stripe is the local one (${where}), and localstripe has no payouts: set STRIPE_SECRET_KEY to a real key (sk_test_… or sk_live_…) and leave STRIPE_API_BASE unset`,
    );
  }
  const db = createSequelize(config, { poolMax: 1 });
  try {
    const results = await reconcileStripePayouts({ db, stripe: createStripe(config), arrivalFrom: from, arrivalTo: to });
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`reconcile-payouts: ${err.message}\n`);
  process.exit(1);
});

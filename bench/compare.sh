#!/usr/bin/env bash
# Runs both benchmarks on an earlier commit and on this checkout, one after the
# other on the same services, and prints each figure before and after with
# their ratio (after / before): a regression shows as a ratio on the wrong side of 1.
#
#   bash bench/compare.sh [BASE_REF]        (default: the commit before this session's platform work)
#   BENCH_COMPARE_ONLY=bench:rent bash bench/compare.sh
#
# The earlier commit is checked out with `git worktree` into a temporary folder
# beside this one's node_modules and .tools (linked, not copied). Sizes follow
# the benchmarks' own environment knobs (BENCH_LEASES, BENCH_COPIES, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BASE_REF="${1:-a8bf28f}"
OUT="${BENCH_COMPARE_OUT:-$ROOT/.data/bench-compare}"
mkdir -p "$OUT"
# The earlier checkout sits as main/ in a folder of its own, with shared/ (the data sets) beside it as here.
tmp="$(mktemp -d /tmp/trilight-base-XXXXXX)"
base_dir="$tmp/main"
cleanup() {
  # The earlier checkout's benchmarks may have started test-profile services of
  # their own (under its folder, on the test ports): stop them before removing it.
  # (The profile's settings come from this checkout's test-env module.)
  if [ -d "$base_dir/scripts" ]; then (cd "$base_dir" && npx tsx --import "$ROOT/test/support/test-env.ts" scripts/services.ts stop >&2) || true; fi
  git -C "$ROOT" worktree remove --force "$base_dir" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

chmod 755 "$tmp"
ln -s "$(cd "$ROOT/.." && pwd)/shared" "$tmp/shared"
git -C "$ROOT" worktree add --detach "$base_dir" "$BASE_REF" >/dev/null
ln -s "$ROOT/node_modules" "$base_dir/node_modules"
ln -s "$ROOT/.tools" "$base_dir/.tools"
# One set of services, started here from this checkout and reused by both runs
# (a service answering on its port is reused), so the runs differ only in the code.
npx tsx scripts/services.ts start >&2
npx tsx scripts/migrate.ts >&2 # the search benchmark works in the development database

run() { # name dir script: a failed run is reported and its figures show as '?'
  echo "[compare] $1: npm run $3" >&2
  (cd "$2" && npm run --silent "$3") > "$OUT/$1-$3.txt" 2>&1 || { echo "[compare] $1 $3 failed; see $OUT/$1-$3.txt" >&2; tail -5 "$OUT/$1-$3.txt" >&2; }
}

# BENCH_COMPARE_ONLY=bench:rent (or bench:search) runs one of them.
for script in ${BENCH_COMPARE_ONLY:-bench:rent bench:search}; do
  run before "$base_dir" "$script"
  run after "$ROOT" "$script"
done

node - "$OUT" <<'NODE'
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
const read = (who, script) => fs.readFileSync(path.join(dir, `${who}-${script}.txt`), 'utf8');
const num = (s) => (s === undefined ? NaN : Number(s.replace(/,/g, '')));
const figures = {
  'bench:rent': [
    ['rent run, rate lifted: invoices/s (higher is better)', /([\d.]+) invoices charged and posted per second/, 'up'],
    ['rent run: worker CPU s (lower is better)', /worker process: ([\d.]+) CPU s/, 'down'],
    ['rent run: worker peak RSS MiB (lower is better)', /peak RSS (\d+) MiB/, 'down'],
    ['baseline, a workflow per invoice: invoices/s', /^\s+([\d.]+) invoices per second;/m, 'up'],
    ['throttled at 25/s: share of the limit %', /= ([\d.]+)% of the limit/, 'up'],
    ['throttled at 25/s: 429 answers (0 is the goal)', /429 answers: (\d+)/, 'down'],
    ['whole-lease workflow test: s (lower is better)', /time-skipping test\): ([\d.]+) s wall/, 'down'],
  ],
  'bench:search': [
    ['import: listings/s (higher is better)', /THROUGHPUT first start -> all searchable\s+([\d,]+) listings\/s/, 'up'],
    ['search via API, 8 clients: p50 ms', /API wall latency \(ms\)\s+p50\s+([\d.]+)/, 'down'],
    ['search via API, 8 clients: p95 ms', /API wall latency \(ms\)\s+p50\s+[\d.]+\s+p95\s+([\d.]+)/, 'down'],
    ['search throughput: queries/s', /throughput\s+([\d.]+) queries\/s/, 'up'],
  ],
};
console.log('| figure | before | after | after / before |');
console.log('|---|---|---|---|');
for (const [script, rows] of Object.entries(figures)) {
  if (!fs.existsSync(path.join(dir, `after-${script}.txt`))) continue;
  const before = read('before', script);
  const after = read('after', script);
  for (const [name, re] of rows) {
    const b = num(before.match(re)?.[1]);
    const a = num(after.match(re)?.[1]);
    const ratio = b > 0 ? (a / b).toFixed(2) : '—';
    console.log(`| ${name} | ${Number.isNaN(b) ? '?' : b} | ${Number.isNaN(a) ? '?' : a} | ${ratio} |`);
  }
}
console.log(`\n(full outputs in ${dir})`);
NODE

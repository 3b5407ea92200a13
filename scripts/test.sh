#!/usr/bin/env bash
# The test command: set up what is missing, lint (typecheck + eslint), then run
# the whole jest suite against real services started on the test profile's ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_ENV=test
npm run --silent lint
node_modules/.bin/jest "$@"

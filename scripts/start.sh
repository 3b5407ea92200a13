#!/usr/bin/env bash
# The run command: set up what is missing, then run the platform on embedded services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node --import tsx scripts/run.ts

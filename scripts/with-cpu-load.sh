#!/usr/bin/env bash
# Usage: bash scripts/with-cpu-load.sh <command...>  (runs it beside two CPU burners, CPU_BURNERS=n for more; exits with its status)
set -u
if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/with-cpu-load.sh <command> [args...]" >&2
  exit 2
fi

burners=()
stop_burners() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null; done
  burners=()
}
trap stop_burners EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq "${CPU_BURNERS:-2}"); do
  sh -c 'while :; do :; done' &
  burners+=("$!")
done

"$@"
status=$?
exit "$status"

#!/usr/bin/env bash
# Capacity: the most players at ROOMS_HZ (20) in rooms of MEMBERS (10) for which delivery p99
# stays under CAPACITY_P99_MS (50 ms) with 0 lost (and 0 out of order, 0 errors, and the
# generator sending at least CAPACITY_MIN_SENT of the scheduled relays, so a step really ran at
# its load). For each server, runs `rooms` with each room count of CAPACITY_ROOMS in turn, a
# fresh server per step (bench/lib.sh, as bench/compare.sh does), and stops at the first step
# that fails; the capacity is the last step that passed, so its resolution is the list's.
#
# usage: bench/capacity.sh [actor|baseline]...        (default: actor baseline)
# env:   CAPACITY_ROOMS ("10 20 30 40 50 60 80 100 120 150 200")  MEMBERS (10)  ROOMS_HZ (20)
#        CAPACITY_SECONDS (10)  CAPACITY_WARMUP (3)  CAPACITY_DRAIN (5)  CAPACITY_P99_MS (50)
#        CAPACITY_MIN_SENT (0.99)  and bench/lib.sh's BENCH_PORT, BASELINE_PORT, RESULTS
# Each step takes about 20 s (start, connect, 3 + 10 s, drain, stop); a server that passes
# N steps takes (N + 1) × 20 s. Writes SERVER-capacity-ROOMS.json per step and
# SERVER-capacity.json (the verdicts and the capacity; compare_table.py reads it) into RESULTS.
# bench/compare.sh sources this file for its `capacity` scenario.

# capacity SERVER: the search for one server (actor with bench/loopback.hocon, or baseline).
capacity() {
  local server="$1" config=- rooms verdict passed
  [[ "$server" == actor ]] && config=bench/loopback.hocon
  local check=(--p99-ms "${CAPACITY_P99_MS:-50}" --min-sent "${CAPACITY_MIN_SENT:-0.99}")
  for rooms in ${CAPACITY_ROOMS:-10 20 30 40 50 60 80 100 120 150 200}; do
    run "$server" "capacity-$rooms" "$config" rooms --rooms "$rooms" --members "${MEMBERS:-10}" --hz "${ROOMS_HZ:-20}" \
      --seconds "${CAPACITY_SECONDS:-10}" --warmup "${CAPACITY_WARMUP:-3}" --drain "${CAPACITY_DRAIN:-5}"
    passed=0
    verdict=$(python3 bench/capacity_check.py step "$results/$server-capacity-$rooms.json" "${check[@]}") && passed=1
    echo "   $server, $rooms rooms ($((rooms * ${MEMBERS:-10})) players): $verdict" >&2
    ((passed)) || break
  done
  python3 bench/capacity_check.py summary "$results" "$server" --members "${MEMBERS:-10}" "${check[@]}" >&2
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  source bench/lib.sh
  build_all
  servers=("$@")
  ((${#servers[@]})) || servers=(actor baseline)
  for server in "${servers[@]}"; do
    case "$server" in
      actor | baseline) ;;
      *) echo "usage: bench/capacity.sh [actor|baseline]..." >&2; exit 1 ;;
    esac
  done
  for server in "${servers[@]}"; do capacity "$server"; done
  echo "results in $results" >&2
fi

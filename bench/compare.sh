#!/usr/bin/env bash
# Runs the performance issue's scenarios against the actor server and bench/Baseline, one server
# at a time (a fresh server per scenario, actor then baseline), each with --server-pid and --json
# into bench/results/<timestamp>/, then prints a markdown table of both servers and the ratios
# (also saved as summary.md there). See docs/PERFORMANCE.md.
#
# usage: bench/compare.sh
# env:   BENCH_PORT (actor server, 9400)  BASELINE_PORT (9401)  RESULTS (output directory)
#        SCENARIOS ("ping50 ping1 tick hold rooms flood floor"; also "capacity", not by default)
#        PING_SECONDS (15)  PING1_SECONDS (10)  PING_WARMUP (2)
#        TICK_CLIENTS (2000)  TICK_HZ (20)  TICK_SECONDS (20)  TICK_WARMUP (5)
#        HOLD_CLIENTS (10000)  HOLD_SECONDS (10)
#        ROOMS (100)  MEMBERS (10)  ROOMS_HZ (20)  ROOMS_SECONDS (30)  ROOMS_WARMUP (5)  ROOMS_DRAIN (10)
#        FLOOD_CLIENTS (50)  FLOOD_HZ (20)  FLOOD_SECONDS (20)  FLOOD_WARMUP (5)  FLOODERS (10)  FLOOD_BURST (20000; 0 = bursts of 100 every 10 ms)
#        capacity: CAPACITY_ROOMS, CAPACITY_SECONDS, ... (see bench/capacity.sh)
# Defaults take about 10 minutes; capacity adds about 20 s per step, up to 8 minutes for both
# servers with its default list. Every server this script starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

scenarios="${SCENARIOS:-ping50 ping1 tick hold rooms flood floor}"
for scenario in $scenarios; do # Checked before anything runs, not after minutes of it.
  case "$scenario" in
    ping50 | ping1 | tick | hold | rooms | flood | floor | capacity) ;;
    *) echo "unknown scenario $scenario (ping50 ping1 tick hold rooms flood floor capacity)" >&2; exit 1 ;;
  esac
done
source bench/lib.sh
source bench/capacity.sh
build_all

for scenario in $scenarios; do
  case "$scenario" in
    ping50)
      args=(ping --clients 50 --seconds "${PING_SECONDS:-15}" --warmup "${PING_WARMUP:-2}")
      run actor ping50 bench/throughput.hocon "${args[@]}"
      run baseline ping50 - "${args[@]}" ;;
    ping1)
      args=(ping --clients 1 --seconds "${PING1_SECONDS:-10}" --warmup "${PING_WARMUP:-2}")
      run actor ping1 bench/throughput.hocon "${args[@]}"
      run baseline ping1 - "${args[@]}" ;;
    tick)
      args=(tick --clients "${TICK_CLIENTS:-2000}" --hz "${TICK_HZ:-20}" --seconds "${TICK_SECONDS:-20}" --warmup "${TICK_WARMUP:-5}")
      run actor tick bench/loopback.hocon "${args[@]}"
      run baseline tick - "${args[@]}" ;;
    hold)
      args=(hold --clients "${HOLD_CLIENTS:-10000}" --seconds "${HOLD_SECONDS:-10}")
      run actor hold bench/loopback.hocon "${args[@]}"
      run baseline hold - "${args[@]}" ;;
    rooms)
      args=(rooms --rooms "${ROOMS:-100}" --members "${MEMBERS:-10}" --hz "${ROOMS_HZ:-20}"
        --seconds "${ROOMS_SECONDS:-30}" --warmup "${ROOMS_WARMUP:-5}" --drain "${ROOMS_DRAIN:-10}")
      run actor rooms bench/loopback.hocon "${args[@]}"
      run baseline rooms - "${args[@]}" ;;
    capacity) # The most players in rooms each server keeps under 50 ms (bench/capacity.sh).
      capacity actor
      capacity baseline ;;
    flood) # The actor server only (the baseline has no rate limit): the same players without and with flooders.
      # Players at 20 Hz, not a closed loop: loopback.hocon keeps the production rate limit
      # (120 frames/s), which a closed-loop client would exceed by itself.
      args=(tick --clients "${FLOOD_CLIENTS:-50}" --hz "${FLOOD_HZ:-20}" --seconds "${FLOOD_SECONDS:-20}" --warmup "${FLOOD_WARMUP:-5}")
      run actor flood-quiet bench/loopback.hocon "${args[@]}"
      run actor flood bench/loopback.hocon "${args[@]}" --flooders "${FLOODERS:-10}" --flood-burst "${FLOOD_BURST:-20000}" ;;
    floor) # hold and ping50 against bench/Floor: what the transport alone costs (see its README).
      args=(hold --clients "${HOLD_CLIENTS:-10000}" --seconds "${HOLD_SECONDS:-10}")
      run floor akka-io "--transport akka-io" "${args[@]}"
      run floor akka-io-shared "--transport akka-io --shared-handler" "${args[@]}"
      run floor sockets "--transport sockets" "${args[@]}"
      args=(ping --clients 50 --seconds "${PING_SECONDS:-15}" --warmup "${PING_WARMUP:-2}")
      run floor akka-io-ping50 "--transport akka-io" "${args[@]}"
      run floor sockets-ping50 "--transport sockets" "${args[@]}" ;;
  esac
done

python3 bench/compare_table.py "$results" | tee "$results/summary.md"
echo "results in $results" >&2

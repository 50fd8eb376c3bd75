#!/usr/bin/env bash
# Runs the performance issue's scenarios against the actor server and bench/Baseline, one server
# at a time (a fresh server per scenario, actor then baseline), each with --server-pid and --json
# into bench/results/<timestamp>/, then prints a markdown table of both servers and the ratios
# (also saved as summary.md there). See docs/PERFORMANCE.md.
#
# usage: bench/compare.sh
# env:   BENCH_PORT (actor server, 9400)  BASELINE_PORT (9401)  RESULTS (output directory)
#        SCENARIOS ("ping50 ping1 tick hold rooms floor")
#        PING_SECONDS (15)  PING1_SECONDS (10)  PING_WARMUP (2)
#        TICK_CLIENTS (2000)  TICK_HZ (20)  TICK_SECONDS (20)  TICK_WARMUP (5)
#        HOLD_CLIENTS (10000)  HOLD_SECONDS (10)
#        ROOMS (100)  MEMBERS (10)  ROOMS_HZ (20)  ROOMS_SECONDS (30)  ROOMS_WARMUP (5)  ROOMS_DRAIN (10)
# Defaults take about 8 minutes. Every server this script starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

actor_port="${BENCH_PORT:-9400}"
baseline_port="${BASELINE_PORT:-9401}"
scenarios="${SCENARIOS:-ping50 ping1 tick hold rooms floor}"
results="${RESULTS:-bench/results/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results"

started=()
stop_server() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  for pid in "${started[@]}"; do stop_server "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

echo "building (Release)..." >&2
dotnet build -c Release src/Server >/dev/null
dotnet build -c Release bench/Baseline >/dev/null
dotnet build -c Release bench/LoadTest >/dev/null
dotnet build -c Release bench/Floor >/dev/null
lt=(dotnet bench/LoadTest/bin/Release/net10.0/ActorGameServer.LoadTest.dll)

start_actor() { # config -> pid
  local pid
  pid=$(BENCH_PORT="$actor_port" bench/run-server.sh "$1")
  started+=("$pid")
  server_pid="$pid"
}
# start_local NAME DLL ARGS...: a bench server on the baseline's port (the baseline or bench/Floor)
start_local() {
  local name="$1" dll="$2"
  shift 2
  if port_in_use "$baseline_port"; then
    echo "port $baseline_port is already in use; set BASELINE_PORT to another port" >&2
    exit 1
  fi
  dotnet "$dll" --port "$baseline_port" "$@" >"/tmp/ags-bench-$name-$baseline_port.log" 2>&1 &
  server_pid=$!
  started+=("$server_pid")
  for _ in $(seq 100); do port_in_use "$baseline_port" && break; sleep 0.1; done
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the $name exited; see /tmp/ags-bench-$name-$baseline_port.log" >&2
    exit 1
  fi
}

# run SERVER(actor|baseline|floor) NAME CONFIG SCENARIO-ARGS...   (CONFIG: the floor's arguments, or -)
run() {
  local server="$1" name="$2" config="$3"
  shift 3
  local port
  case "$server" in
    actor) start_actor "$config"; port="$actor_port" ;;
    baseline) start_local baseline bench/Baseline/bin/Release/net10.0/ActorGameServer.Baseline.dll; port="$baseline_port" ;;
    floor)
      read -ra floor_args <<<"$config"
      start_local floor bench/Floor/bin/Release/net10.0/ActorGameServer.Floor.dll "${floor_args[@]}"
      port="$baseline_port" ;;
  esac
  sleep 1
  echo "== $name on $server (pid $server_pid): $*" >&2
  # In the background and waited for, so a signal to this script runs the trap at once and the
  # trap stops the load generator too.
  "${lt[@]}" "$@" --port "$port" --server-pid "$server_pid" --json "$results/$server-$name.json" &
  local lt_pid=$!
  started+=("$lt_pid")
  wait "$lt_pid" || echo "!! $name on $server failed (exit $?)" >&2
  stop_server "$server_pid"
}

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
    rooms) # The baseline has no rooms.
      run actor rooms bench/loopback.hocon rooms --rooms "${ROOMS:-100}" --members "${MEMBERS:-10}" --hz "${ROOMS_HZ:-20}" \
        --seconds "${ROOMS_SECONDS:-30}" --warmup "${ROOMS_WARMUP:-5}" --drain "${ROOMS_DRAIN:-10}" ;;
    floor) # hold and ping50 against bench/Floor: what the transport alone costs (see its README).
      args=(hold --clients "${HOLD_CLIENTS:-10000}" --seconds "${HOLD_SECONDS:-10}")
      run floor akka-io "--transport akka-io" "${args[@]}"
      run floor akka-io-shared "--transport akka-io --shared-handler" "${args[@]}"
      run floor sockets "--transport sockets" "${args[@]}"
      args=(ping --clients 50 --seconds "${PING_SECONDS:-15}" --warmup "${PING_WARMUP:-2}")
      run floor akka-io-ping50 "--transport akka-io" "${args[@]}"
      run floor sockets-ping50 "--transport sockets" "${args[@]}" ;;
    *) echo "unknown scenario $scenario (ping50 ping1 tick hold rooms floor)" >&2; exit 1 ;;
  esac
done

python3 bench/compare_table.py "$results" | tee "$results/summary.md"
echo "results in $results" >&2

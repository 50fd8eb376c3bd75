# Shared by bench/compare.sh and bench/capacity.sh (sourced, not run): the ports, the results
# directory, building once, starting one bench server at a time (the actor server, bench/Baseline
# or bench/Floor), running one LoadTest scenario against it with --server-pid and --json, and
# stopping every server and load generator this shell started when it exits.
# env: BENCH_PORT (actor server, 9400)  BASELINE_PORT (baseline and floor, 9401)  RESULTS (output directory)

actor_port="${BENCH_PORT:-9400}"
baseline_port="${BASELINE_PORT:-9401}"
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

build_all() {
  echo "building (Release)..." >&2
  dotnet build -c Release src/Server >/dev/null
  dotnet build -c Release bench/Baseline >/dev/null
  dotnet build -c Release bench/LoadTest >/dev/null
  dotnet build -c Release bench/Floor >/dev/null
  # Built once here: bench/run-server.sh need not build again before every run.
  export BENCH_NO_BUILD=1
}
lt=(dotnet bench/LoadTest/bin/Release/net10.0/ActorGameServer.LoadTest.dll)

start_actor() { # config -> server_pid
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

# run SERVER(actor|baseline|floor) NAME CONFIG SCENARIO-ARGS...   (CONFIG: the actor's hocon, the floor's arguments, or -)
# A fresh server for this one run, stopped after it; the result goes to $results/SERVER-NAME.json.
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

#!/usr/bin/env bash
# Starts the Release server on 127.0.0.1 in the background with a bench config; prints its PID.
# usage: [BENCH_PORT=9400] [BENCH_HTTP_PORT=0] bench/run-server.sh bench/throughput.hocon   (log in /tmp/ags-bench-server-PORT.log)
#        BENCH_CLUSTER_PORT and BENCH_SEEDS make it a node of a cluster (bench/cluster.sh).
#        BENCH_NO_BUILD=1 skips the build (bench/lib.sh builds once before many runs).
# Refuses a port that something already listens on, so a load run never measures another server.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${BENCH_PORT:-9400}"
log="/tmp/ags-bench-server-$port.log"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "port $port is already in use; set BENCH_PORT to another port" >&2
  exit 1
fi
[[ -n "${BENCH_NO_BUILD:-}" ]] || dotnet build -c Release src/Server >/dev/null
# Cluster port 0 by default: a cluster of one on a free port, so a bench server never collides
# with a server already on 9302 (or with the previous bench server still shutting down).
GAME_SERVER_HOST=127.0.0.1 GAME_SERVER_PORT="$port" GAME_SERVER_HTTP_PORT="${BENCH_HTTP_PORT:-0}" \
  GAME_SERVER_CLUSTER_PORT="${BENCH_CLUSTER_PORT:-0}" GAME_SERVER_SEED_NODES="${BENCH_SEEDS:-}" GAME_SERVER_LOGLEVEL=WARNING \
  dotnet src/Server/bin/Release/net10.0/ActorGameServer.Server.dll --config "${1:-bench/loopback.hocon}" \
  > "$log" 2>&1 &
pid=$!
# A node of a cluster listens once it is Up, which can take a few seconds of joining.
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the server exited; see $log" >&2
  tail -3 "$log" >&2
  exit 1
fi
echo "$pid"

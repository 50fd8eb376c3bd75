#!/usr/bin/env bash
# Rooms across a cluster of two server nodes on this machine: every room's members spread over
# both nodes (LoadTest --also-port), the server CPU of both processes added up per delivery.
# Results as JSON in bench/results/<timestamp>/cluster-rooms.json; numbers in docs/PERFORMANCE.md.
#
# usage: bench/cluster.sh [LoadTest rooms options, e.g. --rooms 100 --members 10 --seconds 30]
# env:   BENCH_PORT (first node's game port, 9400; the second gets +1)
#        CLUSTER_PORT (first node's cluster port, 9410; the second gets +1)
# Both nodes are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
build_all

first_port="$actor_port"
second_port=$((actor_port + 1))
first_cluster="${CLUSTER_PORT:-9410}"
second_cluster=$((first_cluster + 1))
seeds="127.0.0.1:$first_cluster,127.0.0.1:$second_cluster"
for port in "$first_port" "$second_port" "$first_cluster" "$second_cluster"; do
  if port_in_use "$port"; then
    echo "port $port is already in use; set BENCH_PORT or CLUSTER_PORT" >&2
    exit 1
  fi
done

# Both at once, with the same seeds: the first in the list forms the cluster, the other joins it.
BENCH_PORT="$first_port" BENCH_CLUSTER_PORT="$first_cluster" BENCH_SEEDS="$seeds" bench/run-server.sh bench/loopback.hocon >"$results/first.pid" &
BENCH_PORT="$second_port" BENCH_CLUSTER_PORT="$second_cluster" BENCH_SEEDS="$seeds" bench/run-server.sh bench/loopback.hocon >"$results/second.pid" &
wait
first_pid=$(cat "$results/first.pid")
second_pid=$(cat "$results/second.pid")
started+=("$first_pid" "$second_pid")
echo "two nodes up: pids $first_pid and $second_pid, game ports $first_port and $second_port" >&2

"${lt[@]}" rooms --port "$first_port" --also-port "$second_port" \
  --server-pid "$first_pid" --also-server-pid "$second_pid" \
  --json "$results/cluster-rooms.json" "$@"
echo "results: $results/cluster-rooms.json" >&2

#!/usr/bin/env bash
# Starts the Release server on 127.0.0.1:9400 in the background with a bench config; prints its PID.
# usage: bench/run-server.sh bench/throughput.hocon   (log in /tmp/ags-bench-server.log)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/Server >/dev/null
GAME_SERVER_HOST=127.0.0.1 GAME_SERVER_PORT=9400 GAME_SERVER_LOGLEVEL=WARNING \
  dotnet src/Server/bin/Release/net10.0/ActorGameServer.Server.dll --config "${1:-bench/loopback.hocon}" \
  > /tmp/ags-bench-server.log 2>&1 &
pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/9400) 2>/dev/null && break; sleep 0.1; done
echo "$pid"

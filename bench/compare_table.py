#!/usr/bin/env python3
"""Markdown table from bench/compare.sh's JSON results: actor server vs bench/Baseline.

usage: bench/compare_table.py RESULTS_DIR   (reads actor-NAME.json, baseline-NAME.json, floor-NAME.json,
       SERVER-capacity.json from bench/capacity_check.py, and actor-flood-quiet.json / actor-flood.json)
"""
import json
import pathlib
import sys


def load(directory, server, name):
    path = directory / f"{server}-{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def get(result, *keys):
    value = result
    for key in keys:
        if value is None:
            return None
        value = value.get(key) if isinstance(value, dict) else None
    return value


def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, int) or digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def ratio(actor, baseline, digits=2):
    if actor is None or baseline is None or baseline == 0:
        return "—"
    value = actor / baseline
    return f"{value:.{digits if value >= 0.1 else 3}f}×"


def clean(result):
    if result is None:
        return "—"
    return f"{result['lost']} / {result['outOfOrder']} / {result['errors']}"


def table(header, rows, align=None):
    """A markdown table; align has an l or r per column (default: the first left, the rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    print("| " + " | ".join(header) + " |")
    print("|" + "".join("---|" if a == "l" else "---:|" for a in align))
    for r in rows:
        print("| " + " | ".join(r) + " |")


def main():
    directory = pathlib.Path(sys.argv[1])
    rows = []

    def row(scenario, metric, actor, baseline, digits=1, show_ratio=True, note=""):
        rows.append((scenario, metric, fmt(actor, digits), fmt(baseline, digits),
                     ratio(actor, baseline) if show_ratio else "—", note))

    def counts(scenario, actor, baseline):
        rows.append((scenario, "lost / out-of-order / errors (must be 0)", clean(actor), clean(baseline), "—", ""))

    a, b = load(directory, "actor", "ping50"), load(directory, "baseline", "ping50")
    if a or b:
        s = f"ping, {get(a or b, 'options', 'clients')} clients, closed loop"
        row(s, "round trips/s", get(a, "throughput"), get(b, "throughput"), 0, note="higher is better")
        row(s, "server CPU µs per round trip", get(a, "server", "cpuMicrosecondsPerOperation"),
            get(b, "server", "cpuMicrosecondsPerOperation"), 2, note="lower is better")
        row(s, "p50 ms", get(a, "latency", "p50Ms"), get(b, "latency", "p50Ms"), 3)
        row(s, "p99 ms", get(a, "latency", "p99Ms"), get(b, "latency", "p99Ms"), 3)
        counts(s, a, b)

    a, b = load(directory, "actor", "ping1"), load(directory, "baseline", "ping1")
    if a or b:
        s = "ping, 1 client, closed loop"
        row(s, "p50 ms", get(a, "latency", "p50Ms"), get(b, "latency", "p50Ms"), 3, note="lower is better")
        row(s, "p99 ms", get(a, "latency", "p99Ms"), get(b, "latency", "p99Ms"), 3)
        row(s, "round trips/s", get(a, "throughput"), get(b, "throughput"), 0)
        counts(s, a, b)

    a, b = load(directory, "actor", "tick"), load(directory, "baseline", "tick")
    if a or b:
        o = get(a or b, "options")
        s = f"tick, {o['clients']} clients at {o['hz']:g} Hz"
        row(s, "p99 ms", get(a, "latency", "p99Ms"), get(b, "latency", "p99Ms"), 3, note="lower is better")
        row(s, "p50 ms", get(a, "latency", "p50Ms"), get(b, "latency", "p50Ms"), 3)
        row(s, "p99.9 ms", get(a, "latency", "p999Ms"), get(b, "latency", "p999Ms"), 3)
        offered = lambda r: None if r is None else f"{fmt(get(r, 'extra', 'sentPerSecond'), 0)}"
        row(s, "replies/s", get(a, "throughput"), get(b, "throughput"), 0,
            note=f"PINGs/s sent of {fmt(o['clients'] * o['hz'], 0)} scheduled: {offered(a) or '—'} / {offered(b) or '—'}")
        row(s, "missed ticks (generator late)", get(a, "missedTicks"), get(b, "missedTicks"), 0, show_ratio=False)
        row(s, "server CPU µs per reply", get(a, "server", "cpuMicrosecondsPerOperation"),
            get(b, "server", "cpuMicrosecondsPerOperation"), 2)
        counts(s, a, b)

    a, b = load(directory, "actor", "hold"), load(directory, "baseline", "hold")
    if a or b:
        s = f"hold, {int(get(a or b, 'extra', 'requested'))} connections"
        acc = lambda r: None if r is None else f"{int(r['extra']['accepted']):,} of {int(r['extra']['requested']):,}"
        rows.append((s, "accepted", acc(a) or "—", acc(b) or "—", "—", "all must be accepted"))
        row(s, "accept time s (all connected and answered)", get(a, "extra", "acceptSeconds"),
            get(b, "extra", "acceptSeconds"), 2)
        row(s, "server RSS growth KB per connection", get(a, "extra", "rssKbPerConnection"),
            get(b, "extra", "rssKbPerConnection"), 2)
        row(s, "handshake p99 ms", get(a, "latency", "p99Ms"), get(b, "latency", "p99Ms"), 3)

    a, b = load(directory, "actor", "rooms"), load(directory, "baseline", "rooms")
    if a or b:
        o = get(a or b, "options")
        s = f"rooms, {o['rooms']}×{o['members']} at {o['hz']:g} Hz"
        sent = lambda r: None if r is None else f"{fmt(get(r, 'extra', 'relaysSentPerSecond'), 0)}"
        row(s, "deliveries/s", get(a, "throughput"), get(b, "throughput"), 0,
            note=f"relays/s sent of {fmt(get(a or b, 'extra', 'relaysScheduledPerSecond'), 0)} scheduled: {sent(a) or '—'} / {sent(b) or '—'}")
        row(s, "p50 ms", get(a, "latency", "p50Ms"), get(b, "latency", "p50Ms"), 3, note="delivery latency")
        row(s, "p99 ms", get(a, "latency", "p99Ms"), get(b, "latency", "p99Ms"), 3)
        row(s, "max ms", get(a, "latency", "maxMs"), get(b, "latency", "maxMs"), 3)
        row(s, "server CPU µs per delivery", get(a, "server", "cpuMicrosecondsPerOperation"),
            get(b, "server", "cpuMicrosecondsPerOperation"), 2, note="lower is better")
        row(s, "of which in the kernel (system calls, loopback TCP)", get(a, "server", "kernelMicrosecondsPerOperation"),
            get(b, "server", "kernelMicrosecondsPerOperation"), 2)
        row(s, "server CPU % of one core", get(a, "server", "cpuPercentOfOneCore"), get(b, "server", "cpuPercentOfOneCore"), 0)
        row(s, "generator CPU s (shares the cores)", get(a, "generatorCpuSeconds"), get(b, "generatorCpuSeconds"), 2, show_ratio=False)
        row(s, "missed ticks (generator late)", get(a, "missedTicks"), get(b, "missedTicks"), 0, show_ratio=False)
        counts(s, a, b)

    a, b = load(directory, "actor", "capacity"), load(directory, "baseline", "capacity")
    if a or b:
        c = a or b
        s = f"capacity: rooms of {c['members']} at {c.get('hz', 20):g} Hz, p99 < {c['p99LimitMs']:g} ms, 0 lost"

        def failed(r):
            if r is None:
                return "—"
            if r["failedAtPlayers"] is None:
                return "no step failed (a lower bound)"
            return f"{r['failedAtPlayers']:,}: {r['failedBecause']}"

        row(s, "most players", get(a, "players"), get(b, "players"), 0,
            note=f"first failing step, actor {failed(a)}; baseline {failed(b)}")

    table(["Scenario", "Metric", "Actor server", "Baseline", "Actor ÷ baseline", "Note"], rows, "llrrrl")

    floors = [("Akka.IO, one handler actor per connection", "akka-io"),
              ("Akka.IO alone (one shared handler)", "akka-io-shared"),
              ("plain sockets, one actor per connection", "sockets")]
    held = [(label, load(directory, "floor", name)) for label, name in floors]
    if any(r for _, r in held):
        print()
        table(["hold, same size: bench/Floor", "accepted", "accept time s", "RSS growth KB per connection",
               "server CPU µs per connection"],
              [(label, f"{int(r['extra']['accepted']):,} of {int(r['extra']['requested']):,}",
                fmt(get(r, "extra", "acceptSeconds"), 2), fmt(get(r, "extra", "rssKbPerConnection"), 2),
                fmt(get(r, "server", "cpuMicrosecondsPerOperation"), 0)) for label, r in held if r])

    flood_table(directory)

    base = load(directory, "baseline", "ping50")
    pinged = [("Akka.IO, one handler actor per connection", load(directory, "floor", "akka-io-ping50")),
              ("plain sockets, one actor per connection", load(directory, "floor", "sockets-ping50"))]
    if any(r for _, r in pinged):
        print()
        cpu = lambda r: get(r, "server", "cpuMicrosecondsPerOperation")
        table(["ping, 50 clients: bench/Floor", "round trips/s", "÷ baseline", "server CPU µs per round trip",
               "÷ baseline"],
              [(label, fmt(r["throughput"], 0), ratio(r["throughput"], get(base, "throughput")),
                fmt(cpu(r), 2), ratio(cpu(r), cpu(base))) for label, r in pinged if r])


def flood_table(directory):
    """The same well-behaved players on the actor server, without and with flooders (two runs)."""
    quiet, flood = load(directory, "actor", "flood-quiet"), load(directory, "actor", "flood")
    if not (quiet or flood):
        return
    o = get(flood or quiet, "options")
    burst = get(flood, "options", "floodBurst")
    how = f"{burst:,} PINGs at once" if burst else "bursts of 100 PINGs every 10 ms"
    print()
    print(f"Floods (actor server, loopback.hocon): {o['clients']} players pinging at {o['hz']:g} Hz, without and then "
          f"with {get(flood, 'options', 'flooders') or '—'} flooders ({how}, reconnecting whenever closed); two runs.")
    print()
    rows = []

    def row(metric, without, with_, digits=3, show_ratio=True, note=""):
        rows.append((metric, fmt(without, digits), fmt(with_, digits), ratio(with_, without) if show_ratio else "—", note))

    row("players' p99 ms", get(quiet, "latency", "p99Ms"), get(flood, "latency", "p99Ms"), note="target: with ≤ 1.5× without")
    row("players' p50 ms", get(quiet, "latency", "p50Ms"), get(flood, "latency", "p50Ms"))
    row("players' p99.9 ms", get(quiet, "latency", "p999Ms"), get(flood, "latency", "p999Ms"))
    rows.append(("players' lost / out-of-order / errors (must be 0)", clean(quiet), clean(flood), "—", ""))
    cores = lambda r: None if get(r, "server", "cpuSeconds") is None else r["server"]["cpuSeconds"] / r["durationSeconds"]
    row("server CPU, cores (CPU s per s)", cores(quiet), cores(flood))
    spent = None if cores(quiet) is None or cores(flood) is None else cores(flood) - cores(quiet)
    rows.append(("server CPU spent on flooders", "—", "—" if spent is None else f"{spent:.3f} CPU s/s = {spent * 100:.0f} % of a core",
                 "—", "the difference between the two runs"))
    f = get(flood, "flood")
    if f:
        rows.append(("flooder connections (closed by the server: FIN / reset)", "—",
                     f"{f['connections']:,} ({f['closedByFin']:,} / {f['closedByReset']:,})", "—",
                     f"{f['openAtEnd']} still open at the end"))
        rows.append(("rate_limited ERRORs the flooders read", "—",
                     f"{f['rateLimitedErrors']:,} ({f['rateLimitedPerConnectedSecond']:g} per connected second)", "—",
                     "target: at most 1 per second per connection"))
        rows.append(("closes right after an ERROR", "—", f"{f['closedAfterError']:,} of {f['closedByFin'] + f['closedByReset'] + f['closedOtherwise']:,}",
                     "—", f"last: {f['lastErrorBeforeClose']}" if f.get("lastErrorBeforeClose") else ""))
    table(["Metric", "Without flooders", "With flooders", "With ÷ without", "Note"], rows, "lrrrl")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Judges bench/capacity.sh's steps: does one `rooms` run keep delivery p99 under the limit with
nothing lost, and which is the largest passing step before the first failure.

usage: capacity_check.py step FILE [--p99-ms 50] [--min-sent 0.99]
           prints the verdict; exit 0 when the step passes, 1 when not
       capacity_check.py summary DIR SERVER [--members 10] [--p99-ms 50] [--min-sent 0.99]
           judges DIR/SERVER-capacity-ROOMS.json in order of ROOMS, prints the capacity and writes
           DIR/SERVER-capacity.json (read by compare_table.py)
"""
import argparse
import json
import pathlib
import re
import sys


def judge(result, p99_limit_ms, min_sent):
    """(passed, why): every delivery arrived, in order, without errors, p99 under the limit, and
    the generator really sent (nearly) every scheduled relay, so the step ran at its load."""
    if result is None:
        return False, "no result (the load generator failed; see its output)"
    problems = []
    if result["lost"] > 0:
        problems.append(f"{result['lost']:,} lost")
    if result["outOfOrder"] > 0:
        problems.append(f"{result['outOfOrder']:,} out of order")
    if result["errors"] > 0:
        problems.append(f"{result['errors']:,} errors ({result['failedClients']} failed clients)")
    latency = result.get("latency")
    p99 = latency["p99Ms"] if latency else None
    if p99 is None:
        problems.append("no deliveries")
    elif p99 >= p99_limit_ms:
        problems.append(f"p99 {p99:,.1f} ms ≥ {p99_limit_ms:g} ms")
    extra = result["extra"]
    sent = extra["relaysSentPerSecond"] / extra["relaysScheduledPerSecond"]
    if sent < min_sent:
        problems.append(f"the generator sent only {sent:.1%} of the scheduled relays ({result['missedTicks']:,} missed ticks), "
                        "so the step did not run at its load")
    if problems:
        return False, "; ".join(problems)
    return True, f"p99 {p99:.1f} ms, max {latency['maxMs']:.1f} ms, 0 lost, {sent:.1%} of scheduled relays sent"


def load(path):
    path = pathlib.Path(path)
    return json.loads(path.read_text()) if path.exists() else None


def summarize(directory, server, members, p99_limit_ms, min_sent):
    steps = []
    for path in directory.glob(f"{server}-capacity-*.json"):
        match = re.fullmatch(rf"{re.escape(server)}-capacity-(\d+)\.json", path.name)
        if match:
            steps.append((int(match.group(1)), load(path)))
    steps.sort()
    summary = {"server": server, "members": members, "p99LimitMs": p99_limit_ms, "minSent": min_sent,
               "players": 0, "rooms": 0, "failedAtPlayers": None, "failedBecause": None, "steps": []}
    for rooms, result in steps:
        passed, why = judge(result, p99_limit_ms, min_sent)
        players = rooms * members
        summary["steps"].append({"rooms": rooms, "players": players, "passed": passed, "why": why,
                                 "p99Ms": result["latency"]["p99Ms"] if result and result.get("latency") else None,
                                 "cpuMicrosecondsPerDelivery": (result.get("server") or {}).get("cpuMicrosecondsPerOperation") if result else None})
        if result:
            summary["hz"] = result["options"]["hz"]
        if not passed:
            summary["failedAtPlayers"], summary["failedBecause"] = players, why
            break
        summary["players"], summary["rooms"] = players, rooms
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["step", "summary"])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--p99-ms", type=float, default=50)
    parser.add_argument("--min-sent", type=float, default=0.99)
    args = parser.parse_args()
    if args.mode == "step":
        passed, why = judge(load(args.paths[0]), args.p99_ms, args.min_sent)
        print(("pass: " if passed else "fail: ") + why)
        sys.exit(0 if passed else 1)

    directory, server = pathlib.Path(args.paths[0]), args.paths[1]
    summary = summarize(directory, server, args.members, args.p99_ms, args.min_sent)
    (directory / f"{server}-capacity.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    failed = (f"; first failing step {summary['failedAtPlayers']:,} players: {summary['failedBecause']}"
              if summary["failedAtPlayers"] else "; no step failed, so this is a lower bound")
    print(f"{server} capacity: {summary['players']:,} players ({summary['rooms']} rooms){failed}")


if __name__ == "__main__":
    main()

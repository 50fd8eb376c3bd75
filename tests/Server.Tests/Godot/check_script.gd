# What every test script here shares. A script extends this file (extends "check_script.gd"),
# does its setup in its own _init and then calls run_and_quit(): run() holds its checks, each
# printing one "ok: ..." or "FAIL: ..." line (check), and the script prints "done: N failure(s)"
# and exits 0 only if none failed.
#
# Godot 3 pitfalls this answers (see ping_client.gd for the others):
# - A runtime error only makes the function it happens in return null, and its caller carries
#   on: run() returns true only when it got to its end, and run_and_quit checks that.
# - A runtime error in _init itself would leave the engine idling forever: _idle is the watchdog.
# - A base script's _init runs before the extending script's members are set, so nothing runs
#   from an _init here: the extending script calls run_and_quit from its own.
extends SceneTree

var failures := 0
var deadline := 0
var finished := false
# The events pump() filed, by "type/request id" (0 for a push), for wait_for_reply.
var replies := {}


# Runs the checks with timeout_ms for all their waits (0: no waits), then quits.
func run_and_quit(timeout_ms: int = 0):
	deadline = OS.get_ticks_msec() + timeout_ms
	var completed = run()
	check(typeof(completed) == TYPE_BOOL and completed, "every check ran (none cut short by a script error)")
	close()
	print("done: %d failure(s)" % failures)
	finished = true
	quit(0 if failures == 0 else 1)


# The checks: true only when they all ran to the end.
func run() -> bool:
	return false


# Lets go of what run() opened.
func close():
	pass


# One poll of the script's connection, filing its events: false at the deadline or on a
# disconnect it did not expect. Scripts that wait define it.
func pump() -> bool:
	return false


# Only reached with finished == false if a runtime error aborted _init.
func _idle(_delta):
	if not finished:
		finished = true
		print("FAIL: the script stopped early (see the SCRIPT ERROR above)")
		quit(1)
	return false


func check(ok: bool, what: String) -> bool:
	if ok:
		print("ok: ", what)
	else:
		print("FAIL: ", what)
		failures += 1
	return ok


# True once the deadline passed, after failing with what was seen so far; the remaining waits
# then get two more seconds, to end quickly.
func timed_out(seen_so_far: String) -> bool:
	if OS.get_ticks_msec() <= deadline:
		return false
	print("FAIL: timed out (%s)" % seen_so_far)
	failures += 1
	deadline = OS.get_ticks_msec() + 2000
	return true


# Polls until call(condition) is true; false at the deadline or on an unexpected disconnect.
func wait_for(condition: String) -> bool:
	while not call(condition):
		if not pump():
			return false
	return true


# Polls until the reply of the given type arrives (for the request id, when one is given).
func wait_for_reply(type: String, id: int = 0):
	var key = "%s/%d" % [type, id]
	while not replies.has(key):
		if not pump():
			return null
	return replies[key]

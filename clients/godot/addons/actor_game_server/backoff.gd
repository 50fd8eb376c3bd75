# Reconnect delays: exponential from min_ms up to max_ms, each with random jitter so that a
# thousand players dropped by the same server restart do not all knock at the same millisecond.
# Version-neutral (no `extends`, no engine API but randf), like protocol.gd.

var min_ms = 500
var max_ms = 15000
# Each delay is drawn from [delay * (1 - jitter), delay].
var jitter = 0.5

var _attempt = 0
# A floor for the next delay only, from SHUTDOWN's reconnect_after_ms.
var _server_hint_ms = 0


# The delay before the next attempt; every call without a reset() doubles it, up to max_ms.
func next_delay_ms():
	var delay = min(max_ms, min_ms * pow(2, min(_attempt, 30)))
	_attempt += 1
	delay = int(delay * (1.0 - jitter * randf()))
	# The server said when it will be back: coming earlier only wastes an attempt, so wait at
	# least that long, plus jitter on top so the whole room does not return at once.
	if _server_hint_ms > 0:
		delay = max(delay, _server_hint_ms + int(min_ms * jitter * randf()))
		_server_hint_ms = 0
	return max(delay, 0)


# The server's SHUTDOWN said it will be back after this many milliseconds.
func honor_server_hint(reconnect_after_ms):
	_server_hint_ms = max(0, int(reconnect_after_ms))


# A connection succeeded: the next drop starts from min_ms again.
func reset():
	_attempt = 0

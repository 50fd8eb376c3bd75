# A headless Godot 3.2 client for the end-to-end test: it talks to the server exactly as a game
# would, with StreamPeerTCP.put_utf8_string and get_utf8_string(get_u32()), checks every reply,
# prints one "ok: ..." or "FAIL: ..." line per check, and exits 0 only if all of them matched.
#
# Run: GAME_SERVER_HOST=127.0.0.1 GAME_SERVER_PORT=<port> godot3-server -s ping_client.gd
#
# Godot 3 pitfalls this script avoids on purpose:
# - Its JSON parses every number as a float, so numbers are compared as floats (values.gd).
# - "a" == 1 is a runtime error ("Invalid operands"), not false, so no == without a type check.
# - A runtime error only makes the function it happens in return null; its caller carries on. In
#   run_checks that would skip checks silently, so run_checks returns true only if it got to the
#   end. In _init itself the engine would idle forever: _idle is the watchdog for that. Both
#   answers are in check_script.gd, which every script here extends.
# - A parse error, or a missing script, makes godot3-server exit 0: the test must also check that
#   the expected "ok:" lines were printed.
extends "check_script.gd"

const CONNECT_TIMEOUT_MS = 10000
const TIMEOUT_MS = 30000
const PIPELINED = 50

var socket := StreamPeerTCP.new()
# Structural comparison (values.gd, next to this script), loaded first thing in _init.
var Values = null
# The WELCOME and PONG checks every client makes (greeting_checks.gd, next to this script).
var Greeting = null


func _init():
	Values = load(get_script().resource_path.get_base_dir().plus_file("values.gd"))
	Greeting = load(get_script().resource_path.get_base_dir().plus_file("greeting_checks.gd"))
	run_and_quit(TIMEOUT_MS)


func close():
	socket.disconnect_from_host()


func run() -> bool:
	var host = OS.get_environment("GAME_SERVER_HOST")
	var port = OS.get_environment("GAME_SERVER_PORT")
	if host == "" or not port.is_valid_integer():
		check(false, "GAME_SERVER_HOST and GAME_SERVER_PORT are set (got '%s' and '%s')" % [host, port])
		return true
	if not connect_to(host, int(port)):
		check(false, "connected to %s:%s within %d ms (status %d)" % [host, port, CONNECT_TIMEOUT_MS, socket.get_status()])
		return true
	check(true, "connected to %s:%s" % [host, port])
	# A runtime error makes the function return null and its caller carry on.
	var completed = run_checks()
	return typeof(completed) == TYPE_BOOL and completed


func connect_to(host: String, port: int) -> bool:
	if socket.connect_to_host(host, port) != OK:
		return false
	var connect_deadline = OS.get_ticks_msec() + CONNECT_TIMEOUT_MS
	while socket.get_status() == StreamPeerTCP.STATUS_CONNECTING and OS.get_ticks_msec() < connect_deadline:
		OS.delay_msec(5)
	if socket.get_status() != StreamPeerTCP.STATUS_CONNECTED:
		return false
	socket.set_no_delay(true)
	return true


func run_checks() -> bool:
	var welcome = read_frame()
	Greeting.welcome_and_pongs(self, welcome)

	send({"cmd": "PING", "message": "with id", "id": "req-1"})
	var pong = read_frame()
	check(Values.deep_equal(field(pong, "cmd"), "PONG") and Values.deep_equal(field(pong, "id"), "req-1"), "PONG copies the request id (%s)" % str(pong))

	send({"cmd": "NOT_A_COMMAND", "message": {}})
	var error = read_frame()
	check(Values.deep_equal(field(error, "cmd"), "ERROR") and Values.deep_equal(field(field(error, "message"), "code"), "unknown_cmd"), "unknown command gets ERROR unknown_cmd (%s)" % str(error))
	pong = ping("still open")
	check(Values.deep_equal(field(pong, "message"), "still open"), "the connection stays open after unknown_cmd")

	for i in range(PIPELINED):
		send({"cmd": "PING", "message": i})
	var answered = 0
	for i in range(PIPELINED):
		pong = read_frame()
		if not Values.deep_equal(field(pong, "cmd"), "PONG") or not Values.deep_equal(field(pong, "message"), i):
			print("FAIL: reply %d to the pipelined PINGs is %s" % [i, str(pong)])
			break
		answered += 1
	check(answered == PIPELINED, "%d back-to-back PINGs answered in order (%d matched)" % [PIPELINED, answered])
	return true


func ping(message):
	send({"cmd": "PING", "message": message})
	return read_frame()


func send(frame: Dictionary):
	socket.put_utf8_string(JSON.print(frame))


# Reads one frame, or returns null at the deadline. StreamPeerTCP reads block until all bytes
# arrive (there is no peek), so the 4-byte length is read only once get_available_bytes()
# covers it, and the payload only once it covers the payload.
func read_frame():
	if not wait_for_bytes(4):
		return null
	var length = socket.get_u32()
	if not wait_for_bytes(length):
		return null
	var text = socket.get_utf8_string(length)
	var parsed = JSON.parse(text)
	if parsed.error != OK or typeof(parsed.result) != TYPE_DICTIONARY:
		print("FAIL: a frame is not a JSON object (%s): %s" % [parsed.error_string, text])
		failures += 1
		return null
	return parsed.result


func wait_for_bytes(count: int) -> bool:
	while socket.get_available_bytes() < count:
		if socket.get_status() != StreamPeerTCP.STATUS_CONNECTED:
			print("FAIL: disconnected (status %d) while waiting for %d bytes" % [socket.get_status(), count])
			failures += 1
			return false
		if OS.get_ticks_msec() > deadline:
			print("FAIL: timed out waiting for %d bytes (%d available)" % [count, socket.get_available_bytes()])
			failures += 1
			return false
		OS.delay_msec(1)
	return true


# d[key] when d is a dictionary holding key, else null: never a runtime error on a bad reply.
func field(d, key):
	if typeof(d) == TYPE_DICTIONARY:
		return d.get(key)
	return null

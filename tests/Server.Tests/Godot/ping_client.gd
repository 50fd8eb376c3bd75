# A headless Godot 3 client for the end-to-end test: it talks to the server exactly as a game
# would, with StreamPeerTCP.put_utf8_string and get_utf8_string(get_u32()), checks every reply,
# and exits 0 only if all of them matched. Run: godot3-server -s ping_client.gd
extends SceneTree

const TIMEOUT_MS = 20000

var socket := StreamPeerTCP.new()
var failures := 0
var deadline := 0


func _init():
	deadline = OS.get_ticks_msec() + TIMEOUT_MS
	var host = OS.get_environment("GAME_SERVER_HOST")
	var port = int(OS.get_environment("GAME_SERVER_PORT"))
	if connect_to(host, port):
		run_checks()
	else:
		check(false, "connected to %s:%d" % [host, port])
	socket.disconnect_from_host()
	print("done: %d failure(s)" % failures)
	quit(0 if failures == 0 else 1)


func connect_to(host: String, port: int) -> bool:
	if socket.connect_to_host(host, port) != OK:
		return false
	while socket.get_status() == StreamPeerTCP.STATUS_CONNECTING and OS.get_ticks_msec() < deadline:
		OS.delay_msec(5)
	if socket.get_status() != StreamPeerTCP.STATUS_CONNECTED:
		return false
	socket.set_no_delay(true)
	return true


func run_checks():
	var welcome = read_frame()
	check(welcome != null and welcome.cmd == "WELCOME", "WELCOME arrives first")
	if welcome == null:
		return
	check(welcome.message.user_id >= 1, "WELCOME has a user_id (%s)" % str(welcome.message.user_id))
	check(welcome.message.max_payload == 5000, "WELCOME has max_payload 5000")

	var sent_at = OS.get_ticks_msec()
	var pong = ping(sent_at)
	check(pong != null and pong.cmd == "PONG" and pong.message == sent_at, "PONG carries the tick %d" % sent_at)
	print("rtt: %d ms" % (OS.get_ticks_msec() - sent_at))

	var text = "héllo wörld ✓ 🎮"
	pong = ping(text)
	check(pong != null and pong.message == text, "PONG carries the unicode string")

	var state = {"x": 1.5, "y": -2, "name": "p1", "tags": ["a", "b"], "nested": {"ok": true, "none": null}}
	pong = ping(state)
	check(pong != null and deep_equal(pong.message, state), "PONG carries the dictionary")

	send({"cmd": "PING", "message": "with id", "id": "req-1"})
	pong = read_frame()
	check(pong != null and pong.get("id") == "req-1", "PONG copies the request id")

	send({"cmd": "NOT_A_COMMAND", "message": {}})
	var error = read_frame()
	check(error != null and error.cmd == "ERROR" and error.message.code == "unknown_cmd", "unknown command gets ERROR unknown_cmd")
	pong = ping("still open")
	check(pong != null and pong.message == "still open", "the connection stays open after unknown_cmd")

	for i in range(50):
		send({"cmd": "PING", "message": i})
	var in_order = true
	for i in range(50):
		pong = read_frame()
		if pong == null or pong.cmd != "PONG" or pong.message != i:
			in_order = false
			break
	check(in_order, "50 back-to-back PINGs answered in order")


func ping(message):
	send({"cmd": "PING", "message": message})
	return read_frame()


func send(frame: Dictionary):
	socket.put_utf8_string(JSON.print(frame))


# Reads one frame, or returns null at the deadline. StreamPeerTCP reads block until all bytes
# arrive, so this only reads what get_available_bytes() says is already there.
func read_frame():
	if not wait_for_bytes(4):
		return null
	var length = socket.get_u32()
	if not wait_for_bytes(length):
		return null
	var parsed = JSON.parse(socket.get_utf8_string(length))
	if parsed.error != OK:
		print("FAIL: a frame is not JSON: ", parsed.error_string)
		failures += 1
		return null
	return parsed.result


func wait_for_bytes(count: int) -> bool:
	while socket.get_available_bytes() < count:
		if OS.get_ticks_msec() > deadline or socket.get_status() != StreamPeerTCP.STATUS_CONNECTED:
			print("FAIL: timed out or disconnected waiting for %d bytes" % count)
			failures += 1
			return false
		OS.delay_msec(1)
	return true


func check(ok: bool, what: String):
	if ok:
		print("ok: ", what)
	else:
		print("FAIL: ", what)
		failures += 1


# Godot 3 compares dictionaries by reference, and its JSON turns every number into a float.
func deep_equal(a, b) -> bool:
	if typeof(a) == TYPE_DICTIONARY and typeof(b) == TYPE_DICTIONARY:
		if a.size() != b.size():
			return false
		for key in a:
			if not b.has(key) or not deep_equal(a[key], b[key]):
				return false
		return true
	if typeof(a) == TYPE_ARRAY and typeof(b) == TYPE_ARRAY:
		if a.size() != b.size():
			return false
		for i in range(a.size()):
			if not deep_equal(a[i], b[i]):
				return false
		return true
	if typeof(a) in [TYPE_INT, TYPE_REAL] and typeof(b) in [TYPE_INT, TYPE_REAL]:
		return float(a) == float(b)
	return typeof(a) == typeof(b) and a == b

# A headless Godot 3.2 client over WebSocket, the way an HTML5 export reaches the server (no raw
# TCP in a browser): Godot 3's WebSocketClient on the server's /ws path. Two parts, one
# connection each:
#   1. The wire, by hand: WELCOME first, PONGs that carry the PING's message byte for byte, ids
#      copied, unknown_cmd, 50 pipelined PINGs in order, a PING sent as a binary message; every
#      message from the server is a text message holding exactly one JSON envelope.
#   2. The addon: protocol.gd's open_url() (websocket_transport.gd) joins AGS_ROOM, where the
#      test's TCP player AGS_PEER already is, receives the RELAY the TCP player sends when it sees
#      this client join, and relays one back.
# Prints one "ok: ..." or "FAIL: ..." line per check, then "done: N failure(s)".
#
# Run: GAME_SERVER_URL=ws://127.0.0.1:<port>/ws AGS_ROOM=<room> AGS_PEER=<tcp player's name> \
#      godot3-server -s ws_client.gd
#
# No sleeps to let the TCP player catch up: the TCP player joins before this script starts and
# relays when the server tells it (PRESENCE) that this client joined, and this script waits for
# that RELAY; after relaying back it waits for the PONG to a later PING, so its RELAY has been
# handled before it disconnects. Every wait is bounded by one deadline for the whole script.
#
# Godot 3.2 pitfalls (see ping_client.gd): a parse error still exits 0, a runtime error only
# ends the current function, JSON numbers are floats, dictionaries compare by reference, and
# "a" == 1 is a runtime error. So every check prints a line the test looks for, and data is
# compared with values.gd's deep_equal.
extends "check_script.gd"

const PIPELINED = 50
const TIMEOUT_MS = 60000
const ME = "godot-ws"
# What the test's TCP player relays (GodotWebSocketTests.TcpPlayerData, parsed).
const FROM_TCP = {"x": 100.5, "y": -2, "name": "tcp", "text": "héllo ✓ 🎮", "nested": {"ok": true, "none": null}}
# What this client relays back (GodotWebSocketTests checks it arrives unchanged).
const TO_TCP = {"seq": 1, "x": 1.5, "text": "wörld ✓", "from": "data-godot"}

# Structural comparison (values.gd, next to this script), loaded first thing in _init.
var Values = null
# The WELCOME and PONG checks every client makes (greeting_checks.gd, next to this script).
var Greeting = null

# Part 1: the raw client, and every message it received as [text, was_string].
var socket = null
var received := []
# Part 2: the addon, and the events poll() returned that the waits look for.
var protocol = null
var relays := []


func _init():
	Values = load(get_script().resource_path.get_base_dir().plus_file("values.gd"))
	Greeting = load(get_script().resource_path.get_base_dir().plus_file("greeting_checks.gd"))
	run_and_quit(TIMEOUT_MS)


func close():
	if socket != null:
		socket.disconnect_from_host()
	if protocol != null:
		protocol.close()


func run() -> bool:
	var url = OS.get_environment("GAME_SERVER_URL")
	var room = OS.get_environment("AGS_ROOM")
	var peer_name = OS.get_environment("AGS_PEER")
	if not (url.begins_with("ws://") or url.begins_with("wss://")) or room == "" or peer_name == "":
		check(false, "GAME_SERVER_URL (ws://...), AGS_ROOM and AGS_PEER are set (got '%s', '%s', '%s')" % [url, room, peer_name])
		return true
	if wire(url):
		addon(url, room, peer_name)
	return true


# Part 1. Returns false when there is no point in going on.
func wire(url: String) -> bool:
	socket = WebSocketClient.new()
	if socket.connect_to_url(url) != OK:
		check(false, "connect_to_url(%s) starts connecting" % url)
		return false
	while socket.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTING:
		if OS.get_ticks_msec() > deadline:
			break
		socket.poll()
		OS.delay_msec(1)
	if not check(socket.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_CONNECTED, "WebSocket connected to %s" % url):
		return false
	socket.get_peer(1).set_write_mode(WebSocketPeer.WRITE_MODE_TEXT)

	var welcome = read_message()
	Greeting.welcome_and_pongs(self, welcome)

	# Godot's JSON would rewrite this (1.50 as 1.5, \u00e9 as é), so it is sent as written, and
	# the PONG's text must hold it byte for byte.
	var exact = "{\"b\":1.50,\"a\":\"\\u00e9\",\"big\":12345678901234567890}"
	send_text("{\"cmd\":\"PING\",\"message\":%s}" % exact)
	var pong_text = read_text()
	check(pong_text != null and pong_text.find(exact) >= 0, "PONG's text holds the PING's message byte for byte (%s)" % str(pong_text))

	send({"cmd": "PING", "message": "with id", "id": "req-1"})
	var pong = read_message()
	check(Values.deep_equal(field(pong, "cmd"), "PONG") and Values.deep_equal(field(pong, "id"), "req-1"), "PONG copies the request id (%s)" % str(pong))

	send({"cmd": "NOT_A_COMMAND", "message": {}})
	var error = read_message()
	check(Values.deep_equal(field(error, "cmd"), "ERROR") and Values.deep_equal(field(field(error, "message"), "code"), "unknown_cmd"), "unknown command gets ERROR unknown_cmd (%s)" % str(error))
	pong = ping("still open")
	check(Values.deep_equal(field(pong, "message"), "still open"), "the connection stays open after unknown_cmd")

	socket.get_peer(1).set_write_mode(WebSocketPeer.WRITE_MODE_BINARY)
	pong = ping("sent as binary")
	socket.get_peer(1).set_write_mode(WebSocketPeer.WRITE_MODE_TEXT)
	check(Values.deep_equal(field(pong, "message"), "sent as binary"), "a PING in a binary message is answered too (%s)" % str(pong))

	for i in range(PIPELINED):
		send({"cmd": "PING", "message": i})
	var answered = 0
	for i in range(PIPELINED):
		pong = read_message()
		if not Values.deep_equal(field(pong, "cmd"), "PONG") or not Values.deep_equal(field(pong, "message"), i):
			print("FAIL: reply %d to the pipelined PINGs is %s" % [i, str(pong)])
			break
		answered += 1
	check(answered == PIPELINED, "%d back-to-back PINGs answered in order, one message each (%d matched)" % [PIPELINED, answered])

	var binary = 0
	for message in received:
		if not message[1]:
			binary += 1
	check(binary == 0, "every message from the server is a text message (%d of %d were binary)" % [binary, received.size()])
	socket.disconnect_from_host()
	socket = null
	return true


# Part 2: the addon's protocol.gd over its WebSocket transport, in a room with a TCP player.
func addon(url: String, room: String, peer_name: String):
	var path = get_script().resource_path.get_base_dir().plus_file("addons/actor_game_server/protocol.gd")
	var script = load(path)
	if not check(script != null, "the addon's protocol.gd loads from %s" % path):
		return
	protocol = script.new()
	if not check(protocol.open_url(url) == OK, "the addon starts connecting to %s" % url):
		return
	var welcome = wait_for_reply("welcome")
	var my_id = field(welcome, "user_id")
	check(typeof(my_id) == TYPE_INT and my_id >= 1, "the addon is welcomed over WebSocket with an int user_id (%s)" % str(welcome))

	var hello_ok = wait_for_reply("hello_ok", protocol.hello(ME))
	check(Values.deep_equal(field(hello_ok, "name"), ME), "HELLO_OK names me %s (%s)" % [ME, str(hello_ok)])

	var joined = wait_for_reply("joined", protocol.join(room))
	var peer_id = 0
	var members = field(joined, "members")
	if typeof(members) == TYPE_ARRAY:
		for member in members:
			if Values.deep_equal(member.get("name"), peer_name):
				peer_id = member.get("user_id")
	check(peer_id != 0 and Values.deep_equal(field(joined, "room"), room), "JOINED %s lists the TCP player %s (%s)" % [room, peer_name, str(joined)])

	# The TCP player relays once it sees this client's PRESENCE.
	var relay = wait_for_relay()
	check(relay != null and relay["from"] == peer_id and relay["room"] == room and Values.deep_equal(relay["data"], FROM_TCP), "received the TCP player's RELAY, from its user id, data unchanged (%s)" % str(relay))

	check(protocol.relay(room, TO_TCP) > 0, "relayed to the TCP player")
	# Nothing is sent after the RELAY, so the PONG to this later PING means the server has
	# handled the RELAY (it handles a client's frames in order) before this client disconnects.
	var pong = wait_for_reply("pong", protocol.ping())
	check(typeof(field(pong, "rtt_ms")) == TYPE_INT and field(pong, "rtt_ms") >= 0, "the server answered the PING after the RELAY (%s)" % str(pong))


func ping(message):
	send({"cmd": "PING", "message": message})
	return read_message()


func send(envelope: Dictionary):
	send_text(JSON.print(envelope))


# One envelope as one WebSocket message, in whatever write mode the peer is in.
func send_text(text: String):
	socket.get_peer(1).put_packet(text.to_utf8())


# The next message as a dictionary, or null at the deadline.
func read_message():
	var text = read_text()
	if text == null:
		return null
	var parsed = JSON.parse(text)
	if parsed.error != OK or typeof(parsed.result) != TYPE_DICTIONARY:
		print("FAIL: a message is not one JSON object (%s): %s" % [parsed.error_string, text])
		failures += 1
		return null
	return parsed.result


# The next message's text, or null at the deadline or when the connection closes.
func read_text():
	var peer = socket.get_peer(1)
	while peer.get_available_packet_count() == 0:
		if socket.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
			print("FAIL: disconnected while waiting for a message")
			failures += 1
			return null
		if OS.get_ticks_msec() > deadline:
			print("FAIL: timed out waiting for a message")
			failures += 1
			return null
		socket.poll()
		if peer.get_available_packet_count() == 0:
			OS.delay_msec(1)
	var text = peer.get_packet().get_string_from_utf8()
	received.append([text, peer.was_string_packet()])
	return text


func wait_for_relay():
	while relays.empty():
		if not pump():
			return null
	return relays[0]


# One poll of the addon: files every event where the waits look for it. False at the deadline or
# on a disconnect.
func pump() -> bool:
	if timed_out("events so far: %s" % str(replies.keys())):
		return false
	for event in protocol.poll():
		match event["type"]:
			"relayed":
				relays.append(event)
			"disconnected":
				print("FAIL: disconnected: %s" % event["reason"])
				failures += 1
				return false
			"error":
				print("FAIL: the server answered request %d with %s" % [event["id"], str(event)])
				failures += 1
		replies["%s/%d" % [event["type"], event.get("id", 0)]] = event
	OS.delay_msec(1)
	return true


# d[key] when d is a dictionary holding key, else null: never a runtime error on a bad reply.
func field(d, key):
	if typeof(d) == TYPE_DICTIONARY:
		return d.get(key)
	return null

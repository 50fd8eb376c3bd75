# The Godot addon's protocol.gd, tcp_transport.gd and backoff.gd on their own, no server: TCP
# framing of bytes that trickle in, decoding of every push into its event, requests and events
# over a transport that moves whole messages (as WebSocket does), and the reconnect delays.
# Prints one "ok: ..." or "FAIL: ..." line per check, then "done: N failure(s)" (see
# ping_client.gd for why).
#
# Run: godot3-server -s protocol_unit.gd   (the addon's scripts beside it, under addons/)
extends "check_script.gd"


# A StreamPeerTCP stand-in whose bytes arrive a few at a time: only `delivered` bytes exist so
# far, and reading past them is recorded (a real StreamPeerTCP would block the game there).
class TricklePeer:
	var buffer = StreamPeerBuffer.new()
	var delivered = 0
	var over_reads = 0

	func get_available_bytes():
		return delivered - buffer.get_position()

	func get_u32():
		_reading(4)
		return buffer.get_u32()

	func get_utf8_string(count):
		_reading(count)
		return buffer.get_utf8_string(count)

	func _reading(count):
		if buffer.get_position() + count > delivered:
			over_reads += 1


# A transport that moves whole messages, as websocket_transport.gd does: what the test puts in
# `incoming` comes out of the next poll(), and what protocol.gd sends lands in `sent`.
class MessageTransport:
	var failure = ""
	var opened = false
	var closed = false
	var incoming = []
	var sent = []

	func poll():
		var texts = incoming
		incoming = []
		return texts

	func is_open():
		return opened and not closed

	func is_closed():
		return closed

	func send_text(text):
		sent.append(text)
		return OK

	func close():
		closed = true


func _init():
	run_and_quit()


func run() -> bool:
	var base = get_script().resource_path.get_base_dir().plus_file("addons/actor_game_server/")
	var protocol_script = load(base + "protocol.gd")
	var tcp_script = load(base + "tcp_transport.gd")
	var backoff_script = load(base + "backoff.gd")
	if protocol_script == null or tcp_script == null or backoff_script == null:
		check(false, "protocol.gd, tcp_transport.gd and backoff.gd load from %s" % base)
		return true
	framing(tcp_script.new())
	decoding(protocol_script.new())
	sending(protocol_script.new())
	messages(protocol_script.new())
	backoff(backoff_script.new())
	return true


# The TCP transport's read_frame, fed by a TricklePeer.
func framing(transport):
	var frames = ["{\"cmd\":\"PONG\",\"message\":1}", "{\"cmd\":\"PONG\",\"message\":\"héllo ✓ 🎮\"}", "{\"cmd\":\"PONG\",\"message\":{\"x\":1.5}}"]
	var peer = TricklePeer.new()
	var ends = []
	for text in frames:
		peer.buffer.put_utf8_string(text)
		ends.append(peer.buffer.get_position())
	peer.buffer.seek(0)

	# One byte at a time: each frame must come out exactly when its last byte arrives.
	var got = []
	var early_or_late = 0
	for delivered in range(1, ends[-1] + 1):
		peer.delivered = delivered
		var text = transport.read_frame(peer)
		if text != null:
			got.append(text)
			if ends.find(delivered) != got.size() - 1:
				early_or_late += 1
	check(to_json(got) == to_json(frames) and early_or_late == 0, "frames delivered a byte at a time are read whole, each when its last byte arrives (%s)" % str(got))
	check(peer.over_reads == 0, "no read asks for bytes that have not arrived (%d did)" % peer.over_reads)

	# All at once: one call per frame, then nothing.
	peer = TricklePeer.new()
	for text in frames:
		peer.buffer.put_utf8_string(text)
	peer.delivered = peer.buffer.get_position()
	peer.buffer.seek(0)
	got = []
	for i in range(frames.size() + 1):
		var text = transport.read_frame(peer)
		if text != null:
			got.append(text)
	check(to_json(got) == to_json(frames) and peer.over_reads == 0, "frames that arrive together are read one per call (%s)" % str(got))


func decoding(protocol):
	var event = protocol.decode("{\"cmd\":\"WELCOME\",\"message\":{\"user_id\":7,\"max_payload\":4000,\"version\":\"0.1.0\"}}")
	check(event.get("type") == "welcome" and typeof(event.get("user_id")) == TYPE_INT and event.get("user_id") == 7 and protocol.max_payload == 4000, "WELCOME becomes welcome with an int user_id and sets max_payload (%s)" % str(event))

	event = protocol.decode("{\"cmd\":\"RELAY\",\"message\":{\"room\":\"r\",\"from\":3,\"data\":{\"x\":1.5,\"from\":\"me\"}}}")
	check(event.get("type") == "relayed" and event.get("room") == "r" and typeof(event.get("from")) == TYPE_INT and event.get("from") == 3 and to_json(event.get("data")) == to_json({"x": 1.5, "from": "me"}), "RELAY becomes relayed with an int from and the data as sent (%s)" % str(event))

	event = protocol.decode("{\"cmd\":\"JOINED\",\"message\":{\"room\":\"r\",\"members\":[{\"user_id\":3,\"name\":\"Bo\"},{\"user_id\":7,\"name\":\"Ada\"}]},\"id\":12}")
	check(event.get("type") == "joined" and event.get("id") == 12 and to_json(event.get("members")) == to_json([{"user_id": 3, "name": "Bo"}, {"user_id": 7, "name": "Ada"}]) and typeof(event["members"][0]["user_id"]) == TYPE_INT, "JOINED becomes joined with the request id and int user ids (%s)" % str(event))

	event = protocol.decode("{\"cmd\":\"PRESENCE\",\"message\":{\"room\":\"r\",\"joined\":{\"user_id\":7,\"name\":\"Ada\"}}}")
	check(event.get("type") == "presence_joined" and event.get("user_id") == 7 and event.get("name") == "Ada", "PRESENCE joined becomes presence_joined (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"PRESENCE\",\"message\":{\"room\":\"r\",\"left\":{\"user_id\":7}}}")
	check(event.get("type") == "presence_left" and event.get("user_id") == 7 and event.get("room") == "r", "PRESENCE left becomes presence_left (%s)" % str(event))

	event = protocol.decode("{\"cmd\":\"PRESENCE\",\"message\":{\"room\":\"r\",\"away\":{\"user_id\":7}}}")
	check(event.get("type") == "presence_away" and typeof(event.get("user_id")) == TYPE_INT and event.get("user_id") == 7 and event.get("room") == "r", "PRESENCE away becomes presence_away (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"PRESENCE\",\"message\":{\"room\":\"r\",\"back\":{\"user_id\":7}}}")
	check(event.get("type") == "presence_back" and typeof(event.get("user_id")) == TYPE_INT and event.get("user_id") == 7 and event.get("room") == "r", "PRESENCE back becomes presence_back (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"WELCOME\",\"message\":{\"user_id\":8,\"max_payload\":5000,\"version\":\"0.1.0\",\"session\":\"tok-1\",\"resume_window_ms\":20000}}")
	check(event.get("session") == "tok-1" and typeof(event.get("resume_window_ms")) == TYPE_INT and event.get("resume_window_ms") == 20000, "WELCOME carries the session token and resume_window_ms (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"WELCOME\",\"message\":{\"user_id\":8,\"max_payload\":5000,\"version\":\"0.1.0\"}}")
	check(event.get("session") == "" and event.get("resume_window_ms") == 0, "WELCOME without resume gives an empty session and 0 (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"RESUMED\",\"message\":{\"user_id\":7,\"name\":\"Ada\",\"rooms\":[\"lobby\",\"r2\"],\"missed\":3,\"session\":\"tok-2\"},\"id\":1}")
	check(event.get("type") == "resumed" and typeof(event.get("user_id")) == TYPE_INT and event.get("user_id") == 7 and event.get("name") == "Ada" and to_json(event.get("rooms")) == to_json(["lobby", "r2"]) and typeof(event.get("missed")) == TYPE_INT and event.get("missed") == 3 and event.get("session") == "tok-2" and event.get("id") == 1, "RESUMED becomes resumed with int user_id and missed, the rooms and the new token (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"ERROR\",\"message\":{\"code\":\"bad_session\",\"detail\":\"no session waits for that token\"},\"id\":1}")
	check(event.get("type") == "error" and event.get("code") == "bad_session" and event.get("id") == 1, "ERROR bad_session becomes error with the RESUME's id (%s)" % str(event))

	event = protocol.decode("{\"cmd\":\"DIRECT\",\"message\":{\"from\":3,\"data\":\"psst\"}}")
	check(event.get("type") == "direct" and event.get("from") == 3 and event.get("data") == "psst", "DIRECT becomes direct (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"ROOMS\",\"message\":{\"rooms\":[{\"room\":\"r\",\"members\":2}]},\"id\":4}")
	check(event.get("type") == "rooms" and to_json(event.get("rooms")) == to_json([{"room": "r", "members": 2}]), "ROOMS becomes rooms (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"ERROR\",\"message\":{\"code\":\"not_in_room\",\"detail\":\"no\"},\"id\":9}")
	check(event.get("type") == "error" and event.get("code") == "not_in_room" and event.get("id") == 9, "ERROR becomes error with code and request id (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"SHUTDOWN\",\"message\":{\"reason\":\"restart\",\"reconnect_after_ms\":5000}}")
	check(event.get("type") == "shutdown" and event.get("reconnect_after_ms") == 5000, "SHUTDOWN becomes shutdown with reconnect_after_ms (%s)" % str(event))
	event = protocol.decode("{\"cmd\":\"NOTICE\",\"message\":{\"message\":\"maintenance at 18:00\"}}")
	check(event.get("type") == "notice" and event.get("message") == "maintenance at 18:00", "NOTICE becomes notice with its message (%s)" % str(event))

	event = protocol.decode("{\"cmd\":\"FROM_THE_FUTURE\",\"message\":1}")
	check(event.get("type") == "unknown" and event.get("cmd") == "FROM_THE_FUTURE", "an unknown command becomes unknown, not an error (%s)" % str(event))
	event = protocol.decode("not json")
	check(event.get("type") == "unknown", "a frame that is not JSON becomes unknown, not a script error (%s)" % str(event))


func sending(protocol):
	check(protocol.utf8_size("héllo ✓") == 10, "utf8_size counts UTF-8 bytes, not characters (%d)" % protocol.utf8_size("héllo ✓"))
	var id = protocol.hello("Ada")
	check(id == -1 and protocol.last_error_code == "not_connected", "a request without a connection is refused with not_connected (%s)" % protocol.last_error_detail)
	var text = protocol.encode({"cmd": "DIRECT", "message": {"to": 7}})
	check(text.find("\"to\":7") >= 0, "ids are encoded as JSON integers (%s)" % text)


# The message-based path both transports share: whole envelopes in, events out; requests out as
# JSON text with no length prefix; the envelopes that arrived before a close come before the
# disconnected event.
func messages(protocol):
	var transport = MessageTransport.new()
	protocol.attach(transport)
	check(protocol.poll().size() == 0 and not protocol.is_connected_to_server(), "nothing happens until the transport opens")

	transport.opened = true
	transport.incoming = ["{\"cmd\":\"WELCOME\",\"message\":{\"user_id\":7,\"max_payload\":4000,\"version\":\"0.1.0\"}}"]
	var types = _types(protocol.poll())
	check(to_json(types) == to_json(["connected", "welcome"]) and protocol.max_payload == 4000, "an open message transport gives connected, then one event per message (%s)" % str(types))

	var id = protocol.join("lobby")
	var parsed = JSON.parse(transport.sent[-1] if transport.sent.size() > 0 else "")
	var request = parsed.result if parsed.error == OK else null
	check(id >= 1 and transport.sent.size() == 1 and transport.sent[0].begins_with("{") and typeof(request) == TYPE_DICTIONARY and request.get("cmd") == "JOIN" and request.get("id") == id and to_json(request.get("message")) == to_json({"room": "lobby"}), "a request goes out as one JSON text without a length prefix (%s)" % str(transport.sent))
	check(transport.sent.size() == 1 and protocol.request_text("JOIN", {"room": "lobby"}, id) == transport.sent[0], "request_text builds the envelope send_command sends (%s)" % protocol.request_text("JOIN", {"room": "lobby"}, id))

	var resume_id = protocol.resume("tok-1")
	var bye_id = protocol.bye()
	var resume_request = JSON.parse(transport.sent[1]).result if transport.sent.size() == 3 else null
	var bye_request = JSON.parse(transport.sent[2]).result if transport.sent.size() == 3 else null
	check(typeof(resume_request) == TYPE_DICTIONARY and resume_request.get("cmd") == "RESUME" and resume_request.get("id") == resume_id and to_json(resume_request.get("message")) == to_json({"session": "tok-1"}), "resume() sends RESUME with the token (%s)" % str(transport.sent))
	check(typeof(bye_request) == TYPE_DICTIONARY and bye_request.get("cmd") == "BYE" and bye_request.get("id") == bye_id and to_json(bye_request.get("message")) == to_json({}), "bye() sends BYE with an empty message (%s)" % str(transport.sent))

	transport.incoming = ["{\"cmd\":\"SHUTDOWN\",\"message\":{\"reason\":\"bye\",\"reconnect_after_ms\":10}}"]
	transport.closed = true
	var events = protocol.poll()
	types = _types(events)
	check(to_json(types) == to_json(["shutdown", "disconnected"]) and events[-1].get("reason") == "connection lost" and not protocol.is_open(), "a message that arrived with the close comes before disconnected (%s)" % str(events))

	transport = MessageTransport.new()
	protocol.attach(transport)
	transport.opened = true
	protocol.poll()
	transport.closed = true
	transport.failure = "the server closed the WebSocket with code 1009 (too big)"
	events = protocol.poll()
	check(events.size() == 1 and events[0].get("reason") == transport.failure, "a transport's own failure is the disconnect reason (%s)" % str(events))

	transport = MessageTransport.new()
	protocol.attach(transport)
	transport.closed = true
	events = protocol.poll()
	check(events.size() == 1 and events[0].get("reason") == "could not connect" and protocol.hello("x") == -1, "a transport that closes before opening could not connect (%s)" % str(events))


func _types(events):
	var types = []
	for event in events:
		types.append(event.get("type"))
	return types


func backoff(delays):
	delays.min_ms = 100
	delays.max_ms = 1000
	delays.jitter = 0.5
	var got = []
	for i in range(6):
		got.append(delays.next_delay_ms())
	var ceilings = [100, 200, 400, 800, 1000, 1000]
	var within = true
	for i in range(got.size()):
		within = within and got[i] <= ceilings[i] and got[i] >= ceilings[i] / 2
	check(within, "delays double from min_ms up to max_ms, each with at most 50%% jitter off (%s)" % str(got))
	delays.reset()
	var first = delays.next_delay_ms()
	check(first <= 100, "reset() starts again from min_ms (%d)" % first)
	delays.honor_server_hint(5000)
	var hinted = delays.next_delay_ms()
	var after = delays.next_delay_ms()
	check(hinted >= 5000 and hinted <= 5050 and after <= 400, "SHUTDOWN's reconnect_after_ms is waited for once, plus a little jitter, then backoff goes on (%d, then %d)" % [hinted, after])



# The ActorGameServer protocol over one connection: JSON, request ids, commands, and pushes
# decoded into event dictionaries. No nodes, signals or timers, so it runs unchanged on Godot 4
# (GameClient wraps it) and on Godot 3.2 (the headless end-to-end tests drive it directly).
#
#     var protocol = preload("protocol.gd").new()
#     protocol.open("127.0.0.1", 9300)           # TCP, or:
#     protocol.open_url("ws://127.0.0.1:9301/ws")  # WebSocket (ws:// or wss://), for HTML5 exports
#     # every frame:
#     for event in protocol.poll():
#         match event["type"]:
#             "welcome": protocol.join("lobby")
#             "relayed": print(event["from"], event["data"])
#
# Why it is written the way it is:
# - No `extends` line: that is Reference in Godot 3 and RefCounted in Godot 4, and no other
#   spelling parses in both.
# - Every API that differs between the versions (JSON, ticks, byte arrays, ClassDB) is reached
#   through `call` or an untyped variable, so both parsers accept the file and the right name is
#   picked at run time.
# - The protocol is the same over TCP and WebSocket except for how envelopes are cut apart, so
#   this file works on whole envelopes (JSON texts: request_text() builds one, decode() reads one)
#   and a transport moves them: tcp_transport.gd adds and strips the 4-byte length prefix,
#   websocket_transport.gd sends each as one WebSocket message. One copy of the commands and
#   events serves both; attach() takes any object that answers the transport calls.
# - Godot's JSON turns every number into a float: every id a caller sees went through int().

# Events returned by poll(), one dictionary each, "type" plus the fields listed:
#   connected      {}
#   disconnected   {reason}
#   welcome        {user_id, max_payload, version, session, resume_window_ms}
#                                                  session: this player's resume token ("" and 0 when the server has resume off)
#   resumed        {user_id, name, rooms, missed, session, id}
#                                                  RESUME worked: the player of that token again, still in rooms; the
#                                                  missed pushes follow as their usual events; session is the token to keep now
#   pong           {message, id, rtt_ms}           rtt_ms is -1 unless the PING came from ping()
#   hello_ok       {user_id, name, account, id}   account: "" unless signed in with a token
#   joined         {room, members, id}             members: [{user_id, name}, account too if signed in], ordered by user_id
#   left           {room, id}
#   presence_joined {room, user_id, name}
#   presence_left  {room, user_id}
#   presence_away  {room, user_id}                 its connection dropped; it may resume (then presence_back) or leave
#   presence_back  {room, user_id}                 it resumed: its missed pushes have been sent to it
#   relayed        {room, from, data}
#   direct         {from, data}
#   who            {room, members, id}
#   rooms          {rooms, id}                     rooms: [{room, members}]
#   error          {code, detail, id}              id is 0 when the error answers no request
#   shutdown       {reason, reconnect_after_ms}
#   notice         {message}                       an administrator's announcement to every player
#   unknown        {cmd, message, id}              a command this client does not know yet

const TcpTransport = preload("tcp_transport.gd")
const WebSocketTransport = preload("websocket_transport.gd")

# What the server advertises in WELCOME; used until WELCOME says otherwise.
const DEFAULT_MAX_PAYLOAD = 5000

var max_payload = DEFAULT_MAX_PAYLOAD
# Why the last send refused to send: "", "not_connected" or "frame_too_large".
var last_error_code = ""
var last_error_detail = ""
# ticks_msec() when the last complete envelope arrived; GameClient uses it to spot a dead link.
var last_received_ms = 0

var _godot4 = false
var _json = null
var _ticks = null
var _transport = null
var _was_connected = false
var _next_id = 1
var _pings = {}


func _init():
	_godot4 = int(Engine.get_version_info()["major"]) >= 4
	if _godot4:
		# Godot 4: JSON is a class (static stringify, instance parse); ticks moved to Time.
		_json = ClassDB.call("instantiate", "JSON")
		_ticks = Engine.get_singleton("Time")
	else:
		# Godot 3: JSON is a singleton with print and parse; ticks live on OS.
		_json = Engine.get_singleton("JSON")
		_ticks = Engine.get_singleton("OS")


func is_godot4():
	return _godot4


func ticks_msec():
	return int(_ticks.call("get_ticks_msec"))


# Starts connecting over TCP (the server's port 9300 by default); poll() reports "connected"
# (or "disconnected") when that is decided.
func open(host, port):
	var transport = TcpTransport.new()
	attach(transport)
	return transport.open(host, int(port))


# Starts connecting over WebSocket to a ws:// or wss:// URL (the server's /ws path); poll()
# reports "connected" (or "disconnected") when that is decided. The only way out of a browser.
func open_url(url):
	var transport = WebSocketTransport.new()
	attach(transport)
	return transport.open(url)


# Uses transport, already opened or about to be, for everything from now on (see the calls a
# transport answers in tcp_transport.gd). open() and open_url() come through here.
func attach(transport):
	close()
	_transport = transport
	_pings.clear()
	max_payload = DEFAULT_MAX_PAYLOAD


func close():
	if _transport != null:
		_transport.close()
	_transport = null
	_was_connected = false


func is_open():
	return _transport != null


func is_connected_to_server():
	return _transport != null and _was_connected


# Reads every envelope that has arrived and returns the events, in arrival order. Call it every
# frame: no transport moves a byte or notices a close outside its poll().
func poll():
	var events = []
	if _transport == null:
		return events
	var texts = _transport.poll()
	# An envelope proves the connection opened, even one that closed again in the same poll.
	if not _was_connected and (_transport.is_open() or texts.size() > 0):
		_was_connected = true
		last_received_ms = ticks_msec()
		events.append({"type": "connected"})
	for text in texts:
		last_received_ms = ticks_msec()
		events.append(decode(text))
	if _transport.is_closed():
		var reason = _transport.failure
		if reason == "":
			reason = "connection lost" if _was_connected else "could not connect"
		close()
		events.append({"type": "disconnected", "reason": reason})
	return events


# Sends {"cmd": cmd, "message": message, "id": <new id>} and returns the id (>= 1), or -1 with
# last_error_code/last_error_detail set when it was not sent.
func send_command(cmd, message):
	var id = _next_id
	_next_id += 1
	var text = request_text(cmd, message, id)
	if not is_connected_to_server() or not _transport.is_open():
		return _refuse("not_connected", "%s was not sent: not connected to the server" % cmd)
	var size = utf8_size(text)
	if size > max_payload:
		# The server would answer frame_too_large and close the connection: refuse it here instead.
		return _refuse("frame_too_large", "%s was not sent: its frame is %d bytes, the server accepts at most %d" % [cmd, size, max_payload])
	if _transport.send_text(text) != OK:
		return _refuse("not_connected", "%s was not sent: the connection did not take it" % cmd)
	return id


# One request envelope as JSON text, with no length prefix: what a WebSocket message carries and
# what follows the prefix on TCP.
func request_text(cmd, message, id):
	return encode({"cmd": cmd, "message": message, "id": id})


func _refuse(code, detail):
	last_error_code = code
	last_error_detail = detail
	return -1


# With a token (a JWT from your login service) on a server with sign-in on, the player signs in:
# hello_ok then carries its account, and an empty player_name takes the token's name claim.
func hello(player_name, token = ""):
	var message = {}
	if player_name != "" or token == "":
		message["name"] = player_name
	if token != "":
		message["token"] = token
	return send_command("HELLO", message)


func join(room):
	return send_command("JOIN", {"room": room})


func leave(room):
	return send_command("LEAVE", {"room": room})


func relay(room, data):
	return send_command("RELAY", {"room": room, "data": data})


func direct(user_id, data):
	# int(): a user id that came out of Godot's JSON is a float, and the server wants an integer.
	return send_command("DIRECT", {"to": int(user_id), "data": data})


func who(room):
	return send_command("WHO", {"room": room})


func rooms():
	return send_command("ROOMS", {})


# Takes back the session of session_token (WELCOME's or the last RESUMED's "session") after the
# connection dropped. It must be the first request on a new connection: the server answers
# RESUMED, or ERROR bad_session and the connection goes on as the fresh player of its WELCOME.
func resume(session_token):
	return send_command("RESUME", {"session": session_token})


# Leaves for good: the server ends the session at once (the rooms see PRESENCE left, not away)
# and closes the connection. No reply; wait for poll()'s disconnected, or close() after a while.
func bye():
	return send_command("BYE", {})


# A PING whose PONG carries rtt_ms. The message is the send time, which also makes it unique.
func ping():
	var now = ticks_msec()
	var id = send_command("PING", now)
	if id > 0:
		_pings[id] = now
	return id


# Milliseconds since the oldest PING from ping() that has had no PONG yet, or 0 if none is due.
func unanswered_ping_age_ms():
	var oldest = -1
	for sent in _pings.values():
		if oldest < 0 or sent < oldest:
			oldest = sent
	return 0 if oldest < 0 else ticks_msec() - oldest


func encode(frame):
	if _godot4:
		return _json.call("stringify", frame)
	return _json.call("print", frame)


# The parsed JSON value, or null (with ok = false in the returned pair) when it is not JSON.
func parse_json_text(text):
	if _godot4:
		if _json.call("parse", text) != OK:
			return [false, null]
		return [true, _json.call("get_data")]
	var result = _json.call("parse", text)
	if result.error != OK:
		return [false, null]
	return [true, result.result]


func utf8_size(text):
	var untyped = text  # Untyped, so neither parser checks which of the two names exists.
	if _godot4:
		return untyped.to_utf8_buffer().size()
	return untyped.to_utf8().size()


# One envelope's JSON text (a TCP frame without its length, or one WebSocket message) to an event
# dictionary (see the list at the top).
func decode(text):
	var parsed = parse_json_text(text)
	var frame = parsed[1]
	if not parsed[0] or typeof(frame) != TYPE_DICTIONARY or typeof(frame.get("cmd")) != TYPE_STRING:
		return {"type": "unknown", "cmd": "", "message": text, "id": 0}
	var cmd = frame["cmd"]
	var message = frame.get("message")
	var body = message if typeof(message) == TYPE_DICTIONARY else {}
	var id = _as_id(frame.get("id"))
	match cmd:
		"WELCOME":
			max_payload = _as_int(body.get("max_payload"), DEFAULT_MAX_PAYLOAD)
			return {"type": "welcome", "user_id": _as_int(body.get("user_id"), 0), "max_payload": max_payload, "version": _as_string(body.get("version")), "session": _as_string(body.get("session")), "resume_window_ms": _as_int(body.get("resume_window_ms"), 0)}
		"RESUMED":
			return {"type": "resumed", "user_id": _as_int(body.get("user_id"), 0), "name": _as_string(body.get("name")), "rooms": _strings(body.get("rooms")), "missed": _as_int(body.get("missed"), 0), "session": _as_string(body.get("session")), "id": id}
		"PONG":
			var rtt = -1
			if _pings.has(id):
				rtt = ticks_msec() - _pings[id]
				_pings.erase(id)
			return {"type": "pong", "message": message, "id": id, "rtt_ms": rtt}
		"HELLO_OK":
			return {"type": "hello_ok", "user_id": _as_int(body.get("user_id"), 0), "name": _as_string(body.get("name")), "account": _as_string(body.get("account")), "id": id}
		"JOINED":
			return {"type": "joined", "room": _as_string(body.get("room")), "members": _members(body.get("members")), "id": id}
		"LEFT":
			return {"type": "left", "room": _as_string(body.get("room")), "id": id}
		"PRESENCE":
			var room = _as_string(body.get("room"))
			if typeof(body.get("joined")) == TYPE_DICTIONARY:
				var who_joined = body["joined"]
				return {"type": "presence_joined", "room": room, "user_id": _as_int(who_joined.get("user_id"), 0), "name": _as_string(who_joined.get("name"))}
			if typeof(body.get("left")) == TYPE_DICTIONARY:
				return {"type": "presence_left", "room": room, "user_id": _as_int(body["left"].get("user_id"), 0)}
			if typeof(body.get("away")) == TYPE_DICTIONARY:
				return {"type": "presence_away", "room": room, "user_id": _as_int(body["away"].get("user_id"), 0)}
			if typeof(body.get("back")) == TYPE_DICTIONARY:
				return {"type": "presence_back", "room": room, "user_id": _as_int(body["back"].get("user_id"), 0)}
		"RELAY":
			return {"type": "relayed", "room": _as_string(body.get("room")), "from": _as_int(body.get("from"), 0), "data": body.get("data")}
		"DIRECT":
			return {"type": "direct", "from": _as_int(body.get("from"), 0), "data": body.get("data")}
		"WHO":
			return {"type": "who", "room": _as_string(body.get("room")), "members": _members(body.get("members")), "id": id}
		"ROOMS":
			return {"type": "rooms", "rooms": _room_list(body.get("rooms")), "id": id}
		"ERROR":
			# An error about a PING from ping() (rate_limited, say) means no PONG will come for it.
			_pings.erase(id)
			return {"type": "error", "code": _as_string(body.get("code")), "detail": _as_string(body.get("detail")), "id": id}
		"SHUTDOWN":
			return {"type": "shutdown", "reason": _as_string(body.get("reason")), "reconnect_after_ms": _as_int(body.get("reconnect_after_ms"), 0)}
		"NOTICE":
			return {"type": "notice", "message": _as_string(body.get("message"))}
	return {"type": "unknown", "cmd": cmd, "message": message, "id": id}


func _members(list):
	var members = []
	if typeof(list) == TYPE_ARRAY:
		for member in list:
			if typeof(member) == TYPE_DICTIONARY:
				var entry = {"user_id": _as_int(member.get("user_id"), 0), "name": _as_string(member.get("name"))}
				if member.has("account"):
					entry["account"] = _as_string(member.get("account")) # Only signed-in players have one.
				members.append(entry)
	return members


func _room_list(list):
	var result = []
	if typeof(list) == TYPE_ARRAY:
		for entry in list:
			if typeof(entry) == TYPE_DICTIONARY:
				result.append({"room": _as_string(entry.get("room")), "members": _as_int(entry.get("members"), 0)})
	return result


func _strings(list):
	var result = []
	if typeof(list) == TYPE_ARRAY:
		for entry in list:
			if typeof(entry) == TYPE_STRING:
				result.append(entry)
	return result


# Our ids are integers, but JSON hands them back as floats; any other id (not ours) becomes 0.
func _as_id(value):
	return _as_int(value, 0)


func _as_int(value, fallback):
	if typeof(value) == TYPE_INT or typeof(value) == typeof(1.0):
		return int(value)
	return fallback


func _as_string(value):
	return value if typeof(value) == TYPE_STRING else ""

# One of two headless Godot 3.2 players in the same room, talking through the Godot addon's own
# protocol.gd (copied next to this script by the test project): the test runs "alice" and "bob"
# at once, and each prints one "ok: ..." or "FAIL: ..." line per check, then "done: N failure(s)".
#
# Run (twice, at once):
#   GAME_SERVER_HOST=127.0.0.1 GAME_SERVER_PORT=<port> AGS_ROOM=<room> AGS_PLAYER=alice godot3-server -s rooms_client.gd
#   GAME_SERVER_HOST=127.0.0.1 GAME_SERVER_PORT=<port> AGS_ROOM=<room> AGS_PLAYER=bob   godot3-server -s rooms_client.gd
#
# The two processes never sleep to let the other catch up; each waits for events:
#   both:  HELLO, JOIN, then wait until the other is in the room (JOINED's members or PRESENCE).
#   both:  relay RELAYS numbered positions, then wait until all of the other's have arrived.
#   alice: WHO and ROOMS while both are in, LEAVE, then wait for bob's DIRECT about it.
#   bob:   wait for PRESENCE left of alice, then DIRECT alice to say so.
# Each wait is bounded by one generous deadline for the whole script.
#
# Godot 3.2 pitfalls (see ping_client.gd): a parse error still exits 0, a runtime error only
# ends the current function, JSON numbers are floats, dictionaries compare by reference, and
# "a" == 1 is a runtime error. So every check prints a line the test looks for, and data is
# compared with values.gd's deep_equal.
extends "check_script.gd"

const RELAYS = 20
const TIMEOUT_MS = 60000

var protocol = null
# Structural comparison (values.gd, next to this script), loaded first thing in _init.
var Values = null

var me := ""
var other := ""
var room := ""
var my_id := 0
var other_id := 0
# Every event poll() returned, in order, and the ones the waits have not looked at yet.
var relays_from_other := []
var presence_left_ids := []
var directs := []


func _init():
	Values = load(get_script().resource_path.get_base_dir().plus_file("values.gd"))
	run_and_quit(TIMEOUT_MS)


func close():
	if protocol != null:
		protocol.close()


func run() -> bool:
	var host = OS.get_environment("GAME_SERVER_HOST")
	var port = OS.get_environment("GAME_SERVER_PORT")
	room = OS.get_environment("AGS_ROOM")
	me = OS.get_environment("AGS_PLAYER")
	other = {"alice": "bob", "bob": "alice"}.get(me, "")
	if host == "" or not port.is_valid_integer() or room == "" or other == "":
		check(false, "GAME_SERVER_HOST, GAME_SERVER_PORT, AGS_ROOM and AGS_PLAYER (alice or bob) are set")
		return true

	var path = get_script().resource_path.get_base_dir().plus_file("addons/actor_game_server/protocol.gd")
	var script = load(path)
	if script == null:
		check(false, "the addon's protocol.gd loads from %s" % path)
		return true
	protocol = script.new()

	protocol.open(host, int(port))
	if not check(wait_for("is_online"), "connected to %s:%s" % [host, port]):
		return true
	var welcome = wait_for_reply("welcome")
	my_id = field(welcome, "user_id", 0)
	check(my_id >= 1, "WELCOME gives me an integer user_id (%s)" % str(welcome))

	var hello_ok = wait_for_reply("hello_ok", protocol.hello(me))
	check(field(hello_ok, "name", "") == me and field(hello_ok, "user_id", 0) == my_id, "HELLO_OK names me %s (%s)" % [me, str(hello_ok)])

	var joined = wait_for_reply("joined", protocol.join(room))
	check(field(joined, "room", "") == room and has_member(field(joined, "members", []), my_id, me), "JOINED %s lists me (%s)" % [room, str(joined)])
	# The other player is in JOINED's members if it joined first, else it comes as PRESENCE.
	for member in field(joined, "members", []):
		if member["name"] == other:
			other_id = member["user_id"]
	if not check(wait_for("sees_other"), "sees %s in the room (user %d)" % [other, other_id]):
		return true

	if me == "alice":
		var who = wait_for_reply("who", protocol.who(room))
		check(has_member(field(who, "members", []), my_id, me) and has_member(field(who, "members", []), other_id, other), "WHO lists alice and bob (%s)" % str(who))
		# In a cluster, a node lists another node's rooms as they were last published (within
		# seconds; docs/CLUSTER.md), so ROOMS is asked again until it agrees, up to the deadline.
		var expected = [{"room": room, "members": 2}]
		var listed = wait_for_reply("rooms", protocol.rooms())
		while listed != null and not Values.deep_equal(field(listed, "rooms", []), expected) and OS.get_ticks_msec() < deadline:
			OS.delay_msec(200)
			listed = wait_for_reply("rooms", protocol.rooms())
		check(Values.deep_equal(field(listed, "rooms", []), expected), "ROOMS lists the room with 2 members (%s)" % str(listed))

	var padding = ""
	for i in range(protocol.max_payload):
		padding += "x"
	var too_big = protocol.relay(room, padding)
	check(too_big == -1 and protocol.last_error_code == "frame_too_large", "a relay over max_payload is refused before sending (%s)" % protocol.last_error_detail)

	var sent = 0
	for i in range(RELAYS):
		if protocol.relay(room, position(me, i)) > 0:
			sent += 1
	check(sent == RELAYS, "sent %d relays (%d accepted by the client)" % [RELAYS, sent])

	wait_for("has_all_relays")
	check(relays_match(), "received %s's %d relays in order, from %s's user id, data unchanged (%d received)" % [other, RELAYS, other, relays_from_other.size()])

	if me == "alice":
		var left = wait_for_reply("left", protocol.leave(room))
		check(field(left, "room", "") == room, "LEAVE answered with LEFT (%s)" % str(left))
		# bob only sends this after seeing alice's PRESENCE left, while alice is still connected:
		# so it was the LEAVE, not a disconnect, that bob saw.
		check(wait_for("has_direct"), "bob's DIRECT says it saw me leave (%s)" % str(directs))
	else:
		check(wait_for("saw_other_leave"), "sees alice leave the room (%s)" % str(presence_left_ids))
		check(protocol.direct(other_id, {"saw_you_leave": room}) > 0, "sent alice a DIRECT about it")
		# Bob sends nothing after the DIRECT: disconnecting right away could race it, so bob waits
		# until the server answers a PING sent after it (the server handles a client's frames in order).
		var pong_id = protocol.ping()
		check(typeof(wait_for_reply("pong", pong_id)) == TYPE_DICTIONARY, "the server answered the PING after the DIRECT")
	return true


# The position a player relays as its i-th update. The "from" inside it is the player's own, and
# must arrive unchanged next to the server's "from".
func position(player: String, i: int) -> Dictionary:
	return {"seq": i, "x": 100.5 + i, "y": -2 * i, "name": player, "from": "data-%s" % player}


func relays_match() -> bool:
	if relays_from_other.size() != RELAYS:
		return false
	for i in range(RELAYS):
		var relay = relays_from_other[i]
		if relay["from"] != other_id or relay["room"] != room or not Values.deep_equal(relay["data"], position(other, i)):
			print("FAIL: relay %d is %s" % [i, str(relay)])
			return false
	return true


# Conditions for wait_for, one method each so that they can be named in a call().
func is_online() -> bool:
	return protocol.is_connected_to_server()


func sees_other() -> bool:
	return other_id != 0


func has_all_relays() -> bool:
	return relays_from_other.size() >= RELAYS


func has_direct() -> bool:
	for direct in directs:
		if direct["from"] == other_id and Values.deep_equal(direct["data"], {"saw_you_leave": room}):
			return true
	return false


func saw_other_leave() -> bool:
	return presence_left_ids.has(other_id)


# One poll: files every event where the checks look for it. False at the deadline or disconnect.
func pump() -> bool:
	if timed_out("relays from %s: %d, events so far: %s" % [other, relays_from_other.size(), str(replies.keys())]):
		return false
	for event in protocol.poll():
		var type = event["type"]
		match type:
			"relayed":
				relays_from_other.append(event)
			"presence_joined":
				if event["name"] == other and event["room"] == room:
					other_id = event["user_id"]
			"presence_left":
				presence_left_ids.append(event["user_id"])
			"direct":
				directs.append(event)
			"disconnected":
				print("FAIL: disconnected: %s" % event["reason"])
				failures += 1
				return false
			"error":
				print("FAIL: the server answered request %d with %s" % [event["id"], str(event)])
				failures += 1
		replies["%s/%d" % [type, event.get("id", 0)]] = event
	OS.delay_msec(1)
	return true


func has_member(members, user_id: int, player: String) -> bool:
	for member in members:
		if member["user_id"] == user_id and member["name"] == player:
			return true
	return false


# d[key] when d is a dictionary holding a value of fallback's type, else fallback: never a
# runtime error on a missing reply.
func field(d, key, fallback):
	if typeof(d) == TYPE_DICTIONARY and typeof(d.get(key)) == typeof(fallback):
		return d[key]
	return fallback

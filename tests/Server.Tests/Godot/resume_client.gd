# A headless Godot 3.2 player that loses its connection and takes its session back, through the
# Godot addon's own protocol.gd (copied next to this script by the test project). The C# side
# (GodotResumeTests) is the other member of the room. Prints one "ok: ..." or "FAIL: ..." line
# per check, then "done: N failure(s)" (see rooms_client.gd for why, and for the Godot 3.2 pitfalls).
#
# Run: GAME_SERVER_HOST=127.0.0.1 GAME_SERVER_PORT=<port> AGS_ROOM=<room> AGS_MISSED=<n> \
#      AGS_GO_FILE=<path> godot3-server -s resume_client.gd   (against a server with resume on)
#
# Every step waits for an event, never for time:
#   join the room (the C# player is in it already), keep WELCOME's session token;
#   drop the TCP connection without BYE (the C# player sees PRESENCE away and relays AGS_MISSED
#   numbered relays into the room, then creates AGS_GO_FILE: only then are they all kept for us);
#   reconnect, RESUME first: same user id, same room, missed == AGS_MISSED, a new token;
#   the missed relays arrive once each, in order, then the live one the C# player sends after
#   seeing PRESENCE back;
#   BYE: the server closes at once; a new connection's RESUME with the last token is bad_session,
#   and that connection stays open (PING answered).
extends "check_script.gd"

const TIMEOUT_MS = 60000

var protocol = null

var room := ""
var missed := 0
var other_id := 0
var relays := []
var disconnected := false
var disconnect_expected := false


func _init():
	run_and_quit(TIMEOUT_MS)


func close():
	if protocol != null:
		protocol.close()


func run() -> bool:
	var host = OS.get_environment("GAME_SERVER_HOST")
	var port = OS.get_environment("GAME_SERVER_PORT")
	room = OS.get_environment("AGS_ROOM")
	var go_file = OS.get_environment("AGS_GO_FILE")
	var missed_text = OS.get_environment("AGS_MISSED")
	if host == "" or not port.is_valid_integer() or room == "" or go_file == "" or not missed_text.is_valid_integer():
		check(false, "GAME_SERVER_HOST, GAME_SERVER_PORT, AGS_ROOM, AGS_GO_FILE and AGS_MISSED are set")
		return true
	missed = int(missed_text)

	var path = get_script().resource_path.get_base_dir().plus_file("addons/actor_game_server/protocol.gd")
	var script = load(path)
	if script == null:
		check(false, "the addon's protocol.gd loads from %s" % path)
		return true
	protocol = script.new()

	# First connection: a room, and the token to come back with.
	var welcome = connect_welcomed(host, port)
	var my_id = field(welcome, "user_id", 0)
	var session = field(welcome, "session", "")
	check(my_id >= 1 and session != "" and field(welcome, "resume_window_ms", 0) == 60000, "WELCOME gives a user id, a session token and resume_window_ms 60000 (user %d)" % my_id)
	var joined = wait_for_reply("joined", protocol.join(room))
	for member in field(joined, "members", []):
		if member["user_id"] != my_id:
			other_id = member["user_id"]
	if not check(other_id != 0, "JOINED %s lists the C# player (%s)" % [room, str(joined)]):
		return true

	# An abrupt drop: the socket closes, no BYE, so the server keeps the session.
	protocol.close()
	print("ok: dropped the connection without BYE")
	if not check(wait_for_file(go_file), "the C# player relayed %d times while I was away" % missed):
		return true

	# Second connection: RESUME before anything else.
	var fresh = connect_welcomed(host, port)
	check(field(fresh, "user_id", 0) != my_id and field(fresh, "session", "") != session, "the new connection is welcomed as a fresh player first (user %d)" % field(fresh, "user_id", 0))
	var resume_id = protocol.resume(session)
	var resumed = wait_for_reply("resumed", resume_id)
	check(field(resumed, "user_id", 0) == my_id, "RESUMED gives my user id back (%s)" % str(resumed))
	check(to_json(field(resumed, "rooms", [])) == to_json([room]), "RESUMED says I am still in %s" % room)
	check(field(resumed, "missed", -1) == missed, "RESUMED says %d pushes were missed (%d)" % [missed, field(resumed, "missed", -1)])
	var latest = field(resumed, "session", "")
	check(latest != "" and latest != session and latest != field(fresh, "session", ""), "RESUMED carries a new session token")

	wait_for("has_all_relays")
	check(relays_match(), "received the %d missed relays and the live one exactly once, in order, from the C# player (%s)" % [missed, str(relays)])

	# BYE: the session ends at once and the server closes the connection.
	check(protocol.bye() > 0, "sent BYE")
	disconnect_expected = true
	check(wait_for("is_disconnected"), "the server closed the connection after BYE")

	# The session is over: its last token resumes nothing, and the connection stays usable.
	connect_welcomed(host, port)
	var refused = wait_for_reply("error", protocol.resume(latest))
	check(field(refused, "code", "") == "bad_session", "RESUME after BYE is refused with bad_session (%s)" % str(refused))
	check(typeof(wait_for_reply("pong", protocol.ping())) == TYPE_DICTIONARY, "the refused connection stays open as a fresh player (PING answered)")
	return true


func connect_welcomed(host, port):
	disconnected = false
	disconnect_expected = false
	replies.erase("welcome/0")  # The last connection's.
	protocol.open(host, int(port))
	if not wait_for("is_online"):
		return null
	return wait_for_reply("welcome")


func relays_match() -> bool:
	if relays.size() != missed + 1:
		return false
	for i in range(relays.size()):
		var relay = relays[i]
		if relay["from"] != other_id or relay["room"] != room or field(relay["data"], "n", 0.0) != float(i + 1):
			return false
	return true


func wait_for_file(file_path: String) -> bool:
	var files = File.new()
	while not files.file_exists(file_path):
		if OS.get_ticks_msec() > deadline:
			print("FAIL: timed out waiting for %s" % file_path)
			failures += 1
			return false
		OS.delay_msec(5)
	return true


func is_online() -> bool:
	return protocol.is_connected_to_server()


func is_disconnected() -> bool:
	return disconnected


func has_all_relays() -> bool:
	return relays.size() >= missed + 1


func pump() -> bool:
	if timed_out("relays: %d, events so far: %s" % [relays.size(), str(replies.keys())]):
		return false
	for event in protocol.poll():
		var type = event["type"]
		match type:
			"relayed":
				relays.append(event)
			"disconnected":
				disconnected = true
				if not disconnect_expected:
					print("FAIL: disconnected: %s" % event["reason"])
					failures += 1
					return false
			"error":
				if event["code"] != "bad_session":
					print("FAIL: the server answered request %d with %s" % [event["id"], str(event)])
					failures += 1
		replies["%s/%d" % [type, event.get("id", 0)]] = event
	OS.delay_msec(1)
	return true


func field(d, key, fallback):
	if typeof(d) == TYPE_DICTIONARY and typeof(d.get(key)) == typeof(fallback):
		return d[key]
	return fallback

# The checks every headless test client makes of a fresh connection, whatever carries it
# (ping_client.gd over TCP, ws_client.gd over WebSocket): WELCOME first with its fields, then
# PONGs that carry a tick, a unicode string and a dictionary unchanged. `client` is the calling
# script, which has check(ok, what), field(d, key), ping(message) and Values (values.gd).


static func welcome_and_pongs(client, welcome) -> void:
	var Values = client.Values
	client.check(Values.deep_equal(client.field(welcome, "cmd"), "WELCOME"), "WELCOME arrives first (%s)" % str(welcome))
	var user_id = client.field(client.field(welcome, "message"), "user_id")
	client.check(Values.is_number(user_id) and user_id == floor(user_id) and user_id >= 1, "WELCOME has an integer user_id >= 1 (%s)" % str(user_id))
	client.check(Values.deep_equal(client.field(client.field(welcome, "message"), "max_payload"), 5000), "WELCOME has max_payload 5000")

	var sent_at = OS.get_ticks_msec()
	var pong = client.ping(sent_at)
	var rtt = OS.get_ticks_msec() - sent_at
	client.check(Values.deep_equal(client.field(pong, "cmd"), "PONG") and Values.deep_equal(client.field(pong, "message"), sent_at), "PONG carries the tick %d (%s)" % [sent_at, str(pong)])
	print("rtt: %d ms" % rtt)

	var text = "héllo wörld ✓ 🎮"
	pong = client.ping(text)
	client.check(Values.deep_equal(client.field(pong, "message"), text), "PONG carries the unicode string (%s)" % str(client.field(pong, "message")))

	var state = {"x": 1.5, "y": -2, "name": "p1", "tags": ["a", "b"], "nested": {"ok": true, "none": null}}
	pong = client.ping(state)
	client.check(Values.deep_equal(client.field(pong, "message"), state), "PONG carries the dictionary (%s)" % str(client.field(pong, "message")))

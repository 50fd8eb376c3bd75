extends Node2D
## Every instance joins room "demo", moves its own square with the arrow keys, relays its
## position about 20 times a second while it moves, and draws the other members' squares.
##
## Run two (or more) against a local server:
##   dotnet run --project src/Server -c Release
##   godot --path clients/godot -- --name=alice
##   godot --path clients/godot -- --name=bob
## Other user arguments: --host=ADDRESS --port=N --room=NAME, or --url=ws://HOST:9301/ws to
## connect over WebSocket. A web (HTML5) export has no TCP and no command line: it uses WEB_URL.

const SPEED := 240.0
const SQUARE := Vector2(32, 32)
## Seconds between two position relays while moving (20 Hz). Standing still sends nothing.
const SEND_INTERVAL := 0.05
## Where a web export connects: the server's WebSocket endpoint on the same machine. Serve the
## export from another host and this becomes "wss://your.server/ws" (an https page needs wss).
const WEB_URL := "ws://127.0.0.1:9301/ws"

var room := "demo"
var player_name := "player"
var my_position := Vector2(120, 120)
## user_id -> {"name": String, "position": Vector2}, for everyone else in the room.
var others := {}

var _since_sent := 0.0
var _position_dirty := true

@onready var client: GameClient = $GameClient
@onready var status: Label = $Status


func _ready() -> void:
	if OS.has_feature("web"):
		client.url = WEB_URL
	_read_command_line()
	my_position = Vector2(randf_range(60, 740), randf_range(100, 540))
	client.connected.connect(func(): _show("connected, waiting for WELCOME"))
	client.disconnected.connect(_on_disconnected)
	client.reconnect_scheduled.connect(func(delay_ms): _show("reconnecting in %d ms" % delay_ms))
	client.welcome.connect(_on_welcome)
	client.joined.connect(_on_joined)
	client.presence_joined.connect(_on_presence_joined)
	client.presence_left.connect(_on_presence_left)
	client.relayed.connect(_on_relayed)
	client.rtt_updated.connect(func(_rtt): _show_room())
	client.server_error.connect(func(code, detail, _id): _show("server error %s: %s" % [code, detail]))
	client.client_error.connect(func(code, detail): _show("not sent (%s): %s" % [code, detail]))
	client.shutdown.connect(func(reason, after_ms): _show("server shutting down (%s), back in %d ms" % [reason, after_ms]))
	client.notice.connect(func(message): _show("notice: %s" % message))
	_show("connecting to %s" % (client.url if client.url != "" else "%s:%d" % [client.host, client.port]))
	client.connect_to_server()


func _read_command_line() -> void:
	for arg in OS.get_cmdline_user_args():
		var parts: PackedStringArray = arg.trim_prefix("--").split("=", true, 1)
		if parts.size() != 2:
			continue
		match parts[0]:
			"name":
				player_name = parts[1]
			"room":
				room = parts[1]
			"host":
				client.host = parts[1]
			"port":
				client.port = int(parts[1])
			"url":
				client.url = parts[1]


func _process(delta: float) -> void:
	var direction := Input.get_vector("ui_left", "ui_right", "ui_up", "ui_down")
	if direction != Vector2.ZERO:
		var area := get_viewport_rect().size - SQUARE
		my_position = (my_position + direction * SPEED * delta).clamp(Vector2.ZERO, area)
		_position_dirty = true
		queue_redraw()
	_since_sent += delta
	if _position_dirty and _since_sent >= SEND_INTERVAL and client.user_id != 0:
		# Plain numbers, not a Vector2: the data goes through JSON to other engines and versions.
		client.relay(room, {"x": my_position.x, "y": my_position.y})
		_position_dirty = false
		_since_sent = 0.0


func _draw() -> void:
	for id in others:
		var other: Dictionary = others[id]
		_draw_square(other["position"], _color_of(id), other["name"])
	_draw_square(my_position, _color_of(client.user_id), "%s (you)" % player_name)


func _draw_square(at: Vector2, color: Color, label: String) -> void:
	draw_rect(Rect2(at, SQUARE), color)
	draw_string(ThemeDB.fallback_font, at + Vector2(0, -6), label)


# The same colour for a player in every instance, picked from its user_id.
func _color_of(id: int) -> Color:
	return Color.from_hsv(fmod(id * 0.618034, 1.0), 0.6, 0.95)


func _on_welcome(user_id: int, _max_payload: int, _version: String) -> void:
	# A new connection (the first, or after a reconnect) is a new player in no room: say who we
	# are and join again.
	_show("welcome, user %d" % user_id)
	client.hello(player_name)
	client.join(room)


func _on_joined(joined_room: String, members: Array) -> void:
	others.clear()
	for member in members:
		if member["user_id"] != client.user_id:
			_add_other(member["user_id"], member["name"])
	_position_dirty = true  # So the others see where we are at once.
	_show_room()
	queue_redraw()
	if joined_room != room:
		push_warning("joined %s, expected %s" % [joined_room, room])


func _on_presence_joined(_room: String, user_id: int, other_name: String) -> void:
	_add_other(user_id, other_name)
	_position_dirty = true  # The newcomer has not seen us yet.
	_show_room()
	queue_redraw()


func _on_presence_left(_room: String, user_id: int) -> void:
	others.erase(user_id)
	_show_room()
	queue_redraw()


func _on_relayed(_room: String, from_id: int, data) -> void:
	if not others.has(from_id) or typeof(data) != TYPE_DICTIONARY:
		return
	others[from_id]["position"] = Vector2(float(data.get("x", 0)), float(data.get("y", 0)))
	queue_redraw()


func _on_disconnected(reason: String) -> void:
	others.clear()
	_show("disconnected: %s" % reason)
	queue_redraw()


func _add_other(user_id: int, other_name: String) -> void:
	# Off screen until its first relay says where it is.
	others[user_id] = {"name": other_name, "position": Vector2(-100, -100)}


func _show_room() -> void:
	var rtt: String = "?" if client.rtt_ms < 0 else "%d ms" % client.rtt_ms
	_show("%s in room %s with %d other(s), rtt %s. Arrow keys move." % [player_name, room, others.size(), rtt])


func _show(text: String) -> void:
	status.text = text

class_name GameClient
extends Node
## A connection to an ActorGameServer, as a node: add it to a scene, connect its signals, call
## connect_to_server(). It reconnects by itself with exponential backoff and jitter, pings to
## keep the connection alive and measure the round trip, and turns every frame from the server
## into a signal. Godot 4; the protocol itself lives in protocol.gd, which Godot 3 can use too.
##
## It speaks TCP to host:port, or WebSocket (Godot's WebSocketPeer) to url when url is set: an
## HTML5 export has no raw TCP, so a web build must use url ("wss://..." from an HTTPS page).
## Everything else (requests, signals, heartbeat, reconnects) is the same over both.
##
## Sessions: when the server has resume on, a reconnect takes the old session back (RESUME with
## the token kept from WELCOME or the last RESUMED, before any other request): same user_id, same
## rooms, and the pushes missed meanwhile arrive as their usual signals, then `resumed`. Only a
## fresh player gets `welcome`: the first connection, a server with resume off, or a resume the
## server refused (the window ran out, the server restarted). So send hello() and join() from the
## `welcome` signal, and they are sent again exactly when they are needed. Send nothing from
## `connected`: RESUME must be the connection's first request. bye() leaves for good.

const Protocol = preload("protocol.gd")
const Backoff = preload("backoff.gd")

## The connection is up: TCP connected, or the WebSocket handshake done (WELCOME follows).
signal connected
## The connection ended, or an attempt failed. A reconnect follows if auto_reconnect is on.
signal disconnected(reason: String)
## A reconnect attempt is due in delay_ms.
signal reconnect_scheduled(delay_ms: int)
## The server's first frame on every connection: this connection's user_id and its limits.
signal welcome(user_id: int, max_payload: int, version: String)
## A reconnect took the session back: still user_id, still in rooms. The missed pushes (relays,
## presence, directs) come next as their usual signals, in their original order.
signal resumed(user_id: int, rooms: Array, missed: int)
signal hello_ok(user_id: int, player_name: String)
## members: [{user_id, name}] ordered by user_id, this client included.
signal joined(room: String, members: Array)
signal left(room: String)
signal presence_joined(room: String, user_id: int, player_name: String)
signal presence_left(room: String, user_id: int)
## A member's connection dropped; it keeps its seat for the server's resume window. `back` when it
## resumes, presence_left if it does not.
signal away(room: String, user_id: int)
signal back(room: String, user_id: int)
## from_id is the sender's user_id as the server saw it; data is exactly what it relayed.
signal relayed(room: String, from_id: int, data)
signal direct_received(from_id: int, data)
## The reply to who(): not "who", which is the method's name.
signal who_listed(room: String, members: Array)
## The reply to rooms(): [{room, members}].
signal rooms_listed(room_list: Array)
signal pong(message, request_id: int)
signal rtt_updated(rtt_ms: int)
## An ERROR frame. request_id is the id a method returned, or 0 (idle_timeout, server_full...).
signal server_error(code: String, detail: String, request_id: int)
## A request that was not sent: code is "not_connected" or "frame_too_large".
signal client_error(code: String, detail: String)
## The server is stopping. The reconnect waits at least reconnect_after_ms.
signal shutdown(reason: String, reconnect_after_ms: int)
## An administrator's announcement to every player (the admin API's broadcast): show it.
signal notice(message: String)

## The signed-in account (the token's sub) after hello_ok; "" when not signed in.
var account: String = ""

@export var host: String = "127.0.0.1"
@export var port: int = 9300
## A ws:// or wss:// URL of the server's WebSocket endpoint, e.g. "ws://127.0.0.1:9301/ws". When
## set, the client connects over WebSocket and host and port are not used.
@export var url: String = ""
## Connect as soon as the node enters the tree.
@export var connect_on_ready: bool = false
@export var auto_reconnect: bool = true
## Take the session back on a reconnect (when the server has resume on) instead of starting over.
@export var auto_resume: bool = true
## Seconds between PINGs. The server closes a connection that sends nothing for 30 s.
@export var heartbeat_interval: float = 5.0
## With heartbeats on, a connection that receives nothing for this long is treated as dead: a
## pulled cable sends no FIN, and TCP alone would take minutes to notice.
@export var dead_after: float = 15.0
@export var connect_timeout: float = 10.0
@export var reconnect_min_ms: int = 500
@export var reconnect_max_ms: int = 15000

## The last measured round trip in milliseconds, -1 before the first PONG.
var rtt_ms: int = -1
## This connection's user_id from WELCOME, 0 while not welcomed.
var user_id: int = 0
## The largest frame the server accepts, from WELCOME.
var max_payload: int = Protocol.DEFAULT_MAX_PAYLOAD
## The rooms this player is in, as the server last said (JOINED, LEFT, RESUMED).
var joined_rooms: Array = []
## The token that resumes this player's session: WELCOME's, then each RESUMED's (a token works
## once). "" when the server has resume off or the session ended. A secret: never show or log it.
var session_token: String = ""

var _protocol := Protocol.new()
var _backoff := Backoff.new()
var _want_connected := false
var _connect_started_ms := 0
var _reconnect_at_ms := -1
var _next_heartbeat_ms := 0
# The RESUME in flight on this connection, and the WELCOME to fall back on if it is refused.
var _resume_id := 0
var _fresh_welcome := {}
# After bye(): when to close if the server has not closed first.
var _bye_close_at_ms := -1


func _ready() -> void:
	if connect_on_ready:
		connect_to_server()


func _exit_tree() -> void:
	_want_connected = false
	_protocol.close()


## Connects and stays connected until close(). address is a host for TCP (with new_port, or the
## port property), or a ws:// or wss:// URL for WebSocket; empty keeps url, or host and port.
func connect_to_server(address: String = "", new_port: int = 0) -> Error:
	if address.begins_with("ws://") or address.begins_with("wss://"):
		url = address
	elif address != "":
		host = address
		url = ""
	if new_port > 0:
		port = new_port
	_want_connected = true
	_backoff.reset()
	return _open()


## Closes the connection and stops reconnecting. The server keeps the session for its resume
## window (the rooms see `away`), so a later connect_to_server() can still resume it; use bye()
## to leave for good.
func close() -> void:
	_want_connected = false
	_reconnect_at_ms = -1
	_bye_close_at_ms = -1
	_resume_id = 0
	var was_open: bool = _protocol.is_open()
	_protocol.close()
	user_id = 0
	account = ""
	if was_open:
		disconnected.emit("closed by the client")


## Leaves for good: sends BYE (the rooms see presence_left at once, and the session cannot be
## resumed), lets the server close the connection, and does not reconnect.
func bye() -> void:
	session_token = ""
	_want_connected = false
	_reconnect_at_ms = -1
	if _protocol.is_connected_to_server() and _protocol.bye() > 0:
		# The server closes after BYE; closing first could cut the BYE off, so wait a little.
		_bye_close_at_ms = _protocol.ticks_msec() + 2000
	else:
		close()


## True once the connection is up; WELCOME may still be on its way.
func is_online() -> bool:
	return _protocol.is_connected_to_server()


# Each request method returns the request id that the reply (or ERROR) will carry, or -1 when
# it was not sent (client_error says why).

## token: optional sign-in (a JWT from your login service); account holds the result after hello_ok.
func hello(player_name: String, token: String = "") -> int:
	return _sent(_protocol.hello(player_name, token))


func join(room: String) -> int:
	return _sent(_protocol.join(room))


func leave(room: String) -> int:
	return _sent(_protocol.leave(room))


## Sends data to every other member of room; no reply on success.
func relay(room: String, data) -> int:
	return _sent(_protocol.relay(room, data))


## Sends data to one user; no reply on success.
func direct(to_user_id: int, data) -> int:
	return _sent(_protocol.direct(to_user_id, data))


func who(room: String) -> int:
	return _sent(_protocol.who(room))


func rooms() -> int:
	return _sent(_protocol.rooms())


## A PING now, besides the heartbeat; its PONG updates rtt_ms.
func ping() -> int:
	return _sent(_protocol.ping())


func _sent(id: int) -> int:
	if id < 0:
		client_error.emit(_protocol.last_error_code, _protocol.last_error_detail)
	return id


func _process(_delta: float) -> void:
	if _protocol.is_open():
		for event in _protocol.poll():
			_dispatch(event)
		_keep_alive()
		if _bye_close_at_ms >= 0 and _protocol.ticks_msec() >= _bye_close_at_ms:
			close()
	elif _reconnect_at_ms >= 0 and _protocol.ticks_msec() >= _reconnect_at_ms:
		_open()


func _open() -> Error:
	_reconnect_at_ms = -1
	_connect_started_ms = _protocol.ticks_msec()
	var error: Error = _protocol.open_url(url) if url != "" else _protocol.open(host, port)
	if error != OK:
		_protocol.close()
		_lost("could not start connecting to %s (error %d)" % [_address(), error])
	return error


## Where the client connects, for messages: the URL, or host:port.
func _address() -> String:
	return url if url != "" else "%s:%d" % [host, port]


func _keep_alive() -> void:
	if not _protocol.is_open():
		return  # An event just closed it.
	var now: int = _protocol.ticks_msec()
	if not _protocol.is_connected_to_server():
		if connect_timeout > 0 and now - _connect_started_ms > connect_timeout * 1000:
			_protocol.close()
			_lost("could not connect to %s within %.1f s" % [_address(), connect_timeout])
		return
	if heartbeat_interval <= 0:
		return
	if now >= _next_heartbeat_ms:
		_protocol.ping()
		_next_heartbeat_ms = now + int(heartbeat_interval * 1000)
	if dead_after > 0 and now - _protocol.last_received_ms > dead_after * 1000:
		_protocol.close()
		_lost("nothing received from the server for %.1f s" % dead_after)


func _lost(reason: String) -> void:
	user_id = 0
	_bye_close_at_ms = -1
	# A RESUME cut off here may not have reached the server: the token is kept and tried again.
	_resume_id = 0
	_fresh_welcome = {}
	disconnected.emit(reason)
	if _want_connected and auto_reconnect:
		_backoff.min_ms = reconnect_min_ms
		_backoff.max_ms = reconnect_max_ms
		var delay: int = _backoff.next_delay_ms()
		_reconnect_at_ms = _protocol.ticks_msec() + delay
		reconnect_scheduled.emit(delay)


func _dispatch(event: Dictionary) -> void:
	match event["type"]:
		"connected":
			_next_heartbeat_ms = _protocol.ticks_msec() + int(heartbeat_interval * 1000)
			connected.emit()
		"disconnected":
			_lost(event["reason"])
		"welcome":
			# Only now is the server known to accept us (server_full comes instead of WELCOME).
			_backoff.reset()
			max_payload = event["max_payload"]
			if auto_resume and session_token != "":
				# The welcome signal waits: if RESUME works, this connection is not a fresh player.
				_fresh_welcome = event
				_resume_id = _protocol.resume(session_token)
				if _resume_id > 0:
					return
			_welcomed(event)
		"resumed":
			if event["id"] == _resume_id:
				_resume_id = 0
				_fresh_welcome = {}
				session_token = event["session"]
				user_id = event["user_id"]
				joined_rooms = event["rooms"].duplicate()
				resumed.emit(user_id, event["rooms"], event["missed"])
		"pong":
			if event["rtt_ms"] >= 0:
				rtt_ms = event["rtt_ms"]
				rtt_updated.emit(rtt_ms)
			pong.emit(event["message"], event["id"])
		"hello_ok":
			account = event["account"]
			hello_ok.emit(event["user_id"], event["name"])
		"joined":
			if not joined_rooms.has(event["room"]):
				joined_rooms.append(event["room"])
			joined.emit(event["room"], event["members"])
		"left":
			joined_rooms.erase(event["room"])
			left.emit(event["room"])
		"presence_joined":
			presence_joined.emit(event["room"], event["user_id"], event["name"])
		"presence_left":
			presence_left.emit(event["room"], event["user_id"])
		"presence_away":
			away.emit(event["room"], event["user_id"])
		"presence_back":
			back.emit(event["room"], event["user_id"])
		"relayed":
			relayed.emit(event["room"], event["from"], event["data"])
		"direct":
			direct_received.emit(event["from"], event["data"])
		"who":
			who_listed.emit(event["room"], event["members"])
		"rooms":
			rooms_listed.emit(event["rooms"])
		"error":
			if _resume_id > 0 and event["id"] == _resume_id:
				# bad_session: the session is gone (window over, server restarted). Not an error
				# to show: this connection goes on as the fresh player of its WELCOME.
				_resume_id = 0
				var fresh: Dictionary = _fresh_welcome
				_fresh_welcome = {}
				_welcomed(fresh)
				return
			if event["id"] == 0 and event["code"] in ["kicked", "replaced"]:
				session_token = ""  # The server ended the session: a RESUME would only be refused.
			server_error.emit(event["code"], event["detail"], event["id"])
		"shutdown":
			session_token = ""  # SHUTDOWN ends the session at once.
			_backoff.honor_server_hint(event["reconnect_after_ms"])
			shutdown.emit(event["reason"], event["reconnect_after_ms"])
		"notice":
			notice.emit(event["message"])
		# "unknown": a newer server's frame this client does not know; ignored on purpose.


# This connection is a fresh player: no rooms yet, and its own session token.
func _welcomed(event: Dictionary) -> void:
	user_id = event["user_id"]
	session_token = event["session"]
	# A fresh player is in no room and not signed in; a resumed one keeps both (so _lost leaves
	# account alone).
	joined_rooms.clear()
	account = ""
	welcome.emit(user_id, max_payload, event["version"])

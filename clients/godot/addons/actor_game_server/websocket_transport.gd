# protocol.gd's WebSocket transport, for ws:// and wss:// URLs (the server's /ws path): what an
# HTML5 export has to use, since a browser offers no raw TCP. Each WebSocket message carries
# exactly one JSON envelope and no length prefix; this sends text messages and accepts text or
# binary ones. It answers the same calls as tcp_transport.gd (listed there).
#
# Why it is written the way it is:
# - Godot 4 and Godot 3.2 both have WebSocket clients, with different classes: Godot 4's
#   WebSocketPeer (connect_to_url, poll, get_ready_state, send_text, get_packet), Godot 3's
#   WebSocketClient (connect_to_url, poll, get_connection_status, and get_peer(1) for packets).
#   Neither class name may appear where the other version's parser would reject it, so both are
#   created with ClassDB by name and held in untyped variables, and their enum values are looked
#   up by name at run time; the branch is picked by Engine.get_version_info(), as in protocol.gd.
# - Both engines stop handing out packets once the connection has closed, even packets that
#   arrived just before the close frame (a SHUTDOWN, or the ERROR before a close). Godot 3 calls
#   data_received for each message while it is still readable, so Godot 3 reads them there.
#   Godot 4 has no such hook: a message that arrives in the same poll() as the close is lost.

# Godot 4's WebSocketPeer keeps at most this many bytes of received messages; its default (64 KiB)
# is less than one large JOINED or ROOMS could need. Matches tcp_transport.gd's frame limit.
const INBOUND_BUFFER_BYTES = 1048576

var failure = ""

var _godot4 = false
# Godot 4: a WebSocketPeer. Godot 3: a WebSocketClient.
var _socket = null
var _open = false
var _closed = false
# Texts read by Godot 3's data_received, handed out by the next poll().
var _inbox = []


func _init():
	_godot4 = int(Engine.get_version_info()["major"]) >= 4


func open(url):
	close()
	_closed = false
	failure = ""
	_inbox = []
	var error = OK
	if _godot4:
		_socket = ClassDB.call("instantiate", "WebSocketPeer")
		_socket.set("inbound_buffer_size", INBOUND_BUFFER_BYTES)
		error = _socket.connect_to_url(url)
	else:
		_socket = ClassDB.call("instance", "WebSocketClient")
		# Godot 3's connect(signal, target, method); this line only ever runs in Godot 3.
		_socket.connect("data_received", self, "_on_data_received")
		error = _socket.connect_to_url(url)
	if error != OK:
		close()
	return error


func close():
	if _socket != null:
		if _godot4:
			_socket.close()
		else:
			_socket.disconnect_from_host()
	_socket = null
	_open = false
	_closed = true


func is_open():
	return _open


func is_closed():
	return _closed


# Call it every frame: neither engine moves a byte or changes state outside poll().
func poll():
	if _socket == null:
		return []
	if _godot4:
		_poll_godot4()
	else:
		_poll_godot3()
	var texts = _inbox
	_inbox = []
	return texts


func send_text(text):
	if not _open:
		return ERR_UNCONFIGURED
	if _godot4:
		return _socket.send_text(text)
	var untyped = text  # to_utf8() is Godot 3's name; untyped, so Godot 4's parser does not check it.
	return _socket.get_peer(1).put_packet(untyped.to_utf8())


func _poll_godot4():
	_socket.poll()
	var state = _socket.get_ready_state()
	if state == _constant("WebSocketPeer", "STATE_OPEN") or state == _constant("WebSocketPeer", "STATE_CLOSING"):
		while _socket.get_available_packet_count() > 0:
			_inbox.append(_socket.get_packet().get_string_from_utf8())
	if state == _constant("WebSocketPeer", "STATE_OPEN") and not _open:
		_open = true
		# Relays are small and latency-bound; Godot 3 turns Nagle off by itself, Godot 4 does not.
		# A browser decides that itself, and its WebSocketPeer has no TCP socket to set.
		if not OS.has_feature("web"):
			_socket.set_no_delay(true)
	_open = state == _constant("WebSocketPeer", "STATE_OPEN")
	if state == _constant("WebSocketPeer", "STATE_CLOSED"):
		var code = _socket.get_close_code()
		if code != -1 and code != 1000:
			failure = "the server closed the WebSocket with code %d (%s)" % [code, _socket.get_close_reason()]
		_socket = null
		_open = false
		_closed = true


func _poll_godot3():
	_socket.poll()  # Calls _on_data_received for each message that arrived.
	var status = _socket.get_connection_status()
	if status == _constant("NetworkedMultiplayerPeer", "CONNECTION_CONNECTED"):
		if not _open:
			_open = true
			# Godot 3 sends binary messages unless told otherwise; the server answers in text.
			_socket.get_peer(1).set_write_mode(WebSocketPeer.WRITE_MODE_TEXT)
	elif status == _constant("NetworkedMultiplayerPeer", "CONNECTION_DISCONNECTED"):
		_socket = null
		_open = false
		_closed = true


func _on_data_received():
	var peer = _socket.get_peer(1)
	while peer.get_available_packet_count() > 0:
		_inbox.append(peer.get_packet().get_string_from_utf8())


func _constant(engine_class, name):
	return ClassDB.class_get_integer_constant(engine_class, name)

# protocol.gd's TCP transport: one StreamPeerTCP, and the framing that TCP needs and WebSocket does
# not (a 4-byte little-endian length before each JSON envelope). It moves whole envelopes as text;
# what they mean is protocol.gd's business. Godot 4 and Godot 3.2, like protocol.gd.
#
# Every transport answers the same calls (see websocket_transport.gd for the other one):
#   open(...)       starts connecting; returns an Error
#   poll()          advances the connection; returns the envelopes (JSON texts) that arrived, in order
#   is_open()       true while connected and able to send
#   is_closed()     true once the connection ended or failed; it never opens again
#   failure         why it closed, when it knows better than "connection lost" ("" otherwise)
#   send_text(text) sends one envelope; returns an Error
#   close()
#
# Why it is written the way it is:
# - No `extends` line and no typed engine names, for the same reasons as protocol.gd.
# - StreamPeerTCP's reads block until every requested byte has arrived, so a frame is read only
#   once get_available_bytes() covers it: first the 4-byte length, then the whole payload.

# A length prefix above this from the server means the stream is out of step: better to drop the
# connection than to wait for megabytes that will never make sense.
const MAX_INCOMING_FRAME = 1048576

var failure = ""

var _peer = null
var _open = false
var _closed = false
var _pending_length = -1


func open(host, port):
	close()
	_peer = StreamPeerTCP.new()
	_closed = false
	failure = ""
	_pending_length = -1
	return _peer.connect_to_host(host, int(port))


func close():
	if _peer != null:
		_peer.disconnect_from_host()
	_peer = null
	_open = false
	_closed = true


func is_open():
	return _open


func is_closed():
	return _closed


# Call it every frame: Godot 4's StreamPeerTCP only updates its status in poll().
func poll():
	var texts = []
	if _peer == null:
		return texts
	if _peer.has_method("poll"):
		_peer.call("poll")  # Godot 4 only; Godot 3.2 updates the status by itself.
	var status = _peer.get_status()
	if status == StreamPeerTCP.STATUS_CONNECTING:
		return texts
	if status != StreamPeerTCP.STATUS_CONNECTED:
		close()
		return texts
	if not _open:
		_open = true
		# Relays are small and latency-bound: do not let Nagle hold them back.
		_peer.set_no_delay(true)
	while _peer != null:
		var text = read_frame(_peer)
		if text == null:
			break
		texts.append(text)
	if _peer == null:
		failure = "the server sent a frame of a bad length"
	return texts


# One frame's text from peer, or null until the whole of it has arrived. The length, once read,
# is kept until its payload is complete. Public so the framing can be tested with a fake peer.
func read_frame(peer):
	if _pending_length < 0:
		if peer.get_available_bytes() < 4:
			return null
		_pending_length = peer.get_u32()
		if _pending_length < 1 or _pending_length > MAX_INCOMING_FRAME:
			close()
			return null
	if peer.get_available_bytes() < _pending_length:
		return null
	var text = peer.get_utf8_string(_pending_length)
	_pending_length = -1
	return text


# put_utf8_string writes the 4-byte length and then the UTF-8 bytes: exactly one frame.
func send_text(text):
	if not _open:
		return ERR_UNCONFIGURED
	_peer.put_utf8_string(text)
	return OK

// A browser client for ActorGameServer over WebSocket. An ES module with no dependencies and no
// build step: `import { GameClient } from "./game_client.js"`.
//
//     const client = await GameClient.connect("ws://localhost:9301/ws");
//     client.on("relay", ({ room, from, data }) => console.log(room, from, data));
//     await client.hello("Ada");
//     await client.join("lobby");
//     client.relay("lobby", { x: 10, y: 4 });
//
// The protocol is docs/PROTOCOL.md; over WebSocket only the framing differs: one JSON envelope
// per WebSocket message, no length prefix.
//
// Why it is written the way it is:
// - Requests get a numeric id and are matched to their reply by it, as in the .NET and Godot
//   clients. Every other frame (PRESENCE, RELAY, DIRECT, SHUTDOWN, NOTICE, an ERROR that answers no
//   request...) is a push and becomes an event named after its cmd in lower case, so a push a
//   newer server adds reaches listeners without a change here.
// - Frames over the WELCOME's max_payload are refused before they are sent: the server would
//   answer frame_too_large and close the connection, dropping the player from every room.
// - The socket's readyState is checked before every send, because WebSocket.send on a closing
//   socket drops the data silently.
// - JSON.parse turns every number into a double: integers beyond 2^53 and trailing zeros
//   ("1.50") do not survive. The server passes them on byte for byte; each frame keeps its text
//   in `raw` for a caller who needs the exact bytes.
// - It does not reconnect by itself (a page decides when to come back). With resume on, the
//   server keeps a dropped player's session for resumeWindowMs: keep `sessionToken`, connect a new
//   client and call resume(token) before any other request to be that player again.

/** The server answered a request with ERROR (or refused the connection instead of WELCOME). */
export class GameServerError extends Error {
    constructor(code, detail, frame = null) {
        super(`${code}: ${detail}`);
        this.name = "GameServerError";
        /** The error code from docs/PROTOCOL.md, e.g. "not_in_room". */
        this.code = code;
        /** The server's human-readable text. */
        this.detail = detail;
        /** The whole ERROR frame. */
        this.frame = frame;
    }
}

/**
 * Something this client refused or could not do on its own side. `code` is one of
 * "frame_too_large", "not_connected", "connection_closed", "connect_failed", "timeout",
 * "bad_frame".
 */
export class ClientError extends Error {
    constructor(code, detail) {
        super(`${code}: ${detail}`);
        this.name = "ClientError";
        this.code = code;
        this.detail = detail;
    }
}

const utf8 = new TextEncoder();
// fatal: a frame that is not UTF-8 is a broken stream, not text to patch up with U+FFFD.
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/**
 * One WebSocket connection to the server. Events (a CustomEvent whose `detail` is the frame's
 * `message`; `frame` is the whole frame) are dispatched on the client itself:
 * - "presence" {room, joined: {user_id, name}}, {room, left: {user_id}}, {room, away: {user_id}}
 *   or {room, back: {user_id}}
 * - "away" {room, user_id}: a member's connection dropped; it keeps its seat for the resume window
 * - "back" {room, user_id}: that member resumed ("presence" left comes if it does not)
 * - "resumed" {user_id, name, rooms, missed, session}: resume() worked; the missed pushes follow
 * - "relay" {room, from, data}
 * - "direct" {from, data}
 * - "shutdown" {reason, reconnect_after_ms}; the connection closes after it
 * - "notice" {message}: an administrator's announcement to every player
 * - "error" {code, detail}: an ERROR that answers no request (idle_timeout, rate_limited,
 *   kicked...)
 * - "close" {code, reason, wasClean}: the connection ended, once, whoever ended it
 * - any other push: its cmd in lower case
 */
export class GameClient extends EventTarget {
    #socket;
    #pending = new Map();
    #lastId = 0;
    #heartbeat = null;
    #closeReason = null;
    #closed;
    #resolveClosed;

    /** This connection's user id, from WELCOME. */
    userId;
    /** The largest frame, in UTF-8 bytes, that the server accepts, from WELCOME. */
    maxPayload;
    /** The server's version, from WELCOME. */
    version;
    /** The URL this client connected to. */
    url;
    /**
     * The token that resumes this player's session after a drop: WELCOME's, then the last
     * RESUMED's (a token works once). null when the server has resume off, and after bye(). A
     * secret: never show it or put it in a URL.
     */
    sessionToken;
    /** How long the server keeps a dropped session, in milliseconds; 0 when resume is off. */
    resumeWindowMs;

    constructor(socket, welcome, options) {
        super();
        this.#socket = socket;
        this.url = socket.url;
        this.userId = welcome.user_id;
        this.maxPayload = welcome.max_payload;
        this.version = welcome.version;
        this.sessionToken = typeof welcome.session === "string" ? welcome.session : null;
        this.resumeWindowMs = typeof welcome.resume_window_ms === "number" ? welcome.resume_window_ms : 0;
        this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
        socket.onmessage = (event) => this.#receive(event.data);
        socket.onclose = (event) => this.#onClose(event);
        // The server closes a connection that sends nothing for its idle-timeout (30 s by
        // default); a page that only listens would be dropped without a heartbeat.
        if (options.heartbeatMs > 0) {
            this.#heartbeat = setInterval(() => this.ping().catch(() => {}), options.heartbeatMs);
        }
    }

    /**
     * Opens a WebSocket to `url` (ws://host:port/ws or wss://...) and resolves once WELCOME has
     * arrived. Rejects with GameServerError when the server sends ERROR instead (server_full,
     * too_many_connections), or with ClientError when the socket fails or WELCOME takes longer
     * than `timeoutMs`.
     */
    static connect(url, { timeoutMs = 10000, heartbeatMs = 10000 } = {}) {
        return new Promise((resolve, reject) => {
            const socket = new WebSocket(url);
            // Binary messages are accepted too (the protocol allows either); text is what the
            // server sends.
            socket.binaryType = "arraybuffer";
            let settled = false;
            const fail = (error) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                socket.onmessage = socket.onclose = socket.onerror = null;
                socket.close();
                reject(error);
            };
            const timer = setTimeout(
                () => fail(new ClientError("timeout", `no WELCOME from ${url} within ${timeoutMs} ms`)),
                timeoutMs,
            );
            // The error event carries no detail (browsers hide why on purpose); close follows it.
            socket.onerror = () => {};
            socket.onclose = (event) =>
                fail(new ClientError("connect_failed", `could not connect to ${url} (close code ${event.code})`));
            socket.onmessage = (event) => {
                let frame;
                try {
                    frame = decode(event.data);
                } catch (error) {
                    fail(error);
                    return;
                }
                if (frame.cmd === "ERROR") {
                    fail(serverError(frame));
                } else if (frame.cmd !== "WELCOME" || !isObject(frame.message)) {
                    fail(new ClientError("bad_frame", `expected WELCOME, got ${frame.cmd}`));
                } else {
                    settled = true;
                    clearTimeout(timer);
                    socket.onerror = null;
                    resolve(new GameClient(socket, frame.message, { heartbeatMs }));
                }
            };
        });
    }

    /** True while frames can be sent. */
    get isOpen() {
        return this.#socket.readyState === WebSocket.OPEN;
    }

    /** Resolves with the "close" event's detail once the connection has ended. */
    get closed() {
        return this.#closed;
    }

    /**
     * Sends {cmd, message, id} with a new numeric id and resolves with the reply frame
     * ({cmd, message, id, raw}). Rejects with GameServerError when the reply is ERROR, and with
     * ClientError when the frame is refused here or the connection ends first.
     */
    request(cmd, message = null) {
        const id = ++this.#lastId;
        return new Promise((resolve, reject) => {
            this.#write({ cmd, message, id });
            this.#pending.set(id, { resolve, reject });
        });
    }

    /** Sends {cmd, message} without an id, for frames that have no reply. Throws ClientError. */
    send(cmd, message = null) {
        this.#write({ cmd, message });
    }

    /** Resolves with the PONG's message (the same value) and the round trip in milliseconds. */
    async ping(message = null) {
        const started = performance.now();
        const reply = await this.request("PING", message);
        return { message: reply.message, rttMs: performance.now() - started };
    }

    /**
     * Resolves with {user_id, name}, and account when signed in. Only while in no room. With a
     * token (a JWT from your login service) on a server with sign-in on, the player signs in; a
     * null name then takes the token's name claim. An invalid token rejects with bad_token.
     */
    async hello(name, token = null) {
        const message = {};
        if (name !== null && name !== undefined) message.name = name;
        if (token !== null && token !== undefined) message.token = token;
        return (await this.request("HELLO", message)).message;
    }

    /** Resolves with {room, members: [{user_id, name}]}, this client included. */
    async join(room) {
        return (await this.request("JOIN", { room })).message;
    }

    /** Resolves with {room}. */
    async leave(room) {
        return (await this.request("LEAVE", { room })).message;
    }

    /**
     * Sends data to every other member of room. No reply on success; a refusal (not_in_room)
     * comes as an "error" event.
     */
    relay(room, data) {
        this.send("RELAY", { room, data });
    }

    /**
     * Sends data to one user. No reply on success; no_such_user comes as an "error" event.
     */
    direct(to, data) {
        this.send("DIRECT", { to, data });
    }

    /** Resolves with {room, members: [{user_id, name}]}. */
    async who(room) {
        return (await this.request("WHO", { room })).message;
    }

    /** Resolves with [{room, members: count}]. */
    async rooms() {
        return (await this.request("ROOMS", {})).message.rooms;
    }

    /**
     * Takes back the session of `token` (an earlier client's sessionToken) on this new
     * connection. Call it first, before any other request. Resolves with {user_id, name, rooms,
     * missed, session}: this client is that player again (userId, its rooms, a new sessionToken),
     * a "resumed" event is dispatched, and the `missed` pushes it missed are dispatched next, in
     * order, before anything live. Rejects with GameServerError "bad_session" when no session
     * waits for the token: this client goes on as the fresh player of its WELCOME (join again).
     */
    async resume(token) {
        const reply = await this.request("RESUME", { session: token });
        // This runs before the next message is handled (a microtask), so before the missed pushes.
        this.userId = reply.message.user_id;
        this.sessionToken = reply.message.session;
        const event = new CustomEvent("resumed", { detail: reply.message });
        event.frame = reply;
        this.dispatchEvent(event);
        return reply.message;
    }

    /**
     * Leaves for good: sends BYE, so the server ends the session at once (the rooms see "presence"
     * left, not away, and the token resumes nothing) and closes the connection. Resolves once it is
     * closed; closes it from this side if the server has not within a second.
     */
    async bye() {
        this.sessionToken = null;
        this.send("BYE", {});
        let timer;
        const late = new Promise((resolve) => (timer = setTimeout(resolve, 1000)));
        await Promise.race([this.#closed, late]);
        clearTimeout(timer);
        return this.close("bye");
    }

    /**
     * Calls fn(detail, frame) for every event of that type; returns a function that removes it.
     */
    on(type, fn) {
        const listener = (event) => fn(event.detail, event.frame);
        this.addEventListener(type, listener);
        return () => this.removeEventListener(type, listener);
    }

    /** Closes the connection; resolves once it is closed. */
    close(reason = "closed by the client") {
        this.#closeReason ??= reason;
        if (this.#socket.readyState < WebSocket.CLOSING) {
            this.#socket.close(1000);
        }
        return this.#closed;
    }

    #write(frame) {
        if (!this.isOpen) {
            throw new ClientError("not_connected", `${frame.cmd} was not sent: the connection is not open`);
        }
        const text = JSON.stringify(frame);
        const size = utf8.encode(text).length;
        if (size > this.maxPayload) {
            throw new ClientError(
                "frame_too_large",
                `${frame.cmd} was not sent: its frame is ${size} bytes, the server accepts at most ${this.maxPayload}`,
            );
        }
        this.#socket.send(text);
    }

    #receive(data) {
        let frame;
        try {
            frame = decode(data);
        } catch (error) {
            // The server only sends envelopes: anything else means the stream cannot be trusted.
            this.#closeReason ??= error.message;
            this.#socket.close(1000);
            return;
        }
        const pending = typeof frame.id === "number" ? this.#pending.get(frame.id) : undefined;
        if (pending) {
            this.#pending.delete(frame.id);
            if (frame.cmd === "ERROR") {
                pending.reject(serverError(frame));
            } else {
                pending.resolve(frame);
            }
            return;
        }
        const event = new CustomEvent(frame.cmd.toLowerCase(), { detail: frame.message });
        event.frame = frame;
        this.dispatchEvent(event);
        // away/back also get events of their own, so a page can grey a player out without
        // telling the presence kinds apart itself.
        if (frame.cmd === "PRESENCE" && isObject(frame.message)) {
            for (const kind of ["away", "back"]) {
                if (isObject(frame.message[kind])) {
                    const presence = new CustomEvent(kind, { detail: { room: frame.message.room, user_id: frame.message[kind].user_id } });
                    presence.frame = frame;
                    this.dispatchEvent(presence);
                }
            }
        }
    }

    #onClose(event) {
        clearInterval(this.#heartbeat);
        const detail = {
            code: event.code,
            reason: this.#closeReason ?? (event.reason || "closed by the server"),
            wasClean: event.wasClean,
        };
        for (const { reject } of this.#pending.values()) {
            reject(new ClientError("connection_closed", `the connection closed before the reply arrived (${detail.reason})`));
        }
        this.#pending.clear();
        const closeEvent = new CustomEvent("close", { detail });
        this.dispatchEvent(closeEvent);
        this.#resolveClosed(detail);
    }
}

function decode(data) {
    let text;
    try {
        text = typeof data === "string" ? data : utf8Strict.decode(data);
    } catch {
        throw new ClientError("bad_frame", "the server sent a message that is not UTF-8");
    }
    let frame;
    try {
        frame = JSON.parse(text);
    } catch {
        throw new ClientError("bad_frame", "the server sent a message that is not JSON");
    }
    if (!isObject(frame) || typeof frame.cmd !== "string") {
        throw new ClientError("bad_frame", "the server sent JSON that is not an envelope");
    }
    return { cmd: frame.cmd, message: frame.message ?? null, id: frame.id, raw: text };
}

function serverError(frame) {
    const body = isObject(frame.message) ? frame.message : {};
    return new GameServerError(String(body.code ?? "unknown"), String(body.detail ?? ""), frame);
}

function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

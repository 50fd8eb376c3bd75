// The admin console: polls the admin JSON API (/admin/api/*) every 2 s and draws what it says.
//
// Safety rules this file keeps:
// - Every string that comes from the API (player names above all: players choose them) reaches
//   the page through textContent or an attribute set with setAttribute, never innerHTML.
// - The token lives in sessionStorage (this tab only, gone when it closes), is sent only in the
//   Authorization header, and never appears in a URL, where logs and history would keep it.
// - No inline script or style attribute: the server's Content-Security-Policy forbids both.
"use strict";

(() => {
    const TOKEN_KEY = "actor-game-server.admin-token";
    const POLL_MS = 2000;
    const WINDOW_SECONDS = 5 * 60;
    // A few thousand rows make the page sluggish and nobody reads them; the search narrows it down.
    const MAX_ROWS = 500;
    const CHART_HEIGHT = 200;

    const $ = (id) => document.getElementById(id);

    // ---- API -------------------------------------------------------------------------------

    class Unauthorized extends Error {}

    class ApiError extends Error {}

    function token() {
        return sessionStorage.getItem(TOKEN_KEY);
    }

    /** One call to the admin API; resolves to the parsed JSON body, or throws Unauthorized/ApiError. */
    async function api(method, path, body, withToken = token()) {
        let response;
        try {
            response = await fetch(path, {
                method,
                headers: {
                    Authorization: `Bearer ${withToken}`,
                    Accept: "application/json",
                    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
                cache: "no-store",
                credentials: "omit",
            });
        } catch (error) {
            throw new ApiError(`cannot reach the server (${error.message})`);
        }

        const text = await response.text();
        let json = null;
        try {
            json = text ? JSON.parse(text) : null;
        } catch {
            // Not JSON (a proxy's error page, say): reported below with the status.
        }

        if (response.status === 401) {
            throw new Unauthorized("wrong token");
        }
        if (!response.ok) {
            const detail = json && typeof json.error === "string" ? json.error : response.statusText || "no details";
            throw new ApiError(`${method} ${path}: ${response.status} ${detail}`);
        }
        if (json === null) {
            throw new ApiError(`${method} ${path}: the server did not answer with JSON`);
        }
        return json;
    }

    // ---- formatting ------------------------------------------------------------------------

    const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
    const rate = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

    function formatCount(n) {
        return Number.isFinite(n) ? integer.format(n) : "–";
    }

    function formatRate(n) {
        // A decimal only where it says something: 4.5 frames/s, but 1,827 rather than 1,826.5.
        return Number.isFinite(n) ? (Math.abs(n) >= 100 ? integer : rate).format(n) : "–";
    }

    function formatDuration(seconds) {
        if (!Number.isFinite(seconds) || seconds < 0) return "–";
        const s = Math.floor(seconds);
        const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
        if (d > 0) return `${d}d ${h}h`;
        if (h > 0) return `${h}h ${m}m`;
        if (m > 0) return `${m}m ${s % 60}s`;
        return `${s}s`;
    }

    function formatBytes(n) {
        if (!Number.isFinite(n)) return "–";
        const units = ["B", "KiB", "MiB", "GiB", "TiB"];
        let value = n, unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
    }

    function plural(n, word) {
        return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
    }

    /** An element with a class and text; the text goes through textContent, so it is never parsed as HTML. */
    function el(tag, className, text) {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    }

    function setText(node, text) {
        // Writing the same text again would still touch the DOM (and a selection in it).
        if (node.textContent !== text) node.textContent = text;
    }

    // ---- toasts: every API error is shown ---------------------------------------------------

    const stickyToasts = new Map();

    /**
     * Shows a message at the bottom right. Errors stay until closed (or, for a sticky key such as
     * the poll's, until the same key is cleared); successes fade after a few seconds.
     */
    function toast(kind, message, key) {
        let node = key ? stickyToasts.get(key) : undefined;
        if (!node) {
            node = el("div", `toast ${kind}`);
            node.setAttribute("role", kind === "error" ? "alert" : "status");
            const text = el("span", "toast-text");
            const close = el("button", "", "×");
            close.type = "button";
            close.setAttribute("aria-label", "Dismiss");
            close.addEventListener("click", () => dismiss(node, key));
            node.append(text, close);
            $("toasts").append(node);
            if (key) stickyToasts.set(key, node);
        }
        node.className = `toast ${kind}`;
        setText(node.querySelector(".toast-text"), message);
        if (kind !== "error") setTimeout(() => dismiss(node, key), 4000);
    }

    function dismiss(node, key) {
        node.remove();
        if (key && stickyToasts.get(key) === node) stickyToasts.delete(key);
    }

    function clearToast(key) {
        const node = stickyToasts.get(key);
        if (node) dismiss(node, key);
    }

    // ---- charts ----------------------------------------------------------------------------

    const css = getComputedStyle(document.documentElement);
    const color = (name) => css.getPropertyValue(name).trim();

    const history = { t: [], players: [], framesIn: [], framesOut: [] };
    let playersChart = null;
    let framesChart = null;

    function axis() {
        return {
            stroke: color("--muted"),
            grid: { stroke: color("--line"), width: 1 },
            ticks: { stroke: color("--line"), width: 1 },
            font: "11px system-ui, sans-serif",
        };
    }

    function makeChart(container, series, formatValue) {
        const options = {
            width: Math.max(container.clientWidth, 200),
            height: CHART_HEIGHT,
            cursor: { drag: { x: false, y: false } },
            scales: {
                // At least a minute wide, so the first few points do not get millisecond ticks.
                x: { time: true, range: (_u, min, max) => [Math.min(min, max - 60), max] },
                // From zero, with headroom: a flat line at the top edge reads as "at a limit".
                y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.2))] },
            },
            axes: [
                { ...axis(), space: 70, values: (_u, ticks) => ticks.map(formatClock) },
                { ...axis(), size: 52, values: (_u, ticks) => ticks.map(formatValue) },
            ],
            series: [{ label: "At", value: (u, t, _s, idx) => formatTime(idx == null ? last(u.data[0]) : t) }, ...series],
        };
        const chart = new uPlot(options, [[], ...series.map(() => [])], container);
        new ResizeObserver(() => chart.setSize({ width: Math.max(container.clientWidth, 200), height: CHART_HEIGHT })).observe(container);
        return chart;
    }

    // Away from the cursor the legend shows the newest values rather than dashes.
    function line(label, stroke, fill, formatValue) {
        return {
            label, stroke, fill, width: 2, points: { show: false },
            value: (u, v, sidx, idx) => {
                const shown = idx == null ? last(u.data[sidx]) : v;
                return shown == null ? "–" : formatValue(shown);
            },
        };
    }

    function last(values) {
        return values && values.length ? values[values.length - 1] : null;
    }

    const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

    function formatClock(seconds) {
        return clock.format(new Date(seconds * 1000));
    }

    function formatTime(seconds) {
        return seconds == null ? "–" : new Date(seconds * 1000).toLocaleTimeString();
    }

    function ensureCharts() {
        if (playersChart) return;
        playersChart = makeChart($("chart-players"), [line("Players", color("--accent"), "rgba(90,169,255,0.12)", formatCount)], formatCount);
        framesChart = makeChart(
            $("chart-frames"),
            [line("In", color("--in"), "rgba(79,209,165,0.08)", formatRate), line("Out", color("--out"), "rgba(245,165,36,0.08)", formatRate)],
            formatRate);
    }

    function record(stats) {
        const now = Date.now() / 1000;
        history.t.push(now);
        history.players.push(stats.players_online);
        history.framesIn.push(stats.frames_in_per_second);
        history.framesOut.push(stats.frames_out_per_second);
        // A rolling window: what is older than five minutes goes.
        while (history.t.length && history.t[0] < now - WINDOW_SECONDS) {
            for (const key of Object.keys(history)) history[key].shift();
        }
        ensureCharts();
        playersChart.setData([history.t, history.players]);
        framesChart.setData([history.t, history.framesIn, history.framesOut]);
        // How many points the charts hold, for tests and screenshots that wait for a few.
        document.body.dataset.chartPoints = String(history.t.length);
    }

    // ---- stats, header, missing nodes ------------------------------------------------------

    let missingFromStats = [];
    let missingFromPlayers = [];

    function renderStats(stats) {
        setText($("stat-players"), formatCount(stats.players_online));
        setText($("stat-rooms"), formatCount(stats.rooms));
        setText($("stat-in"), formatRate(stats.frames_in_per_second));
        setText($("stat-out"), formatRate(stats.frames_out_per_second));
        setText($("version"), String(stats.version ?? "–"));
        setText($("uptime"), formatDuration(stats.uptime_seconds));
        const nodes = Array.isArray(stats.nodes) ? stats.nodes.length : 1;
        missingFromStats = Array.isArray(stats.missing_nodes) ? stats.missing_nodes.map(String) : [];
        setText($("node-count"), missingFromStats.length ? `${nodes} (${missingFromStats.length} missing)` : String(nodes));
        // The node columns only help when there is more than one node to tell apart.
        const multi = nodes + missingFromStats.length > 1;
        $("players").classList.toggle("multi-node", multi);
        $("rooms").classList.toggle("multi-node", multi);
        $("facts").hidden = false;
        renderMissing();
        record(stats);
    }

    function renderMissing() {
        const missing = [...new Set([...missingFromStats, ...missingFromPlayers])];
        const banner = $("missing");
        banner.hidden = missing.length === 0;
        if (missing.length) {
            setText(banner, `Not answering, so left out of the numbers below: ${missing.join(", ")}`);
        }
    }

    // ---- players table ---------------------------------------------------------------------

    let players = [];
    const playerRows = new Map();

    /**
     * Whether a player matches every word of the search. A word of digits matches a user id
     * exactly (so "7" does not also find 17, 70 and every address with a 7 in it), a port, or a
     * name or room containing it; any other word is looked for in the name, address and rooms.
     */
    function playerMatches(player, words) {
        const name = String(player.name ?? "").toLowerCase();
        const remote = String(player.remote ?? "").toLowerCase();
        const rooms = (player.rooms ?? []).map((room) => String(room).toLowerCase());
        return words.every((word) => {
            if (/^\d+$/.test(word)) {
                return String(player.user_id) === word || remote.endsWith(`:${word}`) || name.includes(word) || rooms.some((room) => room.includes(word));
            }
            return name.includes(word) || remote.includes(word) || rooms.some((room) => room.includes(word));
        });
    }

    function searchWords(input) {
        return input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    }

    function playerKey(player) {
        return `${player.node ?? ""}|${player.user_id}`;
    }

    function newPlayerRow() {
        const row = el("tr");
        const cells = {};
        for (const [name, className] of [
            ["id", "num mono"], ["name", "name"], ["remote", "mono"], ["transport", ""], ["rooms", "rooms"],
            ["connected", "num"], ["frames", "num mono"], ["bytes", "num mono"], ["node", "node-col mono"], ["action", "action"],
        ]) {
            cells[name] = row.appendChild(el("td", className));
        }
        const kick = el("button", "kick", "Kick");
        kick.type = "button";
        kick.addEventListener("click", () => openKick(row.player));
        cells.action.append(kick);
        row.cells_ = cells;
        return row;
    }

    function fillPlayerRow(row, player, now) {
        // Rows are kept and only their text changes, so a click on Kick is never lost to a redraw.
        row.player = player;
        const c = row.cells_;
        row.dataset.userId = String(player.user_id);
        setText(c.id, String(player.user_id));
        setText(c.name, String(player.name ?? ""));
        c.name.title = String(player.name ?? "");
        setText(c.remote, String(player.remote ?? ""));
        const transport = String(player.transport ?? "");
        if (c.transport.dataset.value !== transport) {
            c.transport.dataset.value = transport;
            c.transport.replaceChildren(el("span", `pill ${transport === "tcp" ? "tcp" : transport === "websocket" ? "websocket" : ""}`, transport));
        }
        const rooms = (player.rooms ?? []).map(String);
        const roomsKey = JSON.stringify(rooms);
        if (c.rooms.dataset.value !== roomsKey) {
            c.rooms.dataset.value = roomsKey;
            c.rooms.replaceChildren(...(rooms.length ? rooms.map((room) => el("span", "tag", room)) : [el("span", "muted", "—")]));
            c.rooms.title = rooms.join(", ");
        }
        const since = Date.parse(player.connected_at);
        setText(c.connected, Number.isFinite(since) ? formatDuration((now - since) / 1000) : "–");
        c.connected.title = String(player.connected_at ?? "");
        setText(c.frames, `${formatCount(player.frames_in)} / ${formatCount(player.frames_out)}`);
        setText(c.bytes, `${formatBytes(player.bytes_in)} / ${formatBytes(player.bytes_out)}`);
        setText(c.node, String(player.node ?? ""));
    }

    function renderPlayers() {
        const words = searchWords($("player-search"));
        const matching = players.filter((player) => playerMatches(player, words));
        const shown = matching.slice(0, MAX_ROWS);
        const now = Date.now();
        const body = $("players").tBodies[0];
        const wanted = [];
        const keep = new Set();
        for (const player of shown) {
            const key = playerKey(player);
            keep.add(key);
            let row = playerRows.get(key);
            if (!row) {
                row = newPlayerRow();
                playerRows.set(key, row);
            }
            fillPlayerRow(row, player, now);
            wanted.push(row);
        }
        for (const [key, row] of playerRows) {
            if (!keep.has(key)) {
                row.remove();
                playerRows.delete(key);
            }
        }
        placeRows(body, wanted, words.length ? "No player matches the search." : "No players online.", 10);
        setText($("players-count"), formatCount(players.length));
        const note = $("players-note");
        note.hidden = matching.length <= MAX_ROWS;
        if (!note.hidden) setText(note, `Showing the first ${formatCount(MAX_ROWS)} of ${formatCount(matching.length)} matching players: narrow the search to see the rest.`);
    }

    /** Puts rows in order, moving only those out of place, or a single "empty" row. */
    function placeRows(body, rows, emptyText, columns) {
        if (rows.length === 0) {
            const empty = el("tr", "empty");
            const cell = el("td", "", emptyText);
            cell.colSpan = columns;
            empty.append(cell);
            body.replaceChildren(empty);
            return;
        }
        body.querySelector("tr.empty")?.remove();
        let expected = body.firstElementChild;
        for (const row of rows) {
            if (row !== expected) {
                body.insertBefore(row, expected);
            } else {
                expected = expected.nextElementSibling;
            }
        }
    }

    // ---- rooms table -----------------------------------------------------------------------

    let rooms = [];
    const roomRows = new Map();

    function renderRooms() {
        const words = searchWords($("room-search"));
        const matching = rooms.filter((room) => {
            const text = `${room.room ?? ""} ${room.node ?? ""}`.toLowerCase();
            return words.every((word) => text.includes(word));
        });
        const shown = matching.slice(0, MAX_ROWS);
        const body = $("rooms").tBodies[0];
        const wanted = [];
        const keep = new Set();
        for (const room of shown) {
            const key = `${room.node ?? ""}|${room.room}`;
            keep.add(key);
            let row = roomRows.get(key);
            if (!row) {
                row = el("tr");
                row.append(el("td", "mono"), el("td", "num"), el("td", "node-col mono"));
                roomRows.set(key, row);
            }
            row.dataset.room = String(room.room);
            setText(row.cells[0], String(room.room ?? ""));
            setText(row.cells[1], formatCount(room.members));
            setText(row.cells[2], String(room.node ?? ""));
            wanted.push(row);
        }
        for (const [key, row] of roomRows) {
            if (!keep.has(key)) {
                row.remove();
                roomRows.delete(key);
            }
        }
        placeRows(body, wanted, words.length ? "No room matches the search." : "No rooms.", 3);
        setText($("rooms-count"), formatCount(rooms.length));
        const note = $("rooms-note");
        note.hidden = matching.length <= MAX_ROWS;
        if (!note.hidden) setText(note, `Showing the first ${formatCount(MAX_ROWS)} of ${formatCount(matching.length)} matching rooms.`);
    }

    // ---- polling ---------------------------------------------------------------------------

    // Bumped by sign-out, so a poll already in flight does not start the next one.
    let generation = 0;
    let pollTimer = 0;

    async function poll(mine) {
        const started = Date.now();
        const [stats, playerList, roomList] = await Promise.allSettled([
            api("GET", "/admin/api/stats"),
            api("GET", "/admin/api/players"),
            api("GET", "/admin/api/rooms"),
        ]);
        if (mine !== generation) return;

        const failures = [stats, playerList, roomList].filter((r) => r.status === "rejected").map((r) => r.reason);
        if (failures.some((error) => error instanceof Unauthorized)) {
            signOut("Wrong token: the server refused it. Sign in again.");
            return;
        }

        if (stats.status === "fulfilled") renderStats(stats.value);
        if (playerList.status === "fulfilled") {
            players = Array.isArray(playerList.value.players) ? playerList.value.players : [];
            players.sort((a, b) => Number(a.user_id) - Number(b.user_id));
            missingFromPlayers = Array.isArray(playerList.value.missing_nodes) ? playerList.value.missing_nodes.map(String) : [];
            renderMissing();
            renderPlayers();
        }
        if (roomList.status === "fulfilled") {
            rooms = Array.isArray(roomList.value.rooms) ? roomList.value.rooms : [];
            rooms.sort((a, b) => Number(b.members) - Number(a.members) || String(a.room).localeCompare(String(b.room)));
            renderRooms();
        }

        $("live").dataset.state = failures.length ? "error" : "ok";
        if (failures.length) {
            toast("error", `Refresh failed: ${failures.map((error) => error.message).join("; ")}`, "poll");
        } else {
            clearToast("poll");
            setText($("updated"), new Date().toLocaleTimeString());
        }

        // Every 2 s from the start of this poll, not 2 s after a slow one ended.
        pollTimer = setTimeout(() => poll(mine), Math.max(0, POLL_MS - (Date.now() - started)));
    }

    function refreshNow() {
        clearTimeout(pollTimer);
        poll(generation);
    }

    // ---- sign in and out -------------------------------------------------------------------

    function showLogin(error) {
        $("console-view").hidden = true;
        $("facts").hidden = true;
        $("sign-out").hidden = true;
        $("login-view").hidden = false;
        const message = $("login-error");
        message.hidden = !error;
        setText(message, error ?? "");
        $("token").value = "";
        $("token").focus();
    }

    function showConsole() {
        $("login-view").hidden = true;
        $("console-view").hidden = false;
        $("sign-out").hidden = false;
        generation++;
        clearTimeout(pollTimer);
        poll(generation);
    }

    function signOut(error) {
        generation++;
        clearTimeout(pollTimer);
        sessionStorage.removeItem(TOKEN_KEY);
        clearToast("poll");
        showLogin(error);
    }

    $("login").addEventListener("submit", async (event) => {
        event.preventDefault();
        const candidate = $("token").value.trim();
        if (!candidate) return;
        const button = $("sign-in");
        button.disabled = true;
        try {
            // Checked before it is kept, so a typo never sits in sessionStorage.
            await api("GET", "/admin/api/stats", undefined, candidate);
            sessionStorage.setItem(TOKEN_KEY, candidate);
            showConsole();
        } catch (error) {
            showLogin(error instanceof Unauthorized ? "Wrong token: the server refused it." : error.message);
        } finally {
            button.disabled = false;
        }
    });

    $("sign-out").addEventListener("click", () => signOut());

    // ---- kick ------------------------------------------------------------------------------

    let kickTarget = null;

    function openKick(player) {
        kickTarget = player;
        setText($("kick-who"), `${player.name ? String(player.name) : "user"} (${player.user_id})`);
        $("kick-reason").value = "";
        $("kick-dialog").showModal();
        $("kick-reason").focus();
    }

    $("kick-cancel").addEventListener("click", () => $("kick-dialog").close());

    $("kick-form").addEventListener("submit", async (event) => {
        event.preventDefault();
        const player = kickTarget;
        const reason = $("kick-reason").value.trim();
        if (!player || !reason) return;
        const button = $("kick-confirm");
        button.disabled = true;
        try {
            await api("POST", `/admin/api/players/${encodeURIComponent(player.user_id)}/kick`, { reason });
            $("kick-dialog").close();
            toast("success", `Kicked ${player.name ? String(player.name) : "user"} (${player.user_id})`);
            refreshNow();
        } catch (error) {
            if (error instanceof Unauthorized) {
                $("kick-dialog").close();
                signOut("Wrong token: the server refused it. Sign in again.");
            } else {
                toast("error", `Kick failed: ${error.message}`);
            }
        } finally {
            button.disabled = false;
        }
    });

    // ---- broadcast -------------------------------------------------------------------------

    $("broadcast").addEventListener("submit", async (event) => {
        event.preventDefault();
        const message = $("broadcast-message").value.trim();
        if (!message) return;
        const button = $("broadcast-send");
        button.disabled = true;
        setText($("broadcast-result"), "Sending…");
        try {
            const reply = await api("POST", "/admin/api/broadcast", { message });
            setText($("broadcast-result"), `Sent to ${plural(Number(reply.sent_to), "player")}`);
            $("broadcast-message").value = "";
        } catch (error) {
            setText($("broadcast-result"), "");
            if (error instanceof Unauthorized) {
                signOut("Wrong token: the server refused it. Sign in again.");
            } else {
                toast("error", `Broadcast failed: ${error.message}`);
            }
        } finally {
            button.disabled = false;
        }
    });

    $("player-search").addEventListener("input", renderPlayers);
    $("room-search").addEventListener("input", renderRooms);

    // ---- start -----------------------------------------------------------------------------

    if (token()) {
        showConsole();
    } else {
        showLogin();
    }
})();

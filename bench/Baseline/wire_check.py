#!/usr/bin/env python3
"""Runs one scripted session of HELLO/JOIN/LEAVE/RELAY (and their errors) against two servers and
compares every frame each client receives, byte for byte.
usage: wire_check.py PORT_A PORT_B   (both servers fresh, rooms.max-members 2)"""
import re
import socket
import struct
import sys
import time

STEPS = [
    ("connect", "a"), ("connect", "b"), ("connect", "c"),
    ("a", '{"cmd":"HELLO","message":{"name":"  Ada  "},"id":1}'),
    ("c", '{"cmd":"HELLO","message":{"name":""}}'),
    ("c", '{"cmd":"HELLO","message":{}}'),
    ("a", '{"cmd":"JOIN","message":{"room":"lobby"},"id":2}'),
    ("b", '{"cmd":"JOIN","message":{"room":"lobby"},"id":"x"}'),
    ("b", '{"cmd":"HELLO","message":{"name":"Bo"}}'),
    ("a", '{"cmd":"RELAY","message":{"room":"lobby","data":{"x":10,"y":4}}}'),
    ("a", '{"cmd":"RELAY","message":{"room":"lobby"}}'),
    ("b", '{"cmd":"RELAY","message":{"room":"lobby","data":"psst"},"id":9}'),
    ("c", '{"cmd":"RELAY","message":{"room":"lobby","data":1},"id":3}'),
    ("c", '{"cmd":"JOIN","message":{"room":"lobby"},"id":4}'),
    ("a", '{"cmd":"JOIN","message":{"room":"lobby"}}'),
    ("c", '{"cmd":"JOIN","message":{"room":"bad room!"}}'),
    ("c", '{"cmd":"JOIN","message":{"room":""}}'),
    ("c", '{"cmd":"JOIN","message":{}}'),
    ("c", '{"cmd":"LEAVE","message":{"room":"lobby"},"id":[1,2]}'),
    ("c", '{"cmd":"FOO"}'),
    ("b", '{"cmd":"LEAVE","message":{"room":"lobby"},"id":5}'),
    ("c", '{"cmd":"JOIN","message":{"room":"lobby"}}'),
    ("b", '{"cmd":"JOIN","message":{"room":"other"}}'),
    ("c", '{"cmd":"PING","message":{"n":1},"id":7}'),
    ("close", "c"),
    ("a", '{"cmd":"RELAY","message":{"room":"lobby","data":[1,"two",null]}}'),
]

def run(port):
    clients, seen = {}, {}
    def drain():
        time.sleep(0.15)
        for name, s in clients.items():
            s.setblocking(False)
            buf = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
            except BlockingIOError:
                pass
            s.setblocking(True)
            while buf:
                n = struct.unpack("<I", buf[:4])[0]
                seen[name].append(buf[4:4 + n])
                buf = buf[4 + n:]
    for who, what in STEPS:
        if who == "connect":
            clients[what] = socket.create_connection(("127.0.0.1", port))
            seen[what] = []
        elif who == "close":
            clients.pop(what).close()
        else:
            data = what.encode()
            clients[who].sendall(struct.pack("<I", len(data)) + data)
        drain()
    # User ids are numbered from the server's first connection, and a start script may have
    # spent some on readiness probes: count them (and default names) from the first WELCOME.
    first = int(re.search(rb'"user_id":(\d+)', seen["a"][0]).group(1))
    renumber = lambda m: m.group(1) + str(int(m.group(2)) - first + 1).encode()
    return {name: [re.sub(rb'("user_id":|"from":|"name":"player-)(\d+)', renumber, f) for f in frames] for name, frames in seen.items()}


a, b = run(int(sys.argv[1])), run(int(sys.argv[2]))
same = True
for name in sorted(a):
    for i in range(max(len(a[name]), len(b[name]))):
        x = a[name][i] if i < len(a[name]) else b"(none)"
        y = b[name][i] if i < len(b[name]) else b"(none)"
        mark = "  " if x == y else "!!"
        same &= x == y
        print(f"{mark} {name}: {x.decode()}" + ("" if x == y else f"\n   {name}: {y.decode()}"))
print("identical" if same else "DIFFERENT")

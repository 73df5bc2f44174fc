#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""attack.py COMMAND ARGS...: hostile HTTP clients for hostile_tests.sh,
over raw sockets on loopback. Each prints one JSON object of what it saw;
the shell test decides. Every wait has a deadline; the only pauses are the
attack's own pace (a header line a second), never a guess at the server.

  slow-headers PORT CONNS SOURCES KEY CT BODY DEADLINE
      CONNS connections from SOURCES addresses (127.0.1.x) send a request's
      header block a line a second, without end; meanwhile a normal client
      (127.0.0.9) uploads BODY. How long the upload took, and when and how
      the server ended the slow connections.
  per-ip PORT SOURCE CONNS OTHER
      CONNS connections from SOURCE ask GET /healthz; how many were
      answered; then one from OTHER while those are still open.
  hold-chunked PORT PID KEY CONNS BYTES KEY2 CT BODY
      CONNS chunked uploads with KEY, one after the other, each sends BYTES
      and holds; the server's resident memory before and while they are
      held (once the server has read all that was sent: nothing left in
      the client's send queue nor in the server socket's receive queue),
      an upload of BODY with KEY2 meanwhile, then each held upload ends
      and its status.
  declare PORT KEY CONNS LENGTH CT BODY
      CONNS uploads with KEY from four addresses declare a body of LENGTH
      bytes and send none of it; then BODY is uploaded with the same KEY.
  framing PORT KEY CT BODY
      requests whose framing is ambiguous (RFC 9112 6.3), and a sound one.
  slow-body PORT KEY DEADLINE
      an upload that declares 1 MiB, sends 1000 bytes, then a byte a
      second: when the server ends it.
"""
import fcntl
import http.client
import json
import resource
import selectors
import socket
import struct
import sys
import termios
import threading
import time

CLIENT = "127.0.0.9"


def connect(port, source, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def upload(port, key, ct, body, source=CLIENT, timeout=60):
    """A normal client's upload: (status, answer text, seconds)."""
    start = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
        c.request("POST", "/api/minidump?api_key=" + key, body=body, headers={"Content-Type": ct})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace"), time.monotonic() - start
    except (OSError, http.client.HTTPException) as e:
        return None, repr(e), time.monotonic() - start


def read_response(s, deadline):
    """Status and body of one response on s (None, text when the server
    closed first), reading until the deadline."""
    data = b""
    while b"\r\n\r\n" not in data:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            got = s.recv(65536)
        except (socket.timeout, OSError) as e:
            return None, repr(e)
        if not got:
            return None, data.decode("latin-1")
        data += got
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v)
    if status == 100:  # interim: the final answer follows
        return 100, rest.decode("latin-1")
    while len(rest) < length:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            got = s.recv(65536)
        except (socket.timeout, OSError):
            break
        if not got:
            break
        rest += got
    return status, rest.decode("utf-8", "replace")


def closed_within(s, seconds):
    """Whether the server closes s within seconds (EOF or reset)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not s.recv(65536):
                return True
        except socket.timeout:
            return False
        except OSError:
            return True
    return False


def slow_headers(port, conns, sources, key, ct, body_file, deadline):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, conns + 256)), hard))
    body = open(body_file, "rb").read()
    sel = selectors.DefaultSelector()
    opened = {}
    for i in range(conns):
        s = connect(port, "127.0.1.%d" % (i % sources + 1))
        s.setblocking(False)
        s.send(b"POST /api/minidump HTTP/1.1\r\nHost: collector\r\n")
        opened[s] = {"at": time.monotonic(), "lines": 1, "data": b""}
        sel.register(s, selectors.EVENT_READ)
    result = {}
    uploader = threading.Thread(target=lambda: result.update(
        zip(("status", "answer", "seconds"), upload(port, key, ct, body, timeout=deadline))))
    uploader.start()
    closed = []
    end = time.monotonic() + deadline
    tick = time.monotonic() + 1
    while opened and time.monotonic() < end:
        for k, _ in sel.select(timeout=max(0, min(tick, end) - time.monotonic())):
            s = k.fileobj
            try:
                got = s.recv(4096)
            except OSError:
                got = b""
            if got:
                opened[s]["data"] += got
                continue
            info = opened.pop(s)
            closed.append((time.monotonic() - info["at"], info["data"].startswith(b"HTTP/1.1 408"), info["lines"]))
            sel.unregister(s)
            s.close()
        if time.monotonic() >= tick:  # the attack's pace: a line a second
            tick += 1
            for s, info in list(opened.items()):
                try:
                    s.send(b"X-Slow-%d: y\r\n" % info["lines"])
                    info["lines"] += 1
                except OSError:
                    pass
    uploader.join()
    print(json.dumps({
        "connections": conns, "sources": sources,
        "closed_by_server": len(closed), "still_open": len(opened),
        "closed_with_408": sum(1 for c in closed if c[1]),
        "first_close_s": round(min((c[0] for c in closed), default=-1), 2),
        "last_close_s": round(max((c[0] for c in closed), default=-1), 2),
        "most_header_lines_sent": max((c[2] for c in closed), default=0),
        "upload_status": result.get("status"), "upload_answer": result.get("answer", "")[:120],
        "upload_seconds": round(result.get("seconds", -1), 2)}))


def per_ip(port, source, conns, other):
    socks = [connect(port, source) for _ in range(conns)]
    answered = refused = 0
    deadline = time.monotonic() + 30
    for s in socks:
        try:
            s.send(b"GET /healthz HTTP/1.1\r\nHost: collector\r\n\r\n")
        except OSError:
            pass
    for s in socks:
        status, _ = read_response(s, deadline)
        if status == 200:
            answered += 1
        else:
            refused += 1
    o = connect(port, other)
    o.send(b"GET /healthz HTTP/1.1\r\nHost: collector\r\n\r\n")
    other_status, _ = read_response(o, time.monotonic() + 30)
    print(json.dumps({"connections": conns, "answered": answered, "refused": refused,
                      "other_address_status": other_status}))


def proc_field(pid, name, field):
    for line in open("/proc/%d/%s" % (pid, name)):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def drained(s, port):
    """Whether the server has read everything sent on s: the client's
    send queue is empty and so is the server socket's receive queue
    (/proc/net/tcp, on loopback)."""
    outq = struct.unpack("i", fcntl.ioctl(s, termios.TIOCOUTQ, b"\0" * 4))[0]
    if outq:
        return False
    client = "0900007F:%04X" % s.getsockname()[1]
    server = "0100007F:%04X" % port
    for line in open("/proc/net/tcp"):
        f = line.split()
        if f[1] == server and f[2] == client:
            return int(f[4].split(":")[1], 16) == 0
    return True  # closed: nothing is waiting to be read


def hold_chunked(port, pid, key, conns, nbytes, key2, ct, body_file):
    rss_before = proc_field(pid, "status", "VmRSS")
    held, at_admission = [], []
    piece = b"x" * 65536
    for _ in range(conns):
        s = connect(port, CLIENT, timeout=30)
        s.sendall(b"POST /api/minidump?api_key=" + key.encode() + b" HTTP/1.1\r\nHost: collector\r\n"
                  b"Content-Type: multipart/form-data; boundary=x\r\n"
                  b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
        status, _ = read_response(s, time.monotonic() + 30)
        if status != 100:
            at_admission.append(status)
            s.close()
            continue
        left = nbytes
        while left:
            n = min(left, len(piece))
            s.sendall(b"%x\r\n" % n + piece[:n] + b"\r\n")
            left -= n
        held.append(s)
        # Held: wait until the server has read it all.
        deadline = time.monotonic() + 30
        while not drained(s, port) and time.monotonic() < deadline:
            time.sleep(0.01)  # polling the kernel for the event, with a deadline
    rss_held = proc_field(pid, "status", "VmRSS")
    other = upload(port, key2, ct, open(body_file, "rb").read(), timeout=30)
    finals = []
    for s in held:
        s.sendall(b"0\r\n\r\n")
        status, _ = read_response(s, time.monotonic() + 30)
        finals.append(status)
        s.close()
    print(json.dumps({
        "uploads": conns, "bytes_each": nbytes, "held": len(held),
        "rss_before_kib": rss_before, "rss_held_kib": rss_held, "rss_growth_kib": rss_held - rss_before,
        "refused_at_admission": at_admission, "statuses_at_end": finals,
        "other_key_status": other[0], "other_key_answer": other[1][:80]}))


def declare(port, key, conns, length, ct, body_file):
    socks, statuses = [], {}
    for i in range(conns):
        s = connect(port, "127.0.2.%d" % (i % 4 + 1), timeout=30)
        s.sendall(b"POST /api/minidump?api_key=" + key.encode() + b" HTTP/1.1\r\nHost: collector\r\n"
                  b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n"
                  b"Expect: 100-continue\r\n\r\n" % length)
        status, _ = read_response(s, time.monotonic() + 30)
        statuses[status] = statuses.get(status, 0) + 1
        socks.append(s)
    status, answer, seconds = upload(port, key, ct, open(body_file, "rb").read(), timeout=30)
    for s in socks:
        s.close()
    print(json.dumps({"declared": conns, "bytes_each": length, "statuses": statuses,
                      "upload_status": status, "upload_answer": answer[:80]}))


def framing(port, key, ct, body_file):
    body = open(body_file, "rb").read()
    post = b"POST /api/minidump?api_key=" + key.encode() + b" HTTP/1.1\r\nHost: collector\r\n" \
        b"Content-Type: " + ct.encode() + b"\r\n"
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    cases = {
        "two different Content-Length": post + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
        % (len(body), len(body) + 7) + body,
        "two equal Content-Length": post + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
        % (len(body), len(body)) + body,
        "Content-Length and Transfer-Encoding": post + b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n"
        % len(chunked) + chunked,
        "Transfer-Encoding and Content-Length": post + b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n\r\n"
        % len(body) + chunked,
        "GET with two Content-Length": b"GET /healthz HTTP/1.1\r\nHost: collector\r\n"
        b"Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello",
        "Transfer-Encoding gzip, chunked": post + b"Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked,
        "sound: Content-Length": post + b"Content-Length: %d\r\n\r\n" % len(body) + body,
        "sound: chunked": post + b"Transfer-Encoding: chunked\r\n\r\n" + chunked,
    }
    out = {}
    for name, request in cases.items():
        s = connect(port, CLIENT, timeout=30)
        try:
            s.sendall(request)
        except OSError:
            pass
        status, text = read_response(s, time.monotonic() + 30)
        out[name] = {"status": status, "closed": closed_within(s, 5) if status != 200 else None,
                     "answer": text[:100]}
        s.close()
    print(json.dumps(out))


def slow_body(port, key, deadline):
    s = connect(port, CLIENT, timeout=30)
    s.sendall(b"POST /api/minidump?api_key=" + key.encode() + b" HTTP/1.1\r\nHost: collector\r\n"
              b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1048576\r\n"
              b"Expect: 100-continue\r\n\r\n")
    status, _ = read_response(s, time.monotonic() + 30)
    if status != 100:
        print(json.dumps({"admitted": False, "status": status}))
        return
    start = time.monotonic()
    s.sendall(b"x" * 1000)
    sent, data = 1000, b""
    end = start + deadline
    closed = False
    while time.monotonic() < end:
        s.settimeout(max(0.01, min(1.0, end - time.monotonic())))
        try:
            got = s.recv(4096)
            if not got:
                closed = True
                break
            data += got
            continue
        except socket.timeout:
            pass
        except OSError:
            closed = True
            break
        try:  # the attack's pace: a byte a second
            s.send(b"x")
            sent += 1
        except OSError:
            closed = True
            break
    print(json.dumps({"admitted": True, "closed": closed, "seconds": round(time.monotonic() - start, 2),
                      "bytes_sent": sent, "answer": data.decode("latin-1")[:40]}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "slow-headers":
        slow_headers(int(args[0]), int(args[1]), int(args[2]), args[3], args[4], args[5], float(args[6]))
    elif cmd == "per-ip":
        per_ip(int(args[0]), args[1], int(args[2]), args[3])
    elif cmd == "hold-chunked":
        hold_chunked(int(args[0]), int(args[1]), args[2], int(args[3]), int(args[4]), args[5], args[6], args[7])
    elif cmd == "declare":
        declare(int(args[0]), args[1], int(args[2]), int(args[3]), args[4], args[5])
    elif cmd == "framing":
        framing(int(args[0]), args[1], args[2], args[3])
    elif cmd == "slow-body":
        slow_body(int(args[0]), args[1], float(args[2]))
    else:
        sys.exit("unknown command " + cmd)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A crash server for the tests: receives multipart/form-data uploads.

receiver.py PORT_FILE LOG_FILE [FAIL_COUNT [FAIL_STATUS [CERT KEY]]]

Listens on 127.0.0.1 (a free port, written to PORT_FILE), answers the first
FAIL_COUNT requests with FAIL_STATUS (default 503) and every later one with
200 and "CrashID=bp-<n>", as Breakpad/Crashpad servers do. Every request is
appended to LOG_FILE as one JSON line: its status, path and each part of the
body, split here byte by byte (no library's idea of multipart): name,
filename, content type, size, sha256 and, for small parts, the exact bytes
as latin-1 text. With CERT and KEY (PEM files) it speaks HTTPS.
"""
import hashlib
import http.server
import json
import re
import sys

port_file, log_file = sys.argv[1], sys.argv[2]
fail_count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
fail_status = int(sys.argv[4]) if len(sys.argv) > 4 else 503
requests = 0


def split_parts(body, boundary):
    """The parts of a multipart body: (headers dict, data bytes)."""
    delim = b"--" + boundary
    chunks = body.split(delim)
    assert chunks[-1].startswith(b"--"), "no closing boundary"
    parts = []
    for chunk in chunks[1:-1]:
        assert chunk.startswith(b"\r\n") and chunk.endswith(b"\r\n"), "bad framing"
        head, _, data = chunk[2:-2].partition(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n"):
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode("latin-1")] = v.strip()
        parts.append((headers, data))
    return parts


def param(header, name):
    m = re.search(rb'(?:^|;)\s*' + name + rb'="((?:[^"\\]|\\.)*)"', header)
    return m.group(1).decode("utf-8") if m else None


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global requests
        requests += 1
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        status = fail_status if requests <= fail_count else 200
        entry = {"request": requests, "status": status, "path": self.path,
                 "user_agent": self.headers.get("User-Agent", ""), "parts": []}
        ctype = self.headers.get("Content-Type", "")
        m = re.search(r'boundary=("?)([^";]+)\1', ctype)
        if ctype.startswith("multipart/form-data") and m:
            for headers, data in split_parts(body, m.group(2).encode()):
                disp = headers.get("content-disposition", b"")
                entry["parts"].append({
                    "name": param(disp, b"name"),
                    "filename": param(disp, b"filename"),
                    "type": headers.get("content-type", b"").decode("latin-1"),
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "text": data.decode("latin-1") if len(data) <= 65536 else None,
                })
        else:
            entry["error"] = "not multipart/form-data: " + ctype
        with open(log_file, "a") as f:
            f.write(json.dumps(entry) + "\n")
        answer = (b"CrashID=bp-%d\n" % requests) if status == 200 else b"busy\n"
        self.send_response(status)
        if status != 200:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 6:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[5], sys.argv[6])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.rename(port_file + ".tmp", port_file)
server.serve_forever()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkbody.py OUT REPORT_DIR [--gzip] [--no-wer] [--ver=V] [--file=NAME:PATH]
          [KEY=VALUE ...]

Writes the body of a Crashpad-shaped upload of an openwer report to OUT
(multipart/form-data: upload_file_minidump, prod, ver, guid, one field per
metadata pair of Report.wer plus each KEY=VALUE, Report.wer and stack.txt,
as `wer submit` sends them; ver is 1.0 unless --ver= says; each --file=
one more file part, as registered files and memory blocks are sent), gzipped
with --gzip as Crashpad sends it; prints the Content-Type to use. A plain
test helper: the client under test is curl, which sends the file."""
import gzip
import os
import sys
import uuid

out, report = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
gz = "--gzip" in args
with_wer = "--no-wer" not in args
extra = [a.split("=", 1) for a in args if not a.startswith("--")]
ver = ([a[6:] for a in args if a.startswith("--ver=")] or ["1.0"])[-1]
files = [a[7:].split(":", 1) for a in args if a.startswith("--file=")]

text = open(os.path.join(report, "Report.wer"), "rb").read()
fields = {}
for line in text.decode("utf-8", "replace").splitlines():
    if "=" in line:
        k, v = line.split("=", 1)
        fields[k] = v
meta = []
n = 0
while "CustomMetadata[%d].Key" % n in fields:
    meta.append((fields["CustomMetadata[%d].Key" % n], fields["CustomMetadata[%d].Value" % n]))
    n += 1
app = fields.get("Sig[0].Value", "unknown")

boundary = "----crashpad-boundary-" + uuid.uuid4().hex
parts = []


def field(name, value):
    parts.append(b"--" + boundary.encode() + b"\r\n")
    parts.append(b'Content-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n')
    parts.append(value.encode() + b"\r\n")


def file(name, filename, ctype, data):
    parts.append(b"--" + boundary.encode() + b"\r\n")
    parts.append(b'Content-Disposition: form-data; name="' + name.encode() +
                 b'"; filename="' + filename.encode() + b'"\r\n')
    parts.append(b"Content-Type: " + ctype.encode() + b"\r\n\r\n")
    parts.append(data + b"\r\n")


field("prod", app)
field("ver", ver)
field("guid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
for k, v in meta + extra:
    field(k, v)
file("upload_file_minidump", os.path.basename(report) + ".mdmp", "application/octet-stream",
     open(os.path.join(report, "minidump.mdmp"), "rb").read())
if with_wer:
    file("Report.wer", "Report.wer", "text/plain", text)
    if os.path.exists(os.path.join(report, "stack.txt")):
        file("stack.txt", "stack.txt", "text/plain", open(os.path.join(report, "stack.txt"), "rb").read())
for name, path in files:
    file(name, name, "application/octet-stream", open(path, "rb").read())
parts.append(b"--" + boundary.encode() + b"--\r\n")
body = b"".join(parts)
if gz:
    body = gzip.compress(body)
open(out, "wb").write(body)
print("multipart/form-data; boundary=" + boundary)

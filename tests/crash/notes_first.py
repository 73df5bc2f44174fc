#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""notes_first.py IN OUT

Rewrites an ELF core so that its notes come before its memory, as the
kernel writes them (gdb's gcore writes them last): the program headers,
then the PT_NOTE segments, then the PT_LOAD segments, each moved, its
p_offset changed. A plain test helper for core_tests.sh."""
import struct
import sys

data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "a 64-bit LE ELF"
phoff, = struct.unpack_from("<Q", data, 32)
phentsize, phnum = struct.unpack_from("<HH", data, 54)
phdrs = [list(struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)) for i in range(phnum)]
at = phoff + phnum * phentsize
body = b""
for kind in (4, 1):  # PT_NOTE, then PT_LOAD
    for p in phdrs:
        if p[0] != kind:
            continue
        seg = data[p[2]:p[2] + p[5]]
        p[2] = at + len(body)
        body += seg
out = bytearray(data[:phoff])
struct.pack_into("<Q", out, 40, 0)  # no section headers
struct.pack_into("<HH", out, 60, 0, 0)
for p in phdrs:
    out += struct.pack("<IIQQQQQQ", *p)
out += body
open(sys.argv[2], "wb").write(out)

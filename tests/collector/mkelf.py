#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkelf.py OUT BUILD_ID_HEX INFLATED_BYTES

Writes a small x86-64 ELF file (ET_DYN) whose build id is BUILD_ID_HEX,
with one function, bomb_function, at offset 0x200 (0x100 bytes), and a
.debug_info section compressed with zlib (SHF_COMPRESSED) that inflates to
INFLATED_BYTES of zeros: about a thousandth of that on disk. libdw inflates
every compressed debug section when it opens DWARF (to name a frame's file
and line), allocating the whole size: the file a symbol uploader would send
to make the collector allocate gigabytes. A plain test helper."""
import struct
import sys
import zlib

out, build_id, inflated = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3])

EHDR, PHDR, SHDR = 64, 56, 64
TEXT_AT, TEXT_SIZE = 0x200, 0x100


def align(n, a):
    return (n + a - 1) // a * a


# Sections' contents
note = struct.pack("<III", 4, len(build_id), 3) + b"GNU\0" + build_id
note += b"\0" * (align(len(note), 4) - len(note))
text = b"\xc3" * TEXT_SIZE
strtab = b"\0bomb_function\0"
shstrtab = b"\0.note.gnu.build-id\0.text\0.symtab\0.strtab\0.debug_info\0.shstrtab\0"


def name(s):
    return shstrtab.index(s.encode() + b"\0")


# The compressed section: Elf64_Chdr (ELFCOMPRESS_ZLIB), then a zlib stream
# of `inflated` zeros. A MiB of zeros is compressed once, ending with a full
# flush, after which the compressor starts afresh: the same MiB again gives
# the same bytes, so they are repeated rather than computed; then the rest,
# an empty final block and the Adler-32 of it all.
MIB = 1 << 20
z = zlib.compressobj(9)
first = z.compress(b"\0" * MIB) + z.flush(zlib.Z_FULL_FLUSH)
again = z.compress(b"\0" * MIB) + z.flush(zlib.Z_FULL_FLUSH)
assert first[2:] == again
tail = inflated % MIB
last = z.compress(b"\0" * tail) + z.flush(zlib.Z_FULL_FLUSH) if tail else b""
adler, block = 1, b"\0" * MIB
for _ in range(inflated // MIB):
    adler = zlib.adler32(block, adler)
adler = zlib.adler32(b"\0" * tail, adler)
whole = inflated // MIB
stream = (first + again * (whole - 1) if whole else first[:2]) + last
stream += b"\x03\x00" + adler.to_bytes(4, "big")  # final empty block
assert whole == 0 or len(stream) < inflated
debug = struct.pack("<IIQQ", 1, 0, inflated, 1) + stream

# Layout: headers, note, text (one PT_LOAD from offset 0), then the rest.
note_at = EHDR + 2 * PHDR
assert note_at + len(note) <= TEXT_AT
symtab_at = align(TEXT_AT + TEXT_SIZE, 8)
symtab = b"\0" * 24 + struct.pack("<IBBHQQ", 1, 0x12, 0, 2, TEXT_AT, TEXT_SIZE)
strtab_at = symtab_at + len(symtab)
debug_at = strtab_at + len(strtab)
shstrtab_at = debug_at + len(debug)
shdrs_at = align(shstrtab_at + len(shstrtab), 8)

sections = [
    (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    # name, type, flags, addr, offset, size, link, info, align, entsize
    (name(".note.gnu.build-id"), 7, 2, note_at, note_at, len(note), 0, 0, 4, 0),
    (name(".text"), 1, 6, TEXT_AT, TEXT_AT, TEXT_SIZE, 0, 0, 16, 0),
    (name(".symtab"), 2, 0, 0, symtab_at, len(symtab), 4, 1, 8, 24),
    (name(".strtab"), 3, 0, 0, strtab_at, len(strtab), 0, 0, 1, 0),
    (name(".debug_info"), 1, 0x800, 0, debug_at, len(debug), 0, 0, 1, 0),
    (name(".shstrtab"), 3, 0, 0, shstrtab_at, len(shstrtab), 0, 0, 1, 0),
]
ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 + struct.pack(
    "<HHIQQQIHHHHHH", 3, 62, 1, 0, EHDR, shdrs_at, 0, EHDR, PHDR, 2, SHDR,
    len(sections), len(sections) - 1)
phdrs = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, TEXT_AT + TEXT_SIZE, TEXT_AT + TEXT_SIZE, 0x1000)
phdrs += struct.pack("<IIQQQQQQ", 4, 4, note_at, note_at, note_at, len(note), len(note), 4)

image = bytearray(shdrs_at)
image[0:EHDR] = ehdr
image[EHDR:note_at] = phdrs
image[note_at:note_at + len(note)] = note
image[TEXT_AT:TEXT_AT + TEXT_SIZE] = text
image[symtab_at:strtab_at] = symtab
image[strtab_at:debug_at] = strtab
image[debug_at:shstrtab_at] = debug
image[shstrtab_at:shstrtab_at + len(shstrtab)] = shstrtab
for s in sections:
    image += struct.pack("<IIQQQQIIQQ", *s)
open(out, "wb").write(bytes(image))

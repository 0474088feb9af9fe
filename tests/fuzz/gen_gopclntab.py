#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes small synthetic Go pclntab sections, one per layout this project
reads (Go 1.16/1.17, 1.18/1.19, 1.20+; 64- and 32-bit), built from the
layouts in golang/go src/debug/gosym/pclntab.go and src/runtime/symtab.go.
They seed the fuzzer (tests/fuzz/corpus/gopclntab/) and let
tests/unit/symbol/test_symbols.c check the layouts that the system's Go (1.19)
cannot produce.  Every table holds, from text start TEXT:
  TEXT+0x000..0x040 main.alpha  a.go  line 10 (first half), 11 (second)
  TEXT+0x040..0x0a0 main.beta   b.go  line 20 (first half), 21 (second)
  TEXT+0x0a0..0x100 runtime.gamma  c.go  line 30 (first half), 31
Usage: gen_gopclntab.py OUTDIR"""
import os
import struct
import sys

TEXT = 0x401000
FUNCS = [("main.alpha", 0x000, 0x040, "a.go", 10),
         ("main.beta", 0x040, 0x0a0, "b.go", 20),
         ("runtime.gamma", 0x0a0, 0x100, "c.go", 30)]
MAGIC = {116: 0xfffffffa, 118: 0xfffffff0, 120: 0xfffffff1}


def uvarint(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(d):
    return d << 1 if d >= 0 else ((~d) << 1) | 1


def pcvalue(steps):
    """steps: [(value, pc_delta)], starting from value -1."""
    out, prev = bytearray(), -1
    for value, pcd in steps:
        out += uvarint(zigzag(value - prev)) + uvarint(pcd)
        prev = value
    return bytes(out + b"\0")


def table(ver, ptr):
    word = "<Q" if ptr == 8 else "<I"
    nwords = 8 if ver >= 118 else 7
    hdr_size = 8 + nwords * ptr
    names = b"".join(n.encode() + b"\0" for n, *_ in FUNCS)
    files = b"".join(f.encode() + b"\0" for *_, f, _ in FUNCS)
    cutab = b"".join(struct.pack("<I", files.index(f.encode()))
                     for *_, f, _ in FUNCS)
    pctab = bytearray(b"\0")
    tabs = []
    for i, (_, lo, hi, _, line) in enumerate(FUNCS):
        half = (hi - lo) // 2
        pcfile = len(pctab)
        pctab += pcvalue([(i, hi - lo)])
        pcln = len(pctab)
        pctab += pcvalue([(line, half), (line + 1, hi - lo - half)])
        tabs.append((pcfile, pcln))
    funcname_off = hdr_size
    cu_off = funcname_off + len(names)
    filetab_off = cu_off + len(cutab)
    pctab_off = filetab_off + len(files)
    pcln_off = pctab_off + len(pctab)
    pcln_off += -pcln_off % ptr
    field = 4 if ver >= 118 else ptr
    functab_size = (2 * len(FUNCS) + 1) * field
    funcs = bytearray()
    funcoffs = []
    name_at = 0
    for i, (name, lo, hi, _, line) in enumerate(FUNCS):
        off = functab_size + len(funcs)
        off += -off % 4
        funcs += b"\0" * (off - functab_size - len(funcs))
        funcoffs.append(off)
        entry = struct.pack("<I", lo) if ver >= 118 else struct.pack(word, TEXT + lo)
        pcfile, pcln = tabs[i]
        # nameOff args deferreturn pcsp pcfile pcln npcdata cuOffset
        rec = entry + struct.pack("<iiIIIIII", name_at, 0, 0, 0, pcfile,
                                  pcln, 0, 0)
        if ver >= 120:
            rec += struct.pack("<i", line)
        rec += bytes([0, 0, 0, 0])  # funcID flag pad nfuncdata
        funcs += rec
        name_at += len(name) + 1
    functab = bytearray()
    for i, (_, lo, _, _, _) in enumerate(FUNCS):
        if ver >= 118:
            functab += struct.pack("<II", lo, funcoffs[i])
        else:
            functab += struct.pack(word, TEXT + lo) + struct.pack(word, funcoffs[i])
    end = FUNCS[-1][2]
    functab += struct.pack("<I", end) if ver >= 118 else struct.pack(word, TEXT + end)
    words = [len(FUNCS), len(FUNCS)]
    if ver >= 118:
        words.append(TEXT)
    words += [funcname_off, cu_off, filetab_off, pctab_off, pcln_off]
    hdr = struct.pack("<I", MAGIC[ver]) + bytes([0, 0, 1, ptr])
    hdr += b"".join(struct.pack(word, w) for w in words)
    body = names + cutab + files + bytes(pctab)
    body += b"\0" * (pcln_off - hdr_size - len(body))
    return hdr + body + bytes(functab) + bytes(funcs)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for ver in (116, 118, 120):
        for ptr in (8, 4):
            with open(os.path.join(out, "go%d-%d" % (ver, ptr * 8)), "wb") as f:
                f.write(table(ver, ptr))


if __name__ == "__main__":
    main()

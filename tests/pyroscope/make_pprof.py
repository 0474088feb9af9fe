#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Writes a pprof file from folded stacks, with Debian's python3-protobuf
and a module protoc compiles from common/format/profile.proto: an encoder that
shares nothing with ebprof's.

  make_pprof.py PROTO FOLDED OUT TIME_NANOS DURATION_NANOS [--raw]

Sample types samples/count and cpu/nanoseconds (period 1e9/99), one
function and location per distinct frame name; gzipped unless --raw.
"""
import gzip
import importlib
import os
import subprocess
import sys
import tempfile


def main():
    proto, src, out, t, dur = sys.argv[1:6]
    raw = "--raw" in sys.argv[6:]
    tmp = tempfile.mkdtemp(prefix="ebprof-pb-")
    subprocess.run(["protoc", "--python_out=" + tmp,
                    "-I" + os.path.dirname(os.path.abspath(proto)),
                    os.path.abspath(proto)], check=True)
    sys.path.insert(0, tmp)
    pb = importlib.import_module(
        os.path.splitext(os.path.basename(proto))[0] + "_pb2")
    p = pb.Profile()
    strings = {"": 0}
    p.string_table.append("")

    def s(x):
        if x not in strings:
            strings[x] = len(p.string_table)
            p.string_table.append(x)
        return strings[x]

    for ty, unit in (("samples", "count"), ("cpu", "nanoseconds")):
        vt = p.sample_type.add()
        vt.type, vt.unit = s(ty), s(unit)
    p.period_type.type, p.period_type.unit = s("cpu"), s("nanoseconds")
    p.period = 10**9 // 99
    p.time_nanos = int(t)
    p.duration_nanos = int(dur)
    locs = {}
    with open(src) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            ids = []
            for name in stack.split(";"):
                if name not in locs:
                    fn = p.function.add()
                    fn.id = len(p.function)
                    fn.name = fn.system_name = s(name)
                    loc = p.location.add()
                    loc.id = len(p.location)
                    loc.line.add().function_id = fn.id
                    locs[name] = loc.id
                ids.append(locs[name])
            smp = p.sample.add()
            smp.location_id.extend(reversed(ids))
            smp.value.extend([int(count), int(count) * p.period])
    data = p.SerializeToString()
    with open(out, "wb") as f:
        f.write(data if raw else gzip.compress(data))


if __name__ == "__main__":
    main()

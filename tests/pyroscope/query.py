#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Questions about what the fake Pyroscope server received.

  query.py DIR EXPR [ARGS...]

evaluates the Python expression EXPR and prints its value (lists one item a
line, dicts as sorted JSON).  Names in scope:
  reqs        every request (dicts, see fake_server.py), in order
  ok          the accepted ones (status 200)
  args        ARGS
  folded(d)   a {stack: count} dict as sorted folded lines
  merged(rs)  the stacks of requests rs summed into one dict
  load(path)  a folded file as a dict, counts rounded like ebprof push does
  sha(path)   sha256 of a file
"""
import hashlib
import json
import os
import sys


def folded(d):
    return "\n".join("%s %d" % (k, v) for k, v in sorted(d.items()) if v)


def merged(rs):
    out = {}
    for r in rs:
        for k, v in r.get("samples", {}).items():
            out[k] = out.get(k, 0) + v
    return out


def load(path):
    out = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            stack, _, count = line.rpartition(" ")
            stack = stack.rstrip()
            v = float(count)
            # Round half away from zero, as C's llround().
            n = int(v + 0.5)
            out[stack] = out.get(stack, 0) + n
    return {k: v for k, v in out.items() if v}


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    d, expr, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    reqs = []
    p = os.path.join(d, "requests.jsonl")
    if os.path.exists(p):
        with open(p) as f:
            reqs = [json.loads(l) for l in f if l.strip()]
    ok = [r for r in reqs if r.get("status") == 200]
    v = eval(expr, {"reqs": reqs, "ok": ok, "args": args, "folded": folded,
                    "merged": merged, "load": load, "sha": sha, "len": len,
                    "sorted": sorted, "set": set, "sum": sum, "min": min,
                    "max": max, "int": int, "str": str, "all": all,
                    "any": any})
    if isinstance(v, (list, tuple)):
        print("\n".join(str(x) for x in v))
    elif isinstance(v, dict):
        print(json.dumps(v, sort_keys=True))
    elif v is not None:
        print(v)


if __name__ == "__main__":
    main()

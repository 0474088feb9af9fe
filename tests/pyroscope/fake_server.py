#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A loopback stand-in for Grafana Pyroscope's ingest endpoint, for tests.

It implements POST /ingest (and /pyroscope/ingest) the way Pyroscope 1.x
documents and implements it (pkg/ingester/pyroscope/ingest_handler.go,
api/model/labelset, pkg/og/util/attime):

  - name: APP{k=v,...}, parsed character by character like labelset.Parse
    (no escaping: ',' and '}' end a value); service-name characters
    [A-Za-z0-9_.-/], label-name characters [A-Za-z0-9_.];
  - the part of APP after its last dot is the profile type (no dot: cpu);
    an unknown type is a 400;
  - from/until: digits are seconds, or ms/us/ns by 13/16/19 digits; "now"
    and "now-1h"; default now;
  - body: multipart/form-data with the field "profile" (a pprof, possibly
    gzipped; "prev_profile" is refused), format=pprof raw, otherwise folded
    lines "stack COUNT" split at the last space, the count an integer or
    the whole request fails, lines longer than 64 KiB fail;
  - profiles older than --max-age (1 h) or more than 10 min ahead: 400;
    more samples than --max-samples (16,000): 400;
  - errors are JSON {"code": ..., "message": ...}; success is 200, empty.

pprof bodies are decoded with Debian's python3-protobuf and a module
protoc compiles from --proto at start-up: a decoder independent of ebprof.

Everything received is recorded in --dir: requests.jsonl (one JSON object
per request, with the decoded stacks), ingested.txt (one line per stack of
each accepted profile: N NAME FROM_NS UNTIL_NS STACK COUNT, tab-separated)
and body-N.bin (the raw bodies).  Injected failures: --fail-first N,
--fail-status, --retry-after, --always STATUS, --fail-file PATH (503 while
it exists), --slow SECONDS, --require-tenant, --require-auth VALUE.
"""

import argparse
import email.parser
import email.policy
import gzip
import hashlib
import http.server
import importlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse

KNOWN_TYPES = {
    "cpu", "wall", "inuse_objects", "inuse_space", "alloc_objects",
    "alloc_space", "goroutines", "mutex_count", "mutex_duration",
    "block_count", "block_duration", "itimer", "alloc_in_new_tlab_objects",
    "alloc_in_new_tlab_bytes", "alloc_outside_tlab_objects",
    "alloc_outside_tlab_bytes", "lock_count", "lock_duration", "live",
    "exceptions", "seconds", "nanoseconds", "microseconds", "milliseconds",
    "bytes",
}
SERVICE_RE = re.compile(r"^[A-Za-z0-9_.\-/]+$")
LABEL_RE = re.compile(r"^[A-Za-z0-9_.]+$")
MAX_LINE = 64 * 1024


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def parse_name(name):
    """labelset.Parse: returns (service name, {label: value})."""
    labels = {}
    state, key, value = "name", "", ""
    service = None
    for ch in name + "{":
        if state == "name":
            if ch == "{":
                service = value.strip()
                if not service or not SERVICE_RE.match(service):
                    raise BadRequest(400, "name: invalid service name %r"
                                     % service)
                state, value = "labels", ""
            else:
                value += ch
        elif state == "labels":
            if ch == "}":
                state = "done"
            elif ch == "=":
                state, value = "value", ""
            else:
                key += ch
        elif state == "value":
            if ch in ",}":
                k = key.strip()
                if not LABEL_RE.match(k):
                    raise BadRequest(400, "name: invalid label name %r" % k)
                labels[k] = value.strip()
                key = ""
                state = "labels" if ch == "," else "done"
            else:
                value += ch
    return service, labels


def parse_time(s, now_ns):
    """attime.Parse, in nanoseconds."""
    s = s.strip().replace("_", "").replace(",", "").replace(" ", "")
    if s.isdigit():
        v = int(s)
        return {13: v * 10**6, 16: v * 10**3, 19: v}.get(len(s), v * 10**9)
    m = re.match(r"^now(?:([+-])(\d+)([a-z]*))?$", s)
    if not m:
        return now_ns
    if not m.group(1):
        return now_ns
    mult = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
    unit = m.group(3) or "s"
    sec = int(m.group(2)) * mult.get(unit, mult.get(unit[:1], 0))
    return now_ns + (1 if m.group(1) == "+" else -1) * sec * 10**9


def parse_folded(body):
    samples = {}
    for line in body.split(b"\n"):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise BadRequest(400, "bufio.Scanner: token too long")
        i = line.rfind(b" ")
        if i <= 0:
            raise BadRequest(400, "invalid line: %r" % line[:80])
        count = line[i + 1:].strip()
        if not count.isdigit():
            raise BadRequest(400, "strconv.Atoi: parsing %r: invalid syntax"
                             % count.decode("utf-8", "replace"))
        stack = line[:i].decode("utf-8", "replace")
        samples[stack] = samples.get(stack, 0) + int(count)
    return samples


class Pprof:
    module = None

    @classmethod
    def load(cls, proto, outdir):
        if not proto:
            return
        os.makedirs(outdir, exist_ok=True)
        subprocess.run(["protoc", "--python_out=" + outdir,
                        "-I" + os.path.dirname(os.path.abspath(proto)),
                        os.path.abspath(proto)], check=True)
        sys.path.insert(0, outdir)
        name = os.path.splitext(os.path.basename(proto))[0] + "_pb2"
        cls.module = importlib.import_module(name)

    @classmethod
    def decode(cls, data):
        if cls.module is None:
            raise BadRequest(501, "this test server has no pprof decoder")
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except Exception as e:
                raise BadRequest(422, "failed to decompress: %s" % e)
        prof = cls.module.Profile()
        try:
            prof.ParseFromString(data)
        except Exception as e:
            raise BadRequest(422, "failed to parse pprof: %s" % e)
        st = prof.string_table
        if not st or st[0] != "":
            raise BadRequest(422, "string_table[0] is not empty")
        types = [st[t.type] for t in prof.sample_type]
        idx = types.index("samples") if "samples" in types else 0
        funcs = {f.id: st[f.name] for f in prof.function}
        locs = {}
        for loc in prof.location:
            # Lines: inlined callees first; we want root first.
            locs[loc.id] = [funcs.get(l.function_id, "?")
                            for l in reversed(loc.line)] or \
                ["0x%x" % loc.address]
        samples = {}
        for s in prof.sample:
            if len(s.value) != len(types):
                raise BadRequest(422, "sample has %d values, %d types"
                                 % (len(s.value), len(types)))
            frames = []
            for lid in reversed(s.location_id):
                if lid not in locs:
                    raise BadRequest(422, "unknown location id %d" % lid)
                frames.extend(locs[lid])
            key = ";".join(frames)
            samples[key] = samples.get(key, 0) + s.value[idx]
        return {"samples": samples, "types": types,
                "time_nanos": prof.time_nanos,
                "duration_nanos": prof.duration_nanos,
                "nr_samples": len(prof.sample)}


def parse_multipart(ctype, body):
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        raise BadRequest(400, "malformed multipart body")
    fields = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[name] = (part.get_payload(decode=True) or b"",
                        part.get_filename())
    return fields


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.n = 0
        self.ingest_n = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-pyroscope/1"

    def log_message(self, fmt, *a):
        pass

    def reply(self, status, message=None, headers=()):
        body = b""
        if message is not None:
            body = json.dumps({"code": status, "message": message}).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/ready":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"ready")
        else:
            self.reply(404, "not found")

    def do_POST(self):
        st = self.server.state
        a = st.args
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        with st.lock:
            st.n += 1
            n = st.n
        rec = {"n": n, "t": time.time(), "path": url.path, "query": q,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "length": len(body),
               "sha256": hashlib.sha256(body).hexdigest()}
        with open(os.path.join(a.dir, "body-%d.bin" % n), "wb") as f:
            f.write(body)
        status, message, extra = 200, None, []
        try:
            if url.path not in ("/ingest", "/pyroscope/ingest"):
                raise BadRequest(404, "not found")
            if a.slow:
                time.sleep(a.slow)
            with st.lock:
                st.ingest_n += 1
                ingest_n = st.ingest_n
            if a.always:
                raise BadRequest(a.always, a.message or "injected failure")
            if ingest_n <= a.fail_first or (
                    a.fail_file and os.path.exists(a.fail_file)):
                if a.retry_after is not None:
                    extra.append(("Retry-After", str(a.retry_after)))
                raise BadRequest(a.fail_status, "injected failure %d"
                                 % ingest_n)
            if a.require_auth and \
                    self.headers.get("Authorization") != a.require_auth:
                raise BadRequest(401, "unauthorized")
            if a.require_tenant and not self.headers.get("X-Scope-OrgID"):
                raise BadRequest(401, "no org id")
            self.ingest(q, body, rec)
        except BadRequest as e:
            status, message = e.status, e.message
        rec["status"] = status
        rec["message"] = message
        with st.lock:
            with open(os.path.join(a.dir, "requests.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")
            if status == 200:
                with open(os.path.join(a.dir, "ingested.txt"), "a") as f:
                    for stack, count in sorted(rec["samples"].items()):
                        f.write("%d\t%s\t%d\t%d\t%s\t%d\n" % (
                            n, q.get("name", ""), rec["from_ns"],
                            rec["until_ns"], stack, count))
        self.reply(status, message, extra)

    def ingest(self, q, body, rec):
        a = self.server.state.args
        now = time.time_ns()
        service, labels = parse_name(q.get("name", ""))
        parts = service.split(".")
        ptype = parts[-1] if len(parts) > 1 else "cpu"
        if ptype not in KNOWN_TYPES:
            raise BadRequest(400, "pyroscopeIngesterAdapter failed to "
                             "convert metadata: unknown profile type: %s"
                             % ptype)
        rec["app"] = ".".join(parts[:-1]) if len(parts) > 1 else service
        rec["profile_type"] = ptype
        rec["labels"] = labels
        t_from = parse_time(q["from"], now) if q.get("from") else now
        t_until = parse_time(q["until"], now) if q.get("until") else now
        ctype = self.headers.get("Content-Type", "")
        fmt = q.get("format", "")
        if fmt == "pprof":
            rec["format"] = "pprof-raw"
            dec = Pprof.decode(body)
        elif "multipart/form-data" in ctype:
            rec["format"] = "multipart"
            fields = parse_multipart(ctype, body)
            rec["fields"] = sorted(k for k in fields if k)
            if "prev_profile" in fields:
                raise BadRequest(400, "prev_profile is not supported")
            if "profile" not in fields:
                raise BadRequest(400, "no profile field")
            data, filename = fields["profile"]
            rec["filename"] = filename
            rec["profile_sha256"] = hashlib.sha256(data).hexdigest()
            dec = Pprof.decode(data)
        elif fmt in ("", "folded", "groups"):
            rec["format"] = "folded"
            dec = {"samples": parse_folded(body)}
        else:
            raise BadRequest(400, "format %s is not emulated" % fmt)
        if dec.get("time_nanos"):
            t_from = dec["time_nanos"]
            t_until = t_from + dec.get("duration_nanos", 0)
        rec["from_ns"], rec["until_ns"] = t_from, t_until
        rec["samples"] = dec["samples"]
        rec["types"] = dec.get("types", ["samples"])
        rec["total"] = sum(dec["samples"].values())
        nr = dec.get("nr_samples", len(dec["samples"]))
        if nr > a.max_samples:
            raise BadRequest(400, "profile has %d samples, the limit is %d"
                             % (nr, a.max_samples))
        if t_from < now - a.max_age * 10**9:
            raise BadRequest(400, "profile is too old: older than %ds"
                             % a.max_age)
        if t_from > now + 600 * 10**9:
            raise BadRequest(400, "profile is too far in the future")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--proto")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=503)
    p.add_argument("--retry-after", type=int)
    p.add_argument("--fail-file")
    p.add_argument("--always", type=int, default=0)
    p.add_argument("--message")
    p.add_argument("--slow", type=float, default=0)
    p.add_argument("--require-tenant", action="store_true")
    p.add_argument("--require-auth")
    p.add_argument("--max-samples", type=int, default=16000)
    p.add_argument("--max-age", type=int, default=3600)
    p.add_argument("--lifetime", type=float, default=900,
                   help="exit after this many seconds in any case")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    Pprof.load(a.proto, os.path.join(a.dir, "pb"))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(a)
    tmp = os.path.join(a.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(a.dir, "port"))
    timer = threading.Timer(a.lifetime, lambda: os._exit(3))
    timer.daemon = True
    timer.start()
    srv.serve_forever()


if __name__ == "__main__":
    main()

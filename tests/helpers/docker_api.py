#!/usr/bin/env python3
# A stand-in for the Docker Engine API on a unix socket, for the container
# tests (these machines have no container runtime).  It answers
# GET /version and GET [/vN.NN]/containers/{ref}/json, {ref} being a name,
# an id or an id prefix, from a JSON file:
# [{"Id": ..., "Name": "/web-1", "Labels": {...}}].  As dockerd does, it
# answers 404 {"message": ...} for unknown containers and 400 for an API
# version outside [--min-api, --max-api] (default 1.44 to 1.52, Docker 29).
#
#   docker_api.py SOCKET CONTAINERS.json [--delay SECONDS] [--log FILE]
#                 [--min-api 1.NN] [--max-api 1.NN]
#
# --delay makes every answer late (a slow daemon); --log appends one line
# per request (the path), so tests can count queries.
import argparse
import http.server
import json
import os
import re
import socketserver
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("containers")
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--log")
    ap.add_argument("--min-api", default="1.44")
    ap.add_argument("--max-api", default="1.52")
    a = ap.parse_args()
    with open(a.containers) as f:
        containers = json.load(f)

    def find(ref):
        for c in containers:
            if c["Name"].lstrip("/") == ref or c["Id"] == ref:
                return c
        hits = [c for c in containers if c["Id"].startswith(ref)]
        return hits[0] if len(hits) == 1 else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def address_string(self):
            return "unix"

        def send(self, code, obj):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Api-Version", "1.41")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if a.log:
                with open(a.log, "a") as f:
                    f.write(self.path + "\n")
            if a.delay:
                time.sleep(a.delay)
            minor = lambda v: int(v.split(".")[1])
            if self.path == "/version":
                self.send(200, {"Version": "29.0.0", "ApiVersion": a.max_api,
                                "MinAPIVersion": a.min_api})
                return
            m = re.fullmatch(r"(?:/v(1\.\d+))?/containers/([^/]+)/json",
                             self.path)
            if m and m.group(1) and minor(m.group(1)) < minor(a.min_api):
                self.send(400, {"message": "client version %s is too old. "
                                "Minimum supported API version is %s, please "
                                "upgrade your client to a newer version"
                                % (m.group(1), a.min_api)})
                return
            if m and m.group(1) and minor(m.group(1)) > minor(a.max_api):
                self.send(400, {"message": "client version %s is too new. "
                                "Maximum supported API version is %s"
                                % (m.group(1), a.max_api)})
                return
            if not m:
                self.send(404, {"message": "page not found"})
                return
            c = find(m.group(2))
            if not c:
                self.send(404, {"message": "No such container: " + m.group(2)})
                return
            self.send(200, {
                "Id": c["Id"], "Name": c["Name"],
                "State": {"Status": "running", "Running": True},
                "Config": {"Labels": c.get("Labels") or None,
                           "Image": "stand-in"},
                "HostConfig": {"CgroupParent": ""},
            })

    class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True

    try:
        os.unlink(a.socket)
    except FileNotFoundError:
        pass
    srv = Server(a.socket, Handler)
    print("ready", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        os.unlink(a.socket)
    return 0


if __name__ == "__main__":
    sys.exit(main())

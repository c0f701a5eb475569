#!/usr/bin/env python3
"""A fault-injecting HTTP(S) proxy in front of an OCI registry, for ferry's push tests.

    fault_proxy.py --upstream https://127.0.0.1:5000 --ca ca.crt \
                   --cert server.crt --key server.key \
                   --port-file PORT --log requests.ndjson --rules rules.json

Listens on 127.0.0.1 (a free port, written to --port-file), terminates TLS with --cert/--key
when given, and forwards each request to the upstream registry (Host kept, so the registry's
Location headers point back at the proxy). Every request is logged as one JSON line:
{"n": …, "method": …, "path": …, "status": …, "fault": …, "bytes": …}, so a test can count
e.g. blob uploads by method and path.

--rules names a JSON file, re-read whenever it changes, holding a list of faults:
    [{"method": "PATCH", "path": "/blobs/uploads/", "nth": 2, "action": "reset"}, …]
`path` is a regular expression searched in the request path; `nth` counts the requests that
match this rule (1 = the first; "every": true for all). Actions:
    reset       read half the request body, then drop the connection (TCP RST), no answer
    500, 429    answer that status with a registry error body (and Retry-After: 0 for 429)
    stall       read half the body, then stop reading for `seconds` (default 30), then reset
"""
import argparse
import http.client
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}


class Rules:
    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.rules = []
        self.counts = {}
        self.lock = threading.Lock()

    def _reload(self):
        if not self.path or not os.path.exists(self.path):
            self.rules, self.mtime = [], None
            return
        mtime = os.stat(self.path).st_mtime_ns
        if mtime != self.mtime:
            with open(self.path) as f:
                text = f.read().strip()
            self.rules = json.loads(text) if text else []
            self.mtime = mtime
            self.counts = {}

    def match(self, method, path):
        with self.lock:
            self._reload()
            for i, rule in enumerate(self.rules):
                if rule.get("method", method) != method:
                    continue
                if not re.search(rule.get("path", ""), path):
                    continue
                self.counts[i] = self.counts.get(i, 0) + 1
                if rule.get("every") or self.counts[i] == rule.get("nth", 1):
                    return rule
            return None


class Log:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.n = 0

    def write(self, **entry):
        with self.lock:
            self.n += 1
            entry["n"] = self.n
            if self.path:
                with open(self.path, "a") as f:
                    f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ferry-fault-proxy"

    def log_message(self, fmt, *args):  # quiet: the NDJSON log is the record
        pass

    def _length(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return None
        return int(self.headers.get("Content-Length", "0") or 0)

    def _read_body(self, limit=None):
        """The request body (up to `limit` bytes when given); chunked bodies de-chunked."""
        length = self._length()
        if length is None:
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        want = length if limit is None else min(limit, length)
        chunks, got = [], 0
        while got < want:
            chunk = self.rfile.read(min(1 << 20, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _reset(self):
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _error(self, status, code, message, extra=None):
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fault(self, rule):
        action = str(rule.get("action"))
        length = self._length() or 0
        if action == "reset":
            self._read_body(limit=length // 2)
            self._reset()
            return 0
        if action == "stall":
            self._read_body(limit=length // 2)
            time.sleep(float(rule.get("seconds", 30)))
            self._reset()
            return 0
        status = int(action)
        self._read_body()
        extra = {"Retry-After": "0"} if status == 429 else {}
        code = "TOOMANYREQUESTS" if status == 429 else "UNKNOWN"
        self._error(status, code, f"injected by fault_proxy ({status})", extra)
        return status

    def _forward(self):
        cfg = self.server.cfg
        path = self.path
        rule = cfg.rules.match(self.command, path.split("?")[0])
        if rule is not None:
            status = self._fault(rule)
            cfg.log.write(method=self.command, path=path, status=status, fault=rule.get("action"))
            return
        body = self._read_body()
        # A repeated header (buildah sends one Accept per manifest type) is combined into one
        # comma-separated value, as HTTP allows for list-valued fields; a dict keeps the last.
        headers = {}
        for k, v in self.headers.items():
            if k.lower() in HOP_BY_HOP:
                continue
            known = next((h for h in headers if h.lower() == k.lower()), None)
            if known is None:
                headers[k] = v
            else:
                headers[known] += ", " + v
        headers["Content-Length"] = str(len(body))
        if self.command in ("GET", "HEAD", "DELETE") and not body:
            headers.pop("Content-Length", None)
        conn = cfg.upstream_connection()
        try:
            conn.request(self.command, path, body=body if body or self.command in (
                "POST", "PUT", "PATCH") else None, headers=headers)
            resp = conn.getresponse()
            data = resp.read() if self.command != "HEAD" else b""
        except (OSError, http.client.HTTPException) as e:
            self._error(502, "UNKNOWN", f"fault_proxy: upstream failed: {e}")
            cfg.log.write(method=self.command, path=path, status=502, fault=None)
            return
        finally:
            conn.close()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", resp.getheader("Content-Length", "0"))
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)
        cfg.log.write(method=self.command, path=path, status=resp.status, fault=None,
                      bytes=len(body))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward


class Config:
    def __init__(self, args):
        self.rules = Rules(args.rules)
        self.log = Log(args.log)
        scheme, _, hostport = args.upstream.partition("://")
        self.https = scheme == "https"
        host, _, port = hostport.rstrip("/").rpartition(":")
        self.host, self.port = host, int(port)
        self.context = ssl.create_default_context(cafile=args.ca) if self.https else None

    def upstream_connection(self):
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, context=self.context,
                                               timeout=120)
        return http.client.HTTPConnection(self.host, self.port, timeout=120)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--upstream", required=True)
    p.add_argument("--ca")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--rules")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.cfg = Config(args)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A minimal CGI host for `git http-backend` with HTTP basic auth, for ferry's tests.

Usage: git-http.py PORT GIT_PROJECT_ROOT CREDENTIALS_FILE

Listens on 127.0.0.1:PORT only. CREDENTIALS_FILE holds one line "user:sha256hex(password)".
Every request must carry matching basic-auth credentials (fetch and push alike), otherwise
the answer is 401 with a WWW-Authenticate challenge, as a real git host behind auth does.
Authenticated requests run git http-backend (smart HTTP) as a CGI program with
REMOTE_USER set, so pushes are allowed. Request bodies may be chunked (git sends large
pushes that way); they are decoded here before being handed to the backend.
Only the Python standard library is used.
"""
import base64
import hashlib
import hmac
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

BACKEND = os.environ.get("GIT_HTTP_BACKEND") or subprocess.run(
    ["git", "--exec-path"], capture_output=True, text=True, check=True
).stdout.strip() + "/git-http-backend"


def load_credentials(path):
    creds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and ":" in line:
                user, digest = line.split(":", 1)
                creds[user] = digest
    return creds


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, the response ends when we close it.
    protocol_version = "HTTP/1.0"
    server_version = "ferry-test-git-http"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def authorized_user(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, password = base64.b64decode(header[6:]).decode("utf-8").split(":", 1)
        except (ValueError, UnicodeDecodeError):
            return None
        expected = self.server.credentials.get(user)
        given = hashlib.sha256(password.encode("utf-8")).hexdigest()
        if expected is not None and hmac.compare_digest(expected, given):
            return user
        return None

    def read_body(self, sink):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                sink.write(self.rfile.read(size))
                self.rfile.readline()  # CRLF after each chunk
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining > 0:
                block = self.rfile.read(min(remaining, 1 << 16))
                if not block:
                    break
                sink.write(block)
                remaining -= len(block)

    def handle_any(self):
        user = self.authorized_user()
        if user is None:
            body = b"authentication required\n"
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="ferry-test-git"')
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        url = urllib.parse.urlsplit(self.path)
        with tempfile.TemporaryFile() as body:
            self.read_body(body)
            length = body.tell()
            body.seek(0)
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "GATEWAY_INTERFACE": "CGI/1.1",
                "SERVER_PROTOCOL": "HTTP/1.0",
                "SERVER_SOFTWARE": self.server_version,
                "REQUEST_METHOD": self.command,
                "PATH_INFO": urllib.parse.unquote(url.path),
                "QUERY_STRING": url.query,
                "REMOTE_ADDR": self.client_address[0],
                "REMOTE_USER": user,
                "AUTH_TYPE": "Basic",
                "CONTENT_LENGTH": str(length),
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "GIT_PROJECT_ROOT": self.server.project_root,
                "GIT_HTTP_EXPORT_ALL": "1",
            }
            for name in ("Content-Encoding", "Git-Protocol", "Accept"):
                if name in self.headers:
                    env["HTTP_" + name.upper().replace("-", "_")] = self.headers[name]
            proc = subprocess.Popen([BACKEND], stdin=body, stdout=subprocess.PIPE, env=env)
            status, headers = "200 OK", []
            while True:  # CGI response headers, up to the blank line
                line = proc.stdout.readline().decode("latin-1").rstrip("\r\n")
                if not line:
                    break
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = value.strip()
                else:
                    headers.append((name, value.strip()))
            code, _, reason = status.partition(" ")
            self.send_response(int(code), reason or None)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            shutil.copyfileobj(proc.stdout, self.wfile)
            proc.wait()

    do_GET = handle_any
    do_POST = handle_any


def main():
    port, root, creds = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.project_root = os.path.abspath(root)
    server.credentials = load_credentials(creds)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()

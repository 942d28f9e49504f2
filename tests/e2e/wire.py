"""Raw HTTP/1.1 over a socket: the bytes written are exactly the bytes the server reads (several lines of one
header, odd blanks, bytes >= 0x80, heads of any size), and responses are parsed by hand, header lines kept
as they came (names and values as latin-1 text, one entry per line, in order).
"""

import socket

TIMEOUT = 5


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name, value)] in arrival order
        self.body = body

    def values(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def get(self, name):
        values = self.values(name)
        return values[0] if values else None

    def cors(self):
        """Access-Control-* lines as {lowercased name: [values]}."""
        found = {}
        for n, v in self.headers:
            if n.lower().startswith("access-control-"):
                found.setdefault(n.lower(), []).append(v)
        return found

    def vary(self):
        """Every Vary token, over every Vary line, in order."""
        return [t.strip() for v in self.values("vary") for t in v.split(",") if t.strip()]

    def keeps_alive(self):
        return not any(t.strip().lower() == "close" for v in self.values("connection") for t in v.split(","))

    def __repr__(self):
        head = "\n".join(f"  {n}: {v}" for n, v in self.headers)
        return f"HTTP {self.status}\n{head}\n  body: {self.body[:120]!r}"


def request_bytes(method, path, port, headers=(), close=True):
    """The request head: `headers` is [(name, value bytes or str)], written one line each, exactly."""
    out = bytearray(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode("latin-1"))
    for name, value in headers:
        if isinstance(value, str):
            value = value.encode("latin-1")
        out += name.encode("latin-1") + b": " + value + b"\r\n"
    if close:
        out += b"Connection: close\r\n"
    return bytes(out + b"\r\n")


class Connection:
    """One TCP connection; responses are read one at a time so several can share it (keep-alive)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def closed_by_peer(self):
        """True when the server has closed its side (reads end) within the timeout."""
        try:
            self.sock.settimeout(2)
            return self.buffer == b"" and self.sock.recv(1) == b""
        except (socket.timeout, ConnectionError):
            return False
        except OSError:
            return True

    def read_response(self, head_request=False):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ValueError(f"not an HTTP response: {lines[0]!r}")
        status = int(parts[1])
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip(" \t")))
        response = Response(status, headers, b"")
        if head_request or status in (204, 304) or 100 <= status < 200:
            return response
        length = response.get("content-length")
        if response.get("transfer-encoding") and "chunked" in response.get("transfer-encoding").lower():
            response.body = self._read_chunked()
        elif length is not None:
            n = int(length)
            while len(self.buffer) < n:
                self._fill()
            response.body, self.buffer = self.buffer[:n], self.buffer[n:]
        else:  # delimited by the close
            try:
                while True:
                    self._fill()
            except ConnectionError:
                pass
            response.body, self.buffer = self.buffer, b""
        return response

    def _read_chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                self._fill()
            size_line, self.buffer = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(self.buffer) < size + 2:
                self._fill()
            body, self.buffer = body + self.buffer[:size], self.buffer[size + 2:]
            if size == 0:
                return body

    def close(self):
        self.sock.close()


def exchange(port, data, head_request=False):
    """Sends one request (bytes) on a new connection and reads one response."""
    connection = Connection(port)
    try:
        connection.send(data)
        return connection.read_response(head_request)
    finally:
        connection.close()

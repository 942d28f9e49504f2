"""Every server under test, and how one is run: write the policy file, start `<server> --policy FILE --port N`
on a free loopback port, wait until it answers, stop it (SIGTERM, then SIGKILL).

Adding a server is one `Server(...)` entry in SERVERS: its name, its command line, and the documented ways it
answers differently from the shared vectors (`deviations`). scripts/test-e2e.sh builds the binaries and says
where they are through the environment (see `binary`).
"""

import ctypes
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

from vectors import RawRequest
from wire import exchange, request_bytes

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
# Where scripts/test-e2e.sh puts the C servers it builds.
BIN = os.environ.get("CORSGUARD_E2E_BIN") or os.path.join(ROOT, "build", "servers")
# The venv scripts/test-python.sh installs the Python package into (scripts/test-e2e.sh makes sure it is fresh).
PYTHON_VENV = os.environ.get("CORSGUARD_PYTHON_VENV") or os.path.join(ROOT, "target", "python", "venv")
PYTHON_SERVER = os.path.join(ROOT, "bindings", "python", "examples", "server.py")


class Deviation:
    """A documented way a server answers a request differently from the vector: `applies(request)` says
    which requests (a RawRequest), `doc` where it is written, and what the server answers instead:

    - `check(response)` returns a problem or None (a refusal: `refused_without_cors`);
    - with `sometimes=True` the server may answer so or as the vector says (a limit that depends on how the
      request's bytes arrive), and an answer that fails `check` is held to the vector;
    - `shown(request)` is the request the server shows the middleware instead of the one sent (repeated header
      lines joined into one): the answer must be exactly the server's answer to that request, sent as is.
    """

    def __init__(self, name, doc, applies, check=None, sometimes=False, shown=None):
        assert (check is None) != (shown is None), "a deviation has a check or a shown request"
        self.name, self.doc, self.applies, self.check = name, doc, applies, check
        self.sometimes, self.shown = sometimes, shown


def refused_without_cors(*statuses):
    """The fail-closed answer: the request is refused before any decision, so no CORS header at all."""

    def check(response):
        if response.status not in statuses:
            return f"status {response.status}, documented {statuses}"
        if response.cors() or "Origin" in response.vary():
            return f"CORS headers on a refused request: {response.cors()} Vary {response.vary()}"
        return None

    return check


def refused_with_vary(status, vary):
    """Fail-closed too, but refused by the glue after it read the CORS headers: no Access-Control-* line, and
    exactly the `vary` tokens a denial of that request carries."""

    def check(response):
        if response.status != status:
            return f"status {response.status}, documented {status}"
        if response.cors() or response.vary() != vary:
            return f"documented no CORS header and Vary {vary}: got {response.cors()} Vary {response.vary()}"
        return None

    return check


class Server:
    def __init__(self, name, argv, deviations=(), keep_alive=True, refused_methods=(), doc="", app_vary_last=False):
        self.name = name
        # Methods the server itself refuses (400, no CORS headers) before the glue runs: preflights for them
        # are answered as the policy says, the request itself is not, so a browser reports a CORS failure.
        self.refused_methods = set(refused_methods)
        self._argv = argv  # (policy_path, port) -> [program, args...]
        self.deviations = list(deviations)
        self.keep_alive = keep_alive  # False: closes after every response, as its docs say
        # True: corsguard's Vary tokens come before the application's own (both kept, as its docs say)
        self.app_vary_last = app_vary_last
        self.doc = doc

    def argv(self, policy_path, port):
        return self._argv(policy_path, port)

    def deviation_for(self, raw):
        return next((e for e in self.deviations if e.applies(raw)), None)

    def __repr__(self):
        return self.name


def binary(name):
    return os.path.join(BIN, name)


PYTHON_DOC = "docs/python.md#what-uvicorn-and-waitress-cannot-expose"


def joined(raw):
    """The request as a WSGI environ shows it (waitress, PEP 3333): every header's lines, each stripped of SP
    and HTAB, joined into one line with ", ", at the place of its first line."""
    values = {}
    for name, value in raw.lines:
        values.setdefault(name.lower(), (name, []))[1].append(value.strip(b" \t"))
    return RawRequest(raw.method, [(name, b", ".join(lines)) for name, lines in values.values()])


def python_server(*mode):
    """bindings/python/examples/server.py under the venv's interpreter: ASGI under uvicorn, or `--wsgi`."""
    return lambda policy, port: [os.path.join(PYTHON_VENV, "bin", "python"), PYTHON_SERVER, "--policy", policy,
                                 "--port", str(port), *mode]


# civetweb 1.15 reads only these methods (src/civetweb.c, http_methods[]); any other is refused with 400.
CIVETWEB_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE", "PROPFIND",
                    "MKCOL", "LOCK", "UNLOCK", "PROPPATCH", "MOVE", "COPY", "REPORT", "MKACTIVITY", "CHECKOUT"}
CIVETWEB_UNKNOWN = {"PURGE"}  # the one the e2e cases use

SERVERS = [
    Server("rust", lambda policy, port: [os.path.join(TARGET, "debug", "examples", "server"), "--policy", policy,
                                         "--port", str(port)],
           doc="core/examples/server.rs"),
    Server("civetweb", lambda policy, port: [binary("civetweb_example_server"), "--policy", policy, "--port",
                                             str(port)],
           doc="docs/servers.md#what-civetweb-cannot-expose", refused_methods=CIVETWEB_UNKNOWN,
           deviations=[
               Deviation("a method civetweb does not know: 400", "docs/servers.md#what-civetweb-cannot-expose",
                         lambda raw: raw.method not in CIVETWEB_METHODS, refused_without_cors(400)),
               Deviation("a head over its 16 KiB buffer (max_request_size): 400 or 413",
                         "docs/servers.md#what-civetweb-cannot-expose",
                         lambda raw: len(raw.data) > 16 * 1024, refused_without_cors(400, 413)),
               Deviation("64 header lines or more, one of them Origin: 400",
                         "docs/servers.md#what-civetweb-cannot-expose",
                         lambda raw: raw.line_count >= 64 and raw.count("Origin") > 0, refused_without_cors(400)),
               Deviation("a tab anywhere in the head: 400", "docs/servers.md#what-civetweb-cannot-expose",
                         lambda raw: b"\t" in raw.data, refused_without_cors(400)),
               Deviation("a control byte (VT, DEL, ...) in a header value: 400",
                         "docs/servers.md#what-civetweb-cannot-expose",
                         lambda raw: any(b < 0x20 and b != 0x09 or b == 0x7F for _, v in raw.lines for b in v),
                         refused_without_cors(400)),
               Deviation("more than 32 Access-Control-Request-Headers lines: 400",
                         "docs/servers.md#what-civetweb-cannot-expose",
                         lambda raw: raw.count("Access-Control-Request-Headers") > 32, refused_without_cors(400)),
           ]),
    Server("microhttpd", lambda policy, port: [binary("mhd_example_server"), "--policy", policy, "--port",
                                               str(port)],
           doc="docs/servers.md#what-libmicrohttpd-cannot-expose",
           deviations=[
               Deviation("a head over 32 KiB: 431", "docs/servers.md#what-libmicrohttpd-cannot-expose",
                         lambda raw: len(raw.data) > 32 * 1024, refused_without_cors(431, 414)),
               Deviation("more than 32 Access-Control-Request-Headers lines: 400",
                         "docs/servers.md#what-libmicrohttpd-cannot-expose",
                         lambda raw: raw.count("Access-Control-Request-Headers") > 32, refused_without_cors(400)),
           ]),
    Server("nginx", lambda policy, port: [os.path.join(ROOT, "bindings", "nginx", "serve.sh"), "--policy", policy,
                                          "--port", str(port)],
           doc="docs/nginx.md#what-nginx-refuses-before-corsguard", refused_methods=(),
           deviations=[
               Deviation("a method other than uppercase letters, '_' and '-': 400 from nginx's request-line parser",
                         "docs/nginx.md#what-nginx-refuses-before-corsguard",
                         lambda raw: re.fullmatch(r"[A-Z_-]+", raw.method) is None, refused_without_cors(400)),
               Deviation("more than 32 Access-Control-Request-Headers lines: 400",
                         "docs/nginx.md#what-nginx-refuses-before-corsguard",
                         lambda raw: raw.count("Access-Control-Request-Headers") > 32, refused_without_cors(400)),
               Deviation("a header line longer than large_client_header_buffers (32 KiB in serve.sh): 400",
                         "docs/nginx.md#what-nginx-refuses-before-corsguard",
                         lambda raw: any(len(name) + len(value) + 4 > 32 * 1024 for name, value in raw.lines),
                         refused_without_cors(400)),
           ]),
    Server("go", lambda policy, port: [os.path.join(ROOT, "bindings", "go", "build", "corsguard-example"), "--policy",
                                       policy, "--port", str(port)],
           doc="docs/go.md#what-the-go-server-answers-differently", app_vary_last=True,
           deviations=[
               Deviation("a control byte other than tab (VT, DEL, ...) in a header value: 400 from net/http",
                         "docs/go.md#what-the-go-server-answers-differently",
                         lambda raw: any(b < 0x20 and b != 0x09 or b == 0x7F for _, v in raw.lines for b in v),
                         refused_without_cors(400)),
               Deviation("more than 32 Access-Control-Request-Headers lines: 400 from the middleware, with the "
                         "preflight's Vary", "docs/go.md#what-the-go-server-answers-differently",
                         lambda raw: raw.count("Access-Control-Request-Headers") > 32,
                         refused_with_vary(400, ["Origin", "Access-Control-Request-Method",
                                                 "Access-Control-Request-Headers"])),
           ]),
    Server("responder", lambda policy, port: [binary("responder"), "--policy", policy, "--port", str(port)],
           keep_alive=False, doc="tests/embedded/responder.c",
           deviations=[
               Deviation("request head over 8 KiB: 431", "tests/embedded/responder.c (REQUEST_MAX)",
                          lambda raw: len(raw.data) > 8192, refused_without_cors(431)),
               Deviation("more than 32 lines of one CORS header: 400",
                          "tests/embedded/responder.c (LINES_MAX = CORSGUARD_MAX_HEADER_LINES)",
                          lambda raw: raw.max_lines > 32, refused_without_cors(400)),
           ]),
    Server("python-asgi", python_server(), doc=PYTHON_DOC,
           deviations=[
               Deviation("NUL, VT or FF in a header value (h11): 400", PYTHON_DOC,
                         lambda raw: any(b in (0x00, 0x0B, 0x0C) for _, v in raw.lines for b in v),
                         refused_without_cors(400)),
               Deviation("a head over 16 KiB, when more than 16 KiB of it arrive before its end (h11): 400",
                         PYTHON_DOC, lambda raw: len(raw.data) > 16 * 1024, refused_without_cors(400),
                         sometimes=True),
           ]),
    Server("python-wsgi", python_server("--wsgi"), doc=PYTHON_DOC,
           deviations=[
               Deviation("a method that is not all uppercase (waitress): 400", PYTHON_DOC,
                         lambda raw: raw.method != raw.method.upper(), refused_without_cors(400)),
               Deviation("a control byte other than HTAB in a header value (waitress): 400", PYTHON_DOC,
                         lambda raw: any(b < 0x20 and b != 0x09 or b == 0x7F for _, v in raw.lines for b in v),
                         refused_without_cors(400)),
               Deviation("a head over 256 KiB (waitress's max_request_header_size): 431", PYTHON_DOC,
                         lambda raw: len(raw.data) > 256 * 1024, refused_without_cors(431)),
               Deviation("several Access-Control-Request-Headers lines (one of each other CORS header): decided "
                         "as the one line the WSGI environ holds, the values joined with ', '", PYTHON_DOC,
                         lambda raw: raw.count("Access-Control-Request-Headers") > 1
                         and all(raw.count(h) <= 1 for h in ("Origin", "Access-Control-Request-Method",
                                                              "Access-Control-Request-Private-Network")),
                         shown=joined),
           ]),
]


def die_with_parent():
    """For preexec_fn: the child gets SIGKILL when the test process dies (Linux), so an interrupted run leaves
    no server or browser behind."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StartError(Exception):
    pass


class Running:
    """One server process serving one policy."""

    def __init__(self, server, policy_text, workdir):
        self.server = server
        self.policy_text = policy_text
        fd, self.policy_path = tempfile.mkstemp(suffix=".policy", dir=workdir)
        with os.fdopen(fd, "w") as f:
            f.write(policy_text)
        self.log_path = self.policy_path[: -len(".policy")] + ".log"
        self.process = None
        self.port = None
        for _ in range(3):  # another process may take the free port before the server binds it
            if self._start():
                return
        raise StartError(f"{server.name} did not start: {self.log()}")

    def _start(self):
        self.port = free_port()
        argv = self.server.argv(self.policy_path, self.port)
        if not os.access(argv[0], os.X_OK):
            raise StartError(f"{self.server.name}: {argv[0]} is not built (scripts/test-e2e.sh builds it)")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            preexec_fn=die_with_parent)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                exchange(self.port, request_bytes("GET", "/api/items", self.port))
                return True
            except (OSError, ValueError):
                time.sleep(0.01)
        self.stop()
        return False

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self):
        """SIGTERM, without waiting: civetweb takes 2 s to join its threads, and the next server has its own port."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Pool:
    """At most one running instance per server; asking for another policy restarts it. Tests come sorted by
    policy, so each server starts once per distinct policy."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.running = {}
        self.stopping = []
        self.starts = {}

    def get(self, server, policy_text):
        current = self.running.get(server.name)
        if current is not None and current.policy_text == policy_text and current.alive():
            return current
        if current is not None:
            current.terminate()
            self.stopping.append(current)
            del self.running[server.name]
        instance = Running(server, policy_text, self.workdir)
        self.running[server.name] = instance
        self.starts[server.name] = self.starts.get(server.name, 0) + 1
        return instance

    def stop_all(self):
        for instance in [*self.stopping, *self.running.values()]:
            instance.stop()
        self.running.clear()
        self.stopping.clear()


def selected():
    """The servers to test: all, or those named in CORSGUARD_E2E_SERVERS (comma-separated)."""
    names = [n for n in os.environ.get("CORSGUARD_E2E_SERVERS", "").split(",") if n]
    unknown = set(names) - {s.name for s in SERVERS}
    if unknown:
        raise SystemExit(f"CORSGUARD_E2E_SERVERS names unknown servers: {sorted(unknown)}")
    return [s for s in SERVERS if not names or s.name in names]
